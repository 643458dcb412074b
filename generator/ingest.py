"""``fazhi ingest``: turn each original in content/raw/ into content/reports/<slug>.md.

The stages, each a small named function: decode → lines → strip page chrome
(its facts become front-matter) → title, 发文字号 → structure (headings and
paragraphs as Markdown) → metadata (year, period, publisher, place) → merge with
an existing file so hand corrections survive → write atomically.

Hand corrections: ``content/reports/.machine.json`` records, per report, the
value ingest last wrote for every front-matter field and the hash of the body it
last wrote. On the next run a field (or the body) whose current value differs
from that record was corrected by hand and is kept; everything else is
refreshed. A file whose result is unchanged is not rewritten.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import yaml

from generator import places, urls
from generator.planned import tree_digest
from generator.model import CONTROL, FRONT_MATTER_KEYS, TextLoader, sections_of, split_front_matter
from generator.figures import Indicator, extract_sections, load_indicators
from generator.topics import Topic, classify, load_topics
from generator.problems import Problem, error, report, warning
from generator.progress import progress, summary
from generator.write import write_atomic

MACHINE_FILE = ".machine.json"

# --- decode -------------------------------------------------------------------------


class Unusable(Exception):
    """A raw file that cannot be read as a report; the message is the reason."""


def decode(data: bytes) -> str:
    """Bytes → text with \\n line endings.

    UTF-16 with a BOM (Windows "Unicode" files), then UTF-8 (with or without BOM),
    then GB18030 (the national standard, a superset of GB2312 and GBK), all strict; control
    characters are dropped (vertical tab and form feed become line breaks).
    No detector guesses: GB18030 decodes almost any byte string, so a detector's
    guess could only replace a wrong GB18030 reading with another guess.
    """
    if not data:
        raise Unusable("empty file")
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unusable("starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    elif b"\x00" in data:
        raise Unusable("binary file (contains NUL bytes), not a text report")
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        raise Unusable("cannot be decoded as UTF-8 or GB18030/GBK")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Vertical tab and form feed break lines in text exported from Word; other control characters
    # are invisible, never meant, and would make the feed invalid XML (model.CONTROL).
    text = CONTROL.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", text)
    if not text.strip():
        raise Unusable("blank file (only whitespace)")
    return text


# --- page chrome ------------------------------------------------------------------------

_SPACE = " \t\u3000\u00a0\u200b\ufeff"
_BULLETS = "•·●▪◆■*"
_META_KEYS = {
    "信息索引号": "doc_index",
    "索引号": "doc_index",
    "文件名称": "title",
    "标题": "title",
    "发布机构": "source_org",
    "发文机关": "source_org",
    "成文日期": "written",
    "发布日期": "published",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "公开方式": None,
    "主题分类": None,
    "有效性": None,
    "公开范围": None,
}
_META_LINE = re.compile(r"^(" + "|".join(sorted(_META_KEYS, key=len, reverse=True)) + r")\s*[:：]\s*(.*)$")
_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
_CHROME = re.compile(
    r"^(分享(到)?[:：]?.*|朗读|打印(本页)?|关闭(窗口)?|收藏|【?字号】?[:：]?.*|.*【大】.*【中】.*【小】.*|"
    r"(当前位置|您的位置|你的位置|您现在的位置)[:：].*|首页\s*[>›»/].*|浏览(量|次数)[:：]?\s*\d*|访问量[:：]?\s*\d*|"
    r"【?(打印|关闭)】?(\s*【?(打印|关闭|返回顶部)】?)*|扫一扫.*|微信扫一扫.*|返回顶部)$"
)
_DATE_SOURCE_LINE = re.compile(r"^(发布)?(日期|时间)[:：]\s*" + _DATE + r"[^来]*?(来源[:：]\s*(?P<src>\S+?))?\s*(浏览(量|次数)[:：]?\s*\d*)?\s*$")
_SOURCE_LINE = re.compile(r"^(信息)?来源[:：]\s*(?P<src>.+)$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d+\s*号$")


@dataclass
class Facts:
    """Front-matter facts found outside the body: page metadata, title, 发文字号, 来源."""

    title: str = ""
    title_inferred: bool = False
    doc_index: str = ""
    doc_number: str = ""
    source: str = ""
    published: str = ""
    source_org: str = ""
    chrome_lines: list[str] = field(default_factory=list)


def _iso(m: re.Match) -> str:
    y, mo, d = (int(g) for g in m.groups()[:3])
    return f"{y:04d}-{mo:02d}-{d:02d}"


def clean_lines(text: str) -> list[str]:
    """Lines with surrounding blanks and list bullets removed; empty lines dropped."""
    out = []
    for line in text.split("\n"):
        line = line.strip(_SPACE)
        if line and line[0] in _BULLETS and len(line) > 1 and line[1] in _SPACE:
            line = line[1:].strip(_SPACE)
        if line:
            out.append(line)
    return out


def strip_chrome(lines: list[str], facts: Facts) -> list[str]:
    """Remove the page's chrome (metadata table, share/read-aloud/font-size, breadcrumbs)."""
    body: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _META_LINE.match(line)
        if m:
            key, value = _META_KEYS[m.group(1)], m.group(2).strip(_SPACE)
            if not value and i + 1 < len(lines) and not _META_LINE.match(lines[i + 1]):
                i += 1
                value = lines[i]
            if key == "written" or key == "published":
                d = re.search(_DATE, value)
                if d and not facts.published:
                    facts.published = _iso(d)
            elif key and value and not getattr(facts, key):
                setattr(facts, key, value)
            i += 1
            continue
        m = _DATE_SOURCE_LINE.match(line)
        if m:
            facts.published = facts.published or _iso(re.search(_DATE, line))
            if m.group("src"):
                facts.source = facts.source or m.group("src")
            i += 1
            continue
        if _CHROME.match(line) or (facts.title and line == facts.title and not body):
            i += 1
            continue
        body.append(line)
        i += 1
    # A trailing 来源 line (来源:区政府网站) is metadata, not report text.
    while body and _SOURCE_LINE.match(body[-1]):
        facts.source = facts.source or _SOURCE_LINE.match(body[-1]).group("src").strip()
        body.pop()
    return body


# --- title and structure -------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
_H2 = re.compile(rf"^[{_CN_NUM}]+\s*、")
_H3 = re.compile(rf"^[(（]\s*[{_CN_NUM}]+\s*[)）]")
_H4 = re.compile(r"^(?:\d{1,2}\s*[、.．](?!\d)|[(（]\s*\d{1,2}\s*[)）])")
_SENTENCE_END = "。；;！!？?"
_TITLE_WORDS = re.compile(r"(报告|总结|汇报|情况|要点|工作|计划|通报|纲要)")
_SALUTATION = re.compile(r"^(主任|各位|尊敬的).*[:：]$")
_SPEECH_LINE = re.compile(r"^(——|--|─)|会议上$|^[\u4e00-\u9fff（）()]{2,20}\s+[\u4e00-\u9fff]{2,4}$")


def heading_level(line: str) -> int | None:
    norm = unicodedata.normalize("NFKC", line)
    if _H2.match(norm):
        return 2
    if _H3.match(norm):
        return 3
    if _H4.match(norm):
        return 4
    return None


def _is_sentence(line: str) -> bool:
    return any(c in line for c in _SENTENCE_END) or len(line) > 60


def take_title(lines: list[str], facts: Facts) -> list[str]:
    """Move a leading title (possibly split over lines) and 发文字号 line out of the body."""
    i = 0
    title_parts: list[str] = []
    while i < len(lines) and i < 4:
        line = lines[i]
        if _DOC_NUMBER.match(line):
            facts.doc_number = facts.doc_number or line
        elif (
            not _is_sentence(line)
            and heading_level(line) is None
            and not _SALUTATION.match(line)
            and not _SPEECH_LINE.search(line)
            and len(line) <= 40
        ):
            title_parts.append(line)
        else:
            break
        i += 1
    title = "".join(title_parts)
    if title and (_TITLE_WORDS.search(title) or facts.title):
        facts.title = facts.title or title
        return lines[i:]
    # Not a title after all: keep those lines as text (only a 发文字号 line goes).
    return [l for l in lines[:i] if not _DOC_NUMBER.match(l)] + lines[i:]


_MD_INLINE = re.compile(r"([\\`*_\[\]<>&~!])")
_MD_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}(?=[.)](\s|$))|=+\s*$|-+\s*$)")


def escape_markdown(text: str) -> str:
    """Escape what Markdown would read as markup, so the rendered text is the original."""
    text = _MD_INLINE.sub(r"\\\1", text)
    m = _MD_LINE_START.match(text)
    if m:
        start = m.group(0)
        if start[0].isdigit():
            text = start + "\\" + text[len(start) :]
        else:
            text = "\\" + text
    # A heading's trailing " #" would be read as its closing sequence and dropped.
    return re.sub(r"(?<=\s)#(?=#*\s*$)", r"\\#", text, count=1)


def _split_heading(line: str) -> tuple[str, str]:
    """A numbered line may carry its paragraph: "(一)统筹协调工作。切实担负…" → heading, text."""
    cut = next((i for i, c in enumerate(line) if c in "。；;"), None)
    if cut is not None and cut < 50 and cut + 1 < len(line):
        return line[: cut + 1], line[cut + 1 :].strip(_SPACE)
    return line, ""


def _looks_like_unnumbered_heading(lines: list[str], i: int) -> bool:
    """A short, unpunctuated line between a finished sentence and a paragraph or
    numbered heading: a heading whose number is missing (seed 001's 加强落实,…)."""
    line = lines[i]
    return (
        4 <= len(line) <= 30
        and not any(c in line for c in _SENTENCE_END + "：:")
        and i + 1 < len(lines)
        and lines[i - 1][-1] in "。：:；;！!？?"
        and (heading_level(lines[i + 1]) is not None or len(lines[i + 1]) > 30)
        and not _MD_LINE_START.match(line)
        and not re.fullmatch(_DATE, line)
        and not _SALUTATION.match(line)
        and not _SPEECH_LINE.search(line)
        and not line.endswith(("局", "政府", "委员会", "办公室"))
    )


def structure(lines: list[str]) -> str:
    """Body lines → Markdown: 一、→##, (一)→###, 1./1、/（1）→####, the rest paragraphs.

    A numbered line longer than a heading and without an early full stop stays a
    paragraph. A short unnumbered line that reads as a heading takes the level of
    the heading before it (## if none): the original's missing number is not invented.
    """
    blocks: list[str] = []
    last_level = 2
    for i, line in enumerate(lines):
        level = heading_level(line)
        if level is not None:
            heading, rest = _split_heading(line)
            if len(heading) <= 60:
                blocks.append("#" * level + " " + escape_markdown(heading))
                if rest:
                    blocks.append(escape_markdown(rest))
                last_level = level
                continue
        elif i > 0 and _looks_like_unnumbered_heading(lines, i):
            blocks.append("#" * last_level + " " + escape_markdown(line))
            continue
        blocks.append(escape_markdown(line))
    return "\n\n".join(blocks) + "\n"


# --- metadata -----------------------------------------------------------------------------

_PERIODS = (
    (re.compile(r"(第?一|1)季度"), "Q1"),
    (re.compile(r"(第?二|2)季度"), "Q2"),
    (re.compile(r"(第?三|3|前三)季度"), "Q3"),
    (re.compile(r"(第?四|4)季度"), "Q4"),
    (re.compile(r"上半年"), "H1"),
)
_PUBLISHER = re.compile(
    r"((?:[\u4e00-\u9fff]{2,12}?(?:省|自治区|市|自治州|地区|盟))?[\u4e00-\u9fff]{1,10}?(?:区|县|市|旗))"
    r"(司法局|司法厅|人民政府|政府(?!网站)|[\u4e00-\u9fff]{2,8}?(?:局|委员会|办公室))"
)
_PERIOD_NAME = {"annual": "", "H1": "上半年", "Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度"}


def find_year(title: str, lead: str, published: str) -> int | None:
    for text in (title, lead[:80]):
        m = re.search(r"((?:19|20)\d{2})\s*年", text)
        if m:
            return int(m.group(1))
    if published and re.search(r"今年|本年度", lead[:80]):
        return int(published[:4])
    return None


def find_period(title: str, lead: str) -> str:
    for text in (title, lead[:40]):
        for pattern, period in _PERIODS:
            if pattern.search(text):
                return period
    return "annual"


@dataclass(frozen=True)
class Place:
    district: str = ""
    city: str = ""
    province: str = ""
    adcode: str = ""
    level: str = ""


def find_publisher_and_place(title: str, lead: str, text: str, facts: Facts, path: str, problems: list[Problem]) -> tuple[str, Place]:
    """Who published the report and which place it is about."""
    named = None
    for source in (title, facts.source_org, lead[:200]):
        m = _PUBLISHER.search(source or "")
        if m:
            named = m
            break
    place_name = ""
    if named:
        # The publisher names its place, possibly with its city or province before it.
        found = [n for n in places.names_in(named.group(1))]
        place_name = found[-1] if found else ""
    if not place_name:
        place_name = places.subject_name(text) or ""
    if not place_name:
        problems.append(warning(path, "no place name found in the text: district, city, province left empty"))
        return "", Place()
    res = places.resolve(place_name, text, facts.doc_index)
    if res.division is None:
        problems.append(warning(path, f"place not settled: {res.reason}; district, city, province left empty"))
        return _publisher(named, place_name, lead, facts), Place()
    d = res.division
    level = {"county": "county", "city": "city", "province": "province"}[d.kind]
    place = Place(
        district=d.name if d.kind == "county" else "",
        city=d.city if d.kind != "province" else "",
        province=d.province,
        adcode=d.code,
        level=level,
    )
    return _publisher(named, d.name, lead, facts), place


def _publisher(named: re.Match | None, place_name: str, lead: str, facts: Facts) -> str:
    if named:
        org = named.group(2)
        return place_name + org if place_name else named.group(0)
    # "区司法局在…" / "我局" names the department without its place; "我区" speaks for the government.
    head = lead[:60]
    m = re.search(r"(?:区|县|市|旗)(司法局|人民政府)", head)
    if m and place_name:
        return place_name + m.group(1)
    if re.search(r"我(区|县|市|旗)|全(区|县|市|旗)", head) and place_name:
        return place_name + "人民政府"
    return ""


def compose_title(place: Place, publisher: str, year: int | None, period: str) -> str:
    """A title for a text that has none: 重庆市江北区司法局2021年法治政府建设工作情况."""
    prefix = place.province if place.province not in (place.city, place.district) else ""
    prefix += place.city
    who = publisher or place.district or place.city or place.province
    if prefix and who.startswith(prefix):
        prefix = ""
    when = f"{year}年" if year else ""
    return f"{prefix}{who}{when}{_PERIOD_NAME.get(period, '')}法治政府建设工作情况"


# --- one report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ingested:
    fields: dict
    body: str


def ingest_text(
    text: str, path: str, raw: str, sha256: str, problems: list[Problem], topics: tuple[Topic, ...] = (),
    indicators: tuple[Indicator, ...] = (),
) -> Ingested:
    facts = Facts()
    lines = clean_lines(text)
    lines = strip_chrome(lines, facts)
    had_page_title = bool(facts.title)
    lines = take_title(lines, facts)
    if had_page_title and lines and lines[0] == facts.title:
        lines = lines[1:]
    if not lines:
        raise Unusable("no report text after removing the page's chrome and title")
    body = structure(lines)
    # The lead: the opening lines, past a speech's occasion line and salutation.
    lead = "".join(lines[:3])[:200]
    year = find_year(facts.title, lead, facts.published)
    period = find_period(facts.title, lead)
    publisher, place = find_publisher_and_place(facts.title, lead, "\n".join(lines), facts, path, problems)
    if year is None:
        problems.append(warning(path, "year not found in the title or first sentence: year left empty"))
    if not publisher:
        problems.append(warning(path, "publisher not found: publisher left empty"))
    sections = sections_of(body)
    title = facts.title
    if not title:
        title = compose_title(place, publisher, year, period)
        facts.title_inferred = True
    fields = {
        "title": title,
        "title_inferred": facts.title_inferred,
        "district": place.district,
        "city": place.city,
        "province": place.province,
        "adcode": place.adcode,
        "level": place.level,
        "year": year,
        "period": period,
        "publisher": publisher,
        "published": facts.published,
        "doc_index": facts.doc_index,
        "doc_number": facts.doc_number,
        "source": facts.source,
        "raw": raw,
        "raw_sha256": sha256,
        "topics": list(classify(sections, topics)[1]),
        "figures": extract_sections(sections, indicators, period, year),
    }
    return Ingested(fields, body)


# --- files ---------------------------------------------------------------------------------------


# libyaml's emitter writes what PyYAML's does, 4x faster, except that it escapes characters
# outside the Basic Multilingual Plane (rare CJK in names) and U+0085, and treats some
# breaks and controls differently, and writes an empty or long mapping key (PyYAML: `? key`)
# otherwise; such values go to the pure-Python emitter.
_LIBYAML_SAFE = re.compile(r"[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_CDumper = getattr(yaml, "CSafeDumper", None)


def _libyaml_writes_alike(value) -> bool:
    if isinstance(value, str):
        return _LIBYAML_SAFE.fullmatch(value) is not None
    if isinstance(value, dict):
        return all(isinstance(k, str) and 0 < len(k) <= 40 and _libyaml_writes_alike(k) and _libyaml_writes_alike(v)
                   for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_libyaml_writes_alike(v) for v in value)
    return True


def dump(fields: dict, body: str) -> str:
    ordered = {k: fields.get(k) for k in FRONT_MATTER_KEYS}
    dumper = _CDumper if _CDumper is not None and _libyaml_writes_alike(ordered) else yaml.SafeDumper
    head = yaml.dump(ordered, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)
    return f"---\n{head}---\n{body}"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds ``data``; whether it wrote."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return True


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def merge(new: Ingested, current: tuple[dict, str] | None, machine: dict | None) -> tuple[dict, str]:
    """Keep hand corrections: a value that differs from what ingest last wrote wins."""
    if current is None:
        return new.fields, new.body
    fields, body = current
    last_fields = (machine or {}).get("fields", {})
    merged = {}
    for key in FRONT_MATTER_KEYS:
        if key in fields and (machine is None or fields.get(key) != last_fields.get(key)):
            merged[key] = fields[key]  # corrected by hand (or no record of what we wrote)
        else:
            merged[key] = new.fields[key]
    keep_body = machine is None or _sha(body) != machine.get("body_sha256")
    return merged, body if keep_body else new.body


# --- the run: incremental, parallel, deterministic ---------------------------------------------
#
# The cache (content/reports/.ingest-cache.json, not committed, rebuilt when missing) records for
# every original the SHA-256 of its bytes, the report file it made, the SHA-256 of that file as
# ingest left it, and the problems found. An original whose bytes, the ingest version (the
# generator's own code and data, and the topic taxonomy) and report file are all unchanged, with
# .machine.json as the last run left it, is not read again: its problems are repeated and its file
# stays. Everything in it derives from content, so it is deterministic too.
#
# The work per original (decode, ingest_text, merge with the report file, write) runs in a process
# pool; new reports' slugs, and so their collision suffixes, are chosen afterwards in the parent, in
# sorted order, exactly as one process would.

CACHE_FILE = ".ingest-cache.json"
CACHE_FORMAT = 1
# Modules that only render the site: editing them does not change what ingest writes.
_NOT_INGEST = {"__main__.py", "build.py", "check.py", "cli.py", "progress.py", "render.py", "search.py",
               "segment.py", "serve.py", "write.py"}
_PARALLEL_FROM = 32  # fewer files than this are ingested in this process: a pool costs more than it saves


@lru_cache(maxsize=1)
def ingest_version() -> str:
    """A digest of everything in the generator that shapes ingest's output (code and division data)."""
    package = Path(__file__).resolve().parent
    code = tree_digest(package, lambda path: "__pycache__" not in path.parts and path.name not in _NOT_INGEST and path.suffix != ".pyc")
    return hashlib.sha256(f"fazhi ingest cache {CACHE_FORMAT}\n{code}".encode()).hexdigest()


@dataclass(frozen=True)
class _Job:
    path: Path
    shown: str
    target: Path | None  # the report file this original already has
    machine: dict | None  # what ingest last wrote into that file


@dataclass(frozen=True)
class _Done:
    sha256: str
    problems: tuple[Problem, ...]
    unusable: str = ""
    fields: dict | None = None  # what ingest made of the original, before hand corrections
    body_sha256: str = ""
    data: bytes = b""  # a new report's file, to be written once its slug is chosen
    written: bool = False
    md_sha256: str = ""  # the report file as this run left it
    md_raw: str | None = None  # its ``raw`` field, how the next run finds it without parsing it


if hasattr(yaml, "CSafeLoader"):
    class _CTextLoader(yaml.CSafeLoader):
        """model.TextLoader on libyaml's parser: 7x faster, the same values (dates stay text)."""

    _CTextLoader.yaml_implicit_resolvers = TextLoader.yaml_implicit_resolvers
    _LOADERS: tuple = (_CTextLoader, TextLoader)
else:
    _LOADERS = (TextLoader,)


# libyaml accepts some tabs PyYAML rejects; text with tabs, CR, astral-plane or other unusual
# characters is read by PyYAML alone.
_LIBYAML_READS_ALIKE = re.compile(r"[\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")


def load_front_matter(text: str) -> dict | list | str | None:
    """Front-matter YAML as model.TextLoader reads it. libyaml parses it (a report file is parsed
    at every ingest that re-reads its original: 2 ms in pure Python); what libyaml rejects is left
    to the pure-Python parser, whose verdict (a value or a YAMLError) stands."""
    if len(_LOADERS) > 1 and _LIBYAML_READS_ALIKE.fullmatch(text):
        try:
            return yaml.load(text, Loader=_LOADERS[0])
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_LOADERS[-1])


def _read_report(path: Path) -> tuple[dict, str] | None:
    """Front-matter and body of a report file, or None when it is not one."""
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    if not parts:
        return None
    try:
        data = load_front_matter(parts[0]) or {}
    except yaml.YAMLError:
        return None
    return (data, parts[1]) if isinstance(data, dict) else None


def _raw_of(path: Path) -> str | None:
    """The original a report file names (its ``raw`` field), if it is a report file."""
    found = _read_report(path)
    return str(found[0]["raw"]) if found and found[0].get("raw") else None


def _ingest_file(job: _Job, topics: tuple[Topic, ...], indicators: tuple[Indicator, ...]) -> _Done:
    """Everything one original needs that does not depend on the others (runs in a worker)."""
    data = job.path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    found: list[Problem] = []
    try:
        new = ingest_text(decode(data), job.shown, Path(job.shown).as_posix(), sha256, found, topics, indicators)
    except Unusable as exc:
        return _Done(sha256, (error(job.shown, str(exc)),), unusable=str(exc))
    current = _read_report(job.target) if job.target else None
    fields, body = merge(new, current, job.machine)
    out = dump(fields, body).encode("utf-8")
    written = write_if_changed(job.target, out) if job.target else False
    raw = str(fields["raw"]) if fields.get("raw") else None
    return _Done(sha256, tuple(found), "", new.fields, _sha(new.body), b"" if job.target else out, written,
                 hashlib.sha256(out).hexdigest(), raw)


class _Workers:
    """map() over a fork pool of os.cpu_count() processes, started only when the work is worth it."""

    def __init__(self, jobs: int | None):
        self.jobs = jobs or os.cpu_count() or 1
        self.forced = jobs is not None
        self.pool = None

    def map(self, fn, items: list, chunksize: int = 8):
        if self.jobs < 2 or len(items) < 2 or (not self.forced and len(items) < _PARALLEL_FROM):
            return map(fn, items)
        if self.pool is None:
            places.names_in("")  # load the division list once, before forking, so workers share it
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self.pool.imap(fn, items, chunksize=chunksize)

    def close(self) -> None:
        # Every result has been taken by now (or an error is on its way up): nothing is lost.
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hash_files(paths: list[Path]) -> list[tuple[str, int]]:
    """SHA-256 and size of many files. Reading and hashing release the GIL, so a thread per core
    (each with one contiguous share: a task per file would cost more than its hash) uses them all."""
    def share(part: list[Path]) -> list[tuple[str, int]]:
        out = []
        for path in part:
            data = path.read_bytes()
            out.append((hashlib.sha256(data).hexdigest(), len(data)))
        return out

    n = max(1, min(os.cpu_count() or 1, len(paths) // 64))
    parts = [paths[i * len(paths) // n:(i + 1) * len(paths) // n] for i in range(n)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return [found for part in pool.map(share, parts) for found in part]


def _shown(path: Path, folder_shown: str | None, root: Path) -> str:
    """How a raw file is named in problems and front-matter: relative to the project root."""
    if folder_shown is None or path.is_symlink():
        real = path.resolve()
        return os.path.relpath(real, root) if real.is_relative_to(root) else str(path)
    return os.path.normpath(os.path.join(folder_shown, path.name))


def _load_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_bytes()) if path.exists() else {}
    except ValueError:
        return {}  # a damaged cache is only a slower ingest
    return value if isinstance(value, dict) else {}


@dataclass
class Outcome:
    problems: list[Problem]
    written: int = 0  # report files written
    reports: int = 0  # originals that are reports (not unusable)
    processed: int = 0  # originals read this time (the rest were unchanged since the last run)
    raw_bytes: int = 0


def ingest_all(raw_dir: Path, out_dir: Path, jobs: int | None = None, stream=None) -> Outcome:
    """Ingest every file in raw_dir into out_dir (see the comment above on what is skipped)."""
    problems: list[Problem] = []
    root = out_dir.resolve().parent.parent
    machine_path, cache_path = out_dir / MACHINE_FILE, out_dir / CACHE_FILE
    machine_bytes = machine_path.read_bytes() if machine_path.exists() else b""
    cache = _load_json(cache_path)
    taxonomy = out_dir.parent / "topics.yml"
    topics, topic_problems = load_topics(taxonomy) if taxonomy.exists() else ((), [warning(taxonomy, "no topic taxonomy: topics left empty")])
    problems.extend(topic_problems)
    table = out_dir.parent / "indicators.yml"
    indicators, indicator_problems = load_indicators(table) if table.exists() else ((), [warning(table, "no indicator table: figures left empty")])
    problems.extend(indicator_problems)
    if not raw_dir.is_dir():
        return Outcome([error(raw_dir, "raw folder does not exist")])
    configuration = "".join(_file_sha(f) if f.exists() else "" for f in (taxonomy, table))
    version = hashlib.sha256((ingest_version() + configuration).encode()).hexdigest()
    entries: dict = cache.get("files", {}) if cache.get("format") == CACHE_FORMAT else {}
    reusable = cache.get("version") == version and cache.get("machine_sha256") == hashlib.sha256(machine_bytes).hexdigest()
    workers = _Workers(jobs)
    try:
        # Which original each report file belongs to: from the cache when the file is as ingest left
        # it, else by reading its front-matter (in the pool: that is YAML parsing).
        reports = sorted(out_dir.glob("*.md"), key=lambda p: p.name) if out_dir.exists() else []
        known = {e["report"]: e for e in entries.values() if isinstance(e, dict) and e.get("report")}
        checked = [p for p in reports if p.stem in known]
        unchanged = {p for p, (sha, _) in zip(checked, _hash_files(checked)) if sha == known[p.stem].get("md_sha256")}
        unread = [p for p in reports if p not in unchanged]
        raw_of = dict(zip(unread, workers.map(_raw_of, unread, chunksize=16)))
        existing: dict[str, Path] = {}
        for p in reports:  # in sorted order: of two files naming one original, the last wins
            raw = known[p.stem].get("md_raw") if p in unchanged else raw_of[p]
            if raw:
                existing[raw] = p
        taken = {p.stem for p in reports}

        originals = sorted((p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith(".")), key=lambda p: p.name)
        hashed = _hash_files(originals)
        folder = raw_dir.resolve()
        folder_shown = os.path.relpath(folder, root) if folder.is_relative_to(root) else None
        plan: list[tuple[Path, str, dict | None]] = []  # (original, shown, cache entry to reuse)
        stale: list[tuple[Path, str, Path | None]] = []
        for path, (sha, _) in zip(originals, hashed):
            shown = _shown(path, folder_shown, root)
            key = Path(shown).as_posix()
            entry = entries.get(key)
            target = existing.get(key)
            same = (reusable and isinstance(entry, dict) and entry.get("sha256") == sha
                    and (target is None and not entry.get("report")
                         or target is not None and target.stem == entry.get("report") and target in unchanged))
            plan.append((path, shown, entry if same else None))
            if not same:
                stale.append((path, shown, target))
        # .machine.json (10 MB at 10,000 reports) is read only when something is to be ingested.
        machine: dict = json.loads(machine_bytes) if stale and machine_bytes else {}
        todo = [_Job(path, shown, target, machine.get(target.stem) if target else None) for path, shown, target in stale]

        outcome = Outcome(problems, processed=len(todo), raw_bytes=sum(n for _, n in hashed))
        files: dict[str, dict] = {}
        done = iter(workers.map(partial(_ingest_file, topics=topics, indicators=indicators), todo, chunksize=8))
        with progress("ingest", total=len(todo), unit="files", stream=stream) as bar:
            for path, shown, entry in plan:
                key = Path(shown).as_posix()
                if entry is not None:
                    problems.extend(Problem(*p) for p in entry["problems"])
                    outcome.reports += bool(entry.get("report"))
                    files[key] = entry
                    continue
                result: _Done = next(done)
                bar.update(1)
                problems.extend(result.problems)
                files[key] = {"sha256": result.sha256, "problems": [list(astuple(p)) for p in result.problems]}
                if result.unusable:
                    continue
                outcome.reports += 1
                target = existing.get(key)
                if target is None:
                    target = out_dir / f"{_new_slug(result.fields, taken)}.md"
                    outcome.written += write_if_changed(target, result.data)
                else:
                    outcome.written += result.written
                machine[target.stem] = {"raw": key, "fields": result.fields, "body_sha256": result.body_sha256}
                files[key].update(report=target.stem, md_sha256=result.md_sha256, md_raw=result.md_raw)
    finally:
        workers.close()
    if stale or not machine_path.exists():
        machine_bytes = (json.dumps(machine, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
        write_if_changed(machine_path, machine_bytes)
    state = {"format": CACHE_FORMAT, "version": version, "machine_sha256": hashlib.sha256(machine_bytes).hexdigest(), "files": files}
    write_if_changed(cache_path, (json.dumps(state, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    return outcome


def _new_slug(fields: dict, taken: set[str]) -> str:
    """A new report's file name: its slug, with -2, -3, … when taken (chosen in sorted order)."""
    base = urls.report_slug(
        year=fields["year"], province=fields["province"], city=fields["city"],
        district=fields["district"], publisher=fields["publisher"], period=fields["period"],
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def run_ingest(raw_dir: Path, out_dir: Path, jobs: int | None = None) -> tuple[list[Problem], int]:
    """Ingest every file in raw_dir; return the problems and the number of files written."""
    outcome = ingest_all(raw_dir, out_dir, jobs)
    return outcome.problems, outcome.written


def run(args) -> int:
    start = time.monotonic()
    outcome = ingest_all(args.raw, args.out)
    errors, warnings = report(outcome.problems)
    line = summary("ingest", reports=outcome.reports, written=outcome.written, bytes=outcome.raw_bytes,
                   seconds=time.monotonic() - start, errors=errors, warnings=warnings)
    print(f"{line}; {outcome.processed} original(s) read, the others unchanged since the last ingest; reports in {args.out}")
    return 1 if errors else 0
