"""Per-report analysis for the build, and the cache that lets a rebuild skip unchanged reports.

Reading a report is the costly part of a build: YAML, Markdown, topic scoring and
word segmentation. ``analyse`` does all of it for one report file, in a worker
process, and returns a small ``Record`` (what page listings need) while the large
results (the body as HTML, the search terms) go to a blob file of their own, read
back only when that report's page or index entry must be made again.

A report is unchanged when its Markdown file and its original have the same bytes
as last time (same size and mtime, as git and make trust, else the same SHA-256).
The whole cache is discarded when the generator's code or the topic taxonomy
changes, since either can change every record.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
import zlib
from dataclasses import dataclass, fields, replace
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np

from generator import PACKAGE
from generator.core.atomic import write_atomic
from generator.core.digests import digest as digest_of
from generator.core.digests import key_of, tree_digest, versioned_name
from generator.core.problems import Problem, error, warning
from generator.core.shelf import UNREADABLE, DamagedCache
from generator.domain.evaluation import Evaluation, evaluate
from generator.domain.figures import Conflict, Indicator, conflicts, quoted_topics
from generator.domain.topics import KIND_NAMES, Topic, classify_known
from generator.model.reading import read_report_file
from generator.model.report import Figure, Report
from generator.model.schema import front_matter
from generator.search.terms import report_terms, store_terms
from generator.site import urls
from generator.site.figure_pages import figure_rows_digest, shown_digests, source_anchor
from generator.site.render import body_html

EXCERPT = 90


def opening_words(text: str, limit: int = EXCERPT) -> str:
    """A section's first ``limit`` characters, on one line, as topic pages list it."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class SectionRef(NamedTuple):
    """A section as topic pages list it: its anchor, heading and opening words, and what kind
    of section it is when it does not report work (存在的问题, 工作打算, 总结; see ``topics``)."""

    anchor: str
    heading: str
    excerpt: str
    kind: str


def pack_sections(refs: tuple[SectionRef, ...]) -> bytes:
    """A topic's sections of one report as one UTF-8 string: ten thousand reports hold two hundred
    thousand of them, and unpickling them as objects (or as str, decoded) was half of a
    rebuild's cache load, while only the few topic pages rendered again need them."""
    return json.dumps(refs, ensure_ascii=False).encode("utf-8")


def unpack_sections(packed: bytes) -> tuple[SectionRef, ...]:
    return tuple(SectionRef(*ref) for ref in json.loads(packed))


class SectionRow(NamedTuple):
    """A section as the data files give it (generator/site/datasets.py): ``words`` are its distinct words, for the full-text index."""

    anchor: str
    level: int
    heading: str
    path: tuple[str, ...]
    kind: str  # work | 存在的问题 | 工作打算 | 总结 (see topics.heading_kind)
    text: str
    topics: tuple[str, ...]
    words: str


def section_rows(report, filings, terms) -> tuple[SectionRow, ...]:
    """A report's sections with their topics (the filings of ``topics.classify``, one per section)
    and their words (the search index's terms of each section, heading and text)."""
    # Postings are sorted by term, then section: a stable sort by section gives each section's
    # terms in the vocabulary's (sorted) order, in C rather than a Python step per posting.
    order = np.argsort(terms.section, kind="stable")
    words = np.array(terms.terms, dtype=object)[terms.term[order]].tolist()
    bounds = np.searchsorted(terms.section[order], np.arange(len(report.sections) + 1)).tolist()
    return tuple(SectionRow(s.anchor, s.level, s.heading, tuple(s.path), KIND_NAMES.get(f.kind, "work"), s.text,
                            tuple(f.topics), " ".join(words[bounds[j]:bounds[j + 1]]))
                 for j, (s, f) in enumerate(zip(report.sections, filings)))


def sections_digest(rows: tuple[SectionRow, ...]) -> str:
    """A digest of what the sections' CSV files show of a report: not the words, which hold the
    title's too (the lead's, as the search index has them), and which a database is keyed on by
    the report's row as well."""
    return key_of([row._replace(words="") for row in rows])


def store_sections(path: Path, rows: tuple[SectionRow, ...]) -> None:
    write_atomic(path, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))


def load_sections(path: Path) -> tuple[SectionRow, ...]:
    try:
        with open(path, "rb") as f:
            return tuple(SectionRow(*row) for row in pickle.load(f))
    except UNREADABLE as exc:
        raise DamagedCache(str(path)) from exc


class TocEntry(NamedTuple):
    """A heading in a report page's table of contents."""

    anchor: str
    level: int
    heading: str


class PlaceRef(NamedTuple):
    """A place a report belongs to (its province, city, district as far as known)."""

    code: str
    name: str
    kind: str  # province | city | county
    page: str


@dataclass(frozen=True)
class Record:
    """What the build keeps of one report between builds (著录).

    ``report`` holds the front-matter fields (its body and sections are dropped).
    ``topics`` are the editor's when the front-matter sets them, else classified
    from the sections; ``by_topic()`` gives each topic's sections, as topic pages
    list them (packed, see ``pack_sections``), and ``shown_by_topic()`` a digest of what
    those pages show of the report. ``places`` is the province → city → district chain, as far as the
    front-matter places the report. ``digest`` changes whenever the Markdown file
    or the original does.
    """

    report: Report
    topics: tuple[str, ...]
    by_topic_packed: bytes  # by_topic() packed (``_packed``); b"" when no section has a topic
    # "topic digest topic digest …": each topic of a section, and a digest of what its pages show of
    # the report ("" when none). Topic pages are planned from these alone, and a page made unpacks
    # the sections of its own reports: unpacking every record's (0.5 s at 10,000 reports) and
    # holding them for the plan (their JSON alone 14.7 kB a record, 150 MB at 10,000) was most of
    # what a title correction or an addition cost more than an edit.
    topic_digests: str
    places: tuple[PlaceRef, ...]
    figure_anchors: tuple[str | None, ...]  # the section stating each front-matter figure
    figures_shown: tuple[tuple[str, str], ...]  # (indicator or "" for all, digest of what figure pages show)
    figures_packed: bytes  # the report's figures, packed (see ``figures``); b"" when none
    # (indicator, period, value) of each figure, in order: what indicator pages count and rank
    # figures by, so that an indicator's page unpacks only the figures it shows
    figure_values: tuple[tuple[str, str, int | float], ...]
    figure_rows: str  # digest of its rows in the figures' data files (``figure_rows_digest``); "" when none
    data_row_packed: bytes  # its row of data/reports.json, compressed (``_compress``, see ``data_row``)
    row_digest: str  # digest of data_row: 10,000 rows are 50 MB, too much to hash on every build
    listed: str  # digest of what a list of reports shows of it (see ``listing``)
    digest: str
    original_sha256: str  # '' when the original is missing
    problems: tuple[Problem, ...]
    evaluation: Evaluation  # the report against the rules (domain/evaluation.py)
    evaluation_digest: str  # of ``evaluation``: keys name it by this (as a nested dataclass's repr, 20 µs each, 10,000 per page plan)
    conflicts: tuple[Conflict, ...]  # indicators stated with values that cannot all hold
    sections_digest: str  # digest of its rows in the sections' CSV files (``sections_digest``): a correction of its metadata leaves them

    @property
    def slug(self) -> str:
        return self.report.slug

    @property
    def province_code(self) -> str:
        """Its province's division code, '' when unplaced: topic and indicator pages are split by it."""
        return self.places[0].code if self.places else ""

    @property
    def place_code(self) -> str:
        """The division code of its most specific place, '' when unplaced: its row's key in the data files."""
        return self.places[-1].code if self.places else ""

    @property
    def data_part(self) -> str:
        """The part of the data files split by year that holds its rows (see ``datasets``): its year, or 'undated'."""
        return str(self.report.year) if self.report.year else "undated"

    def by_topic(self) -> tuple[tuple[str, bytes], ...]:
        """(topic, packed sections), for each topic of a section. Pickled as one value: as 600,000
        objects at 10,000 reports, 0.1 s of every build's loading, for the topic pages only."""
        return _unpack(self.by_topic_packed) if self.by_topic_packed else ()

    def shown_by_topic(self) -> list[tuple[str, str]]:
        """(topic, digest of what its pages show of the report), in ``by_topic``'s order."""
        words = iter(self.topic_digests.split())
        return list(zip(words, words))

    def data_row(self) -> str:
        """Its row of data/reports.json (front-matter but its figures, topics, slug) as JSON, without the address."""
        return zlib.decompress(self.data_row_packed).decode("utf-8")

    def figures(self) -> tuple[Figure, ...]:
        """The report's figures (``report.figures`` is empty here). Kept packed: as 160,000
        objects at 10,000 reports they were 0.4 s of loading the records on every build,
        where a rebuild needs those of a few pages. Unpacked once per process (each indicator
        page a report states asks again)."""
        return _unpacked_figures(self.figures_packed) if self.figures_packed else ()


@dataclass(frozen=True)
class Blob:
    """The report page's large parts, one pickle per report, read back only when the page is
    made. Its search terms have a file of their own (``terms_file``), which the index's state
    links rather than writes again, and which a page need not read."""

    digest: str
    body_html: str
    toc: tuple[TocEntry, ...]


class Stamp(NamedTuple):
    """A file's size and modification time: unchanged stamps mean unchanged bytes (as git trusts)."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | Path) -> "Stamp | None":
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(st.st_size, st.st_mtime_ns)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_version() -> str:
    """A digest of the generator's own code and data: a new version invalidates every cache."""
    return tree_digest(PACKAGE, lambda path: path.suffix in (".py", ".json", ".txt", ".csv", ".yml"))


@dataclass(frozen=True)
class Job:
    """One report file to analyse; ``known`` is the digest the cache holds for it, if any."""

    path: Path
    root: Path
    originals: Path  # content/raw: a report's ``raw`` must name a file inside it
    known: str | None


@dataclass(frozen=True)
class Outcome:
    """What a worker found: a new record, the same digest as cached (``record`` None, ``same``), or only problems."""

    slug: str
    stamps: tuple[Stamp | None, Stamp | None]
    record: Record | None
    same: bool
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Analysis:
    """What analysing a report needs besides its file: the taxonomy, the indicators (whose
    figures file their sections under topics), the folder its blobs go to, and the filings ingest
    made (``topics.KNOWN_FILINGS``), which it takes where they are of the same inputs."""

    topics: tuple[Topic, ...]
    indicators: tuple[Indicator, ...]
    blobs: Path
    known_filings: Mapping[str, str]


def analyse(analysis: Analysis, job: Job) -> Outcome:
    """Read, parse and analyse one report; write its blob; never raises: a report that cannot
    be analysed, for whatever reason, is one error naming its file, never silently dropped (an
    exception escaping a worker, or a StopIteration ending the map over the reports, once made
    every report sorted after it vanish)."""
    try:
        return _analyse(analysis, job)
    except Exception as exc:  # a defect of ours: say so, and go on with the other reports
        shown = job.path.relative_to(job.root) if job.path.is_relative_to(job.root) else job.path
        return Outcome(job.path.stem, (Stamp.of(job.path), None), None, False,
                       (error(shown, f"could not be analysed ({type(exc).__name__}: {exc}); please report this"),))


def _analyse(analysis: Analysis, job: Job) -> Outcome:
    md_stamp = Stamp.of(job.path)
    report, problems, data = read_report_file(job.path, job.root, job.originals)
    if report is None:
        return Outcome(job.path.stem, (md_stamp, None), None, False, tuple(problems))
    raw, raw_stamp = b"", None
    if report.raw:
        original = Path(os.path.join(job.root, report.raw))
        try:
            raw = original.read_bytes()
            raw_stamp = Stamp.of(original)
        except FileNotFoundError:
            problems.append(warning(report.file, f"original {report.raw} is missing: the page is published without it"))
        except OSError as exc:
            problems.append(error(report.file, f"original {report.raw} cannot be read: {exc.strerror or exc}"))
            return Outcome(report.slug, (md_stamp, None), None, False, tuple(problems))
    original_sha = _sha(raw) if raw_stamp else ""
    digest = _sha(f"{_sha(data)}:{original_sha}".encode())
    if digest == job.known and all((analysis.blobs / n).exists() for n in blob_names(report.slug, digest)):
        return Outcome(report.slug, (md_stamp, raw_stamp), None, True, tuple(problems))
    filed = classify_known(analysis.known_filings, report.sections, analysis.topics, quoted_topics(report.figures, analysis.indicators),
                           report.topic_corrections)
    known = {t.slug for t in analysis.topics}
    problems += [warning(report.file, f"section_topics: {c.anchor}: unknown topic {slug!r} (not in content/topics.yml)", c.line)
                 for c in report.section_topics for slug in c.topics if slug not in known]
    light = replace(report, body="", sections=(), figures=())
    listed = listing(light)
    by_topic = []
    for t in analysis.topics:
        refs = tuple(SectionRef(s.anchor, s.heading, opening_words(s.text), KIND_NAMES.get(f.kind, ""))
                     for s, f in zip(report.sections, filed.sections) if t.slug in f.topics)
        if refs:
            by_topic.append((t.slug, pack_sections(refs)))
    topics = tuple(t for t in report.topics if t in known) if report.topics else filed.topics
    toc = tuple(TocEntry(s.anchor, s.level, s.heading) for s in report.sections if not s.is_lead)
    blob, terms_name, sections_name = blob_names(report.slug, digest)
    write_atomic(analysis.blobs / blob, pickle.dumps(Blob(digest, str(body_html(report)), toc), protocol=pickle.HIGHEST_PROTOCOL))
    terms = report_terms(report)
    store_terms(analysis.blobs / terms_name, terms)
    rows = section_rows(report, filed.sections, terms)
    store_sections(analysis.blobs / sections_name, rows)
    anchors = tuple(source_anchor(report, f) for f in report.figures)
    shown = shown_digests(report, anchors)
    # Not its figures: data/figures/<year>.json holds them with their provenance, and as a second
    # copy they were 47 of reports.json's 57 MB at 10,000 reports, written whole for one title.
    row = {key: value for key, value in front_matter(report).items() if key != "figures"}
    row_bytes = json.dumps({**row, "topics": list(topics), "slug": light.slug}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    topic_digests = " ".join(f"{t} {key_of(listed, packed)}" for t, packed in by_topic)
    stated_conflicts = conflicts(report.figures)
    evaluation = evaluate(report, len(stated_conflicts))
    record = Record(light, topics, _packed(tuple(by_topic)), topic_digests, places_of(light), anchors, shown,
                    _packed_figures(report.figures), tuple((f.indicator, f.period, f.value) for f in report.figures),
                    figure_rows_digest(report, anchors), _compress(row_bytes), digest_of(row_bytes), listed, digest, original_sha, tuple(problems),
                    evaluation, key_of(evaluation), stated_conflicts, sections_digest(rows))
    return Outcome(report.slug, (md_stamp, raw_stamp), record, False, tuple(problems))


# A figure's fields, in order: packed, a figure is the row of their values.
_FIGURE_FIELDS = tuple(f.name for f in fields(Figure))


def _packed_figures(figures: tuple[Figure, ...]) -> bytes:
    """A report's figures as rows of values. Pickled as dataclasses, the 160,000 figures of 10,000
    reports took 1.1 s to unpack in each process that renders figure pages; as rows, 0.27 s, and
    0.67 s with the figures made from them."""
    return _packed(tuple(tuple(getattr(f, name) for name in _FIGURE_FIELDS) for f in figures))


@functools.lru_cache(maxsize=None)
def _unpacked_figures(packed: bytes) -> tuple[Figure, ...]:
    made = []
    for row in _unpack(packed):
        figure = object.__new__(Figure)
        figure.__dict__.update(zip(_FIGURE_FIELDS, row))  # as pickle makes one: a frozen dataclass's __init__ costs twice as much
        made.append(figure)
    return tuple(made)


def forget_unpacked() -> None:
    """Drop the figures unpacked so far (see ``Record.figures``): at the end of each build."""
    _unpacked_figures.cache_clear()


def _compress(data: bytes) -> bytes:
    """Every build holds every record, and a record's sections by topic, figures and data row are
    25 kB, 6.8 kB compressed at zlib's fastest level: 180 MB less at 10,000 reports, for 0.2 ms a
    report to compress and 0.07 ms to expand."""
    return zlib.compress(data, 1)


def _packed(value: tuple) -> bytes:
    return _compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) if value else b""


def _unpack(packed: bytes) -> tuple:
    return pickle.loads(zlib.decompress(packed))


class ListedReport(NamedTuple):
    """What a list of reports shows of one, and all it shows (``report_item`` in
    templates/_macros.html is given this, not the Report, so it cannot show a field left out
    here), and what such lists group it by (year, province)."""

    slug: str
    title: str
    province: str
    city: str  # Report.distinct_city
    district: str
    year: int | None
    period: str
    added: str

    @classmethod
    def of(cls, r: Report) -> "ListedReport":
        return cls(r.slug, r.title, r.province, r.distinct_city, r.district, r.year, r.period, r.added)

    @property
    def full_place(self) -> str:
        return self.province + self.city + self.district


def listing(r: Report) -> str:
    """A digest of what a list of reports shows of one: the pages that list a report are keyed on
    this, not on its digest, so correcting its text re-renders its own page, not the hundred
    pages that list it."""
    return key_of(*ListedReport.of(r))


def places_of(r: Report) -> tuple[PlaceRef, ...]:
    """Province → city → district of a report, from its division code and names; () when unplaced."""
    if not r.adcode or not r.province:
        return ()
    chain = [PlaceRef(r.adcode[:2] + "0000", r.province, "province", "")]
    if r.distinct_city and r.level != "province":  # a 直辖市's districts sit directly under it
        chain.append(PlaceRef(r.adcode[:4] + "00", r.city, "city", ""))
    if r.district and r.level == "county":
        chain.append(PlaceRef(r.adcode, r.district, "county", ""))
    return tuple(p._replace(page=urls.place_page(p.code, p.name)) for p in chain)


def blob_names(slug: str, digest: str) -> tuple[str, str, str]:
    """The names of a report version's blob, terms file and sections file (the data files' rows,
    see ``datasets``) in the blobs folder."""
    return versioned_name(slug, digest), versioned_name(slug, digest, "terms.pickle"), versioned_name(slug, digest, "sections.pickle")


def read_blob(blobs: Path, record: Record) -> Blob:
    path = blobs / blob_names(record.slug, record.digest)[0]
    try:
        return pickle.loads(path.read_bytes())
    except UNREADABLE as exc:
        raise DamagedCache(str(path)) from exc


def terms_file(blobs: Path, record: Record) -> Path:
    """The file of a report's search terms (``store_terms``)."""
    return blobs / blob_names(record.slug, record.digest)[1]


def prune_blobs(blobs: Path, records: "list[Record]") -> None:
    keep = {name for r in records for name in blob_names(r.slug, r.digest)}
    for entry in os.scandir(blobs):
        if entry.name not in keep:
            os.unlink(entry.path)


def sections_file(blobs: Path, record: Record) -> Path:
    """The file of a report's sections as the data files give them (``datasets.store_sections``)."""
    return blobs / blob_names(record.slug, record.digest)[2]


def original_page(record: Record) -> str | None:
    return urls.report_original(record.slug, record.report.raw) if record.original_sha256 else None


# --- the cache ------------------------------------------------------------------------------------


def reset_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
