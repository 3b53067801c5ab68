"""Writing a file so that it is never half-written: the one way glassnet writes files.

The content goes to a hidden temporary file beside the target (same file system, so
the final ``os.replace`` is atomic), is flushed to disk, then takes the target's
name: a reader sees the old file or all of the new one, and a failure (a full disk,
Ctrl-C) leaves the old one and no temporary file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(
    path: str | os.PathLike[str],
    content: bytes | str | Callable[[BinaryIO], object],
    *,
    mode: int | None = None,
) -> Path:
    """Write `content` to `path` through a temporary file and one rename.

    Parameters
    ----------
    path : str or path-like
        The file to write (replaced if it exists).
    content : bytes, str or callable
        The bytes, the text (written as UTF-8), or a function that writes to the
        binary file it is given (``frame.to_csv``, ``figure.savefig``, ...).
    mode : int, optional
        The new file's permissions, e.g. ``0o600`` for a secret. By default a
        replaced file keeps its permissions and a new one gets the usual ones (the
        umask's).

    Returns
    -------
    pathlib.Path
        `path`.

    Raises
    ------
    OSError
        When the folder is missing or not writable, or the disk is full; its
        ``filename`` is `path`, never the temporary file's name.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    if mode is None and path.is_file():
        mode = path.stat().st_mode & 0o777
    try:
        # O_EXCL: never follow or reuse a file someone else put there. 0o666 lets the
        # umask decide, as for any file the user creates; a mode asked for is set
        # before any content is written.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as file:
                if callable(content):
                    content(file)
                else:
                    file.write(content.encode() if isinstance(content, str) else content)
                file.flush()
                os.fsync(file.fileno())  # on disk before the rename makes it visible
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
    except OSError as err:
        if err.errno is None:
            raise
        raise OSError(err.errno, err.strerror, str(path)) from err
    return path
