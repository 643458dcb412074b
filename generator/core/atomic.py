"""Replacing a file so that a reader, or a crash, never sees part of it."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

_TEMPORARY = itertools.count()  # numbers the temporary files of this process (see write_atomic)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file beside it: a reader sees the old
    bytes or the new, never part. The temporary name is unique (the process and a count, so the
    pool's workers may write side by side: tempfile.mkstemp's random names cost three times the
    write of a small file); a failure removes it."""
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{os.getpid()}-{next(_TEMPORARY)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:  # left by a process that had this number and died
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
