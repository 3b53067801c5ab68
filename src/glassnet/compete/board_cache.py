"""The leaderboard, kept built in memory and rebuilt only when a score on it changes.

Building the board reads every submission of the competition; with a class polling
the page every few seconds, that was most of the server's work. A competition's
``board_version`` is raised, in the same transaction, by every submission that
changes a team's line (its first, or a better shown score) and by the reveal; a board
is rebuilt when the number it was built at is no longer the database's, or when the
deadline has revealed it since. Several worker processes each keep their own copy and
each sees the database's number, so none shows a stale board.

The entries column counts every submission, most of which change no score: it is
read on each request with one grouped count, and set into the kept board's rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glassnet.compete import crud
from glassnet.compete.models import Competition, Submission, Team
from glassnet.compete.schemas import Leaderboard


class BoardCache:
    """Boards by competition, each with the version and reveal state it was built at.

    Parameters
    ----------
    build : callable
        ``build(session, competition) -> Leaderboard``, the uncached board.
    """

    def __init__(self, build: Callable[[Session, Competition], Leaderboard]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._boards: dict[int, tuple[tuple[int, bool], Leaderboard]] = {}
        self.builds = 0  # how many times a board was built (read by the tests)

    def get(self, session: Session, competition: Competition) -> Leaderboard:
        """Return the competition's board, rebuilt only if a score changed since."""
        key = (competition.board_version, crud.is_revealed(competition))
        with self._lock:
            kept = self._boards.get(competition.id)
        if kept is None or kept[0] != key:
            board = self._build(session, competition)
            with self._lock:
                self._boards[competition.id] = (key, board)
                self.builds += 1
        else:
            board = kept[1]
        return _with_entries(board, entries(session, competition))


def entries(session: Session, competition: Competition) -> dict[str, int]:
    """Count each team's submissions on the board (late work left out), by team name."""
    rows = session.execute(
        select(Team.name, func.count(Submission.id))
        .join(Submission, Submission.team_id == Team.id)
        .where(Submission.competition_id == competition.id, ~Submission.late)
        .group_by(Team.name)
    ).all()
    return {name: count for name, count in rows}


def _with_entries(board: Leaderboard, counts: dict[str, int]) -> Leaderboard:
    """Return the board with these entries (a copy: the kept one is shared by requests)."""
    if all(counts.get(row.team, row.entries) == row.entries for row in board.rows):
        return board
    rows = [
        row.model_copy(update={"entries": counts.get(row.team, row.entries)}) for row in board.rows
    ]
    return board.model_copy(update={"rows": rows})
