"""Publishing that a crash cannot leave half done: a journal, replayed by the next build.

Before the first staged file moves into the output, the moves and removals are written to a
journal in the staging folder (atomically), and the marker is made to list every file the
output will hold by the end, old and new. Moving and removing are then each safe to do twice,
so the next build, finding a journal (the last one was killed, or the disk failed part way),
finishes that publish before it does anything else.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.core.atomic import write_atomic
from generator.site.folders import MARKER, OutputFolder, inside, mark, published


@dataclass(frozen=True)
class Journal:
    """One publish: staged files to move into the output, and published files to delete."""

    moves: tuple[str, ...]
    removals: tuple[str, ...]


def publish(folder: OutputFolder, staged: list[str], removed: set[str]) -> None:
    """Move every staged file into place, then delete ``removed`` and the folders it empties.
    A first build renames the staging folder into place, with its marker listing every file."""
    if not folder.site.exists():
        mark(folder.staging / MARKER, staged)
        os.rename(folder.staging, folder.site)
        return
    if staged or removed:
        journal = Journal(tuple(sorted(staged)), tuple(sorted(removed)))
        write_atomic(folder.journal, json.dumps({"moves": journal.moves, "removals": journal.removals}).encode("utf-8"))
        _carry_out(folder, journal)
    shutil.rmtree(folder.staging, ignore_errors=True)


def finish(folder: OutputFolder) -> bool:
    """Finish the publish a journal left unfinished, if any; whether there was one. A journal
    that cannot be read (it is written atomically, so only by hand) is dropped: the build then
    makes again whatever it finds not as it wrote it."""
    if not folder.journal.is_file():
        return False
    try:
        data = json.loads(folder.journal.read_bytes())
        journal = Journal(tuple(data["moves"]), tuple(data["removals"]))
        if not all(isinstance(rel, str) and inside(rel) for rel in journal.moves + journal.removals):
            raise ValueError("a path outside the output")
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(folder.staging, ignore_errors=True)
        return False
    _carry_out(folder, journal)
    shutil.rmtree(folder.staging, ignore_errors=True)
    return True


def _carry_out(folder: OutputFolder, journal: Journal) -> None:
    listed = published(folder)
    before = listed | set(journal.moves)
    if before != listed:  # every file the output will hold, listed before it is there
        mark(folder.marker, before)
    made: set[str] = {""}
    for rel in journal.moves:
        parent = os.path.dirname(rel)
        if parent not in made:
            os.makedirs(os.path.join(folder.site, parent), exist_ok=True)
            made.add(parent)
        try:
            os.replace(os.path.join(folder.staging, rel), os.path.join(folder.site, rel))
        except FileNotFoundError:  # moved already, by the publish this one finishes
            pass
    for rel in journal.removals:
        try:
            os.unlink(os.path.join(folder.site, rel))
        except FileNotFoundError:
            pass
    for parent in sorted({os.path.dirname(rel) for rel in journal.removals}, key=len, reverse=True):
        _remove_empty(folder.site, parent)
    after = before - set(journal.removals)
    if after != before:
        mark(folder.marker, after)


def _remove_empty(root: Path, folder: str) -> None:
    while folder:
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:  # not empty, or already gone
            return
        folder = os.path.dirname(folder)
