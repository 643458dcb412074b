"""What every build checks of its own work before it publishes (issue 15).

A fault of ours (a report dropped by an exception ending a loop, a page planned for no
report, a data file cut short) must fail the build and leave the old site, not publish
quietly: every report file is a published report page or named in an error, so the reports
in are the pages out plus the errors; no report page stands for a file that is not there;
and the feed, the sitemap and the data files made now parse (those kept are the ones
checked when they were made).
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from pathlib import Path

from generator.core.problems import Problem, error
from generator.site import urls

_FAULT = "a fault of fazhi, please report it"
_XML = ("feed.xml", "sitemap.xml")


def check(reports_dir: Path, root: Path, published: Iterable[str], problems: Iterable[Problem], outputs: Iterable[str],
          made: Iterable[str], staging: Path) -> list[Problem]:
    """The invariants' violations, one line each. ``published`` are the slugs of the reports
    modelled, ``outputs`` every path of the site to publish, ``made`` those rendered now into
    ``staging``. Each report is checked on its own, which makes the counts add up: reports in
    = pages out + reports named in errors."""
    found: list[Problem] = []
    outputs, published = set(outputs), set(published)
    files = {e.name[:-3] for e in os.scandir(reports_dir) if e.name.endswith(".md")}
    shown = Path(os.path.relpath(reports_dir, root)).as_posix()
    named = {p.path for p in problems if p.severity == "error"}
    for slug in sorted(files - published):
        if f"{shown}/{slug}.md" not in named:
            found.append(error(f"{shown}/{slug}.md", f"neither published nor named in an error ({_FAULT})"))
    for slug in sorted(published & files):
        if urls.report_page(slug) not in outputs:
            found.append(error(f"{shown}/{slug}.md", f"its page {urls.report_page(slug)} is not in the site ({_FAULT})"))
    for path in sorted(outputs):
        slug = _report_slug(path)
        if slug is not None and not (slug in files and slug in published):
            found.append(error(f"site/{path}", f"a report page with no report {shown}/{slug}.md ({_FAULT})"))
    for path in sorted(made):
        reason = _unparsed(path, staging / path)
        if reason:
            found.append(error(f"site/{path}", f"does not parse ({reason}; {_FAULT})"))
    return found


def _report_slug(path: str) -> str | None:
    """The slug whose report page ``path`` is, else None."""
    parts = path.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "reports" and parts[2] == "index.html" else None


def _unparsed(path: str, file: Path) -> str:
    """Why a made feed, sitemap or data file does not parse; '' when it does or is no such file."""
    try:
        if path in _XML:
            ElementTree.parse(file)
        elif path.startswith("data/") and path.endswith(".json"):
            with open(file, "rb") as f:
                json.load(f)
        elif path.startswith("data/") and path.endswith(".csv"):
            with open(file, encoding="utf-8-sig", newline="") as f:
                _read_csv(f)
    except (ElementTree.ParseError, ValueError, csv.Error) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def _read_csv(f: io.TextIOBase) -> None:
    """Every row, each as long as the header."""
    rows = csv.reader(f, strict=True)
    header = next(rows, [])
    for number, row in enumerate(rows, 2):
        if len(row) != len(header):
            raise ValueError(f"row {number} has {len(row)} fields, the header {len(header)}")
