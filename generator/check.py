"""``fazhi check``: every report with an empty or suspicious field, one line each.

Errors (exit 1): a file the model cannot load, a missing original, an original
outside content/raw, an original whose SHA-256 no longer matches, an adcode that
names a different place than the front-matter, a broken topics.yml or site.yml. Warnings (exit
1 only with --strict): an empty place, year or publisher, a composed title
(title_inferred), a title year that differs from ``year``, a publication date
before the year covered, a topic that topics.yml does not have, an indicator stated with values
that cannot all hold (figures.conflicts).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from generator.core.problems import Problem, error, has_errors, report, warning
from generator.domain import places
from generator.domain.figures import CONFLICT_NAMES, conflicts
from generator.domain.topics import load_topics
from generator.model.frontmatter import key_lines
from generator.model.reading import load_reports
from generator.model.report import Report
from generator.site.site_config import load_site_config


def check_report(r: Report, root: Path, topics: frozenset[str] | None) -> list[Problem]:
    out: list[Problem] = []
    for key in ("district", "province", "year", "publisher", "level"):
        if getattr(r, key) in ("", None) and not (key == "district" and r.level in ("city", "province")):
            out.append(warning(r.file, f"{key} is empty"))
    if r.title_inferred:
        out.append(warning(r.file, "title was composed by ingest (title_inferred: true): check it against the original"))
    m = re.search(r"((?:19|20)\d{2})\s*年", r.title)
    if m and r.year and int(m.group(1)) != r.year:
        out.append(warning(r.file, f"title says {m.group(1)} but year is {r.year}"))
    if r.published and r.year and int(r.published[:4]) < r.year:
        out.append(warning(r.file, f"published {r.published} is before the year covered ({r.year})"))
    if r.adcode:
        d = places.by_code(r.adcode)
        name = r.district or r.city or r.province
        if d is None:
            out.append(warning(r.file, f"adcode {r.adcode} is not in the 2023 division list (an earlier code?)"))
        elif name and d.name != name:
            out.append(error(r.file, f"adcode {r.adcode} is {d.name}, not {name}"))
    if not r.raw:
        out.append(error(r.file, "raw is empty: the archived original is unknown"))
    else:
        out.extend(_check_original(r, root))
    for c in conflicts(r.figures):
        values = "; ".join(f"{period} {value:g}" for period, value in c.stated)
        out.append(warning(r.file, f"figures: {c.indicator} is stated with values that cannot all hold "
                                   f"({CONFLICT_NAMES[c.reason]}): {values}", _figure_line(r, c.indicator)))
    lost = [t for t in r.topics if topics is not None and t not in topics]
    if lost:
        line = key_lines((root / r.file).read_text(encoding="utf-8")).get("topics")
        out.extend(warning(r.file, f"topics: {t!r} is not a topic in topics.yml", line) for t in lost)
    return out


def _figure_line(r: Report, indicator: str) -> int | None:
    return next((f.line for f in r.figures if f.indicator == indicator), None)


def _check_original(r: Report, root: Path) -> list[Problem]:
    """The original (inside content/raw: a report naming any other file does not load, see
    model.original_path) must be there, readable, with the recorded SHA-256."""
    raw = root / r.raw
    if not raw.is_file():
        return [error(r.file, f"original {r.raw} is missing")]
    try:
        data = raw.read_bytes()
    except OSError as exc:
        return [error(r.file, f"original {r.raw} cannot be read: {exc.strerror}")]
    if r.raw_sha256 and hashlib.sha256(data).hexdigest() != r.raw_sha256:
        return [error(r.file, f"original {r.raw} does not match raw_sha256 (originals must never change)")]
    return []


def run_check(content: Path) -> tuple[tuple[Report, ...], list[Problem]]:
    root = content.resolve().parent
    _, problems = load_site_config(content / "site.yml")
    topics, found = load_topics(content / "topics.yml")
    problems += found
    slugs = None if has_errors(found) else frozenset(t.slug for t in topics)
    reports, found = load_reports(content / "reports", root=root)
    problems += found
    for r in reports:
        problems.extend(check_report(r, root, slugs))
    return reports, problems


def run(args) -> int:
    reports, problems = run_check(args.content)
    errors, warnings = report(problems)
    print(f"check: {len(reports)} report(s); {errors} error(s), {warnings} warning(s)")
    return 1 if errors or (args.strict and warnings) else 0
