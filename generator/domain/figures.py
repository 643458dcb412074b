"""Figures (数据): the numbers a report states for the indicators in content/indicators.yml.

Each rule is a small pure function: split a section's text into sentences, find an
indicator's phrasing in a sentence, parse the number it names (3800余件, 1.8亿元,
99.84%, 二千三百余件, 80-100场次), convert it to the indicator's canonical unit, and
read the part of the year the sentence speaks of (1-10月, 截至10月底, Q1).

Precision over coverage: a phrasing must name the indicator next to the number, a
sentence about a part or another body (the indicator's ``exclude`` words) is skipped,
and a number claimed by two indicators is left out rather than guessed.

What a figure holds (front-matter ``figures:``, documented in the README):
- ``value``: the number as stated, in the indicator's canonical unit (money in 万元:
  1.8亿元 → 18000, 5000元 → 0.5); an int when whole, never float noise (Decimal).
- ``approx``: the stated qualifier, ``余``, ``多``, ``近``, ``约``, ``以上`` (3800余件 →
  value 3800, approx 余); absent when the figure is exact.
- ``upper``: the upper end of a stated range (80-100场次 → value 80, upper 100).
- ``stated``: the number as the sentence writes it (1.8亿元, 3800余件, 百分之九十八), which pages
  show; ``value`` is what they sort and compare by.
- ``period`` (model.FIGURE_PERIOD): ``annual``, ``H1``, ``H2``, ``Q1``–``Q4``, ``Q1-Q3`` (前三季度), ``1-N月`` (1-10月份), ``截至N月底`` (截至10月底,
  至2017年10月底, 截止10月份), ``截至目前``; otherwise the report's own period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.core.problems import Problem, error, load_entries, warning
from generator.domain.backtracking import ambiguous_repeat, too_many_ways
from generator.model.report import SLUG_RE, Figure, Report, Section

MONEY_UNIT = "万元"
PERCENT = "%"


# --- the indicator table ------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    units: tuple[str, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    phrasings: tuple[str, ...]
    shares: tuple[str, ...] = ()  # indicators one number may state together with this one
    topic: str = ""  # the topic (content/topics.yml) a section stating it belongs to; "" for none
    patterns: tuple[re.Pattern, ...] = field(default=(), compare=False, repr=False)


INDICATOR_KEYS = ("key", "name", "unit", "units", "context", "exclude", "phrasings", "shares", "topic")
_LIST_KEYS = ("units", "context", "exclude", "phrasings", "shares")


def load_indicators(path: Path) -> tuple[tuple[Indicator, ...], list[Problem]]:
    """Read content/indicators.yml; every malformed entry is one line (with its line), the rest kept."""
    entries, problems = load_entries(path, "indicator table", "indicator", INDICATOR_KEYS, 3, SLUG_RE)
    out = []
    lines = {}
    for entry in entries:
        item = entry.data
        key = item["key"]
        lists = {}
        for name in _LIST_KEYS:
            value = item.get(name) or []
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                problems.append(error(path, f"indicator {key}: {name} must be a list of text", entry.line_of(name)))
                break
            lists[name] = tuple(value)
        else:
            if not lists["phrasings"] or not lists["units"]:
                problems.append(error(path, f"indicator {key}: needs units and phrasings", entry.line))
                continue
            patterns, bad = [], False
            for n, phrasing in enumerate(lists["phrasings"]):
                line = entry.line_of("phrasings", n)
                if phrasing.count("{n}") != 1:
                    problems.append(error(path, f"indicator {key}: phrasing {phrasing!r} must hold {{n}} once", line))
                    bad = True
                    continue
                full = phrasing.replace("{n}", number_pattern(lists["units"]))
                try:
                    pattern = re.compile(full)
                except re.error as exc:
                    problems.append(error(path, f"indicator {key}: phrasing {phrasing!r} is not a regular expression: {exc}", line))
                    bad = True
                    continue
                # {n} is ours: only the phrasing around it is held to a bounded number of ways.
                why = ambiguous_repeat(full) or too_many_ways(phrasing.replace("{n}", "\ue000"))
                if why:
                    problems.append(error(path, f"indicator {key}: phrasing {phrasing!r} could backtrack without bound: {why}", line))
                    bad = True
                    continue
                patterns.append(pattern)
            topic = item.get("topic") or ""
            if not isinstance(topic, str) or topic and not SLUG_RE.match(topic):
                problems.append(error(path, f"indicator {key}: topic {topic!r} must be a topic's slug", entry.line_of("topic")))
                bad = True
            if bad:
                continue
            out.append(Indicator(key, item["name"], item["unit"], lists["units"], lists["context"], lists["exclude"],
                                 lists["phrasings"], lists["shares"], topic, tuple(patterns)))
            lines[key] = entry.line_of("shares")
    keys = {i.key for i in out}
    for i in out:
        for other in i.shares:
            if other not in keys:
                problems.append(error(path, f"indicator {i.key}: shares names {other!r}, which is not in the table", lines[i.key]))
    return tuple(out), problems


# --- numbers -----------------------------------------------------------------------------------

_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SCALE = {"十": 10, "百": 100, "千": 1000}
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千]+"
_MANTISSA = rf"(?:{_DIGITS}|{_CN})"
_NUMBER = (
    rf"(?<![\d.第])(?P<pre>近|约|逾|超过)?(?P<a>{_MANTISSA})"
    rf"(?:\s*[-—–~～至到]\s*(?P<b>{_MANTISSA}))?(?P<q1>余|多)?(?P<mult>万|亿)?(?P<q2>余|多)?"
)


def number_pattern(units: tuple[str, ...]) -> str:
    """The regex {n} stands for: a number with one of the units (longest first), or 百分之N for %."""
    alternatives = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    if PERCENT in units:
        alternatives += "|％"
    stated = rf"{_NUMBER}\s*(?P<unit>{alternatives})(?![次人])(?P<q3>以上)?"
    if PERCENT in units:
        return rf"(?:百分之(?P<pct>{_MANTISSA})|{stated})"
    return stated


def cn_to_int(text: str) -> int | None:
    """二千三百 → 2300, 六百二十三 → 623, 十二 → 12, 一〇五 → 105; None if not a numeral."""
    if not text or any(c not in _CN_DIGIT and c not in _CN_SCALE for c in text):
        return None
    if not any(c in _CN_SCALE for c in text):  # digit by digit: 一〇五
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in _CN_SCALE:
            total += (digit if digit is not None else 1) * _CN_SCALE[c]
            digit = None
        else:
            digit = _CN_DIGIT[c]
    return total + (digit or 0)


def mantissa(text: str) -> Decimal | None:
    """'1,245' → 1245, '812.44' → 812.44, '六百二十三' → 623."""
    if re.fullmatch(_DIGITS, text):
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    n = cn_to_int(text)
    return Decimal(n) if n is not None else None


@dataclass(frozen=True)
class Stated:
    """A number as a sentence states it, already in the indicator's canonical unit."""

    value: Decimal
    upper: Decimal | None
    approx: str
    unit: str


def convert(m: re.Match, indicator_unit: str) -> Stated | None:
    """The match of number_pattern → value in the canonical unit (万元 for money)."""
    groups = m.groupdict()
    if groups.get("pct"):
        value = mantissa(groups["pct"])
        return Stated(value, None, "", PERCENT) if value is not None else None
    low, high = mantissa(groups["a"]), mantissa(groups["b"]) if groups.get("b") else None
    if low is None or (groups.get("b") and high is None):
        return None
    scale = {"万": Decimal(10000), "亿": Decimal(100000000)}.get(groups.get("mult") or "", Decimal(1))
    if indicator_unit == MONEY_UNIT:
        scale /= Decimal(10000)
    approx = groups.get("pre") or groups.get("q1") or groups.get("q2") or groups.get("q3") or ""
    return Stated(low * scale, high * scale if high is not None else None, approx, indicator_unit)


def plain(value: Decimal) -> int | float:
    """An int when whole, else the shortest float: 812.44 stays 812.44 in YAML and JSON."""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(str(value))


# --- sentences and periods ----------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


def sentences(text: str) -> list[str]:
    """Split on 。；！？ and line ends, keeping each sentence's closing mark."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


_CN_MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_PERIOD_MARK = re.compile(
    rf"(?P<range>(?:1|一)\s*(?:月份?)?\s*[-—–~至到]\s*(?P<to>{_CN_MONTH})\s*月)"
    rf"|(?P<until>(?:截至|截止到?|至)(?:今年|本年|\d{{4}}年)?(?P<month>{_CN_MONTH})月(?:底|末|份|止)?)"
    r"|(?P<q13>前三季度)"
    r"|(?P<q>第?(?P<qn>[一二三四1-4])季度)"
    r"|(?P<h1>上半年)|(?P<h2>下半年)"
    r"|(?P<now>截至目前|截止目前|至今为止|至今)"
    r"|(?P<year>全年|今年以来|今年来|本年度)"
)


def _month(text: str) -> int:
    return int(text) if text.isdigit() else (cn_to_int(text) or 0)


def period_of(text: str, default: str) -> str:
    """The part of the year the last period expression in ``text`` names, else ``default``."""
    found = default
    for m in _PERIOD_MARK.finditer(text):
        if m.group("range"):
            month = _month(m.group("to"))
            found = f"1-{month}月" if 2 <= month <= 12 else found
        elif m.group("until"):
            month = _month(m.group("month"))
            found = f"截至{month}月底" if 1 <= month <= 12 else found
        elif m.group("q13"):
            found = "Q1-Q3"
        elif m.group("q"):
            found = "Q" + str("一二三四".index(m.group("qn")) + 1 if m.group("qn") in "一二三四" else m.group("qn"))
        elif m.group("h1"):
            found = "H1"
        elif m.group("h2"):
            found = "H2"
        elif m.group("now"):
            found = "截至目前"
        else:
            found = default
    return found


# --- extraction --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    indicator: str
    stated: Stated
    period: str
    quote: str
    span: tuple[int, int]  # of the number within the quote


def applies(indicator: Indicator, sentence: str) -> bool:
    """The sentence speaks of this indicator's subject and not of a part or another body."""
    if indicator.context and not any(w in sentence for w in indicator.context):
        return False
    return not any(w in sentence for w in indicator.exclude)


def number_start(m: re.Match) -> int:
    """Where the stated number begins (百分之, 近, or its first digit)."""
    if "pct" in m.re.groupindex and m.group("pct"):
        return m.start("pct") - len("百分之")
    return m.start("pre") if m.group("pre") else m.start("a")


def number_end(m: re.Match) -> int:
    """Where the stated number ends, its unit and 以上 included (the phrasing may go on)."""
    if "pct" in m.re.groupindex and m.group("pct"):
        return m.end("pct")
    return m.end("q3") if m.group("q3") else m.end("unit")


def matches(indicator: Indicator, sentence: str) -> list[tuple[int, re.Match]]:
    return [(number_start(m), m) for pattern in indicator.patterns for m in pattern.finditer(sentence)]


_YEAR = re.compile(r"(?<![\d—–~-])((?:19|20)\d{2})\s*年")


def other_year(before: str, year: int | None) -> bool:
    """The sentence dates the figure to a year other than the report's (2020年全区受理…980件 in a 2021 report)."""
    years = _YEAR.findall(before)
    return bool(year and years and int(years[-1]) != year)


def in_sentence(sentence: str, indicators: tuple[Indicator, ...], default_period: str, year: int | None = None) -> list[Found]:
    """Every figure the sentence states; a number claimed by two indicators is left out,
    unless the table says one number states both (``shares``: 对4件规范性文件均进行审查并备案)."""
    claims: dict[int, dict[str, Found]] = {}
    for indicator in indicators:
        if not applies(indicator, sentence):
            continue
        for start, m in matches(indicator, sentence):
            stated = convert(m, indicator.unit)
            if stated is None or other_year(sentence[:start], year):
                continue
            period = period_of(sentence[:start], default_period)
            found = Found(indicator.key, stated, period, sentence, (start, number_end(m)))
            claims.setdefault(start, {}).setdefault(indicator.key, found)
    shared = {(i.key, s) for i in indicators for s in i.shares}
    kept = [
        f
        for c in claims.values()
        if all(a == b or (a, b) in shared or (b, a) in shared for a in c for b in c)
        for f in c.values()
    ]
    order = {i.key: n for n, i in enumerate(indicators)}
    return sorted(kept, key=lambda f: (f.span[0], order[f.indicator]))


def stating_gate(indicators: tuple[Indicator, ...]) -> re.Pattern:
    """What every phrasing needs: a numeral, then (past 余/多/万/亿) one of the units, or 百分之.

    Most sentences state no such number; one search rules them out for every indicator at
    once (the phrasings' own searches were half of ingest)."""
    units = sorted({u for i in indicators for u in i.units} | ({"％"} if any(PERCENT in i.units for i in indicators) else set()),
                   key=len, reverse=True)
    alternatives = "|".join(re.escape(u) for u in units) or "(?!)"
    return re.compile(rf"[\d零〇一二两三四五六七八九十百千][余多]?[万亿]?[余多]?\s*(?:{alternatives})|百分之")


def extract(text: str, indicators: tuple[Indicator, ...], default_period: str, year: int | None = None,
            gate: re.Pattern | None = None) -> list[Found]:
    gate = gate or stating_gate(indicators)
    return [f for s in sentences(text) if gate.search(s) for f in in_sentence(s, indicators, default_period, year)]


def extract_sections(sections: tuple[Section, ...], indicators: tuple[Indicator, ...], default_period: str,
                     year: int | None = None) -> list[dict]:
    """The report's figures as front-matter items, in reading order."""
    gate = stating_gate(indicators)
    return [as_item(f) for s in sections for f in extract(s.text, indicators, default_period or "annual", year, gate)]


def as_item(f: Found) -> dict:
    item = {"indicator": f.indicator, "value": plain(f.stated.value), "unit": f.stated.unit, "period": f.period}
    if f.stated.approx:
        item["approx"] = f.stated.approx
    if f.stated.upper is not None:
        item["upper"] = plain(f.stated.upper)
    item["stated"] = f.quote[f.span[0]:f.span[1]]
    item["quote"] = f.quote
    return item


def quoted_topics(figures: Iterable[Figure], indicators: tuple[Indicator, ...]) -> dict[str, set[str]]:
    """Each figure's sentence → the topics of the indicators it states: the section holding
    the sentence is filed under them (``topics.classify``)."""
    topic_of = {i.key: i.topic for i in indicators if i.topic}
    quoted: dict[str, set[str]] = {}
    for f in figures:
        if f.indicator in topic_of:
            quoted.setdefault(f.quote, set()).add(topic_of[f.indicator])
    return quoted


# --- checks on hand-edited figures ----------------------------------------------------------------


def check_figures(reports: tuple[Report, ...], indicators: tuple[Indicator, ...]) -> list[Problem]:
    """One warning per figure whose indicator is not in the table (it is still shown, unlinked)."""
    known = {i.key for i in indicators}
    return [
        warning(r.file, f"figures: unknown indicator {f.indicator!r} (not in content/indicators.yml)", f.line)
        for r in reports
        for f in r.figures
        if f.indicator not in known
    ]


def normalised_text(f: Figure) -> str:
    """3800余件, 80–100场, 近11000万元: the value in the indicator's unit, as it is sorted and
    compared (money in 万元); pages show ``stated_text``, the report's own words."""
    value = _show(f.value)
    if f.upper is not None:
        value += "–" + _show(f.upper)
    pre = f.approx if f.approx in ("近", "约", "逾", "超过") else ""
    post = f.approx if f.approx in ("余", "多") else ""
    tail = "以上" if f.approx == "以上" else ""
    return f"{pre}{value}{post}{f.unit}{tail}"


def stated_text(f: Figure) -> str:
    """The figure as the report wrote it (1.8亿元), or for one without that record (an editor's
    figure), as ``normalised_text`` gives it."""
    return f.stated or normalised_text(f)


def _show(value: float) -> str:
    return str(plain(Decimal(str(value))))



@dataclass(frozen=True)
class Conflict:
    """One indicator a report states with values that cannot all hold (湘桥 2017: 6065 disputes by
    the end of October, 1161 in the whole year): a reader must not take either as the report's
    figure without reading both. ``stated`` holds (period, value) of each, in the order stated."""

    indicator: str
    reason: str  # SAME_PERIOD or PART_EXCEEDS_YEAR
    stated: tuple[tuple[str, float], ...]


SAME_PERIOD, PART_EXCEEDS_YEAR = "same_period", "part_exceeds_year"
CONFLICT_NAMES = {SAME_PERIOD: "同一期间数值不一", PART_EXCEEDS_YEAR: "部分期间的数值大于全年"}


def conflicts(figures: Iterable[Figure]) -> tuple[Conflict, ...]:
    """The indicators a report states with values that contradict each other, in the order first
    stated: different values for one period (a range's upper end counts; 3800余件 and 3800件 agree),
    or a count for part of the year above the whole year's (a rate may differ either way)."""
    by_indicator: dict[str, list[Figure]] = {}
    for f in figures:
        by_indicator.setdefault(f.indicator, []).append(f)
    found = []
    for key, stated in by_indicator.items():
        periods: dict[str, list[tuple[float, float | None]]] = {}
        for f in stated:
            values = periods.setdefault(f.period, [])
            if (f.value, f.upper) not in values:
                values.append((f.value, f.upper))
        same = [f for f in stated if len(periods[f.period]) > 1]
        if same:
            found.append(Conflict(key, SAME_PERIOD, _distinct(same)))
            continue
        year = [f.value for f in stated if f.period == "annual"]
        if year and stated[0].unit != PERCENT:
            over = [f for f in stated if f.period != "annual" and f.value > max(year)]
            if over:
                found.append(Conflict(key, PART_EXCEEDS_YEAR, _distinct([f for f in stated if f.period == "annual"] + over)))
    return tuple(found)


def _distinct(figures: list[Figure]) -> tuple[tuple[str, float], ...]:
    return tuple(dict.fromkeys((f.period, f.value) for f in figures))
