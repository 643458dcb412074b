"""The unit of the build's plan: an output's path, a key of what it shows, how to make it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Planned:
    """An output: its site path, a key of what it shows, and how to make it (text, bytes, or
    for a large data file, text or bytes in pieces written as they come)."""

    path: str
    key: str
    make: Callable[[], str | bytes | Iterable[str | bytes]]
