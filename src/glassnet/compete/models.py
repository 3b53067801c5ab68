"""The tables (SQLAlchemy 2.0 declarative). API schemas live apart, in ``schemas.py``.

Hidden data — the solution's labels, private scores, token hashes — live in these
tables only; nothing here is ever returned by a route directly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        """Store UTC; SQLite gets it without the zone, so that text comparisons hold."""
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> Any:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base of every table."""


class Competition(Base):
    """One competition: its metric, rules and instructor token (hashed)."""

    __tablename__ = "competitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    metric: Mapped[str] = mapped_column(String(40))
    id_column: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(200))
    classes: Mapped[str] = mapped_column(Text)  # JSON list of the labels, as text
    positive_label: Mapped[str] = mapped_column(String(200))
    public_fraction: Mapped[float] = mapped_column(Float)
    daily_limit: Mapped[int] = mapped_column(Integer)
    invalid_daily_limit: Mapped[int] = mapped_column(Integer)
    final_selections: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scoring: Mapped[str] = mapped_column(String(10))
    precision: Mapped[int] = mapped_column(Integer)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Submissions after the deadline and before this are taken as late: scored, shown
    # apart, never ranked. None: none are taken.
    late_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised whenever a score on the board changes: servers rebuild their cached board
    # when the number they built it at is no longer the database's.
    board_version: Mapped[int] = mapped_column(Integer, default=0)
    instructor_token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SolutionRow(Base):
    """One hidden label and whether it counts for the public or the private score."""

    __tablename__ = "solution_rows"

    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_id: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    public: Mapped[bool] = mapped_column(Boolean)


class Team(Base):
    """A team (or a baseline, which has no token) of one competition."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("competition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    members: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)


class Submission(Base):
    """One scored file. ``public_shown`` is what the board shows (the Ladder's release)."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    filename: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    public_score: Mapped[float] = mapped_column(Float)
    public_shown: Mapped[float] = mapped_column(Float)
    private_score: Mapped[float] = mapped_column(Float)
    # Whether this score was released: always with exact scoring; with the Ladder only
    # when it beat the team's previous release by more than the noise.
    released: Mapped[bool] = mapped_column(Boolean)
    # JSON list in solution order; read only by the Ladder, so not loaded with the row.
    predictions: Mapped[str] = mapped_column(Text, deferred=True)
    selected: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    # Sent after the deadline (see Competition.late_until): never on the board.
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class DailyCount(Base):
    """Submissions and refused files of one team on one UTC day: the daily limits."""

    __tablename__ = "daily_counts"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)


class StudentFile(Base):
    """A file the students download from the competition's page (train, test, sample)."""

    __tablename__ = "student_files"

    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)


class AuthFailures(Base):
    """Wrong tokens from one client address: the token-guess limit, shared by every worker.

    ``since`` starts the counting window; ``failures`` within it; ``blocked_until`` the
    end of a block (or None).
    """

    __tablename__ = "auth_failures"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
