"""The archive's model: what a report in ``content/reports/*.md`` is.

Every later stage (topics, render, search index, data exports) reads these
frozen dataclasses and nothing else, so they all agree on a report's fields,
its sections and each section's anchor.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import yaml

from generator.markdown import tokens_of
from generator.problems import Problem, error, has_errors, warning

# The front-matter keys, in the order ingest writes them.
FRONT_MATTER_KEYS = (
    "title",
    "title_inferred",
    "district",
    "city",
    "province",
    "adcode",
    "level",
    "year",
    "period",
    "publisher",
    "published",
    "doc_index",
    "doc_number",
    "source",
    "raw",
    "raw_sha256",
    "source_url",
    "fetched",
    "added",
    "topics",
    "section_topics",
    "figures",
)
# Where and when a fetched original was taken: written only when known (a text original has neither).
PROVENANCE_KEYS = ("source_url", "fetched")
LEVELS = ("county", "city", "province")
PERIODS = ("annual", "H1", "Q1", "Q2", "Q3", "Q4")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEAD_ANCHOR = "lead"
UNPLACED = "未定位"  # what pages call a report whose place is not known
# Limits of a sane archive, far beyond any real report (the longest seed title has 33 characters,
# the largest report 60 KB): past them a value is a mistake, and a 10 MB title made a 1.9 GB site,
# as it is repeated on every page that lists the report.
MAX_FIELD = 300  # characters of a title, place, publisher … or a heading
MAX_QUOTE = 2000  # characters of a figure's sentence
MAX_FILE = 20 * 1024 * 1024  # bytes of a report file
# C0 and C1 control characters but tab and line feed: invisible, never typed on purpose, and they
# make the feed and sitemap invalid XML. Ingest removes them from originals (ingest.decode).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Figure:
    """A figure the report states (数据): 受理行政复议案件 96件, with the sentence it came from."""

    indicator: str
    value: float
    unit: str
    period: str
    quote: str
    approx: str = ""  # 余, 多, 近, 约, 以上 as stated (3800余件 → value 3800, approx 余)
    upper: float | None = None  # the upper end of a stated range (80-100场 → value 80, upper 100)
    stated: str = ""  # the number as the quote writes it (1.8亿元 where value is 18000 万元); '' when not recorded
    line: int | None = field(default=None, compare=False, repr=False)  # of the item in the file


@dataclass(frozen=True)
class SectionTopics:
    """An editor's filing of one section (front-matter ``section_topics: {s2-1: [falv-yuanzhu]}``):
    these topics and no others, whatever the classifier finds (``[]``: none)."""

    anchor: str
    topics: tuple[str, ...]
    line: int | None = field(default=None, compare=False, repr=False)  # of the entry in the file


@dataclass(frozen=True)
class Section:
    """A heading and the paragraphs under it up to the next heading (of any level).

    ``level`` is the Markdown heading level (2 for 一、, 3 for (一), 4 for 1.; a level-1
    heading counts as 2); the lead, the text before the first heading, has level 1 and no heading.
    ``path`` holds the enclosing headings from the top down, ending with this one.
    """

    anchor: str
    level: int
    heading: str
    path: tuple[str, ...]
    text: str

    @property
    def is_lead(self) -> bool:
        """The text before the first heading. Told by its anchor, not its level: an editor's
        ``# 编者按`` is a heading of level 1 too."""
        return self.anchor == LEAD_ANCHOR


@dataclass(frozen=True)
class Report:
    """One report (法治政府建设年度报告, 司法局工作总结 …) as the archive holds it."""

    slug: str
    file: str
    title: str
    title_inferred: bool
    district: str
    city: str
    province: str
    adcode: str
    level: str
    year: int | None
    period: str
    publisher: str
    published: str
    doc_index: str
    doc_number: str
    source: str
    raw: str
    raw_sha256: str
    source_url: str  # the government's address of the page the original was fetched from ('' when not fetched)
    fetched: str  # when it was fetched, ISO 8601 UTC ('' when not fetched)
    added: str  # the ISO date the report entered the archive: its original's first ingest ('' when unknown)
    topics: tuple[str, ...]
    section_topics: tuple[SectionTopics, ...]
    figures: tuple[Figure, ...]
    body: str
    sections: tuple[Section, ...] = field(repr=False)

    @property
    def topic_corrections(self) -> dict[str, tuple[str, ...]]:
        """Section anchor → the topics an editor filed it under."""
        return {c.anchor: c.topics for c in self.section_topics}

    @property
    def place(self) -> str:
        """The most specific place name known: district, else city, else province."""
        return self.district or self.city or self.province

    @property
    def distinct_city(self) -> str:
        """The city as a level of its own below the province: '' for a 直辖市's district, whose
        city is the municipality itself (重庆市 is its province and its city)."""
        return self.city if self.city != self.province else ""

    @property
    def full_place(self) -> str:
        """The place from the province down, each name once: 重庆市江北区, 浙江省金华市婺城区."""
        return self.province + self.distinct_city + self.district

    def front_matter(self) -> dict:
        """The front-matter as plain data, in FRONT_MATTER_KEYS order."""
        return {
            "title": self.title,
            "title_inferred": self.title_inferred,
            "district": self.district,
            "city": self.city,
            "province": self.province,
            "adcode": self.adcode,
            "level": self.level,
            "year": self.year,
            "period": self.period,
            "publisher": self.publisher,
            "published": self.published,
            "doc_index": self.doc_index,
            "doc_number": self.doc_number,
            "source": self.source,
            "raw": self.raw,
            "raw_sha256": self.raw_sha256,
            "source_url": self.source_url,
            "fetched": self.fetched,
            "added": self.added,
            "topics": list(self.topics),
            "section_topics": {c.anchor: list(c.topics) for c in self.section_topics},
            "figures": [figure_item(f) for f in self.figures],
        }


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


# --- front-matter ------------------------------------------------------------

_FENCE = "---"


class TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that keeps dates as text, so a bad date is reported like any bad field."""


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in TextLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---\\nYAML\\n---\\nbody``; return (yaml, body, body's first line number)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() == _FENCE:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None


def compose_front_matter(yaml_text: str) -> tuple[object, yaml.Node | None]:
    """The front-matter's data and its node tree (for line numbers), from one parse: a second
    and third parse for the lines of keys and figures were 20% of reading a report."""
    loader = TextLoader(yaml_text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def duplicate_keys(node: yaml.Node | None) -> list[tuple[str, int, int]]:
    """(key, first line, repeated line) for each key given twice in a mapping of the front-matter,
    at any depth: YAML's loader silently keeps the last, so ``year: 2021`` then ``year: 2019``
    would publish 2019 with no word."""
    found: list[tuple[str, int, int]] = []
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    line = k.start_mark.line + 2
                    if k.value in seen:
                        found.append((k.value, seen[k.value], line))
                    else:
                        seen[k.value] = line
                todo.append(v)
        elif isinstance(n, yaml.SequenceNode):
            todo.extend(n.value)
    return sorted(found, key=lambda f: f[2])


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """Line (1-based, within the file) of each key of a mapping (the front-matter's top level, or a
    value of it), for error messages."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 2 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The node of a top-level key's value."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _item_lines(node: yaml.Node | None, key: str) -> list[int]:
    """Line (1-based, within the file) of each item of a top-level list."""
    value = _value_node(node, key)
    return [item.start_mark.line + 2 for item in value.value] if isinstance(value, yaml.SequenceNode) else []


def key_lines(text: str) -> dict[str, int]:
    """Line (1-based) of each top-level front-matter key of a report file's text; {} when it has no
    front-matter that parses. For messages about a file the caller already holds as text."""
    parts = split_front_matter(text.lstrip("\ufeff"))
    if parts is None:
        return {}
    try:
        return _key_lines(compose_front_matter(parts[0])[1])
    except yaml.YAMLError:
        return {}


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


def parse_report(path: Path, text: str, root: Path | None = None, originals: Path | None = None) -> tuple[Report | None, list[Problem]]:
    """Parse one ``content/reports/*.md`` file. Never raises on bad content.

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
    lines = _key_lines(node)
    for key, first, again in duplicate_keys(node):
        problems.append(error(shown, f"key {key!r} is given twice (first at line {first}): which one is meant?", again))

    def bad(key: str, why: str) -> None:
        problems.append(error(shown, f"{key}: {why}", lines.get(key)))

    for key in sorted(set(data) - set(FRONT_MATTER_KEYS), key=str):
        problems.append(warning(shown, f"unknown front-matter key {key!r} is ignored", lines.get(str(key))))

    strings: dict[str, str] = {}
    for key in ("title", "district", "city", "province", "adcode", "level", "period", "publisher", "published",
                "doc_index", "doc_number", "source", "raw", "raw_sha256", "source_url", "fetched", "added"):
        value = _text(data.get(key))
        if value is None:
            bad(key, f"expected text, got {type(data.get(key)).__name__}")
            value = ""
        elif len(value) > MAX_FIELD:
            bad(key, f"{len(value):,} characters long; at most {MAX_FIELD} (is it a paragraph pasted in the wrong place?)")
        strings[key] = value

    if strings["adcode"] and not re.fullmatch(r"\d{6}", strings["adcode"]):
        bad("adcode", f"{strings['adcode']!r} is not a 6-digit division code")
    if strings["level"] and strings["level"] not in LEVELS:
        bad("level", f"{strings['level']!r} is not one of {', '.join(LEVELS)}")
    if strings["period"] and strings["period"] not in PERIODS:
        bad("period", f"{strings['period']!r} is not one of {', '.join(PERIODS)}")
    for key in ("published", "added"):
        if strings[key] and not is_iso_date(strings[key]):
            bad(key, f"{strings[key]!r} is not an ISO date (YYYY-MM-DD)")
    if strings["raw_sha256"] and not re.fullmatch(r"[0-9a-f]{64}", strings["raw_sha256"]):
        bad("raw_sha256", "is not a SHA-256 hex digest")
    if strings["source_url"] and not re.match(r"https?://", strings["source_url"]):
        bad("source_url", f"{strings['source_url']!r} is not an http(s) address")
    if strings["raw"] and originals is not None and root is not None:
        why = original_path(strings["raw"], root, originals)[1]
        if why:
            bad("raw", why)

    year = data.get("year")
    if year in (None, ""):
        year = None
    elif isinstance(year, bool) or not isinstance(year, int) and not (isinstance(year, str) and year.isdigit()):
        bad("year", f"{year!r} is not a year")
        year = None
    else:
        year = int(year)
        if not 1949 <= year <= 2100:
            bad("year", f"{year} is not a plausible year")
            year = None

    title_inferred = data.get("title_inferred", False)
    if title_inferred is None:
        title_inferred = False
    if not isinstance(title_inferred, bool):
        bad("title_inferred", "expected true or false")
        title_inferred = False

    topics = data.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        bad("topics", "expected a list of topic slugs")
        topics = []

    figures: list[Figure] = []
    raw_figures = data.get("figures") or []
    if not isinstance(raw_figures, list):
        bad("figures", "expected a list")
        raw_figures = []
    item_lines = _item_lines(node, "figures")
    for i, item in enumerate(raw_figures, 1):
        figure, why = _figure(item)
        line = item_lines[i - 1] if i - 1 < len(item_lines) else lines.get("figures")
        if figure is None:
            problems.append(error(shown, f"figures: item {i}: {why}", line))
        else:
            figures.append(Figure(**{**figure.__dict__, "line": line}))

    sections = sections_of(body)
    problems += _body_problems(shown, body, body_line, {s.anchor for s in sections})
    section_topics, found = _section_topics(data.get("section_topics"), _value_node(node, "section_topics"),
                                            {s.anchor for s in sections}, shown, lines.get("section_topics"))
    problems += found
    if has_errors(problems):
        return None, problems
    report = Report(
        slug=slug,
        file=str(shown),
        title=strings["title"],
        title_inferred=title_inferred,
        district=strings["district"],
        city=strings["city"],
        province=strings["province"],
        adcode=strings["adcode"],
        level=strings["level"],
        year=year,
        period=strings["period"],
        publisher=strings["publisher"],
        published=strings["published"],
        doc_index=strings["doc_index"],
        doc_number=strings["doc_number"],
        source=strings["source"],
        raw=strings["raw"],
        raw_sha256=strings["raw_sha256"],
        source_url=strings["source_url"],
        fetched=strings["fetched"],
        added=strings["added"],
        topics=tuple(topics),
        section_topics=section_topics,
        figures=tuple(figures),
        body=body,
        sections=sections,
    )
    return report, problems


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
    lines = _key_lines(node)
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


# --- sections and anchors ------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零三 → 103; None if not a numeral."""
    if not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return None
    total, digit = 0, None
    for c in text:
        if c == "百":
            total += (digit if digit is not None else 1) * 100
            digit = None
        elif c == "十":
            total += (digit if digit is not None else 1) * 10
            digit = None
        else:
            digit = _CN_DIGITS[c] if digit is None else digit * 10 + _CN_DIGITS[c]
    return total + (digit or 0)


_NUMBERED = re.compile(
    r"^\s*(?:"
    r"(?P<cn>[一二三四五六七八九十百零〇两]+)\s*[、.．]"  # 一、
    r"|[(（]\s*(?P<cnp>[一二三四五六七八九十百零〇两]+)\s*[)）]"  # (一) （一）
    r"|[(（]\s*(?P<arp>\d+)\s*[)）]"  # (1)
    r"|(?P<ar>\d+)\s*[、.．](?!\d)"  # 1. 1、 １．
    r"|第(?P<ord>[一二三四五六七八九十百零〇两]+|\d+)[部章节]"  # 第一部分
    r")"
)


def heading_number(heading: str) -> int | None:
    """The number a heading gives itself (一、→1, （三）→3, 2.→2), or None."""
    m = _NUMBERED.match(unicodedata.normalize("NFKC", heading))
    if not m:
        return None
    for name in ("cn", "cnp", "ord"):
        if m.group(name):
            value = m.group(name)
            return int(value) if value.isdigit() else chinese_number(value)
    return int(m.group("arp") or m.group("ar"))


def inline_text(token) -> str:
    """Plain text of an inline token: what a reader sees, without Markdown escapes."""
    out = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "image":
            out.append(inline_text(child))
    return "".join(out)


def heading_anchors(headings: list[tuple[int, str]]) -> list[str]:
    """Stable anchors for (level, text) headings in document order.

    An anchor follows the report's own numbering from the top down: 二、 → ``s2``,
    its （三） → ``s2-3``, that one's 1. → ``s2-3-1``. Numbers are those written,
    gaps included, so an anchor survives corrections elsewhere in the text. An
    unnumbered heading takes ``u`` and its position among its siblings; a repeated
    anchor takes ``-2``, ``-3``.
    """
    anchors: list[str] = []
    used: set[str] = {LEAD_ANCHOR}
    stack: list[tuple[int, str]] = []  # (level, part)
    sibling_count: dict[tuple[str, ...], int] = {}
    for level, text in headings:
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = tuple(part for _, part in stack)
        sibling_count[parent] = sibling_count.get(parent, 0) + 1
        number = heading_number(text)
        part = str(number) if number is not None else f"u{sibling_count[parent]}"
        stack.append((level, part))
        base = "s" + "-".join(part for _, part in stack)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors.append(anchor)
    return anchors


def sections_of(body: str) -> tuple[Section, ...]:
    """Cut a Markdown body into its lead and heading sections."""
    tokens = tokens_of(body)
    chunks: list[tuple[int, str, list[str]]] = [(1, "", [])]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            # A level-1 heading (an editor's "# 编者按") is a top-level heading like 一、: nesting
            # what follows under it would renumber every anchor below (citations point at them).
            chunks.append((max(2, int(tok.tag[1])), inline_text(tokens[i + 1]), []))
            i += 3
            continue
        if tok.type == "tr_open":  # a table row is one line, so a figure's label and its number read together
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "tr_close")
            chunks[-1][2].append("".join(inline_text(t) for t in tokens[i:end] if t.type == "inline"))
            i = end + 1
            continue
        if tok.type == "inline":
            chunks[-1][2].append(inline_text(tok))
        elif tok.type in ("fence", "code_block"):
            chunks[-1][2].append(tok.content.rstrip("\n"))
        i += 1
    anchors = heading_anchors([(level, heading) for level, heading, _ in chunks[1:]])
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    lead = chunks[0]
    if lead[2]:
        sections.append(Section(LEAD_ANCHOR, 1, "", (), "\n".join(lead[2])))
    for (level, heading, paragraphs), anchor in zip(chunks[1:], anchors):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        sections.append(Section(anchor, level, heading, tuple(h for _, h in stack), "\n".join(paragraphs)))
    return tuple(sections)
