"""``fazhi build``: content/ → site/, Pelican-style.

1. Read and model the whole archive (``Archive``) before rendering anything.
2. Render every page through the named producers into memory (path → bytes);
   two producers writing one path is an error naming both.
3. Check every internal link and #anchor; a broken one fails the build.
4. Write atomically (generator.write): a failed build leaves the old site as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Mapping

import jinja2

from generator import figure_pages, search, urls
from generator.model import Report, load_reports
from generator.problems import Problem, error, report as print_problems
from generator.render import Renderer, body_html, fingerprint
from generator.topics import Topic, classify_report, classify_section, load_topics
from generator.write import write_site

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ASSETS = TEMPLATES / "assets"
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
class Archive:
    """The whole archive, modelled before anything is rendered.

    ``reports`` are sorted by slug; ``section_topics`` maps (slug, anchor) to the
    topic slugs of that section; ``report_topics`` maps a slug to its topics
    (front-matter ``topics`` when an editor set them, else its sections' union).
    """

    reports: tuple[Report, ...]
    topics: tuple[Topic, ...]
    section_topics: Mapping[tuple[str, str], tuple[str, ...]]
    report_topics: Mapping[str, tuple[str, ...]]
    places: Mapping[str, PlaceNode]
    years: Mapping[int, tuple[str, ...]]
    unplaced: tuple[str, ...]
    base_url: str
    content: Path
    by_slug: Mapping[str, Report] = field(repr=False, default_factory=dict)
    indicators: tuple = ()  # figures.Indicator, from content/indicators.yml

    def place_chain(self, report: Report) -> tuple[PlaceNode, ...]:
        """Province → city → district nodes of a report, as far as known."""
        chain = []
        code = _own_code(report)
        while code and code in self.places:
            chain.append(self.places[code])
            code = self.places[code].parent
        return tuple(reversed(chain))

    def topic(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)


def _own_code(r: Report) -> str:
    return r.adcode if r.adcode else ""


def _newest_first(reports: list[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (-(r.year or 0), r.period, r.slug))


def model_archive(reports: tuple[Report, ...], topics: tuple[Topic, ...], base_url: str, content: Path, indicators: tuple = ()) -> Archive:
    section_topics = {(r.slug, s.anchor): classify_section(s, topics) for r in reports for s in r.sections}
    known = {t.slug for t in topics}
    report_topics = {}
    for r in reports:
        if r.topics:
            report_topics[r.slug] = tuple(t for t in r.topics if t in known)
        else:
            report_topics[r.slug] = classify_report(r.sections, topics)

    names: dict[str, tuple[str, str, str | None]] = {}  # code → (name, kind, parent)
    members: dict[str, list[Report]] = defaultdict(list)
    unplaced = []
    for r in reports:
        if not r.adcode or not r.province:
            unplaced.append(r.slug)
            continue
        prov_code = r.adcode[:2] + "0000"
        names.setdefault(prov_code, (r.province, "province", None))
        chain = [prov_code]
        if r.city and r.level != "province":
            city_code = r.adcode[:4] + "00"
            names.setdefault(city_code, (r.city, "city", prov_code))
            chain.append(city_code)
        if r.district and r.level == "county":
            names.setdefault(r.adcode, (r.district, "county", chain[-1]))
            chain.append(r.adcode)
        for code in chain:
            members[code].append(r)
    places = {
        code: PlaceNode(code, name, kind, parent, urls.place_page(code, name), tuple(r.slug for r in _newest_first(members[code])))
        for code, (name, kind, parent) in sorted(names.items())
    }
    years: dict[int, list[str]] = defaultdict(list)
    for r in reports:
        if r.year:
            years[r.year].append(r.slug)
    return Archive(
        reports=reports,
        topics=topics,
        section_topics=section_topics,
        report_topics=report_topics,
        places=places,
        years={y: tuple(sorted(s)) for y, s in sorted(years.items(), reverse=True)},
        unplaced=tuple(sorted(unplaced)),
        base_url=base_url,
        content=content,
        by_slug={r.slug: r for r in reports},
        indicators=indicators,
    )


# --- what templates see ----------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInfo:
    reports: int
    districts: int
    provinces: tuple[PlaceNode, ...]
    topics: tuple[Topic, ...]
    years: tuple[int, ...]
    base_url: str
    base_path: str  # the path part of --base-url, for the 404 page served at any depth


def excerpt(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def citation(r: Report, base_url: str) -> str:
    """GB/T 7714-2015 for an online document; the reader adds the access date."""
    author = r.publisher or r.place or "佚名"
    date = f"({r.published})" if r.published else ""
    return f"{author}. {r.title}[EB/OL]. {date}[引用日期]. {urls.absolute(base_url, urls.report_page(r.slug))}."


# --- page producers -----------------------------------------------------------------------------

Producer = Callable[[Archive, Renderer], dict[str, str | bytes]]


def report_pages(a: Archive, render: Renderer) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    for r in a.reports:
        page = urls.report_page(r.slug)
        original = a.content.parent / r.raw if r.raw else None
        original_bytes = original.read_bytes() if original and original.is_file() else None
        if original_bytes is not None:
            out[urls.report_original(r.slug)] = original_bytes
        same_place = [a.by_slug[s] for s in a.places[r.adcode].reports if s != r.slug] if r.adcode in a.places else []
        same_year = [a.by_slug[s] for s in a.years.get(r.year, ()) if s != r.slug] if r.year else []
        out[page] = render.page(
            "report.html",
            page,
            report=r,
            body=body_html(r),
            toc=[s for s in r.sections if s.level > 1],
            topics=[a.topic(t) for t in a.report_topics[r.slug]],
            chain=a.place_chain(r),
            original=urls.report_original(r.slug) if original_bytes is not None else None,
            original_sha256=hashlib.sha256(original_bytes).hexdigest() if original_bytes is not None else "",
            same_place=same_place,
            same_year=same_year,
            citation=citation(r, a.base_url),
            canonical=urls.absolute(a.base_url, page),
            figures=figure_pages.report_figures(a, r),
        )
    return out


def place_pages(a: Archive, render: Renderer) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    children: dict[str | None, list[PlaceNode]] = defaultdict(list)
    for node in a.places.values():
        children[node.parent].append(node)
    for node in a.places.values():
        chain = []
        code = node.parent
        while code:
            chain.insert(0, a.places[code])
            code = a.places[code].parent
        by_year: dict[int | None, list[Report]] = defaultdict(list)
        for slug in node.reports:
            by_year[a.by_slug[slug].year].append(a.by_slug[slug])
        out[node.page] = render.page(
            "place.html",
            node.page,
            place=node,
            chain=chain,
            children=sorted(children[node.code], key=lambda n: n.code),
            by_year=sorted(by_year.items(), key=lambda kv: -(kv[0] or 0)),
            figures=figure_pages.place_figures(a, node),
        )
    out[urls.PLACES] = render.page(
        "places.html",
        urls.PLACES,
        tree=[(p, [(c, sorted(children[c.code], key=lambda n: n.code)) for c in sorted(children[p.code], key=lambda n: n.code)])
              for p in sorted(children[None], key=lambda n: n.code)],
        unplaced=[a.by_slug[s] for s in a.unplaced],
    )
    return out


def topic_pages(a: Archive, render: Renderer) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    counts = {}
    for t in a.topics:
        groups: dict[str, dict[int | None, list]] = defaultdict(lambda: defaultdict(list))
        n = 0
        for r in a.reports:
            hits = [(s, excerpt(s.text)) for s in r.sections if t.slug in a.section_topics[(r.slug, s.anchor)]]
            if hits:
                groups[r.province or "未定位"][r.year].append((r, hits))
                n += 1
        counts[t.slug] = n
        page = urls.topic_page(t.slug)
        out[page] = render.page(
            "topic.html",
            page,
            topic=t,
            groups=[(prov, sorted(years.items(), key=lambda kv: -(kv[0] or 0))) for prov, years in sorted(groups.items())],
            count=n,
        )
    out[urls.TOPICS] = render.page("topics.html", urls.TOPICS, counts=counts)
    return out


def year_pages(a: Archive, render: Renderer) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    for year, slugs in a.years.items():
        groups: dict[str, list[Report]] = defaultdict(list)
        for s in slugs:
            groups[a.by_slug[s].province or "未定位"].append(a.by_slug[s])
        page = urls.year_page(year)
        out[page] = render.page("year.html", page, year=year, groups=sorted(groups.items()), count=len(slugs))
    out[urls.YEARS] = render.page("years.html", urls.YEARS, years=[(y, len(s)) for y, s in a.years.items()])
    return out


def home_and_fixed_pages(a: Archive, render: Renderer) -> dict[str, str | bytes]:
    newest = sorted(a.reports, key=lambda r: (r.published or f"{r.year or 0}-99", r.slug), reverse=True)[:NEWEST]
    out: dict[str, str | bytes] = {
        urls.HOME: render.page("home.html", urls.HOME, newest=newest),
        urls.ABOUT: render.page("about.html", urls.ABOUT),
        urls.SEARCH: render.page("search.html", urls.SEARCH),
        urls.NOT_FOUND: render.page("404.html", urls.NOT_FOUND),
    }
    return out


def data_files(a: Archive, render: Renderer, produced: set[str]) -> dict[str, str | bytes]:
    """data/reports.json, the Atom feed, the sitemap of every page produced, robots.txt."""
    rows = []
    for r in a.reports:
        row = r.front_matter()
        row["topics"] = list(a.report_topics[r.slug])
        row["slug"] = r.slug
        row["url"] = urls.absolute(a.base_url, urls.report_page(r.slug))
        rows.append(row)
    dated = sorted(a.reports, key=lambda r: (r.published or f"{r.year or 0}-12-31", r.slug), reverse=True)[:FEED_SIZE]
    pages = sorted(p for p in produced if p.endswith(".html") and p != urls.NOT_FOUND)
    return {
        "data/reports.json": json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
        "feed.xml": render.page("feed.xml", "feed.xml", entries=dated, updated=_feed_date(dated[0]) if dated else "2016-01-01"),
        "sitemap.xml": render.page("sitemap.xml", "sitemap.xml", pages=pages),
        "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(a.base_url, 'sitemap.xml')}\n",
    }


def _feed_date(r: Report) -> str:
    return r.published or f"{r.year or 2016}-12-31"


PRODUCERS: list[tuple[str, Producer]] = [
    ("reports", report_pages),
    ("places", place_pages),
    ("topics", topic_pages),
    ("years", year_pages),
    ("home", home_and_fixed_pages),
    ("indicators", figure_pages.indicator_pages),
    ("figure-data", figure_pages.figure_data),
]


# --- link check -------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value and not (tag == "link" and ("rel", "canonical") in attrs):
                self.links.append(value)


def check_links(files: dict[str, bytes]) -> list[Problem]:
    """Every relative href/src resolves to a produced file, every #anchor to an id there."""
    pages = {}
    for path, data in files.items():
        if path.endswith(".html"):
            p = _Links()
            p.feed(data.decode("utf-8"))
            pages[path] = p
    problems = []
    for path, parsed in sorted(pages.items()):
        for link in parsed.links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", link) or (path == urls.NOT_FOUND and link.startswith("/")):
                continue
            target, _, anchor = link.partition("#")
            if target.startswith("/"):
                problems.append(error(f"site/{path}", f"link {link!r} is absolute: it breaks from disk and under a sub-path"))
                continue
            resolved = urls.resolve(path, target) if target else path
            if resolved not in files:
                problems.append(error(f"site/{path}", f"broken link {link!r}: {resolved} is not in the site"))
            elif anchor and resolved in pages and anchor not in pages[resolved].ids:
                problems.append(error(f"site/{path}", f"broken link {link!r}: no id {anchor!r} in {resolved}"))
    return problems


# --- the build ---------------------------------------------------------------------------------------


def _template_problem(exc: Exception, page: str) -> Problem:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error(f"templates/{exc.name}", f"template syntax: {exc.message}", exc.lineno)
    frames = []
    tb = exc.__traceback__
    while tb:
        if tb.tb_frame.f_code.co_filename.startswith(str(TEMPLATES)):
            frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    if frames:
        name, line = frames[-1]
        return error(f"templates/{Path(name).relative_to(TEMPLATES).as_posix()}", f"while rendering {page}: {type(exc).__name__}: {exc}", line)
    return error("templates", f"while rendering {page}: {type(exc).__name__}: {exc}")


def produce(a: Archive, extra: list[tuple[str, Producer]] | None = None) -> tuple[dict[str, bytes], list[Problem]]:
    assets_src = {p.name: p.read_bytes() for p in sorted(ASSETS.iterdir()) if p.is_file()} if ASSETS.is_dir() else {}
    assets = {name: fingerprint(name, data) for name, data in assets_src.items()}
    site = SiteInfo(
        reports=len(a.reports),
        districts=sum(1 for n in a.places.values() if n.kind == "county"),
        provinces=tuple(n for n in a.places.values() if n.kind == "province"),
        topics=a.topics,
        years=tuple(a.years),
        base_url=a.base_url,
        base_path=re.sub(r"^[a-z]+://[^/]+", "", a.base_url.rstrip("/")) + "/",
    )
    render = Renderer(TEMPLATES, assets, site)
    files: dict[str, bytes] = {assets[n]: d for n, d in assets_src.items()}
    owner = {p: "assets" for p in files}
    problems: list[Problem] = []

    def add(name: str, produced: Mapping[str, str | bytes]) -> None:
        for path, data in sorted(produced.items()):
            if path in owner:
                problems.append(error(f"site/{path}", f"written by both {owner[path]} and {name}"))
                continue
            owner[path] = name
            files[path] = data.encode("utf-8") if isinstance(data, str) else data

    for name, producer in [*PRODUCERS, *(extra or [])]:
        try:
            add(name, producer(a, render))
        except jinja2.TemplateError as exc:
            problems.append(_template_problem(exc, name))
    try:
        add("data", data_files(a, render, set(files)))
    except jinja2.TemplateError as exc:
        problems.append(_template_problem(exc, "data"))
    add("search", search.search_assets(a))
    return files, problems


def build(content: Path, out: Path, base_url: str, zip_path: Path | None = None) -> tuple[list[Problem], dict]:
    """Model, render, check and write; return the problems and a summary."""
    started = time.monotonic()
    root = content.resolve().parent
    reports, problems = load_reports(content / "reports", root=root)
    topics, topic_problems = load_topics(content / "topics.yml")
    problems += topic_problems
    indicators, indicator_problems = figure_pages.load(content, reports)
    problems += indicator_problems
    if any(p.severity == "error" for p in problems):
        return problems, {}
    archive = model_archive(reports, topics, base_url, content.resolve(), indicators)
    files, found = produce(archive)
    problems += found
    if not found:
        problems += check_links(files)
    if any(p.severity == "error" for p in problems):
        return problems, {}
    stats = write_site(files, out)
    if zip_path:
        write_zip(files, zip_path)
    return problems, {
        "reports": len(reports),
        "files": len(files),
        "written": stats.written,
        "unchanged": stats.unchanged,
        "removed": stats.removed,
        "bytes": stats.bytes,
        "seconds": round(time.monotonic() - started, 2),
    }


def write_zip(files: dict[str, bytes], path: Path) -> None:
    """A deterministic zip (sorted entries, fixed times) of the site under one folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in sorted(files):
            info = zipfile.ZipInfo(f"fazhi-site/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[rel])
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)


def run(args) -> int:
    problems, summary = build(args.content, args.out, args.base_url, args.zip)
    errors, warnings = print_problems(problems)
    if errors or (args.strict and warnings):
        print(f"build failed: {errors} error(s), {warnings} warning(s); {args.out} was left as it was", file=sys.stderr)
        return 1
    print(
        f"build: {summary['reports']} reports, {summary['files']} files ({summary['bytes']:,} bytes) in {summary['seconds']} s; "
        f"{summary['written']} written, {summary['unchanged']} unchanged, {summary['removed']} removed; {warnings} warning(s)"
    )
    if args.zip:
        print(f"offline copy: {args.zip}")
    return 0
