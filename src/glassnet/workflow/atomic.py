"""Writing a file atomically: readers see the old file or all of the new one, never part."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_atomically(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename.

    Parameters
    ----------
    path : pathlib.Path
        The file to write (replaced if it exists).
    data : bytes
        Its whole content.
    mode : int
        Permissions of the new file, less the umask: ``0o600`` for a file of secrets
        (it is created so, never readable by others even for a moment).

    Raises
    ------
    OSError
        When the folder does not exist or is not writable, or the disk is full; the
        temporary file is removed.
    """
    # A hidden name beside the target: same file system, so os.replace is atomic.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never follow or reuse a file someone else put there.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # on disk before the rename makes it visible
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
