"""Search index (检索): the files the search page loads, built from the archive.

Documents are sections (the report's lead and each heading), so a hit opens the
report at that section. The index is one lunr index built with the Python
``lunr`` package from jieba terms (generator/segment.py), then split by the
first character of each term into shards that lunr.js 2.3.9 loads with
``lunr.Index.load``. A query loads only the shards of its characters, and the
section text for excerpts is stored apart, one file per report, loaded only for
results shown. Every file is a ``.js`` script that calls
``FAZHI_SEARCH.register(kind, key, data)``, so the page adds <script> tags and
works from file:// (where fetch and XHR cannot read files) and over HTTP alike.

Files (all under ``search/``):
  dir.js          shard list, counts and filter choices; loaded with the page
  t/<hex>.js      lunr index of the terms starting with that code point
  d/<n>.js        report n's title, place, year and its sections' text
  meta.js         every report's province, place, year and topics; loaded for filters
  lunr.min.js     lunr.js from node_modules (npm), never a CDN
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lunr.builder import Builder

from generator.model import Report
from generator.segment import Segmenter, normalize

ROOT = Path(__file__).resolve().parent.parent
LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.min.js"
PREFIX = "search/"
# Title and headings weigh more than body text.
FIELDS = (("title", 2), ("heading", 4), ("body", 1))


def _js(kind: str, key, data) -> bytes:
    """A script registering ``data``; sorted keys so the same archive gives the same bytes."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"FAZHI_SEARCH.register({json.dumps(kind)},{json.dumps(key)},{payload});\n".encode("utf-8")


def utf16_key(term: str) -> bytes:
    """lunr.js compares terms by UTF-16 code units; UTF-16-BE bytes sort the same way.

    Python sorts by code point, which puts 𠀀 (U+20000, surrogates D840…) after
    ｆ (U+FF46); lunr.js would then throw "Out of order word insertion".
    """
    return term.encode("utf-16-be")


def shard_key(term: str) -> str:
    """The shard a term lives in: the hex code point of its first character."""
    return format(ord(term[0]), "x")


def places_of(reports: Iterable[Report]) -> list[str]:
    return sorted({name for r in reports for name in (r.district, r.city, r.province) if name})


def _title_text(report: Report) -> str:
    parts = [report.title, report.province, report.city, report.district, str(report.year or "")]
    return " ".join(p for p in parts if p)


def build_index(reports: Sequence[Report], segmenter: Segmenter):
    """One lunr index over all sections; refs are ``<report number>-<section number>``.

    A bare Builder has no trimmer, stemmer or stop-word filter (the English ones
    would strip CJK), so the serialised pipeline is empty and lunr.js needs no
    registered functions to load it. Terms go in already segmented.
    """
    builder = Builder()
    builder.ref("id")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for i, report in enumerate(reports):
        title = segmenter.terms(_title_text(report))
        for j, section in enumerate(report.sections):
            builder.add({
                "id": f"{i}-{j}",
                "title": title,
                "heading": segmenter.terms(" ".join(section.path)),
                "body": segmenter.terms(section.text),
            })
    return builder.build()


def split_index(serialized: dict) -> dict[str, dict]:
    """Cut a serialised lunr index into one serialised index per shard key.

    Each shard keeps its terms' postings and, for every field of every document,
    the vector elements of its own terms, renumbered. lunr.js scores a document
    by the dot product of query and document vectors over the query's terms
    only, so a term scores the same in its shard as in the whole index.
    """
    terms = sorted((term for term, _ in serialized["invertedIndex"]), key=utf16_key)
    postings = dict(serialized["invertedIndex"])
    where: dict[int, tuple[str, int]] = {}
    shard_terms: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        key = shard_key(term)
        where[postings[term]["_index"]] = (key, len(shard_terms[key]))
        shard_terms[key].append(term)
    vectors: dict[str, dict[str, list]] = defaultdict(dict)
    for field_ref, elements in serialized["fieldVectors"]:
        per_shard: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for k in range(0, len(elements), 2):
            key, local = where[elements[k]]
            per_shard[key].append((local, elements[k + 1]))
        for key, pairs in per_shard.items():
            vectors[key][field_ref] = [x for pair in sorted(pairs) for x in pair]
    shards = {}
    for key, names in shard_terms.items():
        shards[key] = {
            "version": serialized["version"],
            "fields": serialized["fields"],
            "fieldVectors": sorted(vectors[key].items()),
            "invertedIndex": [[t, {**postings[t], "_index": n}] for n, t in enumerate(names)],
            "pipeline": [],
        }
    return shards


def _filters(reports: Sequence[Report], topics: Sequence[Sequence[str]]) -> dict:
    return {
        "province": sorted({r.province for r in reports if r.province}),
        "place": sorted({r.place for r in reports if r.place}),
        "year": sorted({r.year for r in reports if r.year}),
        "topic": sorted({t for ts in topics for t in ts}),
    }


def index_files(reports: Sequence[Report], topics: Sequence[Sequence[str]] | None = None,
                topic_names: dict[str, str] | None = None) -> dict[str, bytes]:
    """Every search data file for these reports (in the order given), by site path.

    ``topics`` holds each report's topic slugs (default: its front-matter topics).
    """
    topics = [list(t) for t in topics] if topics is not None else [list(r.topics) for r in reports]
    segmenter = Segmenter(places_of(reports))
    shards = split_index(build_index(reports, segmenter).serialize())
    files = {f"{PREFIX}t/{key}.js": _js("t", key, shard) for key, shard in shards.items()}
    for i, r in enumerate(reports):
        files[f"{PREFIX}d/{i}.js"] = _js("d", i, {
            "slug": r.slug, "title": r.title, "place": r.place, "province": r.province, "year": r.year,
            "sections": [[s.anchor, list(s.path), s.text] for s in r.sections],
        })
    files[f"{PREFIX}meta.js"] = _js("meta", 0, [[r.province, r.place, r.year, t] for r, t in zip(reports, topics)])
    files[f"{PREFIX}dir.js"] = _js("dir", 0, {
        "shards": sorted(shards),
        "reports": len(reports),
        "sections": sum(len(r.sections) for r in reports),
        "filters": _filters(reports, topics),
        "topic_names": topic_names or {},
    })
    return files


def search_assets(archive) -> dict[str, bytes]:
    """Site path → file bytes for everything the search page needs besides its own page and script."""
    reports = tuple(archive.reports)
    files = index_files(
        reports,
        [archive.report_topics[r.slug] for r in reports],
        {t.slug: t.name for t in archive.topics},
    )
    files[f"{PREFIX}lunr.min.js"] = LUNR_JS.read_bytes()
    return files


def query_paths(files: dict[str, bytes], query: str) -> list[str]:
    """The shard files a query loads (as search.js does: one per distinct character), for measuring."""
    keys = {format(ord(c), "x") for c in normalize(query) if c.isalnum()}
    return sorted(p for p in (f"{PREFIX}t/{k}.js" for k in keys) if p in files)


# --- the interface the build uses -------------------------------------------------------------


@dataclass(frozen=True)
class ReportTerms:
    """What the index needs of one report, made in the build's worker processes."""

    report: Report


def report_terms(report: Report) -> ReportTerms:
    return ReportTerms(report)


@dataclass(frozen=True)
class IndexEntry:
    """One report as the build hands it to the index; ``terms`` is None when ``digest`` is unchanged."""

    slug: str
    digest: str
    title: str
    province: str
    city: str
    district: str
    year: int | None
    topics: tuple[str, ...]
    page: str
    terms: ReportTerms | None


class SearchIndex:
    """The search files, kept between builds in a state folder."""

    STATE = "search.pickle"

    def __init__(self, held: dict[str, tuple[str, ReportTerms]]):
        self._held = held
        self._files: dict[str, bytes] = {}

    @classmethod
    def open(cls, state_dir: Path) -> "SearchIndex":
        try:
            held = pickle.loads((state_dir / cls.STATE).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            held = {}
        return cls(held if isinstance(held, dict) else {})

    def holds(self, slug: str) -> str | None:
        """The digest of the version of a report the index holds, if any."""
        held = self._held.get(slug)
        return held[0] if held else None

    def update(self, entries: Sequence[IndexEntry], topic_names: Mapping[str, str]) -> None:
        held = {}
        for e in entries:
            terms = e.terms if e.terms is not None else self._held[e.slug][1]
            held[e.slug] = (e.digest, terms)
        self._held = held
        reports = [held[e.slug][1].report for e in entries]
        self._files = index_files(reports, [e.topics for e in entries], dict(topic_names))

    def files(self) -> dict[str, str]:
        return {path: hashlib.sha256(data).hexdigest() for path, data in self._files.items()}

    def data(self, path: str) -> bytes:
        return self._files[path]

    def save(self, state_dir: Path) -> None:
        tmp = state_dir / f".{self.STATE}.tmp"
        tmp.write_bytes(pickle.dumps(self._held, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, state_dir / self.STATE)
