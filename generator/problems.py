"""Problems found in content: one readable line each, never a traceback.

Every stage collects problems instead of stopping at the first, so a user sees
all of them at once (as MkDocs does) and the rest of the archive is still processed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"


def error(path: str | Path, message: str, line: int | None = None) -> Problem:
    return Problem(str(path), line, "error", message)


def warning(path: str | Path, message: str, line: int | None = None) -> Problem:
    return Problem(str(path), line, "warning", message)


def report(problems: Iterable[Problem], stream=None) -> tuple[int, int]:
    """Print problems sorted by file and line; return (errors, warnings)."""
    stream = stream or sys.stderr
    errors = warnings = 0
    for p in sorted(problems, key=lambda p: (p.path, p.line or 0, p.severity, p.message)):
        print(p, file=stream)
        if p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings
