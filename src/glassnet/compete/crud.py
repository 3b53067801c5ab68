"""Queries: competitions, tokens, submissions under the daily limit, the leaderboard.

The daily limit is enforced by the database: the team's counter row for the day is
locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already
holds the write lock), then raised by a conditional ``UPDATE ... WHERE used <
limit``. Two parallel requests of one team therefore run one after the other, and
the second sees the first's submission (a double-click returns it) and its count.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import ColumnElement, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from glassnet.compete.db import begin_write
from glassnet.compete.models import (
    Competition,
    DailyCount,
    SolutionRow,
    StudentFile,
    Submission,
    Team,
)
from glassnet.compete.scoring import Metric, get_metric, ladder_releases

T = TypeVar("T")

# The longest team name (the column's length).
TEAM_NAME_LENGTH = 100
# The largest id an INTEGER primary key holds on both databases (PostgreSQL's 32 bits).
MAX_ID = 2**31 - 1
# The longest note on a submission (the column's length).
NOTE_LENGTH = 500


class LimitReached(Exception):
    """The team has used today's submissions (or refused files)."""


def now() -> datetime:
    """Return the current time, in UTC."""
    return datetime.now(UTC)


def new_token() -> str:
    """Draw a fresh secret token (shown once, stored as its hash)."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """Return the stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    """Compare a token with a stored hash in constant time."""
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)


@dataclass(frozen=True)
class Solution:
    """The hidden labels of a competition, in memory, for scoring only."""

    ids: list[str]
    labels: np.ndarray  # (n_rows,) of str
    public: np.ndarray  # (n_rows,) of bool
    classes: list[str]
    positive_label: str
    metric: Metric

    def score(self, predictions: np.ndarray) -> tuple[float, float]:
        """Score predictions (in solution order) on the public and the private rows."""
        parts = (self.public, ~self.public)
        return tuple(
            self.metric.score(self.labels[rows], predictions[rows], self.positive_label)
            for rows in parts
        )  # type: ignore[return-value]


def load_solution(session: Session, competition: Competition) -> Solution:
    """Read a competition's solution rows."""
    rows = session.scalars(
        select(SolutionRow)
        .where(SolutionRow.competition_id == competition.id)
        .order_by(SolutionRow.position)
    ).all()
    return Solution(
        ids=[row.row_id for row in rows],
        labels=np.array([row.label for row in rows], dtype=object),
        public=np.array([row.public for row in rows], dtype=bool),
        classes=json.loads(competition.classes),
        positive_label=competition.positive_label,
        metric=get_metric(competition.metric),
    )


def find_competition(session: Session, name: str | None) -> Competition:
    """Find a competition by name; without a name, the only one in the database.

    Raises
    ------
    LookupError
        When there is no such competition, or several and no name.
    """
    if name is not None:
        found = session.scalar(select(Competition).where(Competition.name == name))
        if found is None:
            raise LookupError(f"There is no competition named {name!r}.")
        return found
    names = session.scalars(select(Competition.name).order_by(Competition.name)).all()
    if len(names) != 1:
        listed = ", ".join(names) if names else "none yet; create one with glassnet compete init"
        raise LookupError(f"Name the competition with --competition ({listed}).")
    return find_competition(session, names[0])


def check_team_name(name: str) -> str:
    """Return a team's name without surrounding spaces, or say why it cannot be one.

    Raises
    ------
    ValueError
        For a blank name, one over 100 characters, or one holding control or format
        characters (escape sequences, NUL, right-to-left overrides), which would hide
        or reorder text on the board and in terminals.
    """
    name = name.strip()
    if not name:
        raise ValueError(
            "A team needs a name; received a blank one. Give the name the board will show."
        )
    if len(name) > TEAM_NAME_LENGTH:
        raise ValueError(
            f"A team's name has at most {TEAM_NAME_LENGTH} characters; received {len(name)}."
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise ValueError(
            f"A team's name may not hold control characters (received {name!r}); "
            "use letters, digits, spaces and punctuation."
        )
    return name


def add_team(
    session: Session,
    competition: Competition,
    name: str,
    members: str = "",
    baseline: bool = False,
    email: str = "",
) -> tuple[Team, str | None]:
    """Add a team; return it and its token (shown once), or no token for a baseline.

    Raises
    ------
    ValueError
        When the name cannot be one (see `check_team_name`) or is taken.
    """
    name = check_team_name(name)
    taken = session.scalar(
        select(Team.id).where(Team.competition_id == competition.id, Team.name == name)
    )
    if taken is not None:
        raise ValueError(f"A team named {name!r} already exists in {competition.name!r}.")
    token = None if baseline else new_token()
    team = Team(
        competition_id=competition.id,
        name=name,
        members=members,
        email=email,
        token_hash=hash_token(token) if token else None,
        baseline=baseline,
    )
    session.add(team)
    session.flush()
    return team, token


def add_roster(
    session: Session, competition: Competition, roster: list[Any], source: str
) -> list[tuple[Any, str]]:
    """Add every team of a checked roster (see ``roster.read_roster``), in the session.

    Nothing is committed here: the caller commits all of them or none.

    Returns
    -------
    list of (RosterTeam, token)

    Raises
    ------
    ValueError
        When a team of the roster already exists, naming its row.
    """
    taken = {
        name.casefold()
        for name in session.scalars(select(Team.name).where(Team.competition_id == competition.id))
    }
    added = []
    for team in roster:
        if team.name.casefold() in taken:
            raise ValueError(
                f"{source}, row {team.row}, column team: a team named {team.name!r} already "
                f"exists in {competition.name!r}; leave it out of the roster (glassnet compete "
                "reset-token gives it a new token)."
            )
        _, token = add_team(session, competition, team.name, team.members, email=team.email)
        added.append((team, token or ""))
    return added


def reset_token(session: Session, competition: Competition, name: str) -> str:
    """Give a team a new token (the old one stops working at once); return it.

    Raises
    ------
    LookupError
        When the competition has no such team (or it is a baseline, which has none).
    """
    team = session.scalar(
        select(Team).where(
            Team.competition_id == competition.id, Team.name == name.strip(), ~Team.baseline
        )
    )
    if team is None:
        raise LookupError(
            f"{competition.name!r} has no team named {name.strip()[:100]!r}; the names are "
            "as on the board (glassnet compete grades lists every team)."
        )
    token = new_token()
    team.token_hash = hash_token(token)
    session.flush()
    return token


def team_for_token(session: Session, competition: Competition, token: str | None) -> Team | None:
    """Find the team a token belongs to, or None."""
    return team_and(session, competition, token, literal(None))[0]


def team_and(
    session: Session, competition: Competition, token: str | None, also: ColumnElement[T]
) -> tuple[Team | None, T | None]:
    """Find the team a token belongs to, reading `also` in the same query.

    Returns the team (None for a missing or unknown token) and the value of `also`
    (None when no team was found: the query gave no row).
    """
    if not token:
        return None, None
    row = session.execute(
        select(Team, also).where(
            Team.competition_id == competition.id, Team.token_hash == hash_token(token)
        )
    ).first()
    if row is None:
        return None, None
    team, value = row
    # The lookup is by hash; compare again in constant time all the same.
    return (team, value) if token_matches(token, team.token_hash) else (None, None)


def is_revealed(competition: Competition, at: datetime | None = None) -> bool:
    """Whether private scores may be shown: after the deadline or an instructor's reveal."""
    if competition.revealed:
        return True
    return competition.deadline is not None and (at or now()) >= competition.deadline


def is_closed(competition: Competition, at: datetime | None = None) -> bool:
    """Whether the competition takes no more submissions for the board."""
    return is_revealed(competition, at)


def takes_late(competition: Competition, at: datetime | None = None) -> bool:
    """Whether a submission now is late work: after the close, before ``late_until``."""
    at = at or now()
    late_until = competition.late_until
    return is_closed(competition, at) and late_until is not None and at < late_until


def check_note(note: str) -> str:
    """Return a submission's note without control characters, or say why it is too long.

    Raises
    ------
    ValueError
        For a note over 500 characters.
    """
    note = " ".join("".join(c if c.isprintable() else " " for c in note).split())
    if len(note) > NOTE_LENGTH:
        raise ValueError(
            f"A note has at most {NOTE_LENGTH} characters; received {len(note)}. Shorten it."
        )
    return note


@dataclass(frozen=True)
class Accepted:
    """The outcome of a submission: the stored row, whether it was a repeat, what is left."""

    submission: Submission
    duplicate: bool
    remaining_today: int


def _count_one(session: Session, team: Team, day: str, column: str, limit: int) -> int | None:
    """Count one more in the team's `column` for `day`, unless that passes `limit`.

    One statement creates the day's counter row if needed, raises the count while it is
    below the limit and locks the row until the transaction ends (an upsert), so racing
    requests of one team are counted one after the other. Returns the new count, or
    None when the limit was already reached.
    """
    counter = getattr(DailyCount, column)
    values = {"team_id": team.id, "day": day, "used": 0, "invalid": 0, column: 1}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        upsert: Any = pg_insert(DailyCount)
    elif dialect == "sqlite":
        upsert = sqlite_insert(DailyCount)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no daily counter for the {dialect} database")
    statement = (
        upsert.values(values)
        .on_conflict_do_update(
            index_elements=[DailyCount.team_id, DailyCount.day],
            set_={column: counter + 1},
            where=counter < limit,
        )
        .returning(counter)
    )
    return session.execute(statement).scalar_one_or_none()


def record_submission(
    session: Session,
    competition: Competition,
    team: Team,
    solution: Solution,
    predictions: np.ndarray,
    content_hash: str,
    filename: str,
    window_seconds: float,
    note: str = "",
    late: bool = False,
) -> Accepted:
    """Store a scored submission within the team's daily limit, in one transaction.

    A file with the same content hash as one the team sent in the last
    `window_seconds` is the same submission (a double-click): it is returned again and
    not counted. A `late` one is kept off the board; one that changes the team's line
    on the board raises the competition's ``board_version``.

    Raises
    ------
    LimitReached
        When the team has used today's submissions.
    """
    # Scored before the transaction: the database's lock is held for the counting only.
    public, private = solution.score(predictions)
    stored = json.dumps(predictions.tolist())
    at = now()
    day = at.date().isoformat()
    begin_write(session)
    used = _count_one(session, team, day, "used", competition.daily_limit)
    # Read after the count, which locks the team's counter: its other submissions wait.
    repeat_id, best = _repeat_and_best(
        session, competition, team, content_hash, at - timedelta(seconds=window_seconds)
    )
    if repeat_id is not None:
        # A double-click of a file already taken (at the limit, too): not counted again.
        session.rollback()
        counted_before = competition.daily_limit if used is None else used - 1
        left = max(competition.daily_limit - counted_before, 0)
        return Accepted(session.get_one(Submission, repeat_id), True, left)
    if used is None:
        session.rollback()
        raise LimitReached(_limit_message(competition.daily_limit, "submissions"))
    shown, released = _public_release(session, competition, team, solution, predictions, public)
    if not late and _beats(competition, shown, best):
        bump_board(session, competition)
    submission = Submission(
        competition_id=competition.id,
        team_id=team.id,
        created_at=at,
        filename=filename[:255],
        content_hash=content_hash,
        public_score=public,
        public_shown=shown,
        private_score=private,
        released=released,
        predictions=stored,
        selected=False,
        note=note,
        late=late,
    )
    session.add(submission)
    session.commit()
    return Accepted(submission, False, competition.daily_limit - used)


def _repeat_and_best(
    session: Session, competition: Competition, team: Team, content_hash: str, since: datetime
) -> tuple[int | None, float | None]:
    """Read, in one query, the team's repeat of this file since `since` and its best score.

    The repeat is the id of the team's latest submission of the same content (a
    double-click), if any; the best is the best shown score of its submissions on the
    board (late work left out), None before its first.
    """
    aggregate = func.max if solution_metric(competition).greater_is_better else func.min
    repeat = (
        select(Submission.id)
        .where(
            Submission.team_id == team.id,
            Submission.content_hash == content_hash,
            Submission.created_at >= since,
        )
        .order_by(Submission.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    best = (
        select(aggregate(Submission.public_shown))
        .where(Submission.team_id == team.id, ~Submission.late)
        .scalar_subquery()
    )
    repeat_id, best_shown = session.execute(select(repeat, best)).one()
    return repeat_id, best_shown


def _beats(competition: Competition, shown: float, best: float | None) -> bool:
    """Whether a shown score is a team's first on the board or better than its best."""
    if best is None:
        return True
    return shown > best if solution_metric(competition).greater_is_better else shown < best


def solution_metric(competition: Competition) -> Metric:
    """Return the competition's metric."""
    return get_metric(competition.metric)


def bump_board(session: Session, competition: Competition) -> None:
    """Mark the board as changed (a reveal): every server rebuilds its cached copy."""
    session.execute(
        update(Competition)
        .where(Competition.id == competition.id)
        .values(board_version=Competition.board_version + 1)
    )


def store_student_files(
    session: Session, competition: Competition, files: dict[str, bytes]
) -> None:
    """Keep the students' files (name -> content) for the competition's page, replacing any."""
    for name, content in files.items():
        old = session.get(StudentFile, (competition.id, name))
        if old is not None:
            session.delete(old)
            session.flush()
        session.add(
            StudentFile(
                competition_id=competition.id, name=name, content=content, size=len(content)
            )
        )
    session.flush()


def student_file_names(session: Session, competition: Competition) -> list[tuple[str, int]]:
    """List the students' files (name, size in bytes), train first."""
    order = {"train.csv": 0, "test.csv": 1, "sample_submission.csv": 2}
    rows = session.execute(
        select(StudentFile.name, StudentFile.size).where(
            StudentFile.competition_id == competition.id
        )
    ).all()
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: (order.get(r[0], 3), r[0]))


def student_file(session: Session, competition: Competition, name: str) -> bytes | None:
    """Return one of the students' files, or None."""
    return session.scalar(
        select(StudentFile.content).where(
            StudentFile.competition_id == competition.id, StudentFile.name == name
        )
    )


def record_invalid(session: Session, competition: Competition, team: Team) -> None:
    """Count a refused file against the (larger) daily limit of refused files.

    Raises
    ------
    LimitReached
        When the team has sent too many refused files today.
    """
    day = now().date().isoformat()
    begin_write(session)
    counted = _count_one(session, team, day, "invalid", competition.invalid_daily_limit)
    session.commit()
    if counted is None:
        raise LimitReached(_limit_message(competition.invalid_daily_limit, "refused files"))


def _limit_message(limit: int, what: str) -> str:
    tomorrow = (now() + timedelta(days=1)).date().isoformat()
    return (
        f"Your team has used today's {limit} {what}; the count starts again at midnight "
        f"UTC ({tomorrow} 00:00)."
    )


def _public_release(
    session: Session,
    competition: Competition,
    team: Team,
    solution: Solution,
    predictions: np.ndarray,
    public: float,
) -> tuple[float, bool]:
    """Decide the public score to show, and whether it is released (always, unless Ladder)."""
    if competition.scoring != "ladder":
        return public, True
    best = session.scalars(
        select(Submission)
        .where(Submission.team_id == team.id, Submission.released)
        .order_by(Submission.id.desc())
        .limit(1)
    ).first()
    if best is None:
        return public, True
    if solution.metric.losses is None:
        # A competition made before init refused such metrics with the Ladder: its first
        # score stands, as releasing a later one could answer a one-row probe.
        return best.public_shown, False
    rows = solution.public
    if ladder_releases(
        solution.metric,
        solution.labels[rows],
        predictions[rows],
        np.array(json.loads(best.predictions), dtype=predictions.dtype)[rows],
        solution.positive_label,
    ):
        return public, True
    return best.public_shown, False


def team_submissions(session: Session, team: Team) -> list[Submission]:
    """List a team's submissions, newest first."""
    return list(
        session.scalars(
            select(Submission).where(Submission.team_id == team.id).order_by(Submission.id.desc())
        )
    )


def used_today(session: Session, team: Team) -> int:
    """How many submissions the team has made today (UTC)."""
    used = session.scalar(
        select(DailyCount.used).where(
            DailyCount.team_id == team.id, DailyCount.day == now().date().isoformat()
        )
    )
    return used or 0


def set_selected(
    session: Session, competition: Competition, team: Team, submission_id: int, selected: bool
) -> Submission:
    """Choose (or unchoose) a final submission, at most ``final_selections`` of them.

    Raises
    ------
    LookupError
        When the submission is not the team's.
    ValueError
        When the team has already chosen as many as allowed.
    """
    missing = LookupError(f"Your team has no submission {submission_id}.")
    if not 1 <= submission_id <= MAX_ID:  # SQLite cannot even bind 2**63
        raise missing
    begin_write(session)
    submission = session.get(Submission, submission_id, with_for_update=True)
    if submission is None or submission.team_id != team.id:
        raise missing
    if selected and not submission.selected:
        chosen = session.scalar(
            select(func.count()).where(Submission.team_id == team.id, Submission.selected)
        )
        if chosen >= competition.final_selections:
            raise ValueError(
                f"Your team has already chosen {chosen} final submissions, the most allowed; "
                "unselect one first."
            )
    submission.selected = selected
    session.commit()
    return submission
