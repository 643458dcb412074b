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

SHARDS = 256
_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError)


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % SHARDS


class Shelf:
    """Entries by string key under ``folder``, valid for one ``version`` of what made them."""

    def __init__(self, folder: Path, version: str):
        self.folder = folder
        self.version = version

    def _current(self) -> bool:
        try:
            return (self.folder / "version").read_text(encoding="utf-8") == self.version
        except OSError:
            return False

    def load(self) -> dict:
        """Every entry, or none when the shelf is missing, from another version or damaged."""
        if not self._current():
            return {}
        data: dict = {}
        gc.disable()  # the collector would walk every new object while hundreds of thousands are made
        try:
            for i in range(SHARDS):
                path = self.folder / f"{i:03d}.pickle"
                if path.exists():
                    part = pickle.loads(path.read_bytes())
                    if not isinstance(part, dict):
                        return {}
                    data.update(part)
        except _UNREADABLE:
            return {}
        finally:
            gc.enable()
        return data

    def save(self, data: dict, changed: Iterable[str] | None = None) -> None:
        """Write the shards holding ``changed`` keys (added, altered or removed); all when None."""
        if changed is None or not self._current():
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            shards = set(range(SHARDS))
        else:
            shards = {_shard(k) for k in changed}
        parts: dict[int, dict] = {i: {} for i in shards}
        for key, value in data.items():
            i = _shard(key)
            if i in parts:
                parts[i][key] = value
        for i, part in sorted(parts.items()):
            path = self.folder / f"{i:03d}.pickle"
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        (self.folder / "version").write_text(self.version, encoding="utf-8")
