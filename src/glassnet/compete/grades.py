"""What a gradebook imports: one row per team; and every submission, for the record.

Private scores and ranks are filled in only once the competition is revealed, here as
everywhere (the instructor's exports included: an instructor page shown on a projector
gives nothing away before the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from glassnet.compete import board, crud
from glassnet.compete.models import Competition, Submission, Team
from glassnet.compete.scoring import get_metric

GRADE_COLUMNS = (
    "team",
    "members",
    "email",
    "best_public",
    "public_rank",
    "final_private",
    "private_rank",
    "submissions",
    "last_submission",
    "late_submissions",
    "best_late_private",
)
SUBMISSION_COLUMNS = (
    "id",
    "team",
    "created_at",
    "filename",
    "note",
    "public_score",
    "released",
    "private_score",
    "selected",
    "late",
)


@dataclass
class GradeRow:
    """One team's grades line (see :data:`GRADE_COLUMNS`); None where there is nothing."""

    team: str
    members: str
    email: str
    best_public: float | None = None
    public_rank: int | None = None
    final_private: float | None = None
    private_rank: int | None = None
    submissions: int = 0
    last_submission: datetime | None = None
    late_submissions: int = 0
    best_late_private: float | None = None

    def cells(self) -> list[object]:
        """Return the row's values in :data:`GRADE_COLUMNS` order (times as ISO 8601, UTC)."""
        values = [getattr(self, column) for column in GRADE_COLUMNS]
        return [v.isoformat(timespec="seconds") if isinstance(v, datetime) else v for v in values]


def grades(session: Session, competition: Competition) -> list[GradeRow]:
    """Build every team's grades line, ranked teams first, in board order; baselines left out.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
    competition : Competition

    Returns
    -------
    list of GradeRow
        Teams without a submission too (blank scores, 0 submissions), at the end.
    """
    revealed = crud.is_revealed(competition)
    digits = competition.precision
    greater = get_metric(competition.metric).greater_is_better
    teams = session.scalars(
        select(Team).where(Team.competition_id == competition.id, ~Team.baseline)
    ).all()
    rows = {team.id: GradeRow(team.name, team.members, team.email) for team in teams}
    by_name = {row.team: row for row in rows.values()}
    for line in board.leaderboard(session, competition):
        row = by_name.get(line.team)
        if row is None:  # a baseline
            continue
        row.best_public, row.public_rank = round(line.public_score, digits), line.rank
        if revealed and line.private_score is not None:
            row.final_private = round(line.private_score, digits)
            row.private_rank = line.private_rank
    for submission in _submissions(session, competition):
        row = rows.get(submission.team_id)
        if row is None:
            continue
        if submission.late:
            row.late_submissions += 1
            if revealed:
                score = round(submission.private_score, digits)
                best = row.best_late_private
                better = best is None or (score > best if greater else score < best)
                row.best_late_private = score if better else best
            continue
        row.submissions += 1
        row.last_submission = submission.created_at
    ranked = sorted(
        rows.values(),
        key=lambda r: (r.public_rank is None, r.public_rank or 0, r.team.casefold()),
    )
    return ranked


def submission_rows(session: Session, competition: Competition) -> list[list[object]]:
    """Every submission of every team (baselines left out), oldest first: the record."""
    revealed = crud.is_revealed(competition)
    digits = competition.precision
    names = dict(
        session.execute(
            select(Team.id, Team.name).where(Team.competition_id == competition.id, ~Team.baseline)
        ).all()
    )
    return [
        [
            s.id,
            names[s.team_id],
            s.created_at.isoformat(timespec="seconds"),
            s.filename,
            s.note,
            round(s.public_shown, digits),
            s.released,
            round(s.private_score, digits) if revealed else None,
            s.selected,
            s.late,
        ]
        for s in _submissions(session, competition)
        if s.team_id in names
    ]


def _submissions(session: Session, competition: Competition) -> list[Submission]:
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.competition_id == competition.id)
            .order_by(Submission.id)
        )
    )
