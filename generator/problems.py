"""Problems found in content: one readable line each, never a traceback.

Every stage collects problems instead of stopping at the first, so a user sees
all of them at once (as MkDocs does) and the rest of the archive is still processed.
"""

from __future__ import annotations

import re
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


def load_yaml_list(path: Path, what: str) -> tuple[list | None, list[Problem]]:
    """A YAML file holding a list (content/topics.yml, content/indicators.yml), or None and one error line."""
    import yaml

    if not path.exists():
        return None, [error(path, f"{what} is missing")]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [error(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", mark.line + 1 if mark else None)]
    if not isinstance(data, list):
        return None, [error(path, f"expected a list in the {what}")]
    return data, []


def load_entries(path: Path, what: str, kind: str, required: tuple[str, ...], slug: re.Pattern) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """The (number, mapping) entries of a YAML list whose ``required`` keys are non-empty text and
    whose first required key is a unique slug; every other entry is one error line."""
    data, problems = load_yaml_list(path, what)
    entries, seen, key = [], set(), required[0]
    for i, item in enumerate(data or [], 1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k) for k in required):
            needs = ", ".join(f"a {k}" for k in required[:-1]) + f" and a {required[-1]}"
            problems.append(error(path, f"{kind} {i} needs {needs}"))
        elif not slug.match(item[key]) or item[key] in seen:
            problems.append(error(path, f"{kind} {i}: {key} {item[key]!r} must be unique lower-case ASCII with hyphens"))
        else:
            seen.add(item[key])
            entries.append((i, item))
    return entries, problems


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


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
