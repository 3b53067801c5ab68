"""The database engine, its SQLite pragmas, sessions and migrations.

The engine is built when the app starts (its lifespan) or when a command needs it,
never at import. SQLite runs in WAL mode (readers never wait for the writer) with a
busy timeout (writers queue instead of failing); transactions that must see the
latest committed rows before they write (a submission) begin with ``BEGIN
IMMEDIATE`` there. PostgreSQL needs nothing special: the daily limit is a
conditional UPDATE, which PostgreSQL re-checks after waiting for the row lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from alembic import command
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from glassnet.compete.config import normalise_database_url

MIGRATIONS = Path(__file__).with_name("migrations")
# Session.connection(execution_options=WRITE) starts a transaction that takes the
# SQLite write lock at once (BEGIN IMMEDIATE); other databases ignore the option.
WRITE = {"glassnet_write": True}


def make_engine(url: str, busy_timeout_ms: int = 30_000) -> Engine:
    """Build the engine for a database URL.

    Parameters
    ----------
    url : str
        SQLAlchemy URL; ``postgresql://`` is read as psycopg 3.
    busy_timeout_ms : int
        SQLite only: how long a writer waits for the write lock.

    Returns
    -------
    sqlalchemy.Engine
    """
    url = normalise_database_url(url)
    # As many connections as Starlette's thread pool has threads (40): no request waits
    # for a connection while another thread could use one.
    pool = {"pool_size": 10, "max_overflow": 30}
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **pool)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
    _configure_sqlite(engine, busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, busy timeout, foreign keys; and transactions begun by us, not by pysqlite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own implicit BEGIN comes too late for BEGIN IMMEDIATE: turn it off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("glassnet_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def upgrade(url: str) -> None:
    """Bring the database's schema to the latest migration (``alembic upgrade head``).

    Parameters
    ----------
    url : str
        The database URL.
    """
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def begin_write(session: Session) -> None:
    """End the session's read transaction and begin one that writes (SQLite: IMMEDIATE).

    What the request read before (its competition, its team) stays loaded: sessions
    here do not expire objects on commit.
    """
    if session.in_transaction():
        session.commit()
    session.connection(execution_options=WRITE)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session for a command: committed at the end, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one session per request, from the app's session factory."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
