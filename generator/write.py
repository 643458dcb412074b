"""Writing the site: atomic, deterministic, and silent when nothing changed.

The new site is assembled in a staging folder beside the output. A file whose
bytes equal the one already published is hard-linked from it instead of
written, so a rebuild of unchanged content writes nothing (same inodes, same
times). Then the staging folder is swapped in with two renames. Any failure
before the swap removes the staging folder and leaves the published site as it
was. Files the new build does not produce are gone after the swap.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WriteStats:
    written: int
    unchanged: int
    removed: int
    bytes: int


def _published(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def write_site(files: dict[str, bytes], out: Path) -> WriteStats:
    out = out.resolve()
    staging = out.with_name(f".{out.name}-staging")
    retired = out.with_name(f".{out.name}-old")
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    before = _published(out)
    written = unchanged = size = 0
    try:
        for rel in sorted(files):
            data = files[rel]
            size += len(data)
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            old = out / rel
            if rel in before and old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, dest)
                unchanged += 1
            else:
                dest.write_bytes(data)
                written += 1
        if out.exists():
            os.rename(out, retired)
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out.exists():
            os.rename(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return WriteStats(written, unchanged, len(before - set(files)), size)
