"""The server's settings: one pydantic-settings class, read from GLASSNET_COMPETE_* variables."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from glassnet.compete import DEFAULT_DATABASE_URL

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]


class Settings(BaseSettings):
    """Settings of ``glassnet compete``.

    Every field can be set by an environment variable named after it with the prefix
    ``GLASSNET_COMPETE_`` (``GLASSNET_COMPETE_DATABASE_URL=postgresql://...``).

    Attributes
    ----------
    database_url : str
        SQLAlchemy URL; ``postgresql://`` is read as ``postgresql+psycopg://``.
    max_upload_bytes : int
        Larger uploads are refused with 413.
    duplicate_window_seconds : float
        The same file from the same team within this window is one submission
        (a double-click), returned again.
    sqlite_busy_timeout_ms : int
        How long a SQLite writer waits for another one before giving up.
    sync_each_commit : bool
        Whether each commit waits for the disk (off by default: a killed server loses
        nothing, a power cut or a database crash may lose the last moment's
        submissions, never the database; see ``glassnet.compete.db.make_engine``).
    auth_failures_per_minute : int
        After this many wrong tokens within a minute from one client address, every
        token check from it is answered 429 for ``auth_block_seconds``.
    auth_block_seconds : float
        How long such an address stays refused.
    trusted_proxies : str
        Comma-separated addresses (or networks, ``10.0.0.0/8``) of reverse proxies
        whose ``X-Forwarded-For`` and ``X-Forwarded-Proto`` name the client. From any
        other client they are ignored; by default from every client, loopback too.
    """

    model_config = SettingsConfigDict(env_prefix="GLASSNET_COMPETE_")

    database_url: str = DEFAULT_DATABASE_URL
    max_upload_bytes: int = 5_000_000
    duplicate_window_seconds: float = 30.0
    sqlite_busy_timeout_ms: int = 30_000
    sync_each_commit: bool = False
    auth_failures_per_minute: int = 20
    auth_block_seconds: float = 60.0
    trusted_proxies: str = ""

    def proxies(self) -> list[str]:
        """List the trusted proxies."""
        return [address.strip() for address in self.trusted_proxies.split(",") if address.strip()]


def normalise_database_url(url: str) -> str:
    """Map ``postgresql://`` and ``postgres://`` to SQLAlchemy's psycopg 3 driver.

    Parameters
    ----------
    url : str
        A database URL as an instructor would write it.

    Returns
    -------
    str
        The URL SQLAlchemy should be given.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
