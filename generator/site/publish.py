"""Writing the site: every file atomically, nothing when nothing changed, stale files pruned.

As Lektor does: a build renders what changed into a staging folder beside the
output, and only after every page rendered and every link checked does it move
each new file into place with ``os.replace`` (atomic per file) and delete the
files the build no longer produces (generator/site/journal.py). A failure before that (bad content, a
template error, a broken link) removes the staging folder and leaves the
published site exactly as it was. Unchanged files are never touched, so a
rebuild of unchanged content writes nothing (same inodes, same times) and costs
what changed, not what exists. The first build renames the staging folder into place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path


def write_file(root: Path, rel: str, data: bytes | Iterable[str | bytes]) -> os.stat_result:
    """Write ``data`` (bytes, or pieces of text, written as UTF-8, or of bytes, as they come) at ``root/rel``
    in the staging folder and return its stat. Folders are made when the file cannot be
    opened without them: most files go where one was made already (asking first was a
    system call per file)."""
    dest = os.path.join(root, rel)
    try:
        f = open(dest, "wb")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        f = open(dest, "wb")
    with f:
        if isinstance(data, bytes):
            f.write(data)
        else:
            for piece in data:
                f.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
        f.flush()  # the last write happens now, so the stat holds the file's final mtime
        return os.fstat(f.fileno())


class Staging:
    """New and changed files gathered in ``root`` beside the output ``out``, moved into place by
    ``journal.publish``."""

    def __init__(self, out: Path, root: Path):
        self.out = out
        self.root = root
        if self.root.exists():  # left by a failed build: folders.claim checked it is the build's
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        self.staged: list[str] = []
        self.kept = 0

    @property
    def written(self) -> int:
        return len(self.staged)

    def keep(self, count: int) -> None:
        """Leave ``count`` published files as they are (the caller has checked they are current)."""
        self.kept += count

    def note_written(self, rel: str) -> None:
        """Count a file written into the staging folder (by ``write_file``, often in a worker)."""
        self.staged.append(rel)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

