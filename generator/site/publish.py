"""Writing the site: every file atomically, nothing when nothing changed, stale files pruned.

As Lektor does: a build renders what changed into a staging folder beside the
output, and only after every page rendered and every link checked does it move
each new file into place with ``os.replace`` (atomic per file) and delete the
files the build no longer produces. A failure before that (bad content, a
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


def write_file(root: Path, rel: str, data: bytes | Iterable[str]) -> os.stat_result:
    """Write ``data`` (bytes, or text in pieces, written as UTF-8 as they come) at ``root/rel``
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
                f.write(piece.encode("utf-8"))
        f.flush()  # the last write happens now, so the stat holds the file's final mtime
        return os.fstat(f.fileno())


class Staging:
    """New and changed files gathered beside ``out``, moved into place by ``publish``."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.root = self.out.with_name(f".{self.out.name}-staging")
        if self.root.exists():
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

    def publish(self, removed: set[str]) -> None:
        """Move every staged file into place, then delete ``removed`` and the folders it empties."""
        if not self.out.exists():
            os.rename(self.root, self.out)
            return
        made: set[str] = {""}
        for rel in sorted(self.staged):
            parent = os.path.dirname(rel)
            if parent not in made:
                os.makedirs(os.path.join(self.out, parent), exist_ok=True)
                made.add(parent)
            os.replace(os.path.join(self.root, rel), os.path.join(self.out, rel))
        for rel in sorted(removed):
            try:
                os.unlink(os.path.join(self.out, rel))
            except FileNotFoundError:
                pass
        for folder in sorted({os.path.dirname(rel) for rel in removed}, key=len, reverse=True):
            _remove_empty(self.out, folder)
        shutil.rmtree(self.root, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _remove_empty(root: Path, folder: str) -> None:
    while folder:
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:  # not empty, or already gone
            return
        folder = os.path.dirname(folder)
