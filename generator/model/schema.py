"""The front-matter schema: every key a report file may hold, declared once.

As MkDocs declares its configuration options, each key is a ``Field`` whose kind reads
a value (converting it, and reporting what is wrong at the key's line) and writes it
back as plain data. ``read_front_matter`` reads every key and reports every problem at
once; the model's ``Report`` takes the values; ingest writes the keys in this order
(``FRONT_MATTER_KEYS``); the data files take ``front_matter``; the README's table lists
the same keys in the same order (tests/model/test_report.py holds it to that).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

import yaml

from generator.core.problems import Problem, error, warning
from generator.model.frontmatter import item_lines, key_lines_of, value_node
from generator.model.report import LEVELS, MAX_FIELD, MAX_QUOTE, PERIODS, SLUG_RE, Figure, Report, SectionTopics

FIGURE_PERIOD = re.compile(r"^(?:annual|H[12]|Q[1-4]|Q1-Q3|截至目前|1-(?:[2-9]|1[0-2])月|截至(?:[1-9]|1[0-2])月底)$")
FIGURE_APPROX = ("", "余", "多", "近", "约", "以上", "逾", "超过")


def _number(value) -> int | float | None:
    """A finite number (an int stays an int, so 5589 is not written 5589.0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() else number


def _figure(item) -> tuple[Figure | None, str]:
    """One front-matter figure, or None and why it is bad."""
    if not isinstance(item, dict):
        return None, "expected a mapping with indicator, value, unit, period, quote"
    if not isinstance(item.get("indicator"), str) or not item["indicator"].strip():
        return None, "needs an indicator key"
    value = _number(item.get("value"))
    if value is None:
        return None, f"value {item.get('value')!r} is not a number"
    upper = None
    if item.get("upper") is not None:
        upper = _number(item["upper"])
        if upper is None or upper < value:
            return None, f"upper {item.get('upper')!r} is not a number at least the value"
    period = _text(item.get("period")) or "annual"
    if not FIGURE_PERIOD.match(period):
        return None, f"period {period!r} is not annual, H1, H2, Q1–Q4, Q1-Q3, 1-N月, 截至N月底 or 截至目前"
    approx = _text(item.get("approx")) or ""
    if approx not in FIGURE_APPROX:
        return None, f"approx {approx!r} is not one of {', '.join(a for a in FIGURE_APPROX if a)}"
    unit, quote, stated = _text(item.get("unit")), _text(item.get("quote")), _text(item.get("stated"))
    if unit is None or quote is None or stated is None:
        return None, "unit, stated and quote must be text"
    if len(stated) > MAX_FIELD:
        return None, f"stated is {len(stated):,} characters long; at most {MAX_FIELD} (the number and its unit)"
    if len(quote) > MAX_QUOTE:
        return None, f"quote is {len(quote):,} characters long; at most {MAX_QUOTE} (the sentence that states the figure)"
    return Figure(item["indicator"].strip(), value, unit, period, quote, approx, upper, stated), ""


def is_iso_date(text: str) -> bool:
    """YYYY-MM-DD naming a day of the calendar."""
    try:
        return len(text) == 10 and _dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def figures_from(items: object) -> tuple[Figure, ...]:
    """The well-formed items of a front-matter ``figures`` list (the parser reports the others)."""
    return tuple(f for f, _ in map(_figure, items if isinstance(items, list) else ()) if f is not None)


def _text(value) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return None


def figure_item(f: Figure) -> dict:
    """A figure as front-matter data; approx and upper only when stated."""
    item = {"indicator": f.indicator, "value": f.value, "unit": f.unit, "period": f.period}
    if f.approx:
        item["approx"] = f.approx
    if f.upper is not None:
        item["upper"] = f.upper
    if f.stated:
        item["stated"] = f.stated
    item["quote"] = f.quote
    return item


# --- reading -----------------------------------------------------------------------------

class Reading:
    """One report file's front-matter as it is read: where its keys are, and the problems found.

    ``original`` says why a ``raw`` path is refused ('' when it is not), when the caller checks
    originals (the build does: it publishes them)."""

    def __init__(self, shown: Path, node: yaml.Node | None, anchors: set[str],
                 original: Callable[[str], str] | None):
        self.shown = shown
        self.node = node
        self.lines = key_lines_of(node)
        self.anchors = anchors
        self.original = original
        self.problems: list[Problem] = []

    def bad(self, key: str, why: str, line: int | None = None) -> None:
        self.problems.append(error(self.shown, f"{key}: {why}", line or self.lines.get(key)))


@dataclass(frozen=True)
class Text:
    """Text of at most MAX_FIELD characters ('' when absent); ``check`` says why a value is refused."""

    check: Callable[[str], str] | None = None

    def read(self, key: str, value: object, at: Reading) -> str:
        text = _text(value)
        if text is None:
            at.bad(key, f"expected text, got {type(value).__name__}")
            return ""
        if len(text) > MAX_FIELD:
            at.bad(key, f"{len(text):,} characters long; at most {MAX_FIELD} (is it a paragraph pasted in the wrong place?)")
        elif text and self.check is not None and (why := self.check(text)):
            at.bad(key, why)
        return text

    def write(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class Original(Text):
    """The path of the report's original, which must stay inside content/raw (see reading.original_path)."""

    def read(self, key: str, value: object, at: Reading) -> str:
        text = super().read(key, value, at)
        if text and at.original is not None and (why := at.original(text)):
            at.bad(key, why)
        return text


@dataclass(frozen=True)
class Year:
    """The year covered, 1949–2100; None when absent."""

    def read(self, key: str, value: object, at: Reading) -> int | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int) and not (isinstance(value, str) and value.isdigit()):
            at.bad(key, f"{value!r} is not a year")
            return None
        year = int(value)
        if not 1949 <= year <= 2100:
            at.bad(key, f"{year} is not a plausible year")
            return None
        return year

    def write(self, value: int | None) -> int | None:
        return value


@dataclass(frozen=True)
class Flag:
    """true or false; false when absent."""

    def read(self, key: str, value: object, at: Reading) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            at.bad(key, "expected true or false")
            return False
        return value

    def write(self, value: bool) -> bool:
        return value


@dataclass(frozen=True)
class Slugs:
    """A list of slugs (topics); whether each names a topic is the build's to say."""

    def read(self, key: str, value: object, at: Reading) -> tuple[str, ...]:
        value = value or []
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            at.bad(key, "expected a list of topic slugs")
            return ()
        return tuple(value)

    def write(self, value: tuple[str, ...]) -> list[str]:
        return list(value)


@dataclass(frozen=True)
class SectionFiling:
    """An editor's filing of sections by anchor: ``{s2-1: [falv-yuanzhu], s4: []}``."""

    def read(self, key: str, value: object, at: Reading) -> tuple[SectionTopics, ...]:
        kept, problems = _section_topics(value, value_node(at.node, key), at.anchors, at.shown, at.lines.get(key))
        at.problems.extend(problems)
        return kept

    def write(self, value: tuple[SectionTopics, ...]) -> dict[str, list[str]]:
        return {c.anchor: list(c.topics) for c in value}


@dataclass(frozen=True)
class Figures:
    """The figures the report states, each item checked at its own line."""

    def read(self, key: str, value: object, at: Reading) -> tuple[Figure, ...]:
        value = value or []
        if not isinstance(value, list):
            at.bad(key, "expected a list")
            return ()
        lines = item_lines(at.node, key)
        figures = []
        for i, item in enumerate(value, 1):
            figure, why = _figure(item)
            line = lines[i - 1] if i - 1 < len(lines) else at.lines.get(key)
            if figure is None:
                at.bad(key, f"item {i}: {why}", line)
            else:
                figures.append(Figure(**{**figure.__dict__, "line": line}))
        return tuple(figures)

    def write(self, value: tuple[Figure, ...]) -> list[dict]:
        return [figure_item(f) for f in value]


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    return lambda value: "" if value in choices else f"{value!r} is not one of {', '.join(choices)}"


def _division_code(value: str) -> str:
    return "" if re.fullmatch(r"\d{6}", value) else f"{value!r} is not a 6-digit division code"


def _iso_date(value: str) -> str:
    return "" if is_iso_date(value) else f"{value!r} is not an ISO date (YYYY-MM-DD)"


def _sha256(value: str) -> str:
    return "" if re.fullmatch(r"[0-9a-f]{64}", value) else "is not a SHA-256 hex digest"


def _http_address(value: str) -> str:
    return "" if re.match(r"https?://", value) else f"{value!r} is not an http(s) address"


class Field(NamedTuple):
    key: str
    kind: Text | Year | Flag | Slugs | SectionFiling | Figures


# The keys, in the order ingest writes them. Each is a field of model.Report of the same name.
SCHEMA: tuple[Field, ...] = (
    Field("title", Text()),
    Field("title_inferred", Flag()),
    Field("district", Text()),
    Field("city", Text()),
    Field("province", Text()),
    Field("adcode", Text(_division_code)),
    Field("level", Text(_one_of(LEVELS))),
    Field("year", Year()),
    Field("period", Text(_one_of(PERIODS))),
    Field("publisher", Text()),
    Field("published", Text(_iso_date)),
    Field("doc_index", Text()),
    Field("doc_number", Text()),
    Field("source", Text()),
    Field("raw", Original()),
    Field("raw_sha256", Text(_sha256)),
    Field("source_url", Text(_http_address)),
    Field("fetched", Text()),
    Field("added", Text(_iso_date)),
    Field("topics", Slugs()),
    Field("section_topics", SectionFiling()),
    Field("figures", Figures()),
)
FRONT_MATTER_KEYS = tuple(f.key for f in SCHEMA)
# Where and when a fetched original was taken: written only when known (a text original has neither).
PROVENANCE_KEYS = ("source_url", "fetched")


def read_front_matter(data: dict, at: Reading) -> dict[str, object]:
    """Every key's value, as Report takes it; every problem goes to ``at`` (a key this schema
    does not know is a warning: kept in the file, shown nowhere)."""
    for key in sorted(set(data) - set(FRONT_MATTER_KEYS), key=str):
        at.problems.append(warning(at.shown, f"unknown front-matter key {key!r} is ignored", at.lines.get(str(key))))
    return {f.key: f.kind.read(f.key, data.get(f.key), at) for f in SCHEMA}


def front_matter(report: Report) -> dict:
    """A report's front-matter as plain data, in SCHEMA's order."""
    return {f.key: f.kind.write(getattr(report, f.key)) for f in SCHEMA}


def _section_topics(value, node: yaml.Node | None, anchors: set[str], shown: Path,
                    key_line: int | None) -> tuple[tuple[SectionTopics, ...], list[Problem]]:
    """The editor's ``section_topics`` (anchor → list of topic slugs), and one error per bad
    entry at its line: an anchor naming no section of the body, a value not a list of slugs.
    Whether a slug names a topic of the taxonomy is the build's to say (it has the taxonomy)."""
    if value in (None, {}):
        return (), []
    if not isinstance(value, dict):
        return (), [error(shown, "section_topics: expected a mapping of section anchors to lists of topic slugs "
                                 "({s2-1: [falv-yuanzhu]})", key_line)]
    lines = key_lines_of(node)
    kept, problems = [], []
    for anchor, topics in value.items():
        line = lines.get(str(anchor), key_line)
        if not isinstance(anchor, str) or anchor not in anchors:
            problems.append(error(shown, f"section_topics: {anchor!r} names no section of this report", line))
        elif not isinstance(topics, list) or not all(isinstance(t, str) and SLUG_RE.match(t) for t in topics):
            problems.append(error(shown, f"section_topics: {anchor}: expected a list of topic slugs, got {topics!r}", line))
        else:
            kept.append(SectionTopics(anchor, tuple(dict.fromkeys(topics)), line))
    return tuple(kept), problems
