"""Which folder a build may write into, and the folders and files it keeps beside it.

The output is the build's own: a folder it made, or one holding its marker ``.fazhi-site``
(as Sphinx and MkDocs refuse to write over a folder they did not make). The marker lists
the files the build published, so a build that lost its cache still deletes only files it
wrote. Beside the output lie the cache, the staging folder (with the journal of a publish
under way) and the lock that lets one build at a time use the output. ``fazhi build`` and
``fazhi serve`` both decide here.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from generator.core.atomic import write_atomic
from generator.core.problems import Problem, error

MARKER = ".fazhi-site"
_HEADER = "fazhi build: the files it published here, one a line; it deletes no others\n"


class Refused(Exception):
    """The build cannot go on with this output (or zip path); ``problem`` is the one line saying why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class OutputFolder:
    """The output folder (symlinks followed) and what the build keeps beside it."""

    site: Path
    cache: Path    # .<name>-cache
    staging: Path  # .<name>-staging, removed when a build ends
    lock: Path     # .<name>.lock, holding the pid of the build using the output

    @classmethod
    def of(cls, out: Path) -> "OutputFolder":
        site = out.resolve()
        return cls(site, site.with_name(f".{site.name}-cache"), site.with_name(f".{site.name}-staging"),
                   site.with_name(f".{site.name}.lock"))

    @property
    def marker(self) -> Path:
        return self.site / MARKER

    @property
    def journal(self) -> Path:
        """The moves and removals of a publish under way (see generator/site/journal.py)."""
        return self.staging / "journal.json"


def claim(out: Path, content: Path) -> OutputFolder:
    """The output folder ``out`` if the build may write into it, else ``Refused`` with one line:
    inside content/ or holding it, the file system's root, holding .git, a file, a symlink to a
    folder the build did not make, or a folder not empty and without the marker."""
    site, content = out.resolve(), content.resolve()

    def refuse(why: str) -> Refused:
        return Refused(error(out, f"{why}: the build writes only into a folder it made (holding {MARKER}) or a new or empty one; "
                                  "choose another --out"))

    if site == Path(site.anchor):
        raise refuse("is the root of the file system")
    folder = OutputFolder.of(out)
    if site == content or site.is_relative_to(content):
        raise refuse("is inside the content folder")
    if content.is_relative_to(site):
        raise refuse(f"holds the content folder {content}")
    if site.exists() and not site.is_dir():
        raise refuse("is a file, not a folder")
    if (site / ".git").exists():
        raise refuse("holds .git (a repository)")
    marked = folder.marker.is_file()
    if out.is_symlink() and not marked:
        raise refuse(f"is a symlink to {site}, which is not a folder the build made")
    if site.is_dir() and not marked and any(site.iterdir()):
        raise refuse(f"is not empty and has no {MARKER}")
    if folder.staging.exists() and not (folder.staging / MARKER).is_file():
        raise Refused(error(folder.staging, f"is in the way of the build's staging folder and was not made by it (no {MARKER}): "
                                            "move it away"))
    return folder


def publish_unfinished(out: Path) -> bool:
    """Whether a journal says a publish into ``out`` stopped part way (see generator/site/journal.py)."""
    site = out.resolve()
    return site != Path(site.anchor) and OutputFolder.of(out).journal.is_file()


def published(folder: OutputFolder) -> set[str]:
    """The files the marker lists (a damaged line is left out: at worst a stale file stays)."""
    try:
        text = folder.marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in text.split("\n")[1:] if line and inside(line)}


def inside(rel: str) -> bool:
    """Whether a listed path names a file inside the output (never the marker itself)."""
    return rel != MARKER and all(part not in ("", ".", "..") for part in rel.split("/"))


def mark(path: Path, files: Iterable[str]) -> None:
    """Write a marker at ``path`` listing ``files``."""
    write_atomic(path, (_HEADER + "".join(f"{rel}\n" for rel in sorted(files))).encode("utf-8"))


@contextlib.contextmanager
def locked(folder: OutputFolder) -> Iterator[None]:
    """Hold the output for one build: ``Refused`` naming the holder's pid while another process
    holds it. The kernel drops a lock when its holder dies, so a lock left by a dead build is
    taken over; the file stays (removing it would let two builds lock two files)."""
    folder.lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise Refused(error(folder.site, f"another build (process {holder}) is using this output: wait for it to finish "
                                             f"(its lock: {folder.lock})")) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # and the lock with it


def check_zip(zip_path: Path, content: Path, folder: OutputFolder) -> None:
    """``Refused`` when the zip could not be written where asked, before anything is built."""
    target = zip_path.resolve()
    if target.is_dir():
        raise Refused(error(zip_path, "is a folder: give the zip file's path"))
    if not target.parent.is_dir():
        raise Refused(error(zip_path, f"cannot be written: the folder {zip_path.parent} does not exist"))
    if target.is_relative_to(content.resolve()) or target.is_relative_to(folder.site):
        raise Refused(error(zip_path, "is inside the content or output folder: write the zip elsewhere"))
