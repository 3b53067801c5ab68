"""The leaderboard: each team's best shown public score, and after the reveal its finals.

Late submissions (after the deadline) are left out.

Teams are ranked among themselves (baselines are shown in place, without a rank);
equal scores share a rank, and the earlier of two equal scores is listed first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from glassnet.compete.crud import is_revealed
from glassnet.compete.models import Competition, Submission, Team
from glassnet.compete.scoring import get_metric


@dataclass
class BoardRow:
    """One team's line of the leaderboard (private fields None until the reveal)."""

    team: str
    baseline: bool
    entries: int
    public_score: float
    reached_at: datetime
    rank: int | None = None
    private_score: float | None = None
    private_rank: int | None = None


def leaderboard(session: Session, competition: Competition) -> list[BoardRow]:
    """Rank each team by its best shown public score; private parts once revealed."""
    sign = -1.0 if get_metric(competition.metric).greater_is_better else 1.0
    revealed = is_revealed(competition)
    rows = [
        _row(team, submissions, competition.final_selections, sign, revealed)
        for team, submissions in _submissions_by_team(session, competition)
    ]
    rows.sort(key=lambda r: (sign * r.public_score, r.reached_at))
    _rank(rows, lambda r: r.public_score, "rank")
    if revealed:
        by_private = sorted(rows, key=lambda r: (sign * r.private_score, r.reached_at))
        _rank(by_private, lambda r: r.private_score, "private_rank")
    return rows


def _submissions_by_team(
    session: Session, competition: Competition
) -> list[tuple[Team, list[Submission]]]:
    """List each team with at least one submission, and its submissions in order."""
    teams = {
        team.id: team
        for team in session.scalars(select(Team).where(Team.competition_id == competition.id))
    }
    by_team: dict[int, list[Submission]] = {}
    # Late work is scored and shown apart, never ranked.
    query = select(Submission).where(Submission.competition_id == competition.id, ~Submission.late)
    for submission in session.scalars(query.order_by(Submission.id)):
        by_team.setdefault(submission.team_id, []).append(submission)
    return [(teams[team_id], submissions) for team_id, submissions in by_team.items()]


def _row(
    team: Team, submissions: list[Submission], finals: int, sign: float, revealed: bool
) -> BoardRow:
    """Build one team's line; `sign` is -1 when higher scores are better."""
    best = min(submissions, key=lambda s: (sign * s.public_shown, s.id))
    row = BoardRow(team.name, team.baseline, len(submissions), best.public_shown, best.created_at)
    if revealed:
        chosen = final_submissions(submissions, finals, sign)
        row.private_score = sign * min(sign * s.private_score for s in chosen)
    return row


def final_submissions(submissions: list[Submission], count: int, sign: float) -> list[Submission]:
    """Return the team's chosen finals, or else its `count` best public scores."""
    chosen = [s for s in submissions if s.selected]
    if chosen:
        return chosen
    return sorted(submissions, key=lambda s: (sign * s.public_score, s.id))[:count]


def _rank(rows: list[BoardRow], key: Callable[[BoardRow], object], field: str) -> None:
    """Give the teams ranks in order (baselines none); equal scores share a rank."""
    position, previous, rank = 0, None, 0
    for row in rows:
        if row.baseline:
            continue
        position += 1
        if key(row) != previous:
            rank, previous = position, key(row)
        setattr(row, field, rank)
