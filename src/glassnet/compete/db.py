"""The database engine, its SQLite pragmas, sessions and migrations.

The engine is built when the app starts (its lifespan) or when a command needs it,
never at import. SQLite runs in WAL mode (readers never wait for the writer) with a
busy timeout (writers queue instead of failing); transactions that must see the
latest committed rows before they write (a submission) begin with ``BEGIN
IMMEDIATE`` there, and take an in-process lock first: the server is one process, and
SQLite's busy timeout backs off in growing sleeps, so some writers kept losing the write
lock to newer ones (a p99 near 2 s under load); queued on a lock in this process, they
wait only for the short write transactions before them. PostgreSQL needs nothing
special: the daily limit is a conditional UPDATE, which PostgreSQL re-checks after
waiting for the row lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from alembic import command
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from glassnet.compete.config import normalise_database_url

MIGRATIONS = Path(__file__).with_name("migrations")
# Session.connection(execution_options=WRITE) starts a transaction that takes the
# SQLite write lock at once (BEGIN IMMEDIATE); other databases ignore the option.
WRITE = {"glassnet_write": True}
# In a connection's info while it holds the in-process SQLite write lock.
_HOLDS_WRITE_LOCK = "glassnet_holds_write_lock"


def make_engine(url: str, busy_timeout_ms: int = 30_000, sync_each_commit: bool = False) -> Engine:
    """Build the engine for a database URL.

    Parameters
    ----------
    url : str
        SQLAlchemy URL; ``postgresql://`` is read as psycopg 3.
    busy_timeout_ms : int
        SQLite only: how long a writer waits for the write lock.
    sync_each_commit : bool
        Whether each commit waits for the disk. By default it does not (SQLite's
        ``synchronous=NORMAL``, its advice for WAL; PostgreSQL's ``synchronous_commit``
        off for the server's own sessions): a server process killed loses nothing, a
        power cut or a crash of the machine or of PostgreSQL may lose the last moment's
        commits, never the database. Each wait is a disk flush, several milliseconds
        on a virtual disk, most of a submission's time.

    Returns
    -------
    sqlalchemy.Engine
    """
    url = normalise_database_url(url)
    # As many connections as Starlette's thread pool has threads (40): no request waits
    # for a connection while another thread could use one.
    pool = {"pool_size": 10, "max_overflow": 30}
    if not url.startswith("sqlite"):
        # Set as the connection opens, beside any options the URL gives (a search path).
        given = make_url(url).query.get("options", "")
        sync = f"-c synchronous_commit={'on' if sync_each_commit else 'off'}"
        options = {"options": f"{given} {sync}".strip()}
        return create_engine(url, pool_pre_ping=True, connect_args=options, **pool)
    _create_private_file(url)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
    _configure_sqlite(engine, busy_timeout_ms, "FULL" if sync_each_commit else "NORMAL")
    return engine


def _create_private_file(url: str) -> None:
    """Create a new SQLite database file readable and writable by its owner only.

    The file holds the hidden labels and the private scores. SQLite would create it
    0644 less the umask (readable by every local user), and gives its -wal and -shm
    files the database's own mode. An existing file keeps the mode it has.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: str) -> None:
    """WAL, busy timeout, foreign keys; and transactions begun by us, not by pysqlite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own implicit BEGIN comes too late for BEGIN IMMEDIATE: turn it off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    # One writer at a time in this process, waiting in line for the lock of the thread
    # pool's other writers rather than in SQLite's backoff sleeps; other processes (a
    # command beside the server) are still kept out by SQLite's own lock.
    write_lock = threading.Lock()
    wait_seconds = busy_timeout_ms / 1000

    def release(info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_WRITE_LOCK, False):
            write_lock.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get("glassnet_write", False):
            connection.exec_driver_sql("BEGIN")
            return
        if not write_lock.acquire(timeout=wait_seconds):
            raise sqlite3.OperationalError(
                f"database is locked: no write lock after {wait_seconds:g} s of waiting"
            )
        connection.info[_HOLDS_WRITE_LOCK] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(connection.info)
            raise

    # Released when the connection goes back to the pool: after its COMMIT or ROLLBACK
    # has run (a connection's commit event comes before it), however the transaction
    # ended (an error, a connection invalidated mid-way).
    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            release(record.info)

    @event.listens_for(engine.pool, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        if record is not None:
            release(record.info)


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
