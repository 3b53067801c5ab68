"""A limit on failed token checks per client address: guessing tokens is made slow.

Tokens are 24 random bytes, far beyond guessing; the limit is a second line all the
same, and it keeps a script that hammers the server with wrong tokens from costing it
more than a few requests a minute.

The counts live in the database (table ``auth_failures``), not in the server's memory:
``serve --workers N`` runs N processes, and a guesser spreading requests over them
would otherwise get N times the limit. A failure is counted in a short transaction of
its own (the request's may be rolled back); whether an address is blocked is read in
the request's own session, in the same query that finds the team of a token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, delete, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from glassnet.compete import crud
from glassnet.compete.db import begin_write
from glassnet.compete.models import AuthFailures

# Addresses are at most an IPv6 text (45 characters); the column holds 64.
_ADDRESS_LENGTH = 64


class FailedAuthLimiter:
    """Count failed token checks per address; block an address that fails too often.

    Parameters
    ----------
    failures : int
        This many failed checks from one address within `window` seconds (counted from
        its first failure) block it.
    window : float
        Seconds over which failures are counted.
    block : float
        Seconds an address stays blocked: every token check from it is refused, the
        right token's too (else a guess that worked would show by not being refused).
    clock : callable, optional
        The current time, an aware datetime (``crud.now`` by default): wall-clock UTC,
        the same in every worker process.
    """

    def __init__(
        self,
        failures: int = 20,
        window: float = 60.0,
        block: float = 60.0,
        clock: Callable[[], datetime] = crud.now,
    ) -> None:
        self.failures = failures
        self.window = window
        self.block = block
        self._clock = clock

    def blocked_until(self, address: str) -> ScalarSelect[datetime | None]:
        """Return the address's block end as a subquery, to read beside another lookup."""
        return (
            select(AuthFailures.blocked_until)
            .where(AuthFailures.address == address[:_ADDRESS_LENGTH])
            .scalar_subquery()
        )

    def seconds_left(self, until: datetime | None) -> float:
        """Seconds until a block ending at `until` is over (0 for none, or one past)."""
        if until is None:
            return 0.0
        return max((until - self._clock()).total_seconds(), 0.0)

    def blocked_for(self, session: Session, address: str) -> float:
        """Seconds the address stays blocked (0 when it is not), read in `session`."""
        return self.seconds_left(session.scalar(select(self.blocked_until(address))))

    def failed(self, factory: sessionmaker[Session], address: str) -> None:
        """Record a failed token check from the address (blocking it past the limit)."""
        address = address[:_ADDRESS_LENGTH]
        at = self._clock()
        window_start = at - timedelta(seconds=self.window)
        with factory() as session:
            begin_write(session)
            # Forget addresses with nothing recent: the table stays as small as the
            # number of addresses guessing right now.
            session.execute(
                delete(AuthFailures).where(
                    AuthFailures.since <= window_start,
                    or_(AuthFailures.blocked_until.is_(None), AuthFailures.blocked_until <= at),
                    AuthFailures.address != address,
                )
            )
            row = _locked_row(session, address, at)
            if row.since <= window_start:
                row.since, row.failures = at, 0
            row.failures += 1
            if row.failures >= self.failures:
                row.blocked_until = at + timedelta(seconds=self.block)
                row.since, row.failures = at, 0
            session.commit()


def _locked_row(session: Session, address: str, at: datetime) -> AuthFailures:
    """Create the address's row if needed, and lock it (as the daily counters are)."""
    values = {"address": address, "since": at, "failures": 0, "blocked_until": None}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = pg_insert(AuthFailures).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite_insert(AuthFailures).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        statement = insert(AuthFailures).values(values)
    session.execute(statement)
    return session.scalars(
        select(AuthFailures)
        .where(AuthFailures.address == address)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
