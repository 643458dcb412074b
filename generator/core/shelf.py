"""A dict kept on disk in shards: saving after a small change rewrites only the shards it touched.

The build's cache holds an entry per report and per output file (tens of thousands);
rewriting all of it after a one-report edit would cost more than the edit. Each
entry is checked again when it is used (file stamps, keys), so shards written by
an interrupted save only cost work, never a wrong page.
"""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path

from generator.core.atomic import write_atomic

SHARDS = 256
# Entries a shard is meant to hold: a shelf has as many shards as its entries need, a power of two,
# up to its ``most``. A first build of 100 reports wrote 1,024 manifest and 4,096 link shards, as
# many files as its site.
PER_SHARD = 64
UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError)


class DamagedCache(Exception):
    """A cache file that cannot be read where nothing can stand in for it (a report's blob as
    its page is made): the build drops the whole cache and starts again, as a full build."""


def shards_for(entries: int, most: int) -> int:
    """The shards ``entries`` need: a power of two, at least one, at most ``most``."""
    wanted = 1
    while wanted < most and wanted * PER_SHARD < entries:
        wanted *= 2
    return min(wanted, most)


class Shelf:
    """Entries by string key under ``folder``, valid for one ``version`` of what made them. The
    shard count is kept beside the version: it grows with the entries (all written again then),
    and never shrinks, so a shelf that grows and shrinks by turns is not rewritten each time."""

    def __init__(self, folder: Path, version: str, most: int = SHARDS):
        self.folder = folder
        self.version = version
        self.most = most

    @staticmethod
    def _shard(key: str, shards: int) -> int:
        return zlib.crc32(key.encode("utf-8")) % shards

    def _path(self, i: int) -> Path:
        return self.folder / f"{i:04d}.pickle"

    def _shards(self) -> int | None:
        """The shard count the shelf was written with, or None when it is missing, from another
        version or damaged."""
        try:
            version, _, shards = (self.folder / "version").read_text(encoding="utf-8").partition("\n")
            return int(shards) if version == self.version and 0 < int(shards) <= self.most else None
        except (OSError, UnicodeDecodeError, ValueError):
            return None

    def load(self) -> dict:
        """Every entry, or none when the shelf is missing, from another version or damaged."""
        if self._shards() is None:
            return {}
        data: dict = {}
        gc.disable()  # the collector would walk every new object while hundreds of thousands are made
        try:
            for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
                if entry.name.endswith(".pickle") and not entry.name.startswith("."):
                    part = pickle.loads(Path(entry.path).read_bytes())
                    if not isinstance(part, dict):
                        return {}
                    data.update(part)
        except UNREADABLE:
            return {}
        finally:
            gc.enable()
        return data

    def save(self, data: dict, changed: Iterable[str] | None = None) -> None:
        """Write the shards holding ``changed`` keys (added, altered or removed); all when None, or
        when ``data`` has outgrown the shelf's shards."""
        shards = self._shards()
        if changed is None or shards is None or shards < shards_for(len(data), self.most):
            shards = shards_for(len(data), self.most)
            self._clear()
            touched = set(range(shards))
        else:
            touched = {self._shard(k, shards) for k in changed}
        parts: dict[int, dict] = {i: {} for i in touched}
        for key, value in data.items():
            i = self._shard(key, shards)
            if i in parts:
                parts[i][key] = value
        self._write(parts, shards)

    def update(self, entries: dict, changed: Iterable[str] | None, total: int) -> None:
        """Like ``save``, given only the ``changed`` keys' present entries and how many the shelf
        holds in all (``total``): the other entries of their shards are read back (those of a
        damaged shard are lost, so a reader of this shelf must cope with missing entries), or
        every entry, when the shelf has outgrown its shards; all entries when ``changed`` is None."""
        shards = self._shards()
        if changed is None or shards is None:
            self.save(entries)
            return
        if shards < shards_for(total, self.most):
            every = self.load()
            for key in changed:
                every.pop(key, None)
            self.save({**every, **entries})
            return
        parts: dict[int, dict] = {}
        for key in changed:
            i = self._shard(key, shards)
            if i not in parts:
                try:
                    part = pickle.loads(self._path(i).read_bytes())
                except UNREADABLE:
                    part = {}
                parts[i] = part if isinstance(part, dict) else {}
            if key in entries:
                parts[i][key] = entries[key]
            else:
                parts[i].pop(key, None)
        self._write(parts, shards)

    def _clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def _write(self, parts: dict[int, dict], shards: int) -> None:
        for i, part in sorted(parts.items()):
            write_atomic(self._path(i), pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
        (self.folder / "version").write_text(f"{self.version}\n{shards}", encoding="utf-8")
