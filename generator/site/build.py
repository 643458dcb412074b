"""``fazhi build``: content/ → site/, Pelican-style, incremental, on every core.

1. Read every report into a ``Record`` (generator/site/records.py); unchanged reports
   come from the cache, changed ones are analysed in a process pool.
2. Model the whole archive and plan every output but the search index's
   (generator/site/pages.py): a path, a key of what it shows, a way to make it. Two
   producers planning one path is an error naming both.
3. Outputs whose key is unchanged and whose published copy is intact are left as
   they are; the rest are rendered into a staging folder (in the pool when many),
   while this process updates the search index (generator/search/index.py) from the
   changed reports.
4. The index's page and files are planned and made the same way.
5. Check the internal links and #anchors (of the pages rendered, or of every page
   when a file vanished or a page lost an id) and the invariants (generator/site/invariants.py),
   move each new file into place under a journal (generator/site/journal.py), delete stale ones
   and save the cache. A failure before that leaves the site as it was.

The cache (``.<out>-cache`` beside the output) is keyed on content digests and on
the generator's code, templates, taxonomy and site configuration with the base URL
(generator/site/site_config.py, loaded first), so a full build and an incremental one
give the same bytes.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import gc
import hashlib
import html
import math
import multiprocessing
import os
import re
import shutil
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple

import jinja2
import rjsmin

from generator import PROJECT
from generator.core.digests import key_of, tree_digest
from generator.core.pool import cores, ordered_map, started_map
from generator.core.problems import Problem, error, has_errors
from generator.core.problems import report as print_problems
from generator.core.progress import progress
from generator.core.progress import summary as closing_line
from generator.core.shelf import DamagedCache, Shelf
from generator.domain.figures import Indicator
from generator.domain.topics import KNOWN_FILINGS, Topic, load_known_filings, load_topics
from generator.model.reading import without_slug_clashes
from generator.search.index import SearchIndex
from generator.search.terms import IndexEntry
from generator.site import figure_pages, folders, invariants, journal, urls
from generator.site import records as rec_mod
from generator.site.folders import OutputFolder
from generator.site.pages import PRODUCERS, Archive, Producer, model_archive, search_page, sitemap
from generator.site.planned import Planned
from generator.site.publish import Staging, write_file
from generator.site.records import Job, Record, Stamp
from generator.site.render import Renderer, fingerprint
from generator.site.site_config import BaseURL, SiteConfig, as_built, base_url_of, load_site_config

TEMPLATES = PROJECT / "templates"
# The manifest and the links of its pages are saved in many small shards: an edit writes a few
# hundred files, whose shards are then all that is written (with 256, an edit's 130 files
# rewrote half the manifest: 0.25 s). At most these many: a smaller archive has fewer (Shelf).
MANIFEST_SHARDS = 1024
LINK_SHARDS = 4096
# Work items a render worker takes before a fresh one is forked in its place. Reading the parent's
# objects writes their reference counts, so a long-lived worker comes to hold a private copy of
# every page of the parent's heap it touched (at 10,000 reports ~500 MB each, the build's peak);
# a fresh fork shares them again. Forking the parent costs ~20 ms, against ~800 items of work.
RENDER_ITEMS_PER_WORKER = 800


# --- 1. records ------------------------------------------------------------------------------------


Entry = tuple[tuple[Stamp | None, Stamp | None], Record]  # a report file's stamps (Markdown, original) and record


def read_records(reports_dir: Path, root: Path, cache: dict[str, Entry], pool_size: int,
                 analysis: rec_mod.Analysis) -> tuple[list[Record], list[Problem], list[str]]:
    """Every report's record, sorted by slug; reports with errors are left out.

    ``cache`` (slug → Entry) is brought up to date; returns the slugs analysed again. A cached
    record whose blob or terms file is gone from ``blobs`` is analysed again, as a lost cache
    file only costs work."""
    # Plain strings and os.stat: this loop runs over every report on every build.
    names = sorted(entry.name for entry in os.scandir(reports_dir) if entry.name.endswith(".md"))
    # One listing of the folder, not a stat of each file: 20,000 of them at 10,000 reports.
    present = {entry.name for entry in os.scandir(analysis.blobs)}
    folder, root_text = f"{reports_dir}{os.sep}", str(root)
    originals = reports_dir.parent / "raw"
    chosen: dict[str, Record] = {}
    stamps: dict[str, tuple] = {}
    jobs: list[Job] = []
    for name in names:
        slug = name[:-3]
        cached = cache.get(slug)
        if cached is not None:
            (md_stamp, raw_stamp), record = cached
            raw = record.report.raw
            if (md_stamp == Stamp.of(folder + name)
                    and raw_stamp == (Stamp.of(os.path.join(root_text, raw)) if raw and record.original_sha256 else None)
                    and present.issuperset(rec_mod.blob_names(slug, record.digest))):
                chosen[slug] = record
                stamps[slug] = (md_stamp, raw_stamp)
                continue
        jobs.append(Job(reports_dir / name, root, originals, cached[1].digest if cached else None))
    if jobs:
        urls.remember_place_pages((p.code, p.name, p.page) for _, record in cache.values() for p in record.places)
    problems: list[Problem] = []
    with progress("build: reading", total=len(jobs), unit="reports") as bar:
        for outcome in ordered_map(rec_mod.analyse, analysis, jobs, pool_size):
            bar.update(1)
            problems.extend(outcome.problems)
            if outcome.same:
                chosen[outcome.slug] = cache[outcome.slug][1]
            elif outcome.record is not None:
                chosen[outcome.slug] = outcome.record
            else:
                continue
            stamps[outcome.slug] = outcome.stamps
    analysed = {job.path.stem for job in jobs}
    for slug in chosen:
        if slug not in analysed:
            problems.extend(chosen[slug].problems)
    cache.clear()
    cache.update((slug, (stamps[slug], chosen[slug])) for slug in sorted(chosen))
    result, clashes = without_slug_clashes([chosen[slug] for slug in sorted(chosen)], lambda r: r.report.file)
    return result, problems + clashes, sorted(analysed)


def _settle() -> None:
    """Hide the objects made so far from the cyclic collector until the build ends (``build``
    gives them back). They live as long as the build (records, the index, the manifest: millions
    at 10,000 reports), and each full collection would walk them all again: 2.3 s of a 9 s
    rebuild with nothing changed."""
    gc.freeze()


def _return_freed_memory() -> None:
    """Give the pages that C's allocator keeps after frees back to the system, before the render
    pool forks: glibc keeps them for reuse, and the index's update from scratch leaves 300 MB
    of them at 10,000 reports, counted in the parent's memory all through rendering. Elsewhere
    than glibc there is no ``malloc_trim`` and nothing is done."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


# --- 2. the plan ------------------------------------------------------------------------------------


def _template_problem(exc: Exception, what: str) -> Problem:
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
        return error(f"templates/{Path(name).relative_to(TEMPLATES).as_posix()}", f"while rendering {what}: {type(exc).__name__}: {exc}", line)
    return error("templates", f"while rendering {what}: {type(exc).__name__}: {exc}")


def _assets() -> dict[str, tuple[str, bytes]]:
    """name → (fingerprinted site path, bytes) for templates/assets/*."""
    folder = TEMPLATES / "assets"
    found = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}
    # Scripts are published minified: search.js is half the search page's bytes before a query.
    found = {name: rjsmin.jsmin(data) if name.endswith(".js") else data for name, data in found.items()}
    return {name: (fingerprint(name, data), data) for name, data in found.items()}


@dataclass(frozen=True)
class Step:
    """One planned output and the producer that planned it (named in errors)."""

    producer: str
    planned: Planned


@dataclass(frozen=True)
class Batch:
    """Many outputs of one producer, made by one function of their path: the search index's
    100,000 files at scale, where a Step each would cost more than checking them."""

    producer: str
    keys: Mapping[str, str]  # path → key
    make: Callable[[str], bytes]


Remembered = dict[str, tuple[str, dict[str, str]]]  # producer → (its inputs' digest, path → key)


def plan_pages(a: Archive, render: Renderer, assets: Mapping[str, tuple[str, bytes]],
               remembered: Remembered) -> tuple[dict[str, Step], list[Problem]]:
    """Every output but the search index's, by path: what can be made while the index is
    updated. ``remembered`` holds the last plan of the producers that digest their inputs; it is
    brought up to date."""
    steps: dict[str, Step] = {}
    problems: list[Problem] = []
    for path, data in assets.values():
        _add(steps, problems, "assets", Planned(path, key_of("asset", hashlib.sha256(data).hexdigest()), lambda data=data: data))
    for producer in PRODUCERS:
        for planned in _planned(producer, a, render, remembered):
            _add(steps, problems, producer.name, planned)
    return steps, problems


def plan_search(a: Archive, render: Renderer, pages: Mapping[str, Step], index: SearchIndex) -> tuple[dict[str, Step], Batch, list[Problem]]:
    """The outputs of the updated search index: its page, its files, and the sitemap, which lists
    every page (``pages``: the other outputs)."""
    steps: dict[str, Step] = {}
    problems: list[Problem] = []
    _add(steps, problems, "search page", search_page(a, render, index.first_characters()), pages)
    batch = Batch("search", index.files(), index.data)
    if a.base_url:  # a sitemap lists absolute addresses only
        _add(steps, problems, "data", sitemap(render, a.base_url, [*pages, *steps, *batch.keys]), pages)
    for path in sorted((pages.keys() | steps.keys()) & batch.keys.keys()):
        problems.append(error(f"site/{path}", f"written by both {(pages.get(path) or steps[path]).producer} and {batch.producer}"))
    return steps, batch, problems


def _add(steps: dict[str, Step], problems: list[Problem], name: str, planned: Planned, *earlier: Mapping[str, Step]) -> None:
    """Add a planned output, or an error naming both producers when its path is planned already
    (in ``steps``, or in an ``earlier`` plan)."""
    other = next((plan[planned.path] for plan in (steps, *earlier) if planned.path in plan), None)
    if other is not None:
        problems.append(error(f"site/{planned.path}", f"written by both {other.producer} and {name}"))
    else:
        steps[planned.path] = Step(name, planned)


def _planned(producer: Producer, a: Archive, render: Renderer, remembered: Remembered) -> Iterable[Planned]:
    """The producer's plan, or when its inputs are the last build's, the last plan's paths and
    keys, with the producer run only if one of them is rendered (its output was damaged)."""
    if producer.inputs is None:
        return producer.plan(a, render)
    inputs = producer.inputs(a)
    if producer.name in remembered and remembered[producer.name][0] == inputs:
        made: dict[str, Planned] = {}

        def make(path: str) -> str | bytes:
            if not made:
                made.update((p.path, p) for p in producer.plan(a, render))
            return made[path].make()

        return [Planned(path, key, functools.partial(make, path)) for path, key in remembered[producer.name][1].items()]
    planned = list(producer.plan(a, render))
    remembered[producer.name] = (inputs, {p.path: p.key for p in planned})
    return planned


# --- 3. rendering and the link table --------------------------------------------------------------

_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")


class Output(NamedTuple):
    """What the manifest keeps of one published file: its key, its stamp, and for HTML its ids.

    ``ids`` holds one id per line: one string per page keeps the manifest quick to load,
    and it is split only for the pages a build checks. A page's links (see ``link_table``)
    are kept apart: they are most of the manifest's bytes and needed only when every page
    is checked."""

    key: str
    stamp: Stamp
    ids: str

    def id_set(self) -> frozenset[str]:
        return frozenset(self.ids.split("\n")) if self.ids else frozenset()


def link_rows(links: str) -> list[list[str]]:
    return [row.split("\t") for row in links.split("\n")] if links else []


def link_table(path: str, text: str) -> tuple[str, str]:
    """The relative links of a page, resolved to site paths (one ``link\tresolved site
    path\tanchor`` line each), and the ids it defines (see Output)."""
    links = []
    for raw in _LINK.findall(text):
        link = html.unescape(raw)
        if _SCHEME.match(link) or (path == urls.NOT_FOUND and link.startswith("/")):
            continue
        target, _, anchor = link.partition("#")
        target = target.partition("?")[0]  # a page's query (compare/index.html?places=…) names no other file
        resolved = "/" if target.startswith("/") else (urls.resolve(path, target) if target else path)
        links.append(f"{link}\t{resolved}\t{anchor}")
    return "\n".join(links), "\n".join(sorted({html.unescape(i) for i in _ID.findall(text)}))


def check_table(outputs: Mapping[str, Output], links: Mapping[str, str]) -> list[Problem]:
    """Every relative link of the pages in ``links`` (path → links) resolves to an output, every #anchor to an id there."""
    problems = []
    ids: dict[str, frozenset[str]] = {}
    for path in sorted(links):
        for link, resolved, anchor in link_rows(links[path]):
            if resolved == "/":
                problems.append(error(f"site/{path}", f"link {link!r} is absolute: it breaks from disk and under a sub-path"))
            elif resolved not in outputs:
                problems.append(error(f"site/{path}", f"broken link {link!r}: {resolved} is not in the site"))
            elif anchor and resolved.endswith(".html"):
                if resolved not in ids:
                    ids[resolved] = outputs[resolved].id_set()
                if anchor not in ids[resolved]:
                    problems.append(error(f"site/{path}", f"broken link {link!r}: no id {anchor!r} in {resolved}"))
    return problems


def check_links(files: Mapping[str, bytes]) -> list[Problem]:
    """The link check over a whole site given as path → bytes (tests use it on a published site)."""
    outputs, links = {}, {}
    for path, data in files.items():
        links[path], ids = link_table(path, data.decode("utf-8")) if path.endswith(".html") else ("", "")
        outputs[path] = Output("", Stamp(len(data), 0), ids)
    return check_table(outputs, links)


# Search files per work item: each is made in well under a millisecond, so one at a time the
# workers would mostly wait on the parent.
FILE_GROUP = 64


class Made(NamedTuple):
    """One file written into staging by a work item (or the problem that kept it from being made)."""

    path: str
    stamp: Stamp | None
    links: str
    ids: str
    problem: Problem | None


@dataclass(frozen=True)
class Rendering:
    """What the render workers make: the plan's pages to render (``steps``), then the batch's
    ``files`` in groups of FILE_GROUP, all into ``staging``."""

    steps: list[Step]
    files: list[str]
    batch: Batch | None  # None: no files
    staging: Path

    def items(self) -> list[int]:
        return list(range(len(self.steps) + math.ceil(len(self.files) / FILE_GROUP)))


def _make(work: Rendering, i: int) -> list[Made]:
    """Work item i: page i of the plan's pages to render, or after them a group of the batch's files."""
    if i >= len(work.steps):
        start = (i - len(work.steps)) * FILE_GROUP
        made = []
        for path in work.files[start:start + FILE_GROUP]:
            st = write_file(work.staging, path, work.batch.make(path))
            made.append(Made(path, Stamp(st.st_size, st.st_mtime_ns), "", "", None))
        return made
    step = work.steps[i]
    try:
        data = step.planned.make()
    except DamagedCache:
        raise
    except Exception as exc:  # a template's own (a filter's ZeroDivisionError) as much as Jinja's: one line naming it
        return [Made(step.planned.path, None, "", "", _template_problem(exc, step.producer))]
    links, ids = "", ""
    if isinstance(data, str):
        if step.planned.path.endswith(".html"):
            links, ids = link_table(step.planned.path, data)
        data = data.encode("utf-8")
    st = write_file(work.staging, step.planned.path, data)
    return [Made(step.planned.path, Stamp(st.st_size, st.st_mtime_ns), links, ids, None)]


# --- the build ------------------------------------------------------------------------------------


class Cache(NamedTuple):
    """Where the build keeps what it knows between runs: folders of ``.<out>-cache`` beside the output."""

    records: Path
    blobs: Path
    manifest: Path
    links: Path
    search: Path
    plan: Path

    @classmethod
    def at(cls, root: Path) -> "Cache":
        return cls(*(root / name for name in cls._fields))


def build(content: Path, out: Path, base_url: str | None = None, zip_path: Path | None = None, jobs: int | None = None,
          environ: Mapping[str, str] | None = None, strict: bool = False) -> tuple[list[Problem], dict]:
    """Model, plan, render what changed, check and publish; return the problems and a summary.
    ``base_url`` is --base-url; ``environ`` the host's build environment (see site_config);
    ``strict``: a warning fails the build too, before anything is published. Only an output
    folder the build may use (generator/site/folders.py) is touched, by one build at a time, after
    finishing a publish the last build left unfinished (generator/site/journal.py)."""
    try:
        folder = folders.claim(out, content)
        if zip_path:
            folders.check_zip(zip_path, content, folder)
        with folders.locked(folder):
            finished = journal.finish(folder)
            try:
                return _build(content, folder, base_url, zip_path, jobs, environ or {}, strict, finished)
            except DamagedCache:  # read too late to do without: a full build makes the cache again
                shutil.rmtree(folder.cache)
                return _build(content, folder, base_url, zip_path, jobs, environ or {}, strict, finished)
    except folders.Refused as exc:
        return [exc.problem], {}
    except OSError as exc:  # the disk full, a folder not writable: one line, never a traceback
        return [error(exc.filename or out, f"{exc.strerror or exc}: the build stopped")], {}
    finally:
        gc.unfreeze()  # what ``_settle`` hid is garbage now, or (``fazhi serve``) the next build's
        rec_mod.forget_unpacked()  # nor does a resident ``fazhi serve`` keep every version's figures


@dataclass(frozen=True)
class Settings:
    """What a build is configured with, loaded and checked before any report is read."""

    config: SiteConfig  # content/site.yml, with the base URL the build uses
    base: BaseURL
    topics: tuple[Topic, ...]
    indicators: tuple[Indicator, ...]
    record_version: str  # what a report's record depends on besides its files
    output_version: str  # what every output depends on besides its key


def _settings(content: Path, flag: str | None, environ: Mapping[str, str]) -> tuple[Settings | None, list[Problem]]:
    """The build's settings, or None when their problems stop the build (all of them listed)."""
    config, problems = load_site_config(content / "site.yml")
    base, more = base_url_of(flag, environ, config, content / "site.yml")
    topics, topic_problems = load_topics(content / "topics.yml")
    problems += more + topic_problems
    if has_errors(problems):
        return None, problems
    indicators, indicator_problems = figure_pages.load(content)  # reported with the reports' problems
    config = as_built(config, base)
    # An indicator's topic files the sections stating it (records.py): a record depends on it.
    record_version = key_of(rec_mod.code_version(), (content / "topics.yml").read_bytes(),
                            [(i.key, i.topic) for i in indicators])
    table = content / "indicators.yml"
    output_version = key_of(record_version, tree_digest(TEMPLATES), config, table.read_bytes() if table.exists() else b"")
    return Settings(config, base, topics, indicators, record_version, output_version), problems + indicator_problems


def _build(content: Path, folder: OutputFolder, flag: str | None, zip_path: Path | None, jobs: int | None,
           environ: Mapping[str, str], strict: bool, finished: bool) -> tuple[list[Problem], dict]:
    """The build, once the output is claimed and locked; ``finished``: a publish the last build
    left unfinished was finished, so its files are in the marker, not in the manifest."""
    started = time.monotonic()
    content = content.resolve()
    root = content.parent
    pool_size = jobs or cores()
    settings, problems = _settings(content, flag, environ)
    if settings is None:
        return problems, {}
    config, base_url, topics, indicators = settings.config, settings.base.url, settings.topics, settings.indicators
    record_version, output_version = settings.record_version, settings.output_version
    cache = Cache.at(folder.cache)
    manifest = Shelf(cache.manifest, output_version, MANIFEST_SHARDS)
    damaged = _check_published(manifest, folder.site, pool_size)
    record_shelf = Shelf(cache.records, record_version)
    records: dict[str, Entry] = record_shelf.load()
    _settle()
    known_slugs = set(records)
    if not records:
        rec_mod.reset_dir(cache.blobs)
    cache.blobs.mkdir(parents=True, exist_ok=True)  # a lost folder only costs reading its reports again
    cache.search.mkdir(parents=True, exist_ok=True)
    found, read_problems, analysed = read_records(content / "reports", root, records, pool_size,
                                                  rec_mod.Analysis(topics, indicators, cache.blobs,
                                                                   load_known_filings(content / "reports" / KNOWN_FILINGS)))
    problems += read_problems
    if has_errors(problems):
        return problems, {}

    problems += figure_pages.check_records(found, indicators)
    if has_errors(problems):
        return problems, {}
    archive = model_archive(tuple(found), topics, indicators, base_url, root, cache.blobs)
    assets = _assets()
    render = Renderer(TEMPLATES, {name: path for name, (path, _) in assets.items()}, config)
    plan_shelf = Shelf(cache.plan, output_version, 1)
    remembered: Remembered = plan_shelf.load()
    last_plan = dict(remembered)
    try:
        pages, plan_problems = plan_pages(archive, render, assets, remembered)
    except jinja2.TemplateError as exc:
        return problems + [_template_problem(exc, "the plan")], {}
    problems += plan_problems
    if plan_problems:
        return problems, {}

    link_shelf = Shelf(cache.links, output_version, LINK_SHARDS)
    before: dict[str, Output] = manifest.load()
    _settle()
    published = set(before) if before and not finished else set(before) | folders.published(folder)
    staging = Staging(folder.site, folder.staging)
    folders.mark(folder.staging / folders.MARKER, ())  # the next build may remove it if left
    try:
        # The pages are made while this process updates the search index, a serial step that
        # would otherwise leave a core idle (35 s of a full build at 10,000 reports); the
        # index's own files follow, in a pool forked once the index is saved.
        damaged_paths = damaged.result()
        with contextlib.ExitStack() as pages_made:
            gather = pages_made.enter_context(_staging(pages, None, before, damaged_paths, staging, pool_size))
            index = SearchIndex.open(cache.search)
            if index.update([_index_entry(r) for r in found], {t.slug: t.name for t in topics},
                            lambda e: rec_mod.terms_file(archive.blobs, archive.by_slug[e.slug])):
                # Saved now, not after publishing: the state is a cache of these reports' index, whatever
                # becomes of the build, and saving a new base maps the postings from it, so the pool below
                # is not forked with 360 MB of them in memory (at 10,000 reports).
                index.save(cache.search)
            _settle()
            _return_freed_memory()
            searched, batch, search_problems = plan_search(archive, render, pages, index)
            if search_problems:
                pages_made.close()  # the workers stop first: nothing more is staged once it is aborted
                staging.abort()
                return problems + search_problems, {}
            made = gather()
        with _staging(searched, batch, before, damaged_paths, staging, pool_size) as gather:
            made_too = gather()
        # What was staged is on disk: the index's bytes (a quarter GB at 10,000 reports) are let go
        # before the check parses the data files, or both would be in memory at once.
        del pages, searched, batch, index
        _return_freed_memory()
        outputs = {**made.outputs, **made_too.outputs}
        links = {**made.links, **made_too.links}
        render_problems = made.problems + [p for p in made_too.problems if p not in made.problems]
        problems += render_problems
        if not render_problems:
            if targets := _lost_targets(before, outputs, staging.staged):
                links = _links_to(targets, outputs, links, link_shelf.load(), staging.out)
            problems += check_table(outputs, links)
            problems += invariants.check(content / "reports", root, archive.by_slug, problems, outputs, staging.staged, staging.root)
        if has_errors(problems) or (strict and problems):
            staging.abort()
            return problems, {}
        journal.publish(folder, staging.staged, published - set(outputs))
    except BaseException:
        if not folder.journal.exists():  # a publish under way is left for the next build to finish
            staging.abort()
        raise
    if staging.written or published != set(outputs):
        changed = (set(staging.staged) | (set(before) - set(outputs))) if before else None
        manifest.save(outputs, changed)
        # Sized by the outputs, not the pages with links (a tenth of them): a page's links are large.
        link_shelf.update(links, changed, len(outputs))
    if analysed or known_slugs != set(records):
        record_shelf.save(records, set(analysed) | (known_slugs ^ set(records)) if known_slugs else None)
        rec_mod.prune_blobs(cache.blobs, found)
    if remembered != last_plan:
        plan_shelf.save(remembered)
    summary = {
        "reports": len(found),
        "analysed": len(analysed),
        "files": len(outputs),
        "pages": sum(1 for p in outputs if p.endswith(".html")),
        "written": staging.written,
        "unchanged": staging.kept,
        "removed": len(published - set(outputs)),
        "bytes": sum(o.stamp.size for o in outputs.values()),
        "seconds": round(time.monotonic() - started, 2),
        "base_url": base_url,
        "base_url_source": settings.base.source,
    }
    if zip_path:
        try:
            write_zip(staging.out, sorted(outputs), zip_path)
        except OSError as exc:
            problems.append(error(zip_path, f"cannot be written ({exc.strerror or exc}): the site was published, its offline copy was not"))
    return problems, summary


def _lost_targets(before: Mapping[str, Output], outputs: Mapping[str, Output], rendered: Iterable[str]) -> set[str]:
    """Where links of pages not rendered now may have broken: the files that vanished and the pages
    that lost an id (a kept page is the one checked before, but its targets may not be)."""
    return {path for path in before if path not in outputs} | {
        path for path in rendered if path in before and not before[path].id_set() <= outputs[path].id_set()}


def _links_to(targets: set[str], outputs: Mapping[str, Output], rendered: dict[str, str], kept: Mapping[str, str],
              out: Path) -> dict[str, str]:
    """The links of the pages rendered now and of the kept pages that link to one of ``targets``,
    from the saved table or, where it lacks a page (a damaged shard), read again from the published
    page. A table's rows are a link, its resolved path and its anchor, tab-separated (``link_table``),
    so every other field of the table split at tabs is a resolved path: one split in C per page, 0.4 s at 10,000 reports
    however many targets (checking every page's rows took 1.9 s; a pattern of the targets, 4.4 s for
    3,000 of them)."""
    links = dict(rendered)
    for path in outputs:
        if path not in links and path.endswith(".html"):
            table = kept[path] if path in kept else link_table(path, (out / path).read_text(encoding="utf-8"))[0]
            if not targets.isdisjoint(table.split("\t")[1::2]):
                links[path] = table
    return links


def _index_entry(record: Record) -> IndexEntry:
    """A report as the index sees it; its terms are read from its blob only if the index asks."""
    r = record.report
    return IndexEntry(
        slug=r.slug, digest=record.digest, title=r.title, province=r.province, city=r.distinct_city, district=r.district,
        year=r.year, topics=record.topics, added=r.added,
    )


class Staged(NamedTuple):
    """What a stage leaves: every output it covers (kept or made), the links of the pages it
    rendered (path → links) and the problems."""

    outputs: dict[str, Output]
    links: dict[str, str]
    problems: list[Problem]


@contextlib.contextmanager
def _staging(steps: Mapping[str, Step], batch: Batch | None, before: Mapping[str, Output], damaged: set[str],
             staging: Staging, pool_size: int) -> Iterator[Callable[[], Staged]]:
    """Keep every output whose key is unchanged and whose published copy is intact (not in
    ``damaged``); start making the rest into staging: pages, and the batch's files in groups, in
    the pool when there are enough, whose workers go on while the block runs. The block calls
    what this gives to wait for them and take what they made; leaving it stops them."""
    files = batch.keys if batch is not None else {}
    keys = {**{path: step.planned.key for path, step in steps.items()}, **files}
    outputs = {path: old for path, key in keys.items()
               if (old := before.get(path)) is not None and old.key == key and path not in damaged}
    staging.keep(len(outputs))
    work = Rendering([steps[path] for path in sorted(steps.keys() - outputs.keys())],
                     sorted(files.keys() - outputs.keys()), batch, staging.root)
    with started_map(_make, work, work.items(), pool_size, RENDER_ITEMS_PER_WORKER) as made:
        yield functools.partial(_gathered, made, len(work.steps) + len(work.files), keys, outputs, staging)


def _gathered(made: Iterable[list[Made]], total: int, keys: Mapping[str, str], outputs: dict[str, Output],
              staging: Staging) -> Staged:
    links: dict[str, str] = {}
    problems: list[Problem] = []
    with progress("build: rendering", total=total, unit="files") as bar:
        for items in made:
            bar.update(len(items))
            for path, stamp, page_links, ids, problem in items:
                if problem is not None:
                    if problem not in problems:
                        problems.append(problem)
                    continue
                staging.note_written(path)
                outputs[path] = Output(keys[path], stamp, ids)
                if page_links:
                    links[path] = page_links
    return Staged(outputs, links, problems)


def _check_published(manifest: Shelf, out: Path, pool_size: int) -> concurrent.futures.Future:
    """The published files of the last build that are missing or not as written (see ``_damaged``).

    Started in a forked process as the build begins, so that a stat of every published file
    (130,000 at 10,000 reports, 0.7 s) runs beside the reading and planning, not after them."""
    if pool_size <= 1:
        done: concurrent.futures.Future = concurrent.futures.Future()
        done.set_result(_damaged(manifest, out))
        return done
    pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        return pool.submit(_damaged, manifest, out)
    finally:
        pool.shutdown(wait=False)  # the worker finishes its one task, then exits


def _damaged(manifest: Shelf, out: Path) -> set[str]:
    """The files in the saved manifest whose published copy is gone or has another stamp
    (changed by hand, say): they are made again even when their key is unchanged."""
    damaged = set()
    prefix = f"{out}{os.sep}"
    stat = os.stat
    for path, old in manifest.load().items():
        try:
            st = stat(prefix + path)
        except FileNotFoundError:
            damaged.add(path)
            continue
        if st.st_mtime_ns != old.stamp.mtime_ns or st.st_size != old.stamp.size:
            damaged.add(path)
    return damaged


def write_zip(site: Path, paths: list[str], zip_path: Path) -> None:
    """A deterministic zip (sorted entries, fixed times) of the site under one folder."""
    tmp = zip_path.with_name(f".{zip_path.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for rel in paths:
                info = zipfile.ZipInfo(f"fazhi-site/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, (site / rel).read_bytes())
        tmp.replace(zip_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def run(args) -> int:
    problems, summary = build(args.content, args.out, args.base_url, args.zip, environ=os.environ, strict=args.strict)
    errors, warnings = print_problems(problems)
    if errors or (args.strict and warnings):
        if summary:  # only the offline copy failed
            outcome = f"{args.out} was published"
        elif folders.publish_unfinished(args.out):
            outcome = f"publishing {args.out} stopped part way: the next build finishes it"
        else:
            outcome = f"{args.out} was left as it was"
        print(f"build failed: {errors} error(s), {warnings} warning(s); {outcome}", file=sys.stderr)
        return 1
    print(closing_line("build", reports=summary["reports"], pages=summary["pages"], written=summary["written"],
                       bytes=summary["bytes"], seconds=summary["seconds"], errors=0, warnings=warnings)
          + f"; {summary['analysed']} reports read anew, {summary['unchanged']} files unchanged, {summary['removed']} removed"
          + (f"; base URL {summary['base_url']} ({summary['base_url_source']})" if summary["base_url"] else ""))
    if args.zip:
        print(f"offline copy: {args.zip}")
    return 0
