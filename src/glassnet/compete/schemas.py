"""The API's documents (pydantic), apart from the tables so hidden columns cannot leak.

Each schema lists exactly what may be shown; private scores are filled in only once
the competition is revealed, by the code that builds them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from glassnet.compete.crud import check_team_name


class Health(BaseModel):
    """The server is up."""

    status: str = "ok"


class CompetitionInfo(BaseModel):
    """What students may know about a competition."""

    name: str
    metric: str
    greater_is_better: bool
    wants: str = Field(description="'labels' or 'probabilities' (of positive_label)")
    id_column: str
    target: str
    expected_header: str
    labels: list[str]
    positive_label: str
    test_rows: int
    daily_limit: int
    final_selections: int
    deadline: datetime | None
    scoring: str
    precision: int
    revealed: bool
    closed: bool
    late_until: datetime | None = Field(
        None, description="late work is taken after the deadline until then, never ranked"
    )
    takes_late: bool = Field(False, description="a submission now would be late work")
    files: list[str] = Field([], description="the students' files, at .../files/NAME")


class LeaderboardRow(BaseModel):
    """One line of the board; private fields are null until the reveal."""

    rank: int | None
    team: str
    public_score: float
    private_score: float | None = None
    private_rank: int | None = None
    shake_up: int | None = Field(None, description="public rank minus private rank")
    baseline: bool
    entries: int


class Leaderboard(BaseModel):
    """The board of one competition."""

    competition: str
    metric: str
    greater_is_better: bool
    revealed: bool
    precision: int = Field(description="decimals the scores are rounded to, and shown with")
    rows: list[LeaderboardRow]


class SubmissionOut(BaseModel):
    """One of the team's submissions, as the team may see it."""

    id: int
    status: str = "scored"
    created_at: datetime
    filename: str
    public_score: float = Field(description="the released public score, rounded")
    released: bool = Field(description="False: the Ladder kept the previous best")
    private_score: float | None = None
    selected: bool
    note: str = ""
    late: bool = Field(False, description="sent after the deadline: never ranked")


class SubmitResult(SubmissionOut):
    """The answer to an upload."""

    duplicate: bool = Field(description="the same file again within seconds: not counted")
    remaining_today: int


class TeamView(BaseModel):
    """A team's page: its submissions and what it has left today."""

    team: str
    members: str
    remaining_today: int
    daily_limit: int
    final_selections: int
    submissions: list[SubmissionOut]


class NewTeam(BaseModel):
    """An instructor's request for a team."""

    name: str = Field(min_length=1, max_length=100)
    members: list[str] = []

    @field_validator("name")
    @classmethod
    def _readable(cls, name: str) -> str:
        return check_team_name(name)


class NewTeamToken(BaseModel):
    """A new team and its token, shown this once."""

    team: str
    token: str


class RosterTeamToken(NewTeamToken):
    """A team of a roster, its members and e-mail, and its token (shown this once)."""

    members: str
    email: str


class Grade(BaseModel):
    """One team's line of the grades (private parts null until the reveal)."""

    team: str
    members: str
    email: str
    best_public: float | None
    public_rank: int | None
    final_private: float | None
    private_rank: int | None
    submissions: int
    last_submission: datetime | None
    late_submissions: int
    best_late_private: float | None


class Selection(BaseModel):
    """Choose (true) or unchoose (false) a submission as final."""

    selected: bool = True


class Revealed(BaseModel):
    """The competition's private scores are now shown."""

    revealed: bool
