"""Problems found in content: one readable line each, never a traceback.

Every stage collects problems instead of stopping at the first, so a user sees
all of them at once (as MkDocs does) and the rest of the archive is still processed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Entry:
    """One item of a configuration list (a topic, an indicator), with where it stands in its file."""

    number: int  # 1-based, as problems name it
    data: object
    node: object = field(compare=False, repr=False)  # its YAML node, for the lines of its keys and items

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def line_of(self, key: str, item: int | None = None) -> int:
        """The line of one of the entry's keys (or of an item of its list), else the entry's own."""
        import yaml

        for k, v in getattr(self.node, "value", ()):
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                if item is not None and isinstance(v, yaml.SequenceNode) and item < len(v.value):
                    return v.value[item].start_mark.line + 1
                return k.start_mark.line + 1
        return self.line


def read_yaml(path: Path) -> tuple[tuple[object, object] | None, list[Problem]]:
    """A YAML file's value and its node tree (for lines), or None and one error line: unreadable,
    not UTF-8 or not YAML. The caller has checked that the file is there."""
    import yaml

    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(path, f"cannot be read: {exc.strerror}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [error(path, f"not UTF-8 (byte {exc.start})", data.count(b"\n", 0, exc.start) + 1)]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [error(path, f"not valid YAML: {getattr(exc, 'problem', None) or exc}", mark.line + 1 if mark else None)]
    finally:
        loader.dispose()
    return (value, node), []


def load_yaml_list(path: Path, what: str, items: str) -> tuple[list[Entry] | None, list[Problem]]:
    """A YAML file holding a list (content/topics.yml, content/indicators.yml), or None and one error
    line: missing, unreadable, not UTF-8, not YAML, empty (``[]`` says "nothing" on purpose: an empty
    file is more often a mistake, and ingest would remove all that the file gave) or not a list."""
    if not path.exists():
        return None, [error(path, f"{what} is missing: write [] to mean no {items} on purpose")]
    found, problems = read_yaml(path)
    if found is None:
        return None, problems
    value, node = found
    if value is None:
        return None, [error(path, f"{what} is empty: write [] to mean no {items} on purpose")]
    if not isinstance(value, list):
        got = "a mapping" if isinstance(value, dict) else type(value).__name__
        return None, [error(path, f"expected a list of {items}, got {got}", node.start_mark.line + 1)]
    return [Entry(i, item, n) for i, (item, n) in enumerate(zip(value, node.value), 1)], []


def load_entries(path: Path, what: str, kind: str, keys: tuple[str, ...], required: int, slug: re.Pattern) -> tuple[list[Entry], list[Problem]]:
    """The mapping entries of a YAML list whose first ``required`` keys are non-empty text, the first
    a unique slug, and whose keys are all among ``keys`` and each given once; every other entry is
    one error line, with its line."""
    import yaml

    data, problems = load_yaml_list(path, what, f"{kind}s")
    entries, seen, key = [], set(), keys[0]
    for entry in data or []:
        item, i = entry.data, entry.number
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k) for k in keys[:required]):
            needs = ", ".join(f"a {k}" for k in keys[: required - 1]) + f" and a {keys[required - 1]}"
            problems.append(error(path, f"{kind} {i} needs {needs}", entry.line))
            continue
        if not slug.match(item[key]) or item[key] in seen:
            problems.append(error(path, f"{kind} {i}: {key} {item[key]!r} must be unique lower-case ASCII with hyphens", entry.line_of(key)))
            continue
        seen.add(item[key])
        first: dict[str, int] = {}
        bad = False
        for k, _ in entry.node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else None
            if name in first:
                problems.append(error(path, f"{kind} {item[key]}: key {name!r} given twice (first on line {first[name]})", k.start_mark.line + 1))
                bad = True
            elif name not in keys:
                problems.append(error(path, f"{kind} {item[key]}: unknown key {name!r} (known: {', '.join(keys)})", k.start_mark.line + 1))
                bad = True
            first.setdefault(name, k.start_mark.line + 1)
        if not bad:
            entries.append(entry)
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
