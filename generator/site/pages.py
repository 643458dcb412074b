"""The pages of the site, planned from the archive model before anything is rendered.

Each producer yields ``Planned(path, key, make)``: ``key`` is a digest of exactly
what the page shows (the records it lists by slug and digest, the place names,
the counts), so a rebuild renders again only pages whose key changed; ``make``
renders the page to a string when asked. Pages list what stays bounded as the
archive grows: a report page lists its own place's reports and its year's
reports under the same parent place; topic pages are split by province.
"""

from __future__ import annotations

import heapq
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from markupsafe import Markup

from generator.core.digests import key_of
from generator.domain import places as divisions
from generator.domain.figures import Indicator
from generator.domain.topics import Topic
from generator.model.report import UNPLACED, Report
from generator.search import files as search_files
from generator.site import compare_pages, datasets, evaluation_pages, figure_pages, urls
from generator.site import records as rec_mod
from generator.site.planned import Planned
from generator.site.records import ListedReport, Record
from generator.site.render import Renderer, json_lines

NEWEST = 10
FEED_SIZE = 20


@dataclass(frozen=True)
class PlaceNode:
    """A province, city or district (省/市/区县) that has reports at or below it."""

    code: str
    name: str
    kind: str  # province | city | county
    parent: str | None
    page: str
    reports: tuple[str, ...]  # slugs of every report at or below this place, newest year first


@dataclass(frozen=True)
class SiteInfo:
    """Archive-wide figures; only the pages that show them (home, topics, search, 404) are given it."""

    reports: int
    districts: int
    provinces: tuple[PlaceNode, ...]
    topics: tuple[Topic, ...]
    years: tuple[int, ...]
    base_url: str
    base_path: str  # the path part of --base-url, for the 404 page served at any depth
    updated: str  # when the archive last grew: the latest date a report was added ('' when none says)


@dataclass(frozen=True)
class Archive:
    """The whole archive, modelled from every report's record before anything is rendered."""

    records: tuple[Record, ...]  # sorted by slug
    topics: tuple[Topic, ...]
    places: dict[str, PlaceNode]
    years: dict[int, tuple[str, ...]]
    unplaced: tuple[str, ...]
    by_slug: dict[str, Record]
    indicators: tuple[Indicator, ...]
    base_url: str
    root: Path
    blobs: Path

    def place_chain(self, report: Report) -> tuple[PlaceNode, ...]:
        """Province → city → district nodes of a report, as far as known."""
        return self.chain_of(report.adcode) if report.adcode in self.places else ()

    def chain_of(self, code: str | None) -> tuple[PlaceNode, ...]:
        chain = []
        while code and code in self.places:
            chain.append(self.places[code])
            code = self.places[code].parent
        return tuple(reversed(chain))

    def topic(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    def reports(self, slugs) -> list[ListedReport]:
        """These reports as a list of reports shows them."""
        return [ListedReport.of(self.by_slug[s].report) for s in slugs]

    def listed(self, slugs) -> str:
        """For the key of a page that lists these reports (see ``records.listing``)."""
        return " ".join(self.by_slug[s].listed for s in slugs)

    def own_records(self, node: PlaceNode) -> list[Record]:
        """The records of a place's own reports (a city's, not its districts'): the compare view's."""
        return [self.by_slug[s] for s in node.reports if self.by_slug[s].report.adcode == node.code]

    def data_parts(self) -> dict[str, tuple[Record, ...]]:
        """The records in each part of the data files split by year (``Record.data_part``, see
        datasets), parts in order (years, then 'undated'), records in the archive's order."""
        parts: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            parts[record.data_part].append(record)
        return {part: tuple(parts[part]) for part in sorted(parts)}

    def site_info(self) -> SiteInfo:
        return SiteInfo(
            reports=len(self.records),
            districts=sum(1 for n in self.places.values() if n.kind == "county"),
            provinces=tuple(n for n in self.places.values() if n.kind == "province"),
            topics=self.topics,
            years=tuple(self.years),
            base_url=self.base_url,
            base_path=urls.base_path(self.base_url),
            updated=max((r.report.added for r in self.records), default=""),
        )


def _newest_first(reports: list[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (-(r.year or 0), r.period, r.slug))


def model_archive(records: tuple[Record, ...], topics: tuple[Topic, ...], indicators: tuple[Indicator, ...],
                  base_url: str, root: Path, blobs: Path) -> Archive:
    names: dict[str, tuple[str, str, str | None, str]] = {}  # code → (name, kind, parent, page)
    members: dict[str, list[Report]] = defaultdict(list)
    unplaced = []
    for record in records:
        if not record.places:
            unplaced.append(record.slug)
            continue
        parent = None
        for place in record.places:
            names.setdefault(place.code, (place.name, place.kind, parent, place.page))
            members[place.code].append(record.report)
            parent = place.code
    places = {
        code: PlaceNode(code, name, kind, parent, page, tuple(r.slug for r in _newest_first(members[code])))
        for code, (name, kind, parent, page) in sorted(names.items())
    }
    years: dict[int, list[str]] = defaultdict(list)
    for record in records:
        if record.report.year:
            years[record.report.year].append(record.slug)
    return Archive(
        records=records,
        topics=topics,
        places=places,
        years={y: tuple(sorted(s)) for y, s in sorted(years.items(), reverse=True)},
        unplaced=tuple(sorted(unplaced)),
        by_slug={r.slug: r for r in records},
        indicators=indicators,
        base_url=base_url,
        root=root,
        blobs=blobs,
    )


def citation(r: Report, base_url: str) -> str:
    """GB/T 7714-2015 for an online document; the reader adds the access date (the page's copy
    button fills in the day it is copied). Without a base URL the address is left out."""
    author = r.publisher or r.place or "佚名"
    date = f"({r.published})" if r.published else ""
    where = f" {urls.absolute(base_url, urls.report_page(r.slug))}." if base_url else ""
    return f"{author}. {r.title}[EB/OL]. {date}[引用日期].{where}"


# --- producers ---------------------------------------------------------------------------------


def _parent_code(a: Archive, r: Report) -> str | None:
    """The place whose same-year reports a report page lists: the district's city, the city's province."""
    node = a.places.get(r.adcode)
    return node.parent if node else None


def report_pages(a: Archive, render: Renderer) -> Iterator[Planned]:
    peers_of: dict[tuple[str | None, int | None], list[str]] = defaultdict(list)
    for record in a.records:
        r = record.report
        peers_of[(_parent_code(a, r), r.year)].append(r.slug)
    # A page lists the other reports of its place and of its peers (same parent place and year).
    # One digest of each whole group stands for those lists in the keys (the page's own digest
    # covers its own entry): listing every other member for every member cost time growing with
    # the square of a group's size, 0.3 s of each rebuild at 10,000 reports.
    group_digests: dict[object, str] = {}

    def group_digest(group: object, slugs) -> str:
        if len(slugs) < 2:
            return ""
        if group not in group_digests:
            group_digests[group] = key_of(a.listed(slugs))
        return group_digests[group]

    for record in a.records:
        r = record.report
        page = urls.report_page(r.slug)
        place = a.places[r.adcode].reports if r.adcode in a.places else ()
        parent = _parent_code(a, r)
        peers = peers_of[(parent, r.year)] if parent and r.year else []
        chain = a.place_chain(r)
        yield Planned(
            page,
            key_of("report", record.digest, record.topics, record.evaluation_digest, bool(record.original_sha256), [(n.name, n.page) for n in chain],
                   group_digest(r.adcode, place), group_digest((parent, r.year), peers), parent and a.places[parent].name),
            lambda record=record, page=page, place=place, peers=peers, chain=chain, parent=parent:
            render.page(
                "report.html",
                page,
                report=record.report,
                body=Markup((blob := rec_mod.read_blob(a.blobs, record)).body_html),
                toc=blob.toc,
                topics=[a.topic(t) for t in record.topics],
                chain=chain,
                original=rec_mod.original_page(record),
                original_format=urls.original_format(record.report.raw)[1],
                original_sha256=record.original_sha256,
                same_place=a.reports(s for s in place if s != record.slug),
                same_year=a.reports(s for s in peers if s != record.slug),
                same_year_place=a.places[parent].name if parent else "",
                citation=citation(record.report, a.base_url),
                canonical=urls.absolute(a.base_url, page) if a.base_url else "",
                figures=figure_pages.report_figure_groups(a, record),
                **evaluation_pages.report_evaluation(a, record),
            ),
        )


def original_files(a: Archive, render: Renderer) -> Iterator[Planned]:
    """Each report's archived original, byte for byte, beside its page."""
    for record in a.records:
        if record.original_sha256:
            source = os.path.join(a.root, record.report.raw)
            yield Planned(urls.report_original(record.slug, record.report.raw), key_of("original", record.original_sha256),
                          lambda source=source: Path(source).read_bytes())


def compare_children(a: Archive, kids: list[PlaceNode]) -> list[str]:
    """The codes of the first places below that the compare page can put side by side."""
    return [k.code for k in kids if a.own_records(k)][:compare_pages.MAX_PLACES]


def place_pages(a: Archive, render: Renderer) -> Iterator[Planned]:
    children: dict[str | None, list[PlaceNode]] = defaultdict(list)
    for node in a.places.values():
        children[node.parent].append(node)
    for kids in children.values():
        kids.sort(key=lambda n: n.code)
    for node in a.places.values():
        chain = a.chain_of(node.parent)
        kids = children[node.code]
        counties = divisions.counties_in(node.code) if node.kind != "county" else 0

        def make(node=node, chain=chain, kids=kids, counties=counties) -> str:
            by_year: dict[int | None, list[ListedReport]] = defaultdict(list)
            for r in a.reports(node.reports):
                by_year[r.year].append(r)
            return render.page("place.html", node.page, place=node, chain=chain, children=kids,
                               by_year=sorted(by_year.items(), key=lambda kv: -(kv[0] or 0)),
                               figures=figure_pages.place_figures(a, node), compare_own=bool(a.own_records(node)),
                               compare_children=compare_children(a, kids),
                               area=figure_pages.area_summary(a, node) if node.kind != "county" else None,
                               coverage=figure_pages.area_coverage(a, node, counties) if node.kind != "county" else ())

        yield Planned(
            node.page,
            key_of("place", node.code, node.name, [(n.name, n.page) for n in chain],
                   [(c.name, c.page, len(c.reports)) for c in kids], a.listed(node.reports),
                   figure_pages.place_figures_key(a, node), counties,
                   figure_pages.area_summary_key(a, node) if node.kind != "county" else ()),
            make,
        )
        if node.kind != "county":
            yield from figure_pages.area_year_pages(a, render, node, chain)
    tree = [(p, [(c, children[c.code]) for c in children[p.code]]) for p in children[None]]
    yield Planned(
        urls.PLACES,
        key_of("places", [(p.page, p.name, len(p.reports), [(c.page, c.name, len(c.reports), [(d.page, d.name, len(d.reports)) for d in ds])
                                                          for c, ds in cs]) for p, cs in tree], a.listed(a.unplaced)),
        lambda: render.page("places.html", urls.PLACES, tree=tree, unplaced=a.reports(a.unplaced)),
    )


def topic_hits(a: Archive) -> dict[str, dict[str, list[tuple[Record, str]]]]:
    """topic slug → province code ('' when unplaced) → the reports with matching sections, by
    slug: (record, digest of what is shown of it)."""
    hits: dict[str, dict[str, list]] = {t.slug: defaultdict(list) for t in a.topics}
    for record in a.records:
        province = record.province_code
        for t, shown in record.shown_by_topic():
            if t in hits:
                hits[t][province].append((record, shown))
    return hits


def topic_inputs(a: Archive) -> str:
    """A digest of all that topic pages show: the archive's figures and provinces, and each
    report's province and sections by topic (see ``Producer``)."""
    return key_of(a.site_info(), [(r.province_code, r.topic_digests) for r in a.records if r.topic_digests])


def topic_pages(a: Archive, render: Renderer) -> Iterator[Planned]:
    counts = {}
    for t, by_province in topic_hits(a).items():
        topic = a.topic(t)
        provinces = []
        for code in sorted(by_province):
            entries = by_province[code]
            node = a.places.get(code)
            name = node.name if node else UNPLACED
            page = urls.topic_place_page(t, node.page if node else None)
            provinces.append((name, page, len(entries)))

            def make(topic=topic, name=name, page=page, entries=entries) -> str:
                by_year: dict[int | None, list] = defaultdict(list)
                for record, _ in entries:
                    sections = dict(record.by_topic())[topic.slug]
                    by_year[record.report.year].append((record.report, rec_mod.unpack_sections(sections)))
                years = sorted(by_year.items(), key=lambda kv: -(kv[0] or 0))
                return render.page("topic_place.html", page, topic=topic, province=name, years=years, count=len(entries))

            yield Planned(page, key_of("topic-place", t, topic.name, topic.description, name, " ".join([shown for _, shown in entries])), make)
        by_year_count: dict[int | None, int] = defaultdict(int)
        for entries in by_province.values():
            for record, _ in entries:
                by_year_count[record.report.year] += 1
        total = sum(n for _, _, n in provinces)
        counts[t] = total
        page = urls.topic_page(t)
        year_counts = sorted(by_year_count.items(), key=lambda kv: -(kv[0] or 0))
        yield Planned(
            page,
            key_of("topic", t, topic.name, topic.description, provinces, year_counts),
            lambda topic=topic, page=page, provinces=provinces, year_counts=year_counts, total=total:
            render.page("topic.html", page, topic=topic, provinces=provinces, years=year_counts, count=total),
        )
    info = a.site_info()
    yield Planned(urls.TOPICS, key_of("topics", info, counts),
                  lambda: render.page("topics.html", urls.TOPICS, site=info, counts=counts))


def year_pages(a: Archive, render: Renderer) -> Iterator[Planned]:
    for year, slugs in a.years.items():
        page = urls.year_page(year)

        def make(year=year, slugs=slugs, page=page) -> str:
            groups: dict[str, list[ListedReport]] = defaultdict(list)
            for r in a.reports(slugs):
                groups[r.province or UNPLACED].append(r)
            return render.page("year.html", page, year=year, groups=sorted(groups.items()), count=len(slugs))

        yield Planned(page, key_of("year", year, a.listed(slugs)), make)
    counts = [(y, len(s)) for y, s in a.years.items()]
    yield Planned(urls.YEARS, key_of("years", counts), lambda: render.page("years.html", urls.YEARS, years=counts))


def _newest_added(records: tuple[Record, ...], n: int) -> list[Record]:
    """The ``n`` reports that entered the archive last (front-matter ``added``, the date ingest first
    read their original), the newest report first among those added on one day; reports with no
    date come after every dated one."""
    return heapq.nlargest(n, records, key=lambda r: (r.report.added, r.report.published or f"{r.report.year or 0}-99", r.slug))


def home_and_fixed_pages(a: Archive, render: Renderer) -> Iterator[Planned]:
    newest = _newest_added(a.records, NEWEST)
    info = a.site_info()
    yield Planned(urls.HOME, key_of("home", info, [(r.slug, r.digest) for r in newest]),
                  lambda: render.page("home.html", urls.HOME, site=info, newest=[ListedReport.of(r.report) for r in newest]))
    yield Planned(urls.NOT_FOUND, key_of("404.html", info), lambda: render.page("404.html", urls.NOT_FOUND, site=info))
    parts = list(a.data_parts())  # the about page links each year's data files
    yield Planned(urls.ABOUT, key_of("about.html", info, parts), lambda: render.page("about.html", urls.ABOUT, site=info, parts=parts))


def data_files(a: Archive, render: Renderer) -> Iterator[Planned]:
    """data/reports.json, the Atom feed and robots.txt (the sitemap is planned last, from every page)."""

    def reports_json() -> Iterator[str]:
        # Each record's row was serialised when the report was read; the address goes first.
        return json_lines('{"url": ' + json.dumps(urls.address(a.base_url, urls.report_page(r.slug))) + ", " + r.data_row()[1:]
                          for r in a.records)

    dated = _newest_added(a.records, FEED_SIZE)
    entries = [(r.report, _feed_date(r.report)) for r in dated]
    # Keyed on the rows it holds (each names its report), not the reports' digests: a correction of
    # a report's text leaves its row, and this 10,000-row file, as they were.
    rows = [r.row_digest for r in a.records]
    yield Planned("data/reports.json", key_of("reports.json", a.base_url, rows), reports_json)
    sitemap_line = f"Sitemap: {urls.absolute(a.base_url, 'sitemap.xml')}\n" if a.base_url else ""
    yield Planned("robots.txt", key_of("robots", sitemap_line), lambda: f"User-agent: *\nAllow: /\n{sitemap_line}")
    if not a.base_url:  # an Atom feed's ids and links are absolute addresses
        return
    yield Planned("feed.xml", key_of("feed", a.base_url, [(r.slug, r.digest) for r in dated]),
                  lambda: render.page("feed.xml", "feed.xml", entries=entries, base_url=a.base_url,
                                      updated=max(d for _, d in entries) if entries else "2016-01-01"))


def search_page(a: Archive, render: Renderer, first_characters: str) -> Planned:
    """The search page; its head carries the index's first characters (search_files.first_characters),
    so it is planned with the index."""
    info = a.site_info()
    return Planned(urls.SEARCH, key_of("search.html", info, first_characters),
                   lambda: render.page("search.html", urls.SEARCH, site=info, directory=search_files.DIRECTORY,
                                       first_characters=first_characters))


def sitemap(render: Renderer, base_url: str, paths: list[str]) -> Planned:
    pages = sorted(p for p in paths if p.endswith(".html") and p != urls.NOT_FOUND)
    return Planned("sitemap.xml", key_of("sitemap", base_url, pages),
                   lambda: render.page("sitemap.xml", "sitemap.xml", pages=pages, base_url=base_url))


def _feed_date(r: Report) -> str:
    """An entry's date in the feed of what the archive added: the day it was added."""
    return r.added or r.published or f"{r.year or 2016}-12-31"


@dataclass(frozen=True)
class Producer:
    """Plans one kind of output. ``inputs``, where given, is a digest of everything those outputs
    show, much cheaper than planning them (a stored per-report digest each, not a pass over every
    section or figure). When it is the last build's, the build takes the last plan's paths and
    keys and runs ``plan`` only if one of them must be rendered again (see ``build.plan_pages``),
    when that output is made: in a render worker, as a rule."""

    name: str
    plan: Callable[[Archive, Renderer], Iterator[Planned]]
    inputs: Callable[[Archive], str] | None = None


PRODUCERS: list[Producer] = [
    Producer("reports", report_pages),
    Producer("originals", original_files),
    Producer("places", place_pages),
    Producer("topics", topic_pages, topic_inputs),
    Producer("years", year_pages),
    Producer("home", home_and_fixed_pages),
    Producer("data", data_files),
    Producer("indicators", figure_pages.indicator_pages, figure_pages.indicator_inputs),
    Producer("figure-data", figure_pages.figure_data),
    Producer("datasets", datasets.data_package),
    Producer("evaluation", evaluation_pages.evaluation_pages),
    Producer("compare", compare_pages.compare_pages),
]
