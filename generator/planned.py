"""The unit of the build's plan: an output's path, a key of what it shows, and how to make it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable


def key_of(*parts) -> str:
    """A digest of everything an output shows; equal keys mean equal bytes."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Planned:
    path: str
    key: str
    make: Callable[[], str | bytes]
