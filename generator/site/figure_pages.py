"""The site's figures: indicator pages (a sortable table and a static SVG chart per
indicator), the figures table on report pages, figures over the years on place pages,
and the figures' JSON, one file per year (data/figures/<year>.json; the CSV beside it is datasets').

generator/site/pages.py registers ``indicator_pages`` and ``figure_data`` among its producers
and passes ``report_figure_groups`` / ``place_figures`` to the report and place templates;
the anchor of each figure's sentence is found when the report is analysed
(generator/site/records.py), since only then is the section text at hand.

Decisions (README "## Figures"): the table is server-sorted by value, largest first,
and a small script (assets/sort-table.js) turns its headers into sort buttons; the
chart is drawn at build time, deterministic, with the same values as the table; the
CSV is UTF-8 with a BOM (Excel reads Chinese correctly, pandas and Python's csv
with encoding="utf-8-sig") and CRLF line ends; the files are split by the year reports cover,
so that a corrected figure writes its year's files alone, and sorted by indicator, place code
and report.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import partial
from html import escape
from pathlib import Path
from typing import Iterator, NamedTuple

from markupsafe import Markup
from markupsafe import escape as escape_markup

from generator.core.digests import key_of
from generator.core.problems import Problem, warning
from generator.domain import figures as figures_module
from generator.domain.figures import Indicator, check_figures, load_indicators, normalised_text, stated_text
from generator.model.report import UNPLACED, Figure, Report, period_name
from generator.site import urls
from generator.site.planned import Planned
from generator.site.render import json_rows


def load(content: Path) -> tuple[tuple[Indicator, ...], list[Problem]]:
    """The indicator table (check the reports' figures against it with ``check_records``)."""
    table = content / "indicators.yml"
    if not table.exists():
        return (), [warning(table, "no indicator table: figures are shown on report pages only")]
    return load_indicators(table)


def check_records(records, indicators: tuple[Indicator, ...]) -> list[Problem]:
    """``check_figures`` over the archive. A record's figures are unpacked only when it states
    an indicator the table lacks (its stated indicators are the keys of ``figures_shown``)."""
    known = {i.key for i in indicators}
    return check_figures(tuple(replace(r.report, figures=r.figures()) for r in records
                               if any(k not in known for k, _ in r.figures_shown[1:])), indicators)


def source_anchor(r: Report, f: Figure) -> str | None:
    """The anchor of the section whose text holds the figure's sentence (None: the lead or not found)."""
    if not f.quote:
        return None
    for s in r.sections:
        if f.quote in s.text:
            return None if s.is_lead else s.anchor
    return None


@dataclass(frozen=True)
class Row:
    """One figure as a table row: what it is, where it was stated, and the link to its sentence.
    ``stated`` is the report's own words (1.8亿元); ``normalised`` the value tables sort and
    compare by, in the indicator's unit (18000万元), or '' when it reads the same."""

    report: Report
    figure: Figure
    indicator: Indicator | None
    stated: str
    normalised: str
    period: str
    anchor: str | None
    place_page: str | None

    @property
    def name(self) -> str:
        return self.indicator.name if self.indicator else self.figure.indicator

    @property
    def page(self) -> str | None:
        return urls.indicator_page(self.indicator.key) if self.indicator else None

    @property
    def report_page(self) -> str:
        return urls.report_page(self.report.slug)

    @property
    def excerpt(self) -> Markup:
        return marked(quote_around_number(self.figure), self.stated)

    @property
    def quote(self) -> Markup:
        return marked(self.figure.quote, self.stated)


EXCERPT = 64


def quote_around_number(f: Figure) -> str:
    """The quote, or for a long sentence the stretch around the stated number."""
    if len(f.quote) <= EXCERPT:
        return f.quote
    at = f.quote.find(stated_text(f))
    start = max(0, min(at - EXCERPT // 2, len(f.quote) - EXCERPT)) if at >= 0 else 0
    text = f.quote[start : start + EXCERPT]
    return ("…" if start > 0 else "") + text + ("…" if start + EXCERPT < len(f.quote) else "")


def marked(text: str, stated: str) -> Markup:
    """The text, escaped, with the stated number's first occurrence in <mark>."""
    before, found, after = text.partition(stated) if stated else (text, "", "")
    if not found:
        return escape_markup(text)
    return escape_markup(before) + Markup("<mark>") + escape_markup(found) + Markup("</mark>") + escape_markup(after)


def _rows(a, record, indicator: str | None = None) -> list[Row]:
    """A report's figures as table rows, or only those of ``indicator``."""
    known = {i.key: i for i in a.indicators}
    return [_row(a, known, record, f, anchor)
            for f, anchor in zip(record.figures(), record.figure_anchors) if indicator in (None, f.indicator)]


def _row(a, known: dict[str, Indicator], record, f: Figure, anchor: str | None) -> Row:
    r = record.report
    place = a.places[r.adcode].page if r.adcode in a.places else None
    return Row(r, f, known.get(f.indicator), stated_text(f), _normalised(f), period_name(f.period), anchor, place)


def _normalised(f: Figure) -> str:
    shown = normalised_text(f)
    return "" if shown == stated_text(f) else shown


# The month a part of the year ends in, to order periods: 第一季度 before 上半年 before 1-10月.
_PERIOD_ENDS = {"Q1": 3, "Q2": 6, "H1": 6, "Q3": 9, "Q1-Q3": 9, "Q4": 12, "H2": 12}
_MONTH_PERIOD = re.compile(r"(?:1-|截至)(\d+)月底?")


def period_order(period: str) -> tuple[int, str]:
    """The whole year first, then the parts of it by the month they end in; 截至目前 and a period
    an editor wrote last."""
    month = _MONTH_PERIOD.fullmatch(period)
    end = 0 if period == "annual" else _PERIOD_ENDS.get(period) or (int(month.group(1)) if month else 13)
    return end, period


@dataclass(frozen=True)
class PeriodGroup:
    """The figures of one period (全年, 第一季度, 1-10月 …): a table or chart holds one period
    alone, since a first quarter's 349 beside a year's 1333 reads as a place doing less."""

    period: str  # the figures' period (annual, Q1, 1-10月 …)
    rows: tuple[Row, ...]

    @property
    def name(self) -> str:
        return period_name(self.period)

    @property
    def annual(self) -> bool:
        return self.period == "annual"


def by_period(rows: list[Row]) -> list[PeriodGroup]:
    """``rows`` in one group per period, the whole year first, each in the order given."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.figure.period, []).append(row)
    return [PeriodGroup(p, tuple(groups[p])) for p in sorted(groups, key=period_order)]


def report_figure_groups(a, record) -> list[PeriodGroup]:
    """The report page's figures: the whole year's in one table, each part of the year's in another."""
    return by_period(_rows(a, record))


@dataclass(frozen=True)
class GridRow:
    """An indicator's figures on a place page: its name, its page, and for each year of the grid
    (year, the figures stated for it): a report may state a part of the year's beside another's."""

    name: str
    page: str | None
    cells: tuple[tuple[int | None, tuple[Row, ...]], ...]


@dataclass(frozen=True)
class PlaceGrid:
    """A place's own reports' figures as indicators × years, oldest year first (None: not known):
    the whole-year figures, or (``annual`` false) those of parts of a year, each cell naming its period."""

    annual: bool
    years: tuple[int | None, ...]
    rows: tuple[GridRow, ...]


def place_figures(a, node) -> tuple[PlaceGrid, ...]:
    """The place's own reports' figures over the years, one row per indicator (in the table's
    order), one column per year (a row per figure repeated the report's title in every line):
    one grid of whole-year figures and one of the parts of years, never a quarter beside a year."""
    own = [a.by_slug[s] for s in node.reports if a.by_slug[s].report.adcode == node.code]
    rows = [row for record in own for row in _rows(a, record)]
    order = {i.key: n for n, i in enumerate(a.indicators)}
    grids = []
    for annual in (True, False):
        chosen = [x for x in rows if (x.figure.period == "annual") == annual]
        years = tuple(sorted({row.report.year for row in chosen}, key=lambda y: (y is None, y or 0)))
        groups: dict[str, list[Row]] = {}
        for row in sorted(chosen,
                          key=lambda x: (order.get(x.figure.indicator, len(order)), x.figure.indicator,
                                         period_order(x.figure.period), x.report.slug)):
            groups.setdefault(row.figure.indicator, []).append(row)
        if groups:
            grids.append(PlaceGrid(annual, years, tuple(
                GridRow(g[0].name, g[0].page, tuple((y, tuple(row for row in g if row.report.year == y)) for y in years))
                for g in groups.values())))
    return tuple(grids)


@dataclass(frozen=True)
class AreaSummary:
    """The figures of the places below a province or city at a glance: per indicator and year
    (newest first), how many there are; each year's tables and charts are on a page of their own
    (``area_year_pages``), since all years on one page made 4 MB at 10,000 reports."""

    years: tuple[tuple[int | None, str], ...]  # (year, its page), newest first
    rows: tuple[tuple[Indicator, tuple[tuple[int | None, str, int], ...]], ...]  # an indicator; (year, page, figures) each year


@dataclass(frozen=True)
class AreaIndicator:
    """One indicator on a year's page of a province or city: the figures of the places below it
    in each period (the whole year first), each largest first with its chart."""

    indicator: Indicator
    periods: tuple[tuple[PeriodGroup, Markup | None], ...]  # a chart of the whole year's only


@dataclass(frozen=True)
class Coverage:
    """A year's share of the county-level divisions below a place that have a report in the archive."""

    year: int
    with_report: int
    divisions: int  # in the 2023 list

    @property
    def percent(self) -> str:
        return f"{100 * self.with_report / self.divisions:.0f}%" if self.divisions else "—"


def _below(a, node) -> dict[int | None, list]:
    """The records below a province or city (not its own) that state figures, by year, newest
    first (None, not known, last)."""
    by_year: dict[int | None, list] = {}
    for s in node.reports:
        record = a.by_slug[s]
        if record.report.adcode != node.code and record.figures_shown:
            by_year.setdefault(record.report.year, []).append(record)
    return {y: by_year[y] for y in sorted(by_year, key=lambda y: -(y or 0))}


def area_summary(a, node) -> AreaSummary | None:
    """How many figures the places below state, by indicator and year (None: no figures)."""
    below = _below(a, node)
    counts: dict[tuple[str, int | None], int] = {}
    for year, records in below.items():
        for record in records:
            for indicator, _, _ in record.figure_values:
                counts[(indicator, year)] = counts.get((indicator, year), 0) + 1
    pages = tuple((y, urls.area_figures_page(node.page, y)) for y in below)
    rows = tuple((i, tuple((y, page, counts.get((i.key, y), 0)) for y, page in pages)) for i in a.indicators
                 if any((i.key, y) in counts for y in below))
    return AreaSummary(pages, rows) if rows else None


def area_figures(a, records: list, year: int | None) -> tuple[AreaIndicator, ...]:
    """The figures of one year's ``records`` below a province or city, by indicator and period."""
    out = []
    when = f"{year}年" if year else "年份不详"
    for n, indicator in enumerate(a.indicators):
        rows = [row for record in records for row in _rows(a, record, indicator.key)]
        if not rows:
            continue
        rows.sort(key=lambda x: (-x.figure.value, x.report.adcode, x.report.slug))
        # A chart of the whole year's alone: charts of each part of the year made a year's page of
        # Sichuan 660 kB at 10,000 reports, and their tables say as much.
        out.append(AreaIndicator(indicator, tuple(
            (g, chart_svg(indicator, list(g.rows), f"chart-{n}", f"{when}全年数据，各地比较", AREA_CHART_ROWS) if g.annual else None)
            for g in by_period(rows))))
    return tuple(out)


def _area_year_page(a, render, node, chain, links, year: int | None, page: str, records: list) -> str:
    return render.page("area_year.html", page, place=node, chain=chain, year=year, years=links,
                       area=area_figures(a, records, year), area_chart_rows=AREA_CHART_ROWS)


def area_year_pages(a, render, node, chain) -> Iterator[Planned]:
    """A page per year of the figures below a province or city: every indicator's tables, a period
    each, largest first, and a chart of the whole year's."""
    below = _below(a, node)
    links = [(y, urls.area_figures_page(node.page, y)) for y in below]
    for year, page in links:
        yield Planned(page, key_of("area-year", node.code, node.name, node.page, [(n.name, n.page) for n in chain], links,
                                   a.indicators, [(r.slug, _all_shown(r)) for r in below[year]]),
                      partial(_area_year_page, a, render, node, chain, links, year, page, below[year]))


def area_coverage(a, node, counties: int) -> tuple[Coverage, ...]:
    """Per year, newest first, how many county-level places below have a report of that year."""
    places: dict[int, set[str]] = {}
    for s in node.reports:
        r = a.by_slug[s].report
        if r.year and r.level == "county" and r.adcode != node.code:
            places.setdefault(r.year, set()).add(r.adcode)
    return tuple(Coverage(y, len(codes), counties) for y, codes in sorted(places.items(), reverse=True))


def area_summary_key(a, node) -> list[tuple[str, str]]:
    """What ``area_summary`` shows, as digests made when the reports were read."""
    return [(r.slug, _all_shown(r)) for records in _below(a, node).values() for r in records]


def place_figures_key(a, node) -> list[tuple[str, str]]:
    """What ``place_figures`` shows, as digests made when the reports were read."""
    return [(s, _all_shown(a.by_slug[s])) for s in node.reports
            if a.by_slug[s].report.adcode == node.code and a.by_slug[s].figures_shown]


def indicator_rows(a, indicator: Indicator, records) -> list[Row]:
    """Every figure of this indicator in ``records`` (those stating it), largest value first
    (the table's default order)."""
    rows = [row for record in records for row in _rows(a, record, indicator.key)]
    return sorted(rows, key=lambda x: (-x.figure.value, -(x.report.year or 0), x.report.adcode, x.report.slug))


# --- the chart -----------------------------------------------------------------------------

CHART_WIDTH = 360
ROW_HEIGHT = 34
BAR_MAX = 250
# Bars drawn: an indicator stated by thousands of reports drew a chart 200,000 px tall that no
# reader could take in (and 1.2 s of a full build). The table below the chart holds every value.
CHART_ROWS = 30
AREA_CHART_ROWS = 15  # on a province's page of a year, beside twenty tables
# Rows of an indicator's own page; beyond them its values are listed by province (as topic
# pages are): a table of every value at 10,000 reports made pages of 6 MB.
TABLE_ROWS = 100
PART_ROWS = 5


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def chart_svg(indicator: Indicator, rows: list[Row], ident: str = "chart", what: str = "各地各年度比较",
              bars: int = CHART_ROWS, total: int | None = None) -> Markup:
    """A horizontal bar chart of the first ``bars`` table rows (the largest), drawn at build time,
    of ``total`` (by default, as many as ``rows``: a page may hold only the largest).

    Each row: a label line (place, year, period) and below it the bar and the stated
    value. role="img" with <title> and <desc>; the table beside it holds every value.
    """
    total, rows = len(rows) if total is None else total, rows[:bars]
    top = max((r.figure.value for r in rows), default=0) or 1
    height = ROW_HEIGHT * len(rows) + 8
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(indicator.name)}（{escape(indicator.unit)}）：{escape(what)}</title>',
        f'<desc id="{ident}-desc">{escape(chart_description(indicator, rows, total))}</desc>',
    ]
    for n, row in enumerate(rows):
        y = 4 + n * ROW_HEIGHT
        width = BAR_MAX * row.figure.value / top
        label = f"{row.report.place or UNPLACED} {row.report.year or ''}年 {row.period}".strip()
        parts.append(f'<text class="chart-label" x="0" y="{y + 12}">{escape(label)}</text>')
        parts.append(f'<rect class="chart-bar" x="0" y="{y + 16}" width="{_num(width)}" height="12"/>')
        parts.append(f'<text class="chart-value" x="{_num(width + 4)}" y="{y + 27}">{escape(row.stated)}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def chart_description(indicator: Indicator, rows: list[Row], total: int) -> str:
    items = "；".join(f"{row.report.place or UNPLACED}{row.report.year or ''}年{row.period}：{row.stated}" for row in rows)
    shown = "" if total == len(rows) else f"图中为数值最大的{len(rows)}项，"
    return f"共{total}项数据，{shown}按数值从大到小：{items}。"


# --- producers ------------------------------------------------------------------------------


def _stating(a) -> dict[str, dict[str, list[tuple]]]:
    """indicator key → province code → the records there that state it, by slug, each with the
    digest of what the indicator's page shows of it."""
    found: dict[str, dict[str, list]] = {}
    for record in a.records:
        if record.figures_shown:
            code = record.province_code
            for key, digest in record.figures_shown[1:]:  # [0] is of all its figures (_all_shown)
                found.setdefault(key, {}).setdefault(code, []).append((record, digest))
    return found


def _all_shown(record) -> str:
    """The digest of what figure tables show of all of a report's figures (see shown_digests)."""
    return record.figures_shown[0][1]


def figure_rows_digest(r: Report, anchors: tuple[str | None, ...]) -> str:
    """A digest of what a report's rows in the figures' data files hold of it (``data_rows``): its
    place, year, address and figures, not its title or period, which the rows do not show, so a
    correction of either leaves those files alone; "" when it states none."""
    return key_of(r.slug, r.year, r.province, r.city, r.district, r.adcode, r.source_url, r.fetched,
                  list(zip(r.figures, anchors))) if r.figures else ""


def shown_digests(r: Report, anchors: tuple[str | None, ...]) -> tuple[tuple[str, str], ...]:
    """Digests of what figure tables show of a report: its name, place, year and figures, of each
    indicator it states and ("") of all. Made once when the report is read; keys made of these,
    not of the report's digest, leave the large indicator pages alone when an edit changes no
    figure (the data files, which do not show the name, have ``figure_rows_digest``)."""
    def digest(indicator: str | None) -> str:
        figures = [(f, anchor) for f, anchor in zip(r.figures, anchors) if indicator in (None, f.indicator)]
        return key_of(r.slug, r.title, r.year, r.period, r.province, r.city, r.district, r.adcode, r.source_url, r.fetched, figures)

    if not r.figures:
        return ()
    return (("", digest(None)),) + tuple((k, digest(k)) for k in sorted({f.indicator for f in r.figures}))


def _place_pages(a) -> dict[str, str]:
    """Rows link to their place's page, and pages are split by province: per province (the code's
    first two digits), one digest of its places' names and pages stands for those, so that a new
    place re-renders its province's indicator pages and the indicators' own, not every province's
    (711 pages at 1,000 reports), where a list per page cost 0.25 s a build."""
    places: dict[str, list] = {}
    for code, node in a.places.items():
        places.setdefault(code[:2], []).append((code, node.name, node.page))
    return {province: key_of(nodes) for province, nodes in places.items()}


def indicator_inputs(a) -> str:
    """A digest of all that indicator pages show (see ``pages.Producer``): the indicators, the
    place pages, and each report's figures with its name and place (``_all_shown``)."""
    return key_of(a.indicators, sorted(_place_pages(a).items()), [(r.slug, _all_shown(r)) for r in a.records if r.figures_shown])


def indicator_pages(a, render) -> Iterator[Planned]:
    """indicators/index.html and one comparison page per indicator: its TABLE_ROWS largest
    values, and when it has more, links to a page per province holding all of that province's."""
    stating = _stating(a)
    ranked = _ranked(a.records)
    stated = {key: sum(map(len, periods.values())) for key, periods in ranked.items()}
    in_province: Counter[tuple[str, str]] = Counter()  # figures stated, by (indicator, province code)
    for record in a.records:
        if record.figure_values:
            code = record.province_code
            in_province.update([(indicator, code) for indicator, _, _ in record.figure_values])
    place_pages = _place_pages(a)
    summary = []
    for indicator in a.indicators:
        by_province = stating.get(indicator.key, {})
        page = urls.indicator_page(indicator.key)
        shown = key_of(indicator)  # once, not in each of its pages' keys: a dataclass's repr is slow
        provinces = []
        if stated.get(indicator.key, 0) > TABLE_ROWS:
            for code in sorted(by_province):
                node = a.places.get(code)
                name = node.name if node else UNPLACED
                where = urls.indicator_place_page(indicator.key, node.page if node else None)
                inside = by_province[code]
                provinces.append((name, where, in_province[(indicator.key, code)]))
                yield Planned(where, key_of("indicator-province", shown, name, " ".join([d for _, d in inside]),
                                            place_pages.get(code[:2], "")),
                              partial(_province_page, a, render, indicator, where, [r for r, _ in inside], name))
        # Keyed on the figures it shows, not on every report stating the indicator: a report
        # corrected or added below them changes its counts at most. Each digest names its report
        # (see shown_digests).
        largest = _largest(indicator.key, ranked.get(indicator.key, {}), a.records)
        shown_places = [place_pages.get(p, "") for p in sorted({code[:2] for code in by_province})]
        yield Planned(page, key_of("indicator", shown, [(g.period, g.total, [(f.digest, f.index) for f in g.shown])
                                                        for g in largest], shown_places, provinces),
                      partial(_indicator_page, a, render, indicator, page, largest, provinces))
        places = {r.report.adcode or r.slug for entries in by_province.values() for r, _ in entries}
        summary.append((indicator, stated.get(indicator.key, 0), len(places)))
    parts = list(a.data_parts())  # the page links each year's figures
    yield Planned(urls.INDICATORS, key_of("indicators", summary, parts),
                  lambda: render.page("indicators.html", urls.INDICATORS, summary=summary, parts=parts))


@dataclass(frozen=True)
class ShownPeriod:
    """One period's table and chart on an indicator page: its largest figures (all of them on a
    province's page) of ``total``, and the chart of as many, at most CHART_ROWS."""

    group: PeriodGroup
    total: int
    chart: Markup
    charted: int


class ShownFigure(NamedTuple):
    """A figure an indicator's own page shows: the report's record, the digest of what the page
    shows of it (``shown_digests``) and the figure's position among the report's figures."""

    record: object
    digest: str
    index: int


class LargestFigures(NamedTuple):
    """One period's figures of an indicator: how many are stated, and the largest, as its own
    page shows them (TABLE_ROWS of the whole year, max(PART_ROWS, TABLE_ROWS // parts) of each
    part of a year), largest first."""

    period: str
    total: int
    shown: tuple[ShownFigure, ...]


def _ranked(records) -> dict[str, dict[str, list[tuple]]]:
    """indicator → period → each figure's place in ``indicator_rows``' order (by value, year,
    place code and slug, then as the records and their figures come), with the record's position
    in ``records`` and the figure's in the record: from the records' ``figure_values`` alone, in
    one pass over the archive."""
    ranked: dict[str, dict[str, list[tuple]]] = {}
    for n, record in enumerate(records):
        r = record.report
        for i, (indicator, period, value) in enumerate(record.figure_values):
            ranked.setdefault(indicator, {}).setdefault(period, []).append((-value, -(r.year or 0), r.adcode, r.slug, n, i))
    return ranked


def _largest(indicator: str, periods: dict[str, list[tuple]], records) -> list[LargestFigures]:
    """The figures of ``indicator`` its own page shows, by period (the whole year first), from
    their places in order (``_ranked``), unpacking none."""
    parts = sum(p != "annual" for p in periods)
    out = []
    for p in sorted(periods, key=period_order):
        limit = TABLE_ROWS if p == "annual" else max(PART_ROWS, TABLE_ROWS // parts)
        shown = tuple(ShownFigure(records[n], dict(records[n].figures_shown)[indicator], i)
                      for *_, n, i in heapq.nsmallest(limit, periods[p]))
        out.append(LargestFigures(p, len(periods[p]), shown))
    return out


def _shown_period(indicator: Indicator, n: int, period: str, rows: tuple[Row, ...], total: int) -> ShownPeriod:
    """A period's table of ``rows`` (the largest of ``total``), charted."""
    group = PeriodGroup(period, rows)
    bars = min(len(rows), CHART_ROWS)
    return ShownPeriod(group, total, chart_svg(indicator, list(rows), f"chart-{n}", f"{group.name}数据，各地各年度比较", bars, total),
                       bars)


def _indicator_page(a, render, indicator: Indicator, page: str, largest: list[LargestFigures], provinces: list) -> str:
    """The page of an indicator: the whole year's TABLE_ROWS largest and the parts of years
    TABLE_ROWS largest between them (at least PART_ROWS of each): at 10,000 reports the parts are
    twenty periods (第一季度 … 截至11月底), and TABLE_ROWS of each made pages of 900 kB. Only the
    figures shown are unpacked. ``provinces`` link to the rest."""
    known = {i.key: i for i in a.indicators}
    periods = []
    for n, g in enumerate(largest):
        rows = tuple(_row(a, known, f.record, f.record.figures()[f.index], f.record.figure_anchors[f.index]) for f in g.shown)
        periods.append(_shown_period(indicator, n, g.period, rows, g.total))
    return render.page("indicator.html", page, indicator=indicator, periods=periods, total=sum(g.total for g in largest),
                       province=None, provinces=provinces)


def _province_page(a, render, indicator: Indicator, page: str, records, province: str) -> str:
    """The page of all of an indicator's values in one ``province``."""
    rows = indicator_rows(a, indicator, records)
    periods = [_shown_period(indicator, n, g.period, g.rows, len(g.rows)) for n, g in enumerate(by_period(rows))]
    return render.page("indicator.html", page, indicator=indicator, periods=periods, total=len(rows), province=province,
                       provinces=None)


def extractor_version(indicators: tuple[Indicator, ...]) -> str:
    """The extractor and indicator table this build runs with (generator/domain/figures.py and
    content/indicators.yml): ingest refreshes every report's figures with them, but for figures an
    editor corrected by hand."""
    return "figures-" + key_of(Path(figures_module.__file__).read_bytes(), indicators)[:12]


def data_rows(a, records) -> Iterator[dict]:
    """One row per figure of ``records`` (one part, see ``pages.Archive.data_parts``), sorted by
    indicator, year, division code, report and order in the report; made one at a time as they
    are written (160,000 at 10,000 reports). Each names the report, the section and the sentence
    it comes from, the extractor, and the contradiction it is part of (see ``figures.conflicts``), if any."""
    names = {i.key: i.name for i in a.indicators}
    extractor = extractor_version(a.indicators)
    order = sorted((f.indicator, record.report.year or 0, record.report.adcode, record.slug, n, i)
                   for i, record in enumerate(records) for n, f in enumerate(record.figures()))
    for *_, n, i in order:
        record = records[i]
        r = record.report
        f = record.figures()[n]
        anchor = record.figure_anchors[n]
        conflict = next((c.reason for c in record.conflicts if c.indicator == f.indicator
                         and (f.period, f.value) in c.stated), "")
        yield {
            "id": f"{r.slug}/{n + 1}",
            "report": r.slug,
            "url": urls.address(a.base_url, urls.report_page(r.slug)),
            "section": anchor or "",
            "place_code": record.place_code,
            "period_kind": "annual" if f.period == "annual" else "part",
            "conflict": conflict,
            "extractor": extractor,
            "source_url": r.source_url,
            "fetched": r.fetched,
            "place": r.place,
            "province": r.province,
            "city": r.city,
            "district": r.district,
            "adcode": r.adcode,
            "year": r.year,
            "indicator": f.indicator,
            "indicator_name": names.get(f.indicator, ""),
            "value": f.value,
            "approx": f.approx,
            "upper": f.upper,
            "unit": f.unit,
            "stated": stated_text(f),
            "period": f.period,
            "quote": f.quote,
        }


def figures_key(a, records) -> str:
    """A digest of what the figures' data files show of ``records`` (each digest names its report)."""
    return key_of("figures", a.indicators, a.base_url, [(r.slug, r.figure_rows) for r in records if r.figure_rows])


def figure_data(a, render) -> Iterator[Planned]:
    """data/figures/<year>.json (keys sorted) for each year's reports, made in pieces as they are
    written, each keyed on its own reports' figures. The CSV beside it is the data package's
    (generator/site/datasets.py, from the table's declaration)."""
    for part, records in a.data_parts().items():
        yield Planned(urls.data_part("figures", part, "json"), figures_key(a, records),
                      lambda records=records: json_rows(data_rows(a, records)))
