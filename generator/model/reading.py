"""Reading a report file: its bytes, its front-matter checked against the schema, its body checked.

The build and ingest both read report files through ``read_report_text``, so both say
the same of a file they cannot read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import yaml

from generator.core.problems import Problem, error, has_errors
from generator.model.frontmatter import compose_front_matter, duplicate_keys, split_front_matter
from generator.model.markdown import tokens_of
from generator.model.report import CONTROL, MAX_FIELD, MAX_FILE, SLUG_RE, Report
from generator.model.schema import Reading, read_front_matter
from generator.model.sections import sections_of


def parse_report(path: Path, text: str, root: Path | None = None, originals: Path | None = None) -> tuple[Report | None, list[Problem]]:
    """Parse one ``content/reports/*.md`` file. Never raises on bad content; returns every problem.

    With ``originals`` (the content/raw folder), ``raw`` must name a file inside it (see
    ``original_path``): an error otherwise, as the build publishes that file."""
    shown = path.relative_to(root) if root and path.is_relative_to(root) else path
    problems: list[Problem] = []
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.append(error(shown, f"file name {path.name!r} is not a URL slug (lower-case ASCII letters, digits and hyphens)"))
    text = text.lstrip("\ufeff")
    controls = _control_characters(shown, text)
    if controls:  # YAML would refuse them too, in a less helpful line
        return None, problems + controls
    parts = split_front_matter(text)
    if parts is None:
        return None, problems + [error(shown, "no front-matter: the file must start with a '---' line and close it with another", 1)]
    yaml_text, body, body_line = parts
    try:
        data, node = compose_front_matter(yaml_text) if yaml_text.strip() else ({}, None)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, problems + [error(shown, f"front-matter is not valid YAML: {reason}", line)]
    if not isinstance(data, dict):
        return None, problems + [error(shown, "front-matter must be a mapping of keys to values", 2)]
    for key, first, again in duplicate_keys(node):
        problems.append(error(shown, f"key {key!r} is given twice (first at line {first}): which one is meant?", again))
    sections = sections_of(body)
    anchors = {s.anchor for s in sections}
    check_original = (lambda raw: original_path(raw, root, originals)[1]) if originals is not None and root is not None else None
    reading = Reading(shown, node, anchors, check_original)
    values = read_front_matter(data, reading)
    problems += reading.problems
    problems += _body_problems(shown, body, body_line, anchors)
    if has_errors(problems):
        return None, problems
    return Report(slug=slug, file=str(shown), **values, body=body, sections=sections), problems


def _control_characters(shown: Path, text: str) -> list[Problem]:
    """One error for the first control character of each line that has one (see CONTROL)."""
    if not CONTROL.search(text):  # one scan in C for the usual file that has none
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), 1):
        m = CONTROL.search(line)
        if m:
            problems.append(error(shown, f"control character U+{ord(m.group()):04X} at column {m.start() + 1}: "
                                         "invisible, and it breaks the feed; delete it", number))
    return problems


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _body_problems(shown: Path, body: str, first_line: int, anchors: set[str]) -> list[Problem]:
    """Headings too long, and links or images the site could not honour, at their line of the file.

    A link with a scheme (https:, mailto:) leaves the archive and is kept; ``#s2`` must name a
    section of this report; any other address (``附件1.pdf``, ``//host/x``) names no page of the
    archive, and would be a broken link found on the site page instead of here. Images are shown as
    links (render.body_html): the archive fetches nothing from outside."""
    problems = []
    tokens = tokens_of(body)
    for i, tok in enumerate(tokens):
        if tok.type != "inline":
            continue
        line = first_line + tok.map[0] if tok.map else None
        if i and tokens[i - 1].type == "heading_open" and len(tok.content) > MAX_FIELD:
            problems.append(error(shown, f"heading of {len(tok.content):,} characters; at most {MAX_FIELD} "
                                         "(a paragraph marked as a heading?)", line))
        for child in tok.children or ():
            if child.type not in ("link_open", "image"):
                continue
            target = unquote(str(child.attrGet("href" if child.type == "link_open" else "src") or ""))
            if _SCHEME.match(target) and not target.startswith("//"):
                continue
            if target.startswith("#") and child.type == "link_open":
                if target[1:] not in anchors:
                    problems.append(error(shown, f"link {target!r} names no section of this report", line))
                continue
            problems.append(error(shown, f"{'link' if child.type == 'link_open' else 'image'} {target!r} names no page "
                                         "of the archive: give the full address (https://…)", line))
    return problems


def original_path(raw: str, root: Path, originals: Path) -> tuple[Path | None, str]:
    """The archived original a report's ``raw`` names (relative to the project ``root``), or None
    and why not: it must be a relative path without ``..`` that stays inside ``originals``
    (content/raw) once symbolic links are followed, so that no file elsewhere on the machine is
    ever published as a report's original. A missing file is not refused here (see records)."""
    if os.path.isabs(raw) or raw.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", raw):
        return None, f"{raw!r} is an absolute path: an original is named inside content/raw (content/raw/<file>)"
    if ".." in re.split(r"[\\/]", raw):
        return None, f"{raw!r} leaves its folder (..): an original is named inside content/raw"
    path = Path(os.path.realpath(os.path.join(root, raw)))
    if not path.is_relative_to(os.path.realpath(originals)) or path == Path(os.path.realpath(originals)):
        return None, f"{raw!r} is not a file inside {originals.name}/ (symbolic links are followed): only originals there are published"
    if path.exists() and not path.is_file():
        return None, f"{raw!r} is not a file"
    return path, ""


@dataclass(frozen=True)
class ReportText:
    """A report file's bytes and text, or why it cannot be read (``text`` None) and at which line:
    what the build and ingest both say of a file they cannot read."""

    data: bytes
    text: str | None
    unreadable: str = ""
    line: int | None = None


def read_report_text(path: Path) -> ReportText:
    """Read a report file as UTF-8: a folder named ``x.md``, no permission, a file too large or
    bytes that are not UTF-8 are each a reason, never an exception."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE:
            return ReportText(b"", None, f"{size:,} bytes; a report file is at most {MAX_FILE:,}")
        data = path.read_bytes()
    except IsADirectoryError:
        return ReportText(b"", None, "is a folder, not a report file")
    except OSError as exc:
        return ReportText(b"", None, f"cannot be read: {exc.strerror or exc}")
    try:
        return ReportText(data, data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return ReportText(data, None, f"not UTF-8 (byte {exc.start}: 0x{data[exc.start]:02x}); save it as UTF-8",
                          data.count(b"\n", 0, exc.start) + 1)


def read_report_file(path: Path, root: Path | None = None, originals: Path | None = None) -> tuple[Report | None, list[Problem], bytes]:
    """Read and parse a report file; every reason it cannot be read is one problem (see
    ``read_report_text``). Returns the bytes read too (b"" when none)."""
    found = read_report_text(path)
    if found.text is None:
        shown = path.relative_to(root) if root and path.is_relative_to(root) else path
        return None, [error(shown, found.unreadable, found.line)], found.data
    report, problems = parse_report(path, found.text, root, originals)
    return report, problems, found.data


def without_slug_clashes(reports: list, file_of) -> tuple[list, list[Problem]]:
    """Drop (with a problem) each report whose slug differs from an earlier one only in case:
    case-insensitive file systems would write both to one folder."""
    kept, problems, seen = [], [], {}
    for item in reports:
        file = file_of(item)
        stem = os.path.splitext(os.path.basename(file))[0]  # not Path: this runs for every report on every build
        key = stem.lower()
        if key in seen:
            problems.append(error(file, f"slug {stem!r} would write the same pages as {seen[key]}"))
            continue
        seen[key] = file
        kept.append(item)
    return kept, problems


def load_reports(reports_dir: Path, root: Path | None = None) -> tuple[tuple[Report, ...], list[Problem]]:
    """Read every report in sorted order; a bad file is reported and skipped."""
    problems: list[Problem] = []
    reports: list[Report] = []
    for path in sorted(reports_dir.glob("*.md")):
        report, found, _ = read_report_file(path, root, reports_dir.parent / "raw")
        problems.extend(found)
        if report is not None:
            reports.append(report)
    kept, clashes = without_slug_clashes(reports, lambda r: r.file)
    return tuple(kept), problems + clashes
