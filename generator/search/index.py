"""The search index as a persistent state: every report's postings, and which files they make.

``SearchIndex.update`` takes every report, reuses what an unchanged digest allows, and
re-derives only the files whose inputs changed; a full build and an incremental one give
the same bytes (tests/search/test_search.py). What the files hold and how they are written is
files.py (the format); a report's terms, terms.py; the number encoding, encoding.py.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from generator.core.atomic import write_atomic
from generator.core.digests import digest as _digest
from generator.core.digests import versioned_name
from generator.core.shelf import DamagedCache
from generator.search import files as layout
from generator.search import terms as weighting
from generator.search.encoding import encode_postings_many, rank, utf16_key
from generator.search.files import (
    DIRECTORY,
    FILTERS,
    RECENT,
    Chunk,
    LargeTerm,
    SmallTerm,
    chunk_count,
    chunk_script,
    directory,
    document_frequency,
    filter_files,
    filter_values,
    first_characters,
    large_term_files,
    recent_file,
    unpruned_file,
    vocabulary_files,
)
from generator.search.numbers import EMPTY, number_reports, province_runs
from generator.search.recent import RECENT_REPORTS, recent_reports
from generator.search.terms import IndexEntry, ReportTerms, load_terms, store_terms

# Reports edited since the saved postings were written, beyond which save writes them anew
# (open replays each such report onto every term it has).
LOG_REPORTS = 64
STATE_FORMAT = 4  # of the saved state (index.pickle): 4 indexes recent additions apart, 3 numbers reports by numbers.py


def _state_version() -> tuple:
    """What a saved state was derived with; a state saved with anything else is not reused."""
    return (STATE_FORMAT, layout.VERSION, layout.PRUNE, layout.CHUNK, layout.GROUP_BYTES, layout.VOCAB_BYTES,
            layout.REST_POSTINGS, tuple(sorted(weighting.AVG_LENGTH.items())), weighting.K1, weighting.B, RECENT_REPORTS)


class Chunks(NamedTuple):
    """A report's excerpt files: its section count and each file's digest (keyed by slug)."""

    sections: int
    digests: tuple[str, ...]


class Held(NamedTuple):
    """Which version of which report a number's postings are of; none, in the main index's
    postings, when it is a recent addition (recent.py)."""

    slug: str
    digest: str
    recent: bool


class Base(NamedTuple):
    """The saved postings an index state maps (``base-<id>/``), and the reports in them by number."""

    id: str
    reports: dict[int, Held]


class _Read(NamedTuple):
    """The last report version whose terms were read from the state folder."""

    name: str
    terms: ReportTerms


class _Owners(NamedTuple):
    """Whose files the v/, p/ and t/ files are, and what making them needs: made once, when a
    file must be made again (``data``). Made per file, a build that makes every file again (a new
    template) looked at every report per large term and at every term per first character: 45 s
    of a 10,000-report build."""

    vocabulary: dict[str, str]          # v/ and p/ file → the first character of its terms
    terms: dict[str, str]               # t/ file → its term
    by_first: dict[str, list[str]]      # first character → its terms (the main index's and the recent additions')
    province_of: np.ndarray             # see SearchIndex._province_of


class _Numbering(dict):
    """Terms numbered 0, 1, 2… as first looked up: ``map(numbering.__getitem__, terms)`` numbers
    a report's terms in C, calling Python only for a new one (instead of a set difference per
    report: 1.5 s of a 10,000-report bulk add)."""

    def __missing__(self, term: str) -> int:
        self[term] = number = len(self)
        return number


_EMPTY_KEY = np.zeros(0, np.uint64)
_EMPTY_WT = np.zeros(0, np.uint32)


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


def _main_postings(r: int, rt: ReportTerms, recent: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """What report r has in the main index's postings: none when it is a recent addition."""
    return {} if recent else _postings_of(r, rt)


def _unchanged_terms(before: Mapping[str, tuple[np.ndarray, np.ndarray]],
                     after: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> set[str]:
    """The terms whose postings two versions of a report (``_postings_of``) share exactly."""
    return {t for t, (key, wt) in after.items()
            if t in before and np.array_equal(key, before[t][0]) and np.array_equal(wt, before[t][1])}


class _Cut(NamedTuple):
    """Rows ``start:end`` of a term's postings, report ``report``'s, replaced by ``rows`` (key, wt;
    None: removed). A report's rows are contiguous, since keys begin with the report's number."""

    start: int
    report: int
    end: int
    rows: tuple[np.ndarray, np.ndarray] | None


def _cuts(key: np.ndarray, changes: Sequence[tuple[int, tuple[np.ndarray, np.ndarray] | None]]) -> tuple[_Cut, ...]:
    """The cuts that give each report of ``changes`` (report number, its new rows or None; in order
    of number) its new rows in a term's postings ``key``: where it has none, an empty run."""
    numbers = np.array([r for r, _ in changes], np.uint64)
    starts = np.searchsorted(key, numbers << np.uint64(16)).tolist()
    ends = np.searchsorted(key, (numbers + np.uint64(1)) << np.uint64(16)).tolist()
    return tuple(_Cut(lo, r, hi, rows) for (r, rows), lo, hi in zip(changes, starts, ends))


def _spliced(key: np.ndarray, wt: np.ndarray, cuts: Sequence[_Cut]) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings with ``cuts`` (in order of their rows) made, in one copy of each array."""
    keys, wts, at = [], [], 0
    for cut in cuts:
        keys.append(key[at:cut.start])
        wts.append(wt[at:cut.start])
        if cut.rows is not None:
            keys.append(cut.rows[0])
            wts.append(cut.rows[1])
        at = cut.end
    keys.append(key[at:])
    wts.append(wt[at:])
    return np.concatenate(keys), np.concatenate(wts)


class _Replayed(NamedTuple):
    """A term's postings in the saved base and the cuts that bring them up to date (see
    ``SearchIndex._replay``), not made yet."""

    key: np.ndarray
    wt: np.ndarray
    cuts: tuple[_Cut, ...]


class _Postings(dict):
    """term → (key, wt). A term that reports changed since the saved base holds a ``_Replayed``
    until it is first looked up: after an added report, its thousands of terms (the common ones
    most of the postings) were copied on every later build's open (1.2–1.5 s and 0.9 GB at 10,000
    reports), though a build needs the postings of the terms it changes only."""

    def __getitem__(self, t: str) -> tuple[np.ndarray, np.ndarray]:
        value = dict.__getitem__(self, t)
        if type(value) is _Replayed:
            value = _spliced(value.key, value.wt, value.cuts)
            dict.__setitem__(self, t, value)
        return value

    def get(self, t: str, default=None):
        return self[t] if t in self else default

    def values(self):
        return (self[t] for t in self)

    def items(self):
        return ((t, self[t]) for t in self)


def _mapped(base: Path) -> _Postings:
    """Every term's postings in a saved base, mapped from its files, not read: pages are read as
    terms are used, and the build's forked workers share them with the parent."""
    with open(base / "terms.pickle", "rb") as f:
        terms = pickle.load(f)
    # Plain array views of the maps: numpy.memmap's slicing runs Python code, once per term.
    key, wt, bounds = (np.load(base / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in ("key", "wt", "bounds"))
    bounds = bounds.tolist()
    return _Postings({t: (key[bounds[i]:bounds[i + 1]], wt[bounds[i]:bounds[i + 1]]) for i, t in enumerate(terms)})



class SearchIndex:
    """The search files of an archive, kept up to date report by report."""

    def __init__(self):
        self._entries: list[IndexEntry] = []             # sorted by slug, terms=None
        self._numbers: dict[str, int] = {}               # slug → its number (numbers.py)
        self._block = 0                                  # the block size the numbers were laid out with
        self._at: dict[int, IndexEntry] = {}             # number → its report
        self._terms: dict[str, ReportTerms | None] = {}  # slug → terms; None: in the state folder
        # term → (key, wt), sorted by key: key = report << 16 | section, wt = heading << 16 | body
        # weight. Plain pairs, not a named type: hundreds of thousands are made on every open.
        self._post = _Postings()
        self._small: dict[str, SmallTerm] = {}
        self._big: dict[str, LargeTerm] = {}
        self._vfiles: dict[str, dict[str, str]] = {}     # first character → its v/ and p/ files' digests
        self._recent: frozenset[str] = frozenset()       # the recent additions (recent.py), by slug
        self._recent_df: dict[str, int] = {}             # term → its df among them
        self._chunks: dict[str, Chunks] = {}             # slug → its excerpt files
        self._files: dict[str, str] = {}                 # every file → its digest
        self._cache: dict[str, bytes] = {}               # the bytes of files made in this process
        self._owners_made: _Owners | None = None         # see data
        self._state: Path | None = None
        self._provinces: list[str] = []
        self._base: Base | None = None
        self._whole = False  # an update moved every report: the next save writes new postings
        self._last_read: _Read | None = None  # see _terms_file

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
        idx._numbers, idx._block = meta["numbers"], meta["block"]
        idx._at = {idx._numbers[e.slug]: e for e in idx._entries}
        idx._terms = {e.slug: None for e in idx._entries}
        idx._post = post
        idx._small, idx._big, idx._chunks = meta["small"], meta["big"], meta["chunks"]
        idx._vfiles = meta["vfiles"]
        idx._recent, idx._recent_df = meta["recent"], meta["recent_df"]
        idx._files, idx._provinces = meta["files"], meta["provinces"]
        idx._base = Base(meta["base"], meta["base_reports"])
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
        """Bring the base's postings up to date: at each number whose report or version differs
        from the base's, a report's rows of a term are one run of its postings, replaced; terms
        whose postings the new version shares are left alone. The cuts are found now (so that a
        version whose terms are lost fails the open) and made when a term is looked up, each
        term's in one copy."""
        changes: dict[str, list[tuple[int, tuple[np.ndarray, np.ndarray] | None]]] = {}
        for r in sorted(self._base.reports.keys() | self._at.keys()):
            old, e = self._base.reports.get(r), self._at.get(r)
            if e is not None and old == self._held(e):
                continue
            before = _main_postings(r, self._terms_file(old.slug, old.digest), old.recent) if old is not None else {}
            after = _main_postings(r, self._report_terms(e), e.slug in self._recent) if e is not None else {}
            same = _unchanged_terms(before, after)
            for t in (before.keys() | after.keys()) - same:
                changes.setdefault(t, []).append((r, after.get(t)))
        for t, made in changes.items():  # each list in order of number, as the loop above went
            key, wt = dict.get(self._post, t, (_EMPTY_KEY, _EMPTY_WT))
            cuts = _cuts(key, made)
            if len(key) - sum(c.end - c.start for c in cuts) + sum(len(c.rows[0]) for c in cuts if c.rows is not None):
                self._post[t] = _Replayed(key, wt, cuts)
            else:
                self._post.pop(t, None)

    def save(self, state_dir: Path) -> None:
        state_dir = Path(state_dir)
        (state_dir / "reports").mkdir(parents=True, exist_ok=True)
        for e in self._entries:
            if self._terms.get(e.slug) is not None or self._state != state_dir:
                _store_terms(state_dir, e, self._report_terms(e))
        old_base = self._base.id if self._base is not None and self._state == state_dir else None
        reports = {r: self._held(e) for r, e in self._at.items()}
        differ = sum(reports.get(r) != self._base.reports.get(r)
                     for r in reports.keys() | self._base.reports.keys()) if old_base is not None else 0
        if old_base is None or self._whole or differ > LOG_REPORTS:
            base_id = os.urandom(8).hex()
            self._write_base(state_dir / f"base-{base_id}")
            self._base = Base(base_id, reports)
            self._post = _mapped(state_dir / f"base-{base_id}")
        self._whole = False
        write_atomic(state_dir / "index.pickle", pickle.dumps({
            "version": _state_version(), "base": self._base.id, "base_reports": self._base.reports,
            "entries": self._entries, "numbers": self._numbers, "block": self._block,
            "small": self._small, "vfiles": self._vfiles, "big": self._big, "chunks": self._chunks,
            "recent": self._recent, "recent_df": self._recent_df,
            "files": self._files, "provinces": self._provinces}, protocol=pickle.HIGHEST_PROTOCOL))
        # What neither the base nor the present version needs any more.
        keep = {f"base-{self._base.id}"}
        for entry in os.scandir(state_dir):
            if entry.name not in keep and entry.name.startswith("base-"):
                shutil.rmtree(entry.path, ignore_errors=True)
        keep = ({versioned_name(held.slug, held.digest) for held in self._base.reports.values()}
                | {versioned_name(e.slug, e.digest) for e in self._entries})
        for entry in os.scandir(state_dir / "reports"):
            if entry.name not in keep:
                os.unlink(entry.path)
        self._state = state_dir
        self._terms = {e.slug: None for e in self._entries}

    def _write_base(self, folder: Path) -> None:
        """Every term's postings, one after another, written term by term: not through a memory
        map, whose dirty pages count in the process's memory until written back (0.7 GB at
        10,000 reports with bigrams)."""
        folder.mkdir(parents=True)
        terms = sorted(self._post)
        bounds = np.cumsum(np.array([0] + [len(self._post[t][0]) for t in terms], np.int64))
        np.save(folder / "bounds.npy", bounds)
        for name, dtype, i in (("key", np.uint64, 0), ("wt", np.uint32, 1)):
            with open(folder / f"{name}.npy", "wb") as f:
                np.lib.format.write_array_header_1_0(f, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
                                                         "fortran_order": False, "shape": (int(bounds[-1]),)})
                for t in terms:
                    f.write(self._post[t][i].astype(dtype, copy=False).tobytes())
        with open(folder / "terms.pickle", "wb") as f:
            pickle.dump(terms, f, protocol=pickle.HIGHEST_PROTOCOL)

    def _held(self, e: IndexEntry) -> Held:
        return Held(e.slug, e.digest, e.slug in self._recent)

    def _report_terms(self, e: IndexEntry) -> ReportTerms:
        """The terms of the version of a report the index holds: in memory, or in the state folder."""
        rt = self._terms.get(e.slug)
        return rt if rt is not None else self._terms_file(e.slug, e.digest)

    def _terms_file(self, slug: str, digest: str) -> ReportTerms:
        """A report version's saved terms. The last one read is kept (a version's file never
        changes): a report's excerpt files are written one after another, each from its terms."""
        name = versioned_name(slug, digest)
        if self._last_read is None or self._last_read.name != name:
            self._last_read = _Read(name, load_terms(self._state / "reports" / name))
        return self._last_read.terms

    # -- update -------------------------------------------------------------------
    def update(self, entries: Sequence[IndexEntry], topic_names: Mapping[str, str],
               stored: Callable[[IndexEntry], Path] | None = None) -> bool:
        """Take every report (sorted by slug); a report the index does not hold in this version
        brings its terms, or ``stored`` names a file holding them (``store_terms``): read one
        report at a time, and not kept in memory when the index has a state folder (a full build
        then never holds them all), where the file is linked rather than written again.

        Returns whether a report was added, changed or removed: what ``save`` must then keep."""
        old_entries = {e.slug: e for e in self._entries}
        old_recent, recent = self._recent, recent_reports(entries)

        def same_version(e: IndexEntry) -> bool:
            return e.slug in old_entries and old_entries[e.slug].digest == e.digest

        def held(e: IndexEntry) -> bool:
            """Whether the index holds this version of the report where it was (the main index, or
            the recent additions); it changed number only, if at all."""
            return same_version(e) and (e.slug in recent) == (e.slug in old_recent)

        old_number = self._numbers
        numbering = number_reports(entries, recent)
        new_number = numbering.numbers
        # The block size changed (or nothing was held): every report moves, and is added anew.
        relaid = numbering.block != self._block or not self._entries
        moved = set() if relaid else {s for s, r in old_number.items() if new_number.get(s, r) != r}
        changed = [e for e in entries if relaid or e.slug in moved or not held(e)]
        for e in changed:
            if e.terms is None and stored is None and not same_version(e):
                raise ValueError(f"{e.slug}: changed report given without its terms")

        def terms_of(e: IndexEntry) -> tuple[ReportTerms, Path | None]:
            """A changed report's terms, and the file they were read from (None: brought along,
            or the state's own, for a report that only moved)."""
            if e.terms is not None:
                return e.terms, None
            if same_version(e):
                return self._report_terms(old_entries[e.slug]), None
            path = stored(e)
            return load_terms(path), path

        changed_slugs = {e.slug for e in changed}
        gone = [] if relaid else [s for s in old_entries if s not in new_number or s in changed_slugs]
        if relaid:
            self._post = _Postings()
        provinces = sorted({e.province for e in entries if e.province})
        old_province = {p: i for i, p in enumerate(self._provinces)}
        new_province = {p: i for i, p in enumerate(provinces)}
        # More changed reports than LOG_REPORTS are added in bulk: one merge per term they have, where
        # one insertion per report and term (adding 300 reports to 1,000) took 25 s.
        bulk = relaid or len(changed) > LOG_REPORTS
        # A correction leaves most of a report's terms as they were (same sections, same weights):
        # their postings, and so their files, stay. Looked for when a few reports changed in place.
        same: dict[str, set[str]] = {}      # slug → terms whose postings did not change
        fresh: dict[str, ReportTerms] = {}  # their new terms, read once
        if not bulk:
            for e in changed:
                if e.slug in old_entries and e.slug not in moved:
                    r = new_number[e.slug]
                    fresh[e.slug] = terms_of(e)
                    same[e.slug] = _unchanged_terms(
                        _main_postings(r, self._report_terms(old_entries[e.slug]), e.slug in old_recent),
                        _main_postings(r, fresh[e.slug][0], e.slug in recent))
        affected: set[str] = set()
        touched: dict[str, set[int]] = {}  # term → provinces (numbers) whose postings of it changed
        top_hit: set[str] = set()          # pruned terms whose top list may have changed

        def note(t: str, province: int, key: np.ndarray, wt: np.ndarray) -> None:
            affected.add(t)
            touched.setdefault(t, set()).add(province)
            big = self._big.get(t)
            if big is not None and big.threshold is not None and (rank(key, wt) >= big.threshold).any():
                top_hit.add(t)

        # Remove the postings of removed, changed and moved reports from their old numbers and, but in
        # bulk, add those of new, changed and moved reports at their new numbers: each term's arrays
        # spliced once, not copied once per report leaving and once per report arriving (the common
        # terms, most of the postings, are in every report: adding one report that moves another
        # copied them three times).
        removal: dict[str, set[int]] = {}
        province_at: dict[int, int] = {}
        for slug in gone:
            if slug in old_recent:  # none of its postings are the main index's
                continue
            kept = same.get(slug, ())
            province_at[old_number[slug]] = old_province.get(old_entries[slug].province, -1)
            for t in self._report_terms(old_entries[slug]).terms:
                if t not in kept:
                    removal.setdefault(t, set()).add(old_number[slug])
        arrivals: dict[str, dict[int, tuple[np.ndarray, np.ndarray]]] = {}
        if not bulk:
            for e in changed:
                r = new_number[e.slug]
                rt, source = fresh.pop(e.slug) if e.slug in fresh else terms_of(e)
                self._keep(e, rt, source)
                kept = same.get(e.slug, ())
                for t, (key, wt) in _main_postings(r, rt, e.slug in recent).items():
                    if t not in kept:
                        note(t, new_province.get(e.province, -1), key, wt)
                        arrivals.setdefault(t, {})[r] = (key, wt)
        for t in sorted(removal.keys() | arrivals.keys()):
            key, wt = self._post.get(t, (_EMPTY_KEY, _EMPTY_WT))
            arriving, leaving = arrivals.get(t, {}), removal.get(t, set())
            cuts = _cuts(key, [(r, arriving.get(r)) for r in sorted(leaving | arriving.keys())])
            for cut in cuts:
                if cut.report in leaving:
                    note(t, province_at[cut.report], key[cut.start:cut.end], wt[cut.start:cut.end])
            self._post[t] = _spliced(key, wt, cuts)
        for slug in old_entries.keys() - new_number.keys():
            self._terms.pop(slug, None)
            self._chunks.pop(slug, None)

        # In bulk, the postings of new, changed and moved reports are added now, at their new numbers.
        if bulk:
            self._bulk_add(sorted(changed, key=lambda e: new_number[e.slug]), new_number, recent, affected, terms_of)
            # The bulk add notes no provinces: a large term it reached is made again whole, not
            # only in the provinces the removals above noted (its new postings reach others).
            touched.clear()
        for t in [t for t in affected if t in self._post and not len(self._post[t][0])]:
            del self._post[t]

        self._entries = [e.without_terms() for e in entries]
        self._numbers, self._block = new_number, numbering.block
        self._at = {new_number[e.slug]: e for e in self._entries}
        full = relaid or provinces != self._provinces
        self._whole = self._whole or relaid
        self._provinces = provinces
        # The recent additions' postings are made again whenever one of them changed, moved, came
        # or went (at most RECENT_REPORTS reports); the v/ files of the terms whose df among them
        # changed with them.
        # (A recent report removed, or gone to the main index, changes the set itself.)
        segment, vocabulary = None, set()
        if full or recent != old_recent or any(e.slug in recent for e in changed):
            self._recent = recent
            segment = self._recent_postings()
            old_df, self._recent_df = self._recent_df, {t: document_frequency(wt) for t, (_, wt) in segment.items()}
            vocabulary = {t[0] for t in old_df.keys() ^ self._recent_df.keys()} | {
                t[0] for t, df in self._recent_df.items() if old_df.get(t) != df}
        if full:
            affected.update(self._post)
            affected.update(self._big)
            affected.update(self._small)
            self._render(affected, set(), {}, topic_names, None, False, vocabulary, segment)
        else:
            redone = {new_number[e.slug] for e in changed} | {old_number[s] for s in gone}
            filters_kept = not moved and len(entries) == len(old_entries) and all(
                e.slug in old_entries and old_entries[e.slug].filtered == e.filtered for e in changed)
            self._render(affected, top_hit, touched, topic_names, redone, filters_kept, vocabulary, segment)
        return bool(changed or gone)

    def _recent_postings(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Every term's postings among the recent additions, sorted by key (reports in number order)."""
        parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        for r in sorted(self._numbers[s] for s in self._recent):
            for t, rows in _postings_of(r, self._report_terms(self._at[r])).items():
                parts.setdefault(t, []).append(rows)
        return {t: (np.concatenate([k for k, _ in rows]), np.concatenate([w for _, w in rows])) for t, rows in parts.items()}

    def _keep(self, e: IndexEntry, rt: ReportTerms, source: Path | None) -> None:
        """Note a changed report's excerpt chunks, and keep its terms: in the state folder at once
        (named by digest, so never mistaken for another version; linked to ``source`` if given)
        when there is one."""
        self._chunks[e.slug] = Chunks(len(rt.sections), tuple(
            _digest(chunk_script(e, rt, k)) for k in range(chunk_count(rt))))
        if self._state is None:
            self._terms[e.slug] = rt
            return
        _store_terms(self._state, e, rt, source)
        self._terms[e.slug] = None

    def _bulk_add(self, changed, numbers, recent, affected, terms_of) -> None:
        """Add many reports at once, in two passes over their terms instead of one sort of every
        posting: the first numbers the terms and counts each one's postings, the second writes
        each report's postings into place. ``changed`` is in report order and a report's
        postings are sorted by (term, section), so every term's postings come out sorted by key.

        The terms are read twice rather than held: with bigrams a sort of all postings at once
        (57 million at 10,000 reports) held 2 GB of temporary arrays beside the 0.7 GB result. What
        the first pass numbered is kept (4 bytes a report's term, 135 MB at 10,000, below the
        update's peak): looking the terms up again was a fifth of the update's time. The
        ``recent`` additions are kept (their excerpts), their postings left to the r/ files.
        """
        vocab = _Numbering()  # term → its number, in first-seen order
        total = np.zeros(0, np.int64)  # postings per term number
        numbers_of: list[np.ndarray] = []
        indexed = []  # the reports of ``changed`` whose postings go in
        for e in changed:
            rt, source = terms_of(e)
            self._keep(e, rt, source)
            if e.slug in recent:
                continue
            indexed.append(e)
            terms = rt.terms
            number = np.fromiter(map(vocab.__getitem__, terms), np.uint32, len(terms))
            numbers_of.append(number)
            if len(vocab) > len(total):
                total = np.concatenate([total, np.zeros(max(len(vocab) - len(total), len(total)), np.int64)])
            total[number] += np.bincount(rt.term, minlength=len(terms))
        total = total[:len(vocab)]
        bounds = np.concatenate([[0], np.cumsum(total)])
        key = np.empty(int(bounds[-1]), np.uint64)
        wt = np.empty(int(bounds[-1]), np.uint32)
        cursor = bounds[:-1].copy()  # where each term's next posting goes
        for e, number in zip(indexed, numbers_of):
            rt, _ = terms_of(e)
            count = np.bincount(rt.term, minlength=len(number))
            # A posting's place: its term's cursor plus its rank among the report's postings of
            # that term (its index less that of the term's first posting in the report).
            place = (cursor[number] - (np.cumsum(count) - count))[rt.term] + np.arange(len(rt.term))
            key[place] = (np.uint64(numbers[e.slug]) << np.uint64(16)) | rt.section.astype(np.uint64)
            wt[place] = (rt.heading.astype(np.uint32) << np.uint32(16)) | rt.body.astype(np.uint32)
            cursor[number] += count
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
        """Each number's report's province (its number in dir.js; -1: none), EMPTY where no report is."""
        number = {p: i for i, p in enumerate(self._provinces)}
        out = np.full(max(self._at, default=0) + 1, EMPTY, np.int64)
        for r, e in self._at.items():
            out[r] = number.get(e.province, -1)
        return out

    def _render(self, affected: set[str], top_hit: set[str], touched: dict[str, set[int]],
                topic_names, redone: set[int] | None, filters_kept: bool, vocabulary: set[str],
                segment: dict[str, tuple[np.ndarray, np.ndarray]] | None) -> None:
        """Make the files of the ``affected`` terms (``touched``: the provinces whose postings of a
        large term changed), the v/ files of the first characters in ``vocabulary`` too, the
        excerpts at the ``redone`` numbers, the filters (unless ``filters_kept``) and, given the
        recent additions' postings (``segment``), the r/ files; the others keep their last
        digests. ``redone`` None: every file is made (every report moved, or the provinces changed)."""
        full = redone is None
        files: dict[str, str] = {} if full else dict(self._files)
        cache: dict[str, bytes] = {}

        def put(path: str, data: bytes) -> None:
            cache[path] = data
            files[path] = _digest(data)

        province_of = self._province_of()
        runs = None
        old_big = {t: self._big.pop(t) for t in affected if t in self._big}
        for old in old_big.values():
            for path in old.files:
                files.pop(path, None)
        for t in affected:
            self._small.pop(t, None)
        live = [t for t in sorted(affected) if t in self._post]
        small = [t for t in live if len(self._post[t][0]) <= layout.PRUNE]
        for t, enc in zip(small, encode_postings_many([self._post[t] for t in small])):
            df = document_frequency(self._post[t][1])
            if len(enc) <= layout.GROUP_BYTES // 2:
                self._small[t] = SmallTerm(enc, df)
            else:
                path, data = unpruned_file(t, *self._post[t])
                put(path, data)
                self._big[t] = LargeTerm(df, (), False, {path: files[path]}, None)
        for t in live:
            if len(self._post[t][0]) <= layout.PRUNE:
                continue
            key, wt = self._post[t]
            old = old_big.get(t)
            if old is not None and old.threshold is not None and t in touched:
                if runs is None:
                    runs = province_runs(province_of)
                made = large_term_files(t, key, wt, province_of, old, touched[t], t in top_hit, runs)
            else:
                made = large_term_files(t, key, wt, province_of)
            cache.update({p: self._cache[p] for p in made.kept if p in self._cache})
            for path, data in made.files.items():
                put(path, data)
            self._big[t] = LargeTerm(document_frequency(wt), made.provinces, made.merged,
                                     {**made.kept, **{p: files[p] for p in made.files}}, made.threshold)
            files.update(made.kept)
        # Unchanged large terms keep their files, and within one process their bytes.
        for t, big in self._big.items():
            if t not in affected:
                for p in big.files:
                    if p in self._cache:
                        cache[p] = self._cache[p]

        # The recent additions' postings, per first character: all again, when any changed.
        if segment is None:
            cache.update({p: data for p, data in self._cache.items() if p.startswith(RECENT)})
        else:
            for path in [p for p in files if p.startswith(RECENT)]:
                del files[path]
            for path, data in self._recent_files(segment).items():
                put(path, data)

        # Vocabulary and grouped postings, per first character: again only where a term changed.
        redo = None if full else {t[0] for t in affected} | vocabulary
        by_first: dict[str, list[str]] = {c: [] for c in redo} if redo is not None else {}
        for t in self._terms_held():
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
                made = vocabulary_files(c, by_first[c], self._small, self._big, self._recent_df)
                for path, data in made.items():
                    put(path, data)
                vfiles[c] = {p: files[p] for p in made}
        self._vfiles = {c: vfiles[c] for c in sorted(vfiles, key=utf16_key)}

        # Excerpt chunks. The bytes differ from the digested ones only by the key r-k, which the path names.
        for r in sorted(self._at) if full else sorted(redone):
            k = 0
            while not full and Chunk(r, k).path in files:
                del files[Chunk(r, k).path]
                k += 1
            if r not in self._at:  # a report removed or moved away
                continue
            for k, d in enumerate(self._chunks[self._at[r].slug].digests):
                path = Chunk(r, k).path
                files[path] = _digest(f"{path}:{d}".encode())

        # Filters and the directory.
        filters, places = filter_values(self._entries, self._numbers)
        if filters_kept:
            cache.update({p: self._cache[p] for p in files if p.startswith(FILTERS) and p in self._cache})
        else:
            for path in [p for p in files if p.startswith(FILTERS)]:
                del files[path]
            for path, data in filter_files(filters, places, self._provinces).items():
                put(path, data)
        put(DIRECTORY, directory(len(self._entries), sum(c.sections for c in self._chunks.values()), self._provinces,
                                 filters, places, topic_names))
        self._files = files
        self._cache = cache
        self._owners_made = None

    def _terms_held(self) -> Iterator[str]:
        """Every term of the main index and of the recent additions, once (not a set of them all)."""
        yield from self._post
        yield from (t for t in self._recent_df if t not in self._post)

    @staticmethod
    def _recent_files(segment: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, bytes]:
        """The r/ files of the recent additions' postings (``_recent_postings``)."""
        terms = sorted(segment)
        by_first: dict[str, dict[str, str]] = {}
        for t, encoded in zip(terms, encode_postings_many([segment[t] for t in terms])):
            by_first.setdefault(t[0], {})[t] = encoded
        return dict(recent_file(c, postings) for c, postings in by_first.items())


    # -- output ---------------------------------------------------------------------
    def files(self) -> dict[str, str]:
        return dict(self._files)

    def first_characters(self) -> str:
        """What the search page carries of the vocabulary (files.first_characters)."""
        return first_characters(self._vfiles)

    def data(self, path: str) -> bytes:
        """A file's bytes: kept from when it was made in this process, or made again from the state."""
        if path in self._cache:
            return self._cache[path]
        if path not in self._files:
            raise KeyError(path)
        chunk = Chunk.of(path)
        if chunk is not None:
            e = self._at[chunk.report]
            return chunk_script(e, self._report_terms(e), chunk.part, chunk.report)
        if path.startswith(FILTERS):
            made = filter_files(*filter_values(self._entries, self._numbers), self._provinces)
        elif path.startswith(RECENT):
            made = self._recent_files(self._recent_postings())
        elif path in self._owners().terms:
            t = self._owners().terms[path]
            key, wt = self._post[t]
            made = dict([unpruned_file(t, key, wt)]) if len(key) <= layout.PRUNE else large_term_files(
                t, key, wt, self._owners().province_of).files
        else:
            c = self._owners().vocabulary[path]
            made = vocabulary_files(c, self._owners().by_first.get(c, []), self._small, self._big, self._recent_df)
        self._cache.update(made)
        return made[path]

    def _owners(self) -> "_Owners":
        if self._owners_made is None:
            by_first: dict[str, list[str]] = {}
            for t in self._terms_held():
                by_first.setdefault(t[0], []).append(t)
            self._owners_made = _Owners({p: c for c, digests in self._vfiles.items() for p in digests},
                                        {p: t for t, big in self._big.items() for p in big.files},
                                        by_first, self._province_of())
        return self._owners_made


def search_files(entries: Sequence[IndexEntry], topic_names: Mapping[str, str]) -> dict[str, bytes]:
    """Every search data file for these entries (sorted by slug), by site path: a fresh full build."""
    index = SearchIndex()
    index.update(entries, topic_names)
    return {path: index.data(path) for path in index.files()}
