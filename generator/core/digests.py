"""The digests that cache keys are made of: of bytes, of an output's inputs, of a tree of files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable


def digest(data: bytes) -> str:
    """A digest of bytes for the build's caches: SHA-256 cut to 128 bits, 32 hex digits. Every
    output's key is one (132,000 at 10,000 reports, kept in the manifest and the search state), so
    half the digits is megabytes less read and written by every build. (BLAKE2b is slower here:
    SHA-256 runs in the CPU's own instructions.)"""
    return hashlib.sha256(data).hexdigest()[:32]


def key_of(*parts) -> str:
    """A digest of everything an output shows; equal keys mean equal bytes."""
    return digest(repr(parts).encode("utf-8"))


def versioned_name(slug: str, digest: str, kind: str = "pickle") -> str:
    """A cache file of one version of a report: named by its digest too, so a file left by a
    failed build is never taken for another version."""
    return f"{slug}.{digest[:20]}.{kind}"


def tree_digest(folder: Path, keep: Callable[[Path], bool] = lambda path: True) -> str:
    """A digest of the files below ``folder`` that ``keep`` accepts, names and bytes: the version
    of the code, data or templates they are."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and keep(path):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()

