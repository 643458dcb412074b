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
UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError)


class DamagedCache(Exception):
    """A cache file that cannot be read where nothing can stand in for it (a report's blob as
    its page is made): the build drops the whole cache and starts again, as a full build."""


class Shelf:
    """Entries by string key under ``folder``, valid for one ``version`` of what made them."""

    def __init__(self, folder: Path, version: str, shards: int = SHARDS):
        self.folder = folder
        self.version = version
        self.shards = shards

    def _shard(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8")) % self.shards

    def _path(self, i: int) -> Path:
        return self.folder / f"{i:04d}.pickle"

    def _current(self) -> bool:
        try:
            return (self.folder / "version").read_text(encoding="utf-8") == self.version
        except (OSError, UnicodeDecodeError):
            return False

    def load(self) -> dict:
        """Every entry, or none when the shelf is missing, from another version or damaged."""
        if not self._current():
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
        """Write the shards holding ``changed`` keys (added, altered or removed); all when None."""
        if changed is None or not self._current():
            self._clear()
            shards = set(range(self.shards))
        else:
            shards = {self._shard(k) for k in changed}
        parts: dict[int, dict] = {i: {} for i in shards}
        for key, value in data.items():
            i = self._shard(key)
            if i in parts:
                parts[i][key] = value
        self._write(parts)

    def update(self, entries: dict, changed: Iterable[str] | None) -> None:
        """Like ``save``, given only the ``changed`` keys' present entries: the other entries of
        their shards are read back (those of a damaged shard are lost, so a reader of this shelf
        must cope with missing entries); all entries when ``changed`` is None."""
        if changed is None or not self._current():
            self.save(entries)
            return
        parts: dict[int, dict] = {}
        for key in changed:
            i = self._shard(key)
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
        self._write(parts)

    def _clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def _write(self, parts: dict[int, dict]) -> None:
        for i, part in sorted(parts.items()):
            write_atomic(self._path(i), pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
        (self.folder / "version").write_text(self.version, encoding="utf-8")
