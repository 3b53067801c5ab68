"""The playground server's settings: one pydantic-settings class (GLASSNET_PLAYGROUND_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from glassnet.playground.datasets import COURSE_FILE


class Settings(BaseSettings):
    """Settings of ``glassnet playground``.

    Every field can be set by an environment variable named after it with the
    prefix ``GLASSNET_PLAYGROUND_`` (``GLASSNET_PLAYGROUND_MAX_RUNS=30``).

    Attributes
    ----------
    max_runs : int
        Pages training at once; one more is told the server is full. Each run is one
        thread, so this bounds the server's CPU: a class of 30 on a 2-core laptop
        shares it.
    idle_seconds : float
        A page that sends nothing for this long (a hidden tab stops its heartbeat)
        loses its run.
    max_upload_bytes : int
        Largest CSV file a page may upload.
    course_file : pathlib.Path or None
        The course's Titanic file (``titanic_train_500_age_passengerclass.csv``);
        None looks for it in the working folder and in ``../shared/data``.
    """

    model_config = SettingsConfigDict(env_prefix="GLASSNET_PLAYGROUND_")

    max_runs: int = 8
    idle_seconds: float = 600.0
    max_upload_bytes: int = 5_000_000
    course_file: Path | None = None

    def find_course_file(self) -> Path | None:
        """Return the course's Titanic file, if it is given or found; else None."""
        if self.course_file is not None:
            return self.course_file if self.course_file.is_file() else None
        for folder in (Path.cwd(), Path.cwd().parent / "shared" / "data"):
            if (folder / COURSE_FILE).is_file():
                return (folder / COURSE_FILE).resolve()
        return None
