"""Search index (检索): the files the search page loads, built incrementally.

Documents are sections (the report's lead and each heading), so a hit opens the
report at that section. lunr.js 2.3.9 answers queries in the browser, but the
index is not shipped in lunr's JSON (about 30 bytes a posting): each term's
postings are stored compactly and expanded by the page into exactly the
serialised form ``lunr.Index.load`` takes, for the query's terms only.

Weights do not depend on other documents, so an edit changes only the edited
report's postings: for each (term, section, field) we store lunr's BM25
term-frequency part ``(k1+1)·tf / (k1·(1 − b + b·len/avg) + tf)`` with k1 = 1.2,
b = 0.75 and a FIXED average field length (``AVG_LENGTH``, the seeds' averages
rounded), times 1000 and rounded (lunr keeps 3 decimals). Each term's df (lunr
counts field postings) and the section count N are shipped too, and the page
computes lunr's idf ``log(1 + |(N − df + 0.5) / (df + 0.5)|)`` and the vector
values ``round(idf · w · boost, 3)``, as lunr's Builder would.

Files (all under ``search/``), every one a script calling
``FAZHI_SEARCH.register(kind, key, data)`` so the page loads it with a <script>
tag (works from file://, where fetch and XHR cannot read files):

  dir.js           counts (reports per province too), filter choices, place names,
                   the vocabulary files present
  v/<key>.js       the terms starting with a character (or two, when one is too many):
                   [rest of term, df, where the postings are, provinces of the remainder]
  p/<key>-<g>.js   postings of several small terms, ~GROUP_BYTES each
  t/<id>.js        postings of one large term; above PRUNE postings only the top PRUNE
                   by weight (static index pruning), the rest in
  t/<id>-<p>.js    per province p, loaded only when a province or place filter is on
                   (t/<id>-r.js: all of it, when it is at most REST_POSTINGS postings)
  f/<id>.js        the report numbers of one filter value (province, place, year, topic)
  c/<r>-<k>.js     report r's title, place, year and the text of its sections
                   k·CHUNK … k·CHUNK+CHUNK−1, for excerpts; loaded for results shown

Postings are "r j code [wh]" per section, r delta-coded, code = wb·2 + (wh > 0),
as base-32 digits where the last digit of a number comes from ``DIGITS_LAST`` and
the others from ``DIGITS_MORE`` (no separators needed).

The index is a persistent ``SearchIndex`` (state in a folder): ``update`` takes
every report, reuses what an unchanged digest allows, and re-derives only the
files whose inputs changed; a full build and an incremental one give the same
bytes (tests/test_search.py).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import pickle
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from generator import urls
from generator.model import LEAD_ANCHOR, Report
from generator.planned import digest as _digest, versioned_name
from generator.segment import default_segmenter
from generator.shelf import UNREADABLE, DamagedCache
from generator.write import write_atomic

ROOT = Path(__file__).resolve().parent.parent
LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.min.js"
PREFIX = "search/"
FILTERS = f"{PREFIX}f/"
VERSION = 2

# lunr's BM25 constants and our fixed average field lengths (tokens; the seeds'
# averages rounded: headings 8.0, bodies 129.8 terms over their 101 sections).
K1, B = 1.2, 0.75
FIELDS = ("heading", "body")
BOOST = {"heading": 4, "body": 1}
AVG_LENGTH = {"heading": 8.0, "body": 130.0}

# Postings kept for an unfiltered query of a very common term. Measured on 10,000 synthetic
# reports: a top list is ~5.3 bytes a posting (16 kB at 3,000), and lunr.js scores ~40
# sections a millisecond, so 3,000 keeps one word near 100 ms of scoring; at 2,000 two common
# words rarely met in both top lists, at 6,000 a one-word query spent ~150 ms in lunr.
PRUNE = 3000
GROUP_BYTES = 24_000  # small terms' postings per p/ file
# A pruned term whose remainder has at most this many postings keeps it in one file,
# t/<id>-r.js (≤ ~16 kB), instead of one tiny file per province.
REST_POSTINGS = 3000
MERGED = (-2,)        # the "provinces" of a merged remainder
VOCAB_BYTES = 32_000  # a v/ file above this is split by the terms' second character
CHUNK = 4             # sections per c/ file (~4.6 kB; a page of 10 results loads ~45 kB of text)
# Reports edited since the saved postings were written, beyond which save writes them anew
# (open replays each such report onto every term it has).
LOG_REPORTS = 64

DIGITS_LAST = "0123456789abcdefghijklmnopqrstuv"
DIGITS_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$%"
_LAST = np.frombuffer(DIGITS_LAST.encode(), np.uint8)
_MORE = np.frombuffer(DIGITS_MORE.encode(), np.uint8)


# --- encoding ---------------------------------------------------------------------

def _digit_grid(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Right-aligned base-32 digits (one row per number, as wide as the largest) and digit counts."""
    ndig = np.ones(len(v), np.int64)
    t = v >> np.uint64(5)
    while t.any():
        ndig += t > 0
        t >>= np.uint64(5)
    width = int(ndig.max()) if len(v) else 1
    grid = np.empty((len(v), width), np.uint8)
    for k in range(width):
        grid[:, width - 1 - k] = (_LAST if k == 0 else _MORE)[((v >> np.uint64(5 * k)) & np.uint64(31)).astype(np.intp)]
    return grid, ndig


# Every number below 32**4 looked up at once: its 4 right-aligned digits and which of them to keep.
_TABLE = 32 ** 4
_TAB: list = []


def _table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not _TAB:
        grid, ndig = _digit_grid(np.arange(_TABLE, dtype=np.uint64))
        _TAB.extend([grid, ndig, np.arange(4) >= (4 - ndig)[:, None]])
    return _TAB[0], _TAB[1], _TAB[2]


def _digits(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Base-32 digits (ASCII bytes) of non-negative ints, and where each number's digits end."""
    v = np.asarray(v)
    if len(v) and int(v.max()) >= _TABLE:
        grid, ndig = _digit_grid(v.astype(np.uint64))
        keep = np.arange(grid.shape[1]) >= (grid.shape[1] - ndig)[:, None]
        return grid[keep], np.cumsum(ndig)
    grid, ndig, keep = _table()
    v = v.astype(np.intp, copy=False)
    return grid[v][keep[v]], np.cumsum(ndig[v])


def encode_ints(values) -> str:
    """Non-negative ints as base-32 digits, the last digit of each from DIGITS_LAST."""
    return _digits(np.asarray(values, dtype=np.uint64))[0].tobytes().decode("ascii")


def decode_ints(text: str) -> list[int]:
    out, v = [], 0
    for ch in text:
        d = DIGITS_LAST.find(ch)
        if d >= 0:
            out.append(v * 32 + d)
            v = 0
        else:
            v = v * 32 + DIGITS_MORE.index(ch)
    return out


def encode_postings_many(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[str]:
    """Each (key, wt) list of postings (sorted by key = r << 16 | j; wt = wh << 16 | wb) as
    "dr j code [wh]"…, all in one vectorised pass."""
    if not parts:
        return []
    lens = np.fromiter((len(k) for k, _ in parts), np.int64, len(parts))
    if not lens.sum():
        return [""] * len(parts)
    key = np.concatenate([k for k, _ in parts])
    wt = np.concatenate([w for _, w in parts])
    r = (key >> np.uint64(16)).astype(np.int64)
    j = (key & np.uint64(0xFFFF)).astype(np.int64)
    wh = (wt >> np.uint32(16)).astype(np.int64)
    wb = (wt & np.uint32(0xFFFF)).astype(np.int64)
    dr = np.diff(r, prepend=0)
    firsts = (np.cumsum(lens) - lens)[lens > 0]
    dr[firsts] = r[firsts]
    has = wh > 0
    cnt = 3 + has
    starts = np.cumsum(cnt) - cnt
    ints = np.empty(int(cnt.sum()), np.int64)
    ints[starts] = dr
    ints[starts + 1] = j
    ints[starts + 2] = wb * 2 + has
    ints[starts[has] + 3] = wh[has]
    digits, ends = _digits(ints)
    text = digits.tobytes().decode("ascii")
    post_end = np.cumsum(lens)
    int_end = np.where(post_end > 0, np.cumsum(cnt)[np.maximum(post_end - 1, 0)], 0)
    char_end = np.where(int_end > 0, ends[np.maximum(int_end - 1, 0)], 0).tolist()
    return [text[a:b] for a, b in zip([0] + char_end[:-1], char_end)]


def encode_postings(key: np.ndarray, wt: np.ndarray) -> str:
    return encode_postings_many([(key, wt)])[0]


def rank(key: np.ndarray, wt: np.ndarray) -> np.ndarray:
    """A posting's rank for pruning: its single-term lunr score order (4·wh + wb, idf is
    the term's), ties to the earlier section; unique, and kept by renumbering."""
    score = 4 * (wt >> np.uint32(16)).astype(np.int64) + (wt & np.uint32(0xFFFF)).astype(np.int64)
    return (score << np.int64(40)) | (np.int64((1 << 40) - 1) - key.astype(np.int64))


def decode_postings(text: str) -> list[tuple[int, int, int, int]]:
    """(r, j, wh, wb) per posting; the page does the same in search.js."""
    ints, out, r, i = decode_ints(text), [], 0, 0
    while i < len(ints):
        r += ints[i]
        j, code = ints[i + 1], ints[i + 2]
        wh = ints[i + 3] if code & 1 else 0
        out.append((r, j, wh, code >> 1))
        i += 4 if code & 1 else 3
    return out


def utf16_key(term: str) -> bytes:
    """lunr.js compares terms by UTF-16 code units; UTF-16-BE bytes sort the same way.

    Python sorts by code point, which puts 𠀀 (U+20000, surrogates D840…) after
    ｆ (U+FF46); lunr.js would then throw "Out of order word insertion".
    """
    return term.encode("utf-16-be")


def hexkey(text: str) -> str:
    """File key of a term prefix: hex code points joined by "_" (江 → 6c5f, 12 → 31_32)."""
    return "_".join(format(ord(c), "x") for c in text)


def _id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _js(kind: str, key, data) -> bytes:
    """A script registering ``data``; sorted keys so the same archive gives the same bytes."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"FAZHI_SEARCH.register({json.dumps(kind)},{json.dumps(key)},{payload});\n".encode("utf-8")


# --- one report's terms -------------------------------------------------------------

def tf_weights(tf: np.ndarray, length: np.ndarray, field_name: str) -> np.ndarray:
    """lunr's BM25 term-frequency part × 1000, rounded, with the fixed average length; 0 where tf is 0."""
    w = (K1 + 1) * tf / (K1 * (1 - B + B * length / AVG_LENGTH[field_name]) + tf)
    return np.where(tf > 0, np.maximum(1, np.floor(w * 1000 + 0.5)), 0).astype(np.uint16)


@dataclass(frozen=True, eq=False)
class ReportTerms:
    """Everything the index needs from one report, picklable and compact.

    ``vocabulary`` holds the report's distinct terms (sorted), joined by newlines (one
    string, not thousands of small objects: 10,000 of these fit in memory); per
    posting (a term in a section) ``term`` indexes them, ``section`` is the section number and
    ``heading``/``body`` the weights (``tf_weight``, 0 when absent from the field).
    ``sections`` holds (anchor, heading path, text) for excerpts.
    """

    vocabulary: str
    term: np.ndarray
    section: np.ndarray
    heading: np.ndarray
    body: np.ndarray
    sections: tuple[tuple[str, tuple[str, ...], str], ...]

    @property
    def terms(self) -> list[str]:
        return self.vocabulary.split("\n") if self.vocabulary else []


def section_fields(report: Report) -> list[tuple[str, str]]:
    """(heading, body) text per section; the lead's heading is the report title."""
    return [(report.title if s.anchor == LEAD_ANCHOR else s.heading, s.text) for s in report.sections]


def report_terms(report: Report) -> ReportTerms:
    """Segment one report (pure; runs in the build's worker processes).

    Counting is done on arrays: every word of the report gets a number when first seen,
    and (section, field, word) triples are counted at once."""
    seg = default_segmenter()
    number: dict[str, int] = {}
    fresh = itertools.count()  # numbers need only be distinct: setdefault in C, unused ones skipped
    ids: list[int] = []
    slot: list[int] = []  # section·2 + field (0 heading, 1 body) of each word
    for j, (heading, body) in enumerate(section_fields(report)):
        for f, text in enumerate((heading, body)):
            words = seg.terms(text)
            ids.extend(map(number.setdefault, words, fresh))
            slot.extend([2 * j + f] * len(words))
    terms = sorted(number)
    sorted_id = np.zeros(len(ids), np.int64)
    sorted_id[[number[t] for t in terms]] = np.arange(len(terms))
    word = sorted_id[np.array(ids, np.int64)]
    where = np.array(slot, np.int64)
    # Words per field of each section (lunr's field length), and each word's count there.
    lengths = np.bincount(where, minlength=2 * len(report.sections))
    triple, tf = np.unique((word * (1 << 32)) | where, return_counts=True)
    w, sf = triple >> 32, triple & 0xFFFFFFFF
    j, f = sf >> 1, sf & 1
    # One row per (word, section), sorted by both: a heading and a body count per row.
    pair, row = np.unique((w << 16) | j, return_inverse=True)
    counts = np.zeros((len(pair), 2), np.float64)
    counts[row, f] = tf
    section = pair & 0xFFFF
    return ReportTerms(
        vocabulary="\n".join(terms), term=(pair >> 16).astype(np.uint32), section=section.astype(np.uint16),
        heading=tf_weights(counts[:, 0], lengths[2 * section].astype(np.float64), "heading"),
        body=tf_weights(counts[:, 1], lengths[2 * section + 1].astype(np.float64), "body"),
        sections=tuple((s.anchor, tuple(s.path), s.text) for s in report.sections),
    )


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    digest: str
    title: str
    province: str
    city: str  # Report.distinct_city: the filters list a 直辖市's districts directly under it
    district: str
    year: int | None
    topics: tuple[str, ...]
    page: str
    terms: ReportTerms | None = field(default=None, compare=False)

    @property
    def place(self) -> str:
        return self.district or self.city or self.province

    @property
    def place_value(self) -> str:
        """The place filter's value: the full name from the province down (重庆市江北区)."""
        return self.province + self.city + self.district if self.place != self.province else ""


def _filtered(e: IndexEntry) -> tuple:
    """What the filter files and dir.js hold of a report."""
    return e.province, e.city, e.district, e.year, tuple(e.topics)


def _meta(e: IndexEntry) -> IndexEntry:
    return IndexEntry(e.slug, e.digest, e.title, e.province, e.city, e.district, e.year, tuple(e.topics), e.page)


# --- the persistent index -----------------------------------------------------------

def _state_version() -> tuple:
    """What a saved state was derived with; a state saved with anything else is not reused."""
    return (VERSION, PRUNE, CHUNK, GROUP_BYTES, VOCAB_BYTES, REST_POSTINGS, tuple(sorted(AVG_LENGTH.items())), K1, B)


_EMPTY_KEY = np.zeros(0, np.uint64)
_EMPTY_WT = np.zeros(0, np.uint32)


def store_terms(path: Path, rt: ReportTerms) -> None:
    """A report's terms in a file of their own, which an index's state can link (see ``update``)."""
    write_atomic(path, pickle.dumps(rt, protocol=pickle.HIGHEST_PROTOCOL))


def load_terms(path: Path) -> ReportTerms:
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except UNREADABLE as exc:
        raise DamagedCache(str(path)) from exc


def _store_terms(state_dir: Path, e: IndexEntry, rt: ReportTerms, source: Path | None = None) -> None:
    """A report version's terms in a state folder, written once (named by its digest): linked
    to ``source``, a file of them already written (``store_terms``), where the filesystem
    allows, since a link costs a fortieth of writing (4.8 s of a full build at 10,000 reports)."""
    path = state_dir / "reports" / versioned_name(e.slug, e.digest)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        try:
            os.link(source, path)
            return
        except OSError:  # another filesystem, or one without links: written below
            pass
    store_terms(path, rt)


def _postings_of(r: int, rt: ReportTerms) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Report r's postings per term as (key, weights) arrays."""
    key = (np.uint64(r) << np.uint64(16)) | rt.section.astype(np.uint64)
    wt = (rt.heading.astype(np.uint32) << np.uint32(16)) | rt.body.astype(np.uint32)
    terms = rt.terms
    bounds = np.searchsorted(rt.term, np.arange(len(terms) + 1))
    return {t: (key[bounds[i]:bounds[i + 1]], wt[bounds[i]:bounds[i + 1]]) for i, t in enumerate(terms)}


def _province_runs(province_of: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Each province's reports as runs of consecutive numbers, as bounds of posting keys
    (start, end): slugs begin with year and province, so a province has about one run a year."""
    reports = np.argsort(province_of, kind="stable")
    provinces = province_of[reports]
    first = np.flatnonzero(np.concatenate([[True], (np.diff(reports) != 1) | (np.diff(provinces) != 0)]))
    last = np.concatenate([first[1:], [len(reports)]]) - 1
    runs: dict[int, tuple[list[int], list[int]]] = {}
    for a, b in zip(first.tolist(), last.tolist()):
        starts, ends = runs.setdefault(int(provinces[a]), ([], []))
        starts.append(int(reports[a]))
        ends.append(int(reports[b]) + 1)
    return {p: (np.array(s, np.uint64) << np.uint64(16), np.array(e, np.uint64) << np.uint64(16))
            for p, (s, e) in runs.items()}


def _remainder(name: str, province: int) -> str:
    """The key of a large term's postings outside its top list in one province ("x": unplaced
    reports); search.js names them the same way."""
    return f"{name}-{province if province >= 0 else 'x'}"


def _unchanged_terms(before: Mapping[str, tuple[np.ndarray, np.ndarray]],
                     after: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> set[str]:
    """The terms whose postings two versions of a report (``_postings_of``) share exactly."""
    return {t for t, (key, wt) in after.items()
            if t in before and np.array_equal(key, before[t][0]) and np.array_equal(wt, before[t][1])}


def _mapped(base: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every term's postings in a saved base, mapped from its files, not read: pages are read as
    terms are used, and the build's forked workers share them with the parent."""
    with open(base / "terms.pickle", "rb") as f:
        terms = pickle.load(f)
    # Plain array views of the maps: numpy.memmap's slicing runs Python code, once per term.
    key, wt, bounds = (np.load(base / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in ("key", "wt", "bounds"))
    bounds = bounds.tolist()
    return {t: (key[bounds[i]:bounds[i + 1]], wt[bounds[i]:bounds[i + 1]]) for i, t in enumerate(terms)}


class SearchIndex:
    """The search files of an archive, kept up to date report by report."""

    def __init__(self):
        self._entries: list[IndexEntry] = []             # sorted by slug, terms=None
        self._terms: dict[str, ReportTerms | None] = {}  # slug → terms; None: in the state folder
        self._post: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # term → (key, wt) sorted by key
        self._small: dict[str, tuple[str, int]] = {}     # term → (encoded postings, df) of small terms
        self._vfiles: dict[str, dict[str, str]] = {}     # first character → its v/ and p/ files' digests
        # term → (df, provinces of the remainder, path → digest, rank threshold of the top list or None)
        self._big: dict[str, tuple[int, tuple[int, ...], dict[str, str], int | None]] = {}
        self._chunks: dict[str, tuple[int, tuple[str, ...]]] = {}  # slug → (sections, digest per chunk)
        self._files: dict[str, str] = {}
        self._cache: dict[str, bytes] = {}
        self._state: Path | None = None
        self._provinces: list[str] = []
        self._base: tuple[str, list[str]] | None = None  # the saved postings' id and each report's digest in them
        self._whole = False  # an update renumbered the reports: the next save writes new postings
        self._last_read: tuple[tuple[str, str], ReportTerms] | None = None  # see _terms_file

    # -- state ------------------------------------------------------------------
    # The state folder holds index.pickle (everything but the postings, rewritten by every
    # save), base-<id>/ (every term's postings as raw arrays, mapped lazily on open) and
    # reports/<slug>.<digest>.pickle (each version's terms, written once). Postings are the
    # bulk of the state (~360 MB at 10,000 reports), so after an edit save writes no new
    # base: index.pickle names the base and the reports whose version differs from it,
    # and open replays those reports onto the base's postings.
    @classmethod
    def open(cls, state_dir: Path) -> "SearchIndex":
        idx = cls._at(state_dir)
        try:
            with open(idx._state / "index.pickle", "rb") as f:
                meta = pickle.load(f)
            if meta["version"] != _state_version():
                return idx
            base = idx._state / f"base-{meta['base']}"
            post = _mapped(base)
        except (OSError, KeyError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
            return idx
        idx._entries = meta["entries"]
        idx._terms = {e.slug: None for e in idx._entries}
        idx._post = post
        idx._small, idx._big, idx._chunks = meta["small"], meta["big"], meta["chunks"]
        idx._vfiles = meta["vfiles"]
        idx._files, idx._provinces = meta["files"], meta["provinces"]
        idx._base = (meta["base"], meta["base_digests"])
        try:
            idx._replay()
        except (DamagedCache, OSError, EOFError, pickle.UnpicklingError, AttributeError):
            return cls._at(state_dir)
        return idx

    @classmethod
    def _at(cls, state_dir: Path) -> "SearchIndex":
        """An empty index whose state goes to ``state_dir``."""
        idx = cls()
        idx._state = Path(state_dir)
        return idx

    def _replay(self) -> None:
        """Bring the base's postings up to date: the reports whose version differs from the base's
        (the base holds every report at the same number, or it would have been rewritten). A
        report's rows of a term are one run of its postings, replaced in place; terms whose
        postings the new version shares are left alone."""
        for r, (old, e) in enumerate(zip(self._base[1], self._entries)):
            if old == e.digest:
                continue
            before = _postings_of(r, self._terms_file(e.slug, old))
            after = _postings_of(r, self._report_terms(e))
            same = _unchanged_terms(before, after)
            bounds = [np.uint64(r) << np.uint64(16), np.uint64(r + 1) << np.uint64(16)]
            for t in sorted((before.keys() | after.keys()) - same):
                key, wt = self._post.get(t, (_EMPTY_KEY, _EMPTY_WT))
                lo, hi = np.searchsorted(key, bounds)
                new_key, new_wt = after.get(t, (_EMPTY_KEY, _EMPTY_WT))
                key = np.concatenate([key[:lo], new_key, key[hi:]])
                if len(key):
                    self._post[t] = (key, np.concatenate([wt[:lo], new_wt, wt[hi:]]))
                else:
                    self._post.pop(t, None)

    def save(self, state_dir: Path) -> None:
        state_dir = Path(state_dir)
        (state_dir / "reports").mkdir(parents=True, exist_ok=True)
        for e in self._entries:
            if self._terms.get(e.slug) is not None or self._state != state_dir:
                _store_terms(state_dir, e, self._report_terms(e))
        old_base = self._base[0] if self._base is not None and self._state == state_dir else None
        digests = [e.digest for e in self._entries]
        differ = sum(a != b for a, b in zip(self._base[1], digests)) if old_base is not None else 0
        if old_base is None or self._whole or differ > LOG_REPORTS:
            base_id = os.urandom(8).hex()
            self._write_base(state_dir / f"base-{base_id}")
            self._base = (base_id, digests)
            self._post = _mapped(state_dir / f"base-{base_id}")
        self._whole = False
        write_atomic(state_dir / "index.pickle", pickle.dumps({
            "version": _state_version(), "base": self._base[0], "base_digests": self._base[1],
            "entries": self._entries, "small": self._small, "vfiles": self._vfiles, "big": self._big,
            "chunks": self._chunks, "files": self._files, "provinces": self._provinces}, protocol=pickle.HIGHEST_PROTOCOL))
        # What neither the base nor the present version needs any more.
        keep = {f"base-{self._base[0]}"}
        for entry in os.scandir(state_dir):
            if entry.name not in keep and entry.name.startswith("base-"):
                shutil.rmtree(entry.path, ignore_errors=True)
        keep = {versioned_name(e.slug, d) for e, d in zip(self._entries, self._base[1])} | {versioned_name(e.slug, e.digest) for e in self._entries}
        for entry in os.scandir(state_dir / "reports"):
            if entry.name not in keep:
                os.unlink(entry.path)
        self._state = state_dir
        self._terms = {e.slug: None for e in self._entries}

    def _write_base(self, folder: Path) -> None:
        """Every term's postings, one after another, written through a memory map (no second copy)."""
        folder.mkdir(parents=True)
        terms = sorted(self._post)
        bounds = np.cumsum(np.array([0] + [len(self._post[t][0]) for t in terms], np.int64))
        np.save(folder / "bounds.npy", bounds)
        for name, dtype, i in (("key", np.uint64, 0), ("wt", np.uint32, 1)):
            out = np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=dtype, shape=(int(bounds[-1]),))
            for t, a, b in zip(terms, bounds[:-1].tolist(), bounds[1:].tolist()):
                out[a:b] = self._post[t][i]
            out.flush()
            del out
        with open(folder / "terms.pickle", "wb") as f:
            pickle.dump(terms, f, protocol=pickle.HIGHEST_PROTOCOL)

    def _report_terms(self, e: IndexEntry) -> ReportTerms:
        """The terms of the version of a report the index holds: in memory, or in the state folder."""
        rt = self._terms.get(e.slug)
        return rt if rt is not None else self._terms_file(e.slug, e.digest)

    def _terms_file(self, slug: str, digest: str) -> ReportTerms:
        """A report version's saved terms. The last one read is kept (a version's file never
        changes): a report's excerpt files are written one after another, each from its terms."""
        if self._last_read is None or self._last_read[0] != (slug, digest):
            self._last_read = ((slug, digest), load_terms(self._state / "reports" / versioned_name(slug, digest)))
        return self._last_read[1]

    # -- update -------------------------------------------------------------------
    def update(self, entries: Sequence[IndexEntry], topic_names: Mapping[str, str],
               stored: Callable[[IndexEntry], Path] | None = None) -> bool:
        """Take every report (sorted by slug); a report the index does not hold in this version
        brings its terms, or ``stored`` names a file holding them (``store_terms``): read one
        report at a time, and not kept in memory when the index has a state folder (a full build
        then never holds them all), where the file is linked rather than written again.

        Returns whether a report was added, changed or removed: what ``save`` must then keep."""
        old_entries = {e.slug: e for e in self._entries}
        old_order = {e.slug: r for r, e in enumerate(self._entries)}
        new_order = {e.slug: r for r, e in enumerate(entries)}
        changed = [e for e in entries if e.slug not in old_entries or old_entries[e.slug].digest != e.digest]
        for e in changed:
            if e.terms is None and stored is None:
                raise ValueError(f"{e.slug}: changed report given without its terms")

        def terms_of(e: IndexEntry) -> tuple[ReportTerms, Path | None]:
            """A changed report's terms, and the file they were read from (None: brought along)."""
            if e.terms is not None:
                return e.terms, None
            path = stored(e)
            return load_terms(path), path

        changed_slugs = {e.slug for e in changed}
        gone = [s for s in old_entries if s not in new_order or s in changed_slugs]
        renumbered = any(old_order[s] != new_order[s] for s in old_order if s in new_order) or len(old_entries) != len(entries)
        # Many changed reports (a quarter of the archive) are added in bulk, all their postings anew.
        bulk = len(changed) > len(entries) // 4
        # A correction leaves most of a report's terms as they were (same sections, same weights):
        # their postings, and so their files, stay. Looked for when a few reports changed in place.
        same: dict[str, set[str]] = {}      # slug → terms whose postings did not change
        fresh: dict[str, ReportTerms] = {}  # their new terms, read once
        if not renumbered and not bulk and len(changed) <= LOG_REPORTS:
            for e in changed:
                if e.slug in old_entries:
                    r = new_order[e.slug]
                    fresh[e.slug] = terms_of(e)
                    same[e.slug] = _unchanged_terms(_postings_of(r, self._report_terms(old_entries[e.slug])),
                                                    _postings_of(r, fresh[e.slug][0]))
        affected: set[str] = set()
        touched: dict[str, set[int]] = {}  # term → reports (numbers) whose postings of it changed
        top_hit: set[str] = set()          # pruned terms whose top list may have changed

        def note(t: str, r: int, key: np.ndarray, wt: np.ndarray) -> None:
            affected.add(t)
            touched.setdefault(t, set()).add(r)
            big = self._big.get(t)
            if big is not None and big[3] is not None and (rank(key, wt) >= big[3]).any():
                top_hit.add(t)

        # Remove the postings of removed and changed reports.
        removal: dict[str, set[int]] = {}
        for slug in gone:
            kept = same.get(slug, ())
            for t in self._report_terms(old_entries[slug]).terms:
                if t not in kept:
                    removal.setdefault(t, set()).add(old_order[slug])
        for t, rs in removal.items():
            key, wt = self._post[t]
            if len(rs) == 1:  # one report: its rows are one slice
                r = next(iter(rs))
                lo, hi = np.searchsorted(key, [np.uint64(r) << np.uint64(16), np.uint64(r + 1) << np.uint64(16)])
                note(t, r, key[lo:hi], wt[lo:hi])
                self._post[t] = (np.concatenate([key[:lo], key[hi:]]), np.concatenate([wt[:lo], wt[hi:]]))
                continue
            gone_rows = np.isin((key >> np.uint64(16)).astype(np.int64), np.fromiter(rs, np.int64))
            for r in rs:
                note(t, r, key[gone_rows], wt[gone_rows])
            self._post[t] = (key[~gone_rows], wt[~gone_rows])
        for slug in gone:
            self._terms.pop(slug, None)
            self._chunks.pop(slug, None)

        # Renumber when reports were added or removed (slug order is kept, so the arrays stay sorted).
        if renumbered and self._entries:
            remap = np.zeros(len(self._entries), np.uint64)
            for s, r in old_order.items():
                remap[r] = new_order.get(s, 0)
            for t, (key, wt) in self._post.items():
                r = (key >> np.uint64(16)).astype(np.intp)
                self._post[t] = ((remap[r] << np.uint64(16)) | (key & np.uint64(0xFFFF)), wt)

        # Add the postings of new and changed reports.
        if bulk:
            self._bulk_add(changed, new_order, affected, terms_of)
        else:
            for e in changed:
                r = new_order[e.slug]
                rt, source = fresh.pop(e.slug) if e.slug in fresh else terms_of(e)
                self._keep(e, rt, source)
                kept = same.get(e.slug, ())
                for t, (key, wt) in _postings_of(r, rt).items():
                    if t in kept:
                        continue
                    note(t, r, key, wt)
                    k0, w0 = self._post.get(t, (_EMPTY_KEY, _EMPTY_WT))
                    at = int(np.searchsorted(k0, np.uint64(r) << np.uint64(16)))
                    self._post[t] = (np.concatenate([k0[:at], key, k0[at:]]), np.concatenate([w0[:at], wt, w0[at:]]))
        for t in [t for t in affected if t in self._post and not len(self._post[t][0])]:
            del self._post[t]

        self._entries = [_meta(e) for e in entries]
        provinces = sorted({e.province for e in entries if e.province})
        full = renumbered or provinces != self._provinces
        self._whole = self._whole or renumbered
        self._provinces = provinces
        if full:
            affected.update(self._post)
            affected.update(self._big)
            affected.update(self._small)
            self._render(affected, set(), {}, topic_names, None, False)
        else:
            self._render(affected, top_hit, touched, topic_names, {new_order[e.slug] for e in changed},
                         all(_filtered(old_entries[e.slug]) == _filtered(e) for e in changed))
        return bool(changed or gone)

    def _keep(self, e: IndexEntry, rt: ReportTerms, source: Path | None) -> None:
        """Note a changed report's excerpt chunks, and keep its terms: in the state folder at once
        (named by digest, so never mistaken for another version; linked to ``source`` if given)
        when there is one."""
        self._chunks[e.slug] = (len(rt.sections), tuple(
            _digest(self._chunk_bytes(e, rt, k)) for k in range(self._nchunks(rt))))
        if self._state is None:
            self._terms[e.slug] = rt
            return
        _store_terms(self._state, e, rt, source)
        self._terms[e.slug] = None

    def _bulk_add(self, changed, new_order, affected, terms_of) -> None:
        """Add many reports at once: one stable sort by term instead of one merge per term.

        ``changed`` is in report order and each report's postings are sorted by (term,
        section), so a stable sort by term leaves every term's postings sorted by key.
        Each report's terms are read once and only their postings kept.
        """
        # Each term gets a number when first seen, in C: setdefault draws a fresh number for every
        # term of every report, kept only by a new term, so the numbers are distinct but sparse
        # (a Python loop over the 15 million terms was 3 s at 10,000 reports); made dense below.
        vocab: dict[str, int] = {}
        fresh = itertools.count()
        gids, keys, wts = [], [], []
        for e in changed:
            rt, source = terms_of(e)
            self._keep(e, rt, source)
            terms = rt.terms
            gids.append(np.fromiter(map(vocab.setdefault, terms, fresh), np.int64, len(terms))[rt.term])
            keys.append((np.uint64(new_order[e.slug]) << np.uint64(16)) | rt.section.astype(np.uint64))
            wts.append((rt.heading.astype(np.uint32) << np.uint32(16)) | rt.body.astype(np.uint32))
        dense = np.zeros(next(fresh), np.uint32)  # a term's number → its place in first-seen order
        dense[np.fromiter(vocab.values(), np.int64, len(vocab))] = np.arange(len(vocab), dtype=np.uint32)
        vocab = dict(zip(vocab, range(len(vocab))))
        gid = dense[np.concatenate(gids)]
        del gids, dense
        order = np.argsort(gid, kind="stable")
        gid = gid[order]
        bounds = np.searchsorted(gid, np.arange(len(vocab) + 1, dtype=np.uint32))
        del gid
        key = np.concatenate(keys)[order]
        del keys
        wt = np.concatenate(wts)[order]
        del wts, order
        for t, i in vocab.items():
            k, w = key[bounds[i]:bounds[i + 1]], wt[bounds[i]:bounds[i + 1]]
            if t in self._post and len(self._post[t][0]):
                k0, w0 = self._post[t]
                k, w = np.concatenate([k0, k]), np.concatenate([w0, w])
                o = np.argsort(k, kind="stable")
                k, w = k[o], w[o]
            self._post[t] = (k, w)
            affected.add(t)

    # -- rendering -------------------------------------------------------------------
    def _province_of(self) -> np.ndarray:
        number = {p: i for i, p in enumerate(self._provinces)}
        return np.array([number.get(e.province, -1) for e in self._entries] or [0], np.int64)

    def _render(self, affected: set[str], top_hit: set[str], touched: dict[str, set[int]],
                topic_names, redone: set[int] | None, filters_kept: bool) -> None:
        """Make the files of the ``affected`` terms, the excerpts of the ``redone`` reports (by
        number) and the filters (unless ``filters_kept``); the others keep their last digests.
        ``redone`` None: every file is made (reports were added, removed or renumbered)."""
        full = redone is None
        files: dict[str, str] = {} if full else dict(self._files)
        cache: dict[str, bytes] = {}

        def put(path: str, data: bytes) -> None:
            cache[path] = data
            files[path] = _digest(data)

        province_of = self._province_of()
        runs = None
        old_big = {t: self._big.pop(t) for t in affected if t in self._big}
        for _, _, digests, _ in old_big.values():
            for path in digests:
                files.pop(path, None)
        for t in affected:
            self._small.pop(t, None)
        live = [t for t in sorted(affected) if t in self._post]
        small = [t for t in live if len(self._post[t][0]) <= PRUNE]
        for t, enc in zip(small, encode_postings_many([self._post[t] for t in small])):
            if len(enc) <= GROUP_BYTES // 2:
                self._small[t] = (enc, self._df(t))
            else:
                path = f"{PREFIX}t/{_id(t)}.js"
                put(path, _js("t", _id(t), enc))
                self._big[t] = (self._df(t), (), {path: files[path]}, None)
        for t in live:
            if len(self._post[t][0]) <= PRUNE:
                continue
            key, wt = self._post[t]
            old = old_big.get(t)
            if old is not None and old[3] is not None and t in touched:
                if runs is None:
                    runs = _province_runs(province_of)
                own, provinces, theta, kept = self._big_files(t, key, wt, province_of, old,
                                                              {int(province_of[r]) for r in touched[t]},
                                                              t in top_hit, runs)
            else:
                own, provinces, theta, kept = self._big_files(t, key, wt, province_of)
            cache.update({p: self._cache[p] for p in kept if p in self._cache})
            for path, data in own.items():
                put(path, data)
            self._big[t] = (self._df(t), provinces, {**kept, **{p: files[p] for p in own}}, theta)
            files.update(kept)
        # Unchanged large terms keep their files, and within one process their bytes.
        for t, (_, _, digests, _) in self._big.items():
            if t not in affected:
                for p in digests:
                    if p in self._cache:
                        cache[p] = self._cache[p]

        # Vocabulary and grouped postings, per first character: again only where a term changed.
        redo = None if full else {t[0] for t in affected}
        by_first: dict[str, list[str]] = {c: [] for c in redo} if redo is not None else {}
        for t in self._post:
            if redo is None:
                by_first.setdefault(t[0], []).append(t)
            elif t[0] in redo:
                by_first[t[0]].append(t)
        vfiles: dict[str, dict[str, str]] = {}
        for c, digests in self._vfiles.items():
            if redo is not None and c not in redo:
                vfiles[c] = digests
                cache.update({p: self._cache[p] for p in digests if p in self._cache})
            else:
                for path in digests:
                    files.pop(path, None)
        for c in sorted(by_first, key=utf16_key):
            if by_first[c]:
                made = self._first_char_files(c, by_first[c])
                for path, data in made.items():
                    put(path, data)
                vfiles[c] = {p: files[p] for p in made}
        self._vfiles = {c: vfiles[c] for c in sorted(vfiles, key=utf16_key)}

        # Excerpt chunks. The bytes differ from the digested ones only by the key r-k, which the path names.
        for r in range(len(self._entries)) if full else sorted(redone):
            k = 0
            while not full and f"{PREFIX}c/{r}-{k}.js" in files:
                del files[f"{PREFIX}c/{r}-{k}.js"]
                k += 1
            for k, d in enumerate(self._chunks[self._entries[r].slug][1]):
                path = f"{PREFIX}c/{r}-{k}.js"
                files[path] = _digest(f"{path}:{d}".encode())

        # Filters and the directory.
        filters, places = self._filters()
        if filters_kept:
            cache.update({p: self._cache[p] for p in files if p.startswith(FILTERS) and p in self._cache})
        else:
            for path in [p for p in files if p.startswith(FILTERS)]:
                del files[path]
            for path, data in self._filter_files(filters, places).items():
                put(path, data)
        put(f"{PREFIX}dir.js", _js("dir", 0, {
            "version": VERSION,
            "reports": len(self._entries),
            "sections": sum(n for n, _ in self._chunks.values()),
            "prune": PRUNE,
            "chunk": CHUNK,
            "v": encode_ints(np.diff(np.array([ord(c) for c in sorted(self._vfiles)], np.int64), prepend=0)),
            "provinces": self._provinces,
            # Reports per province: the page widens a common-word query to the largest first.
            "province_reports": [len(filters["province"].get(p, ())) for p in self._provinces],
            "places": places,
            "years": sorted(int(y) for y in filters["year"]),
            "topics": {t: topic_names.get(t, t) for t in sorted(filters["topic"])},
        }))
        self._files = files
        self._cache = cache

    def _filters(self) -> tuple[dict[str, dict[str, list[int]]], dict[str, dict[str, list[str]]]]:
        """The reports (numbers) of each filter value, and the places by province and city."""
        filters: dict[str, dict[str, list[int]]] = {"province": {}, "place": {}, "year": {}, "topic": {}}
        for r, e in enumerate(self._entries):
            if e.province:
                filters["province"].setdefault(e.province, []).append(r)
            if e.place_value:
                filters["place"].setdefault(e.place_value, []).append(r)
            if e.year:
                filters["year"].setdefault(str(e.year), []).append(r)
            for t in e.topics:
                filters["topic"].setdefault(t, []).append(r)
        places: dict[str, dict[str, list[str]]] = {}
        for e in self._entries:
            if e.place_value:
                places.setdefault(e.province, {}).setdefault(e.city, [])
                if e.district not in places[e.province][e.city]:  # "" stands for the city itself
                    places[e.province][e.city].append(e.district)
        return filters, {p: {c: sorted(ds) for c, ds in sorted(cs.items())} for p, cs in sorted(places.items())}

    def _filter_files(self, filters, places) -> dict[str, bytes]:
        # Filter files are named by the value's position in dir.js's lists (the page knows no hash).
        place_values = [p + c + d for p, cs in places.items() for c, ds in cs.items() for d in ds]
        names = {"province": {v: i for i, v in enumerate(self._provinces)},
                 "place": {v: i for i, v in enumerate(place_values)}}
        out = {}
        for kind, values in filters.items():
            for value, rs in values.items():
                key = f"{kind}-{names[kind][value] if kind in names else value}"
                out[f"{FILTERS}{key}.js"] = _js("f", key, encode_ints(np.diff(np.array(rs), prepend=0)))
        return out

    def _nchunks(self, rt: ReportTerms) -> int:
        return max(1, math.ceil(len(rt.sections) / CHUNK))

    def _chunk_bytes(self, e: IndexEntry, rt: ReportTerms, k: int, r: int | None = None) -> bytes:
        """Report e's sections k·CHUNK…; registered as "<r>-<k>" (r = the report's number)."""
        return _js("c", f"{r}-{k}" if r is not None else f"{e.slug}/{k}", {
            "slug": e.slug, "title": e.title, "province": e.province, "place": e.place, "year": e.year,
            "sections": [[a, list(p), text] for a, p, text in rt.sections[k * CHUNK:(k + 1) * CHUNK]],
        })

    def _big_files(self, t, key, wt, province_of, old=None, only: set[int] = frozenset(), top_hit: bool = False,
                   runs: Mapping[int, tuple[np.ndarray, np.ndarray]] | None = None):
        """A large term's top PRUNE postings by rank, and the rest split by province.

        With ``old`` (the term's previous entry) only what the edit can have changed is
        re-encoded: the provinces in ``only`` (the edited reports'), those of the postings
        whose rank lies between the old and the new threshold (moved in or out of the top
        list), and the top list if it changed; the other files keep their digests.
        """
        name = _id(t)
        if old is not None and old[1] != MERGED and not top_hit and len(key) - PRUNE > REST_POSTINGS:
            # Nothing moved into or out of the top list (see ``note`` in update), so its threshold
            # stands: only the edited reports' provinces are encoded again, their rows found from
            # their reports' numbers rather than by ranking all the term's postings.
            redo = sorted(only)
            parts = []
            for p in redo:
                starts, ends = runs[p]
                lo, hi = np.searchsorted(key, starts), np.searchsorted(key, ends)
                rows = np.concatenate([np.arange(a, b) for a, b in zip(lo.tolist(), hi.tolist())])
                rows = rows[rank(key[rows], wt[rows]) < old[3]]
                parts.append((key[rows], wt[rows]))
            files, present, kept = self._provinces_redone(name, old, redo, parts, {})
            return files, present, old[3], kept
        ranks = rank(key, wt)
        theta = int(np.partition(ranks, len(ranks) - PRUNE)[len(ranks) - PRUNE])
        rest = np.nonzero(ranks < theta)[0]
        if len(rest) <= REST_POSTINGS:
            top = np.nonzero(ranks >= theta)[0]
            return ({f"{PREFIX}t/{name}.js": _js("t", name, encode_postings(key[top], wt[top])),
                     f"{PREFIX}t/{name}-r.js": _js("t", f"{name}-r", encode_postings(key[rest], wt[rest]))},
                    MERGED, theta, {})
        if old is not None and old[1] != MERGED:
            prov_all = province_of[(key >> np.uint64(16)).astype(np.intp)]
            lo, hi = min(theta, old[3]), max(theta, old[3])
            moved = prov_all[(ranks >= lo) & (ranks < hi)]
            redo = sorted(set(only) | set(np.unique(moved).tolist()))
            rest_mask = ranks < theta
            parts = [(key[m], wt[m]) for m in (rest_mask & (prov_all == p) for p in redo)]
            files: dict[str, bytes] = {}
            if top_hit or theta != old[3]:
                top = ranks >= theta
                files[f"{PREFIX}t/{name}.js"] = _js("t", name, encode_postings(key[top], wt[top]))
            files, present, kept = self._provinces_redone(name, old, redo, parts, files)
            return files, present, theta, kept
        prov = province_of[(key[rest] >> np.uint64(16)).astype(np.intp)]
        order = np.argsort(prov, kind="stable")
        rest, prov = rest[order], prov[order]
        present = np.unique(prov)
        lo = np.searchsorted(prov, present, "left")
        hi = np.searchsorted(prov, present, "right")
        top = np.nonzero(ranks >= theta)[0]
        files = {f"{PREFIX}t/{name}.js": _js("t", name, encode_postings(key[top], wt[top]))}
        parts = encode_postings_many([(key[rest[a:b]], wt[rest[a:b]]) for a, b in zip(lo, hi)])
        for p, enc in zip(present.tolist(), parts):
            label = _remainder(name, p)
            files[f"{PREFIX}t/{label}.js"] = _js("t", label, enc)
        return files, tuple(int(p) for p in present), theta, {}

    @staticmethod
    def _provinces_redone(name: str, old, redo: list[int], parts: list, files: dict[str, bytes]):
        """A large term's files after the provinces ``redo`` were encoded again from ``parts``
        (their postings outside the top list): files, provinces present, files kept as they were."""
        present = set(old[1])
        for p, enc in zip(redo, encode_postings_many(parts)):
            label = _remainder(name, p)
            if enc:
                files[f"{PREFIX}t/{label}.js"] = _js("t", label, enc)
                present.add(p)
            else:
                present.discard(p)
        redone = {f"{PREFIX}t/{_remainder(name, q)}.js" for q in redo} | set(files)
        kept = {p: d for p, d in old[2].items() if p not in redone}
        return files, tuple(sorted(present)), kept

    def _first_char_files(self, c: str, terms: list[str]) -> dict[str, bytes]:
        """v/ and p/ files of the terms starting with c; split by the second character when
        one file would exceed VOCAB_BYTES (the page then loads v/<c> and v/<c>_<second>)."""
        terms = sorted(terms, key=utf16_key)
        out: dict[str, bytes] = {}
        if sum(len(t) * 3 + 12 for t in terms) <= VOCAB_BYTES:
            self._vocab_files(c, terms, out, ())
            return out
        by_second: dict[str, list[str]] = {}
        for t in terms:
            if len(t) > 1:
                by_second.setdefault(t[:2], []).append(t)
        subs = sorted(by_second, key=utf16_key)
        self._vocab_files(c, [t for t in terms if len(t) == 1], out, tuple(s[1] for s in subs))
        for s in subs:
            self._vocab_files(s, by_second[s], out, ())
        return out

    def _vocab_files(self, prefix: str, terms: list[str], out: dict[str, bytes], subs: tuple[str, ...]) -> None:
        """v/<prefix>.js and its p/ groups."""
        entries, groups, group, size = [], [], {}, 0
        for t in terms:
            if t in self._small:
                enc, df = self._small[t]
                if group and size + len(enc) > GROUP_BYTES:
                    groups.append(group)
                    group, size = {}, 0
                group[t] = enc
                size += len(enc) + len(t) * 3 + 6
                entries.append([t[len(prefix):], df, len(groups)])
            else:
                df, provinces, _, _ = self._big[t]
                rest = ["r" if provinces == MERGED else list(provinces)] if provinces else []
                entries.append([t[len(prefix):], df, _id(t)] + rest)
        if group:
            groups.append(group)
        key = hexkey(prefix)
        for g, members in enumerate(groups):
            out[f"{PREFIX}p/{key}-{g}.js"] = _js("p", f"{key}-{g}", members)
        out[f"{PREFIX}v/{key}.js"] = _js("v", key, {"terms": entries, "sub": [hexkey(prefix + s) for s in subs]})

    def _df(self, t: str) -> int:
        wt = self._post[t][1]
        return int(np.count_nonzero(wt >> np.uint32(16)) + np.count_nonzero(wt & np.uint32(0xFFFF)))

    # -- output ---------------------------------------------------------------------
    def files(self) -> dict[str, str]:
        return dict(self._files)

    def data(self, path: str) -> bytes:
        if path in self._cache:
            return self._cache[path]
        if path not in self._files:
            raise KeyError(path)
        rel = path[len(PREFIX):]
        if rel.startswith("c/"):
            r, k = map(int, rel[2:-3].split("-"))
            e = self._entries[r]
            return self._chunk_bytes(e, self._report_terms(e), k, r)
        if rel.startswith(("v/", "p/")):
            c = chr(int(rel[2:].split("_")[0].split("-")[0].split(".")[0], 16))
            made = self._first_char_files(c, [t for t in self._post if t[0] == c])
            self._cache.update(made)
            return made[path]
        if path.startswith(FILTERS):
            made = self._filter_files(*self._filters())
            self._cache.update(made)
            return made[path]
        if rel.startswith("t/"):
            owner = {p: t for t, (_, _, digests, _) in self._big.items() for p in digests}
            return self._regenerate_big(owner[path])[path]
        raise KeyError(path)

    def _regenerate_big(self, t: str) -> dict[str, bytes]:
        key, wt = self._post[t]
        if len(key) <= PRUNE:
            return {f"{PREFIX}t/{_id(t)}.js": _js("t", _id(t), encode_postings(key, wt))}
        files = self._big_files(t, key, wt, self._province_of())[0]
        self._cache.update(files)
        return files


# --- adapters -------------------------------------------------------------------------

def index_entry(report: Report, topics: Sequence[str], terms: ReportTerms | None = None) -> IndexEntry:
    """The index's view of a report; ``digest`` covers everything the index reads from it."""
    fingerprint = json.dumps([report.title, report.province, report.city, report.district, report.year,
                              list(topics), [[s.anchor, list(s.path), s.text] for s in report.sections]],
                             ensure_ascii=False)
    return IndexEntry(
        slug=report.slug, digest=_digest(fingerprint.encode("utf-8")), title=report.title,
        province=report.province, city=report.distinct_city, district=report.district, year=report.year,
        topics=tuple(topics), page=urls.report_page(report.slug),
        terms=terms if terms is not None else report_terms(report),
    )


def search_files(entries: Sequence[IndexEntry], topic_names: Mapping[str, str]) -> dict[str, bytes]:
    """Every search data file for these entries (sorted by slug), by site path: a fresh full build."""
    index = SearchIndex()
    index.update(entries, topic_names)
    return {path: index.data(path) for path in index.files()}
