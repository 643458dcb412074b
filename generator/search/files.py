"""The index format: the files the search page loads, and the functions that write them.

The page ranks sections exactly as lunr.js 2.3.9 would, but the index is not
shipped in lunr's JSON (about 30 bytes a posting): each term's postings are stored
compactly (encoding.py) and the page reads those of the query's terms only. Each
term's df (lunr counts field postings) and the section count N are shipped too, and
the page computes lunr's idf ``log(1 + |(N − df + 0.5) / (df + 0.5)|)``, the vector
values ``round(idf · w · boost, 3)`` as lunr's Builder would, and lunr's score
(``S.rank`` in search.js, checked against real lunr.js by the Node tests).

Files (all under ``search/``), every one a script calling
``FAZHI_SEARCH.register(kind, key, data)`` so the page loads it with a <script>
tag (works from file://, where fetch and XHR cannot read files):

  dir.js           counts (reports per province too), filter choices, place names
                   (the characters with a v/ file are in the search page: first_characters)
  v/<key>.js       the terms starting with a character (or two, when one is too many):
                   [rest of term, df, where the postings are, provinces of the remainder, 1 when
                   recent additions hold it too]; df counts those too
  p/<key>-<g>.js   postings of several small terms, ~GROUP_BYTES each
  t/<id>.js        postings of one large term; above PRUNE postings only the top PRUNE
                   by weight (static index pruning), the rest in
  t/<id>-<p>.js    per province p, loaded only when a province or place filter is on
                   (t/<id>-r.js: all of it, when it is at most REST_POSTINGS postings)
  r/<key>.js       the postings of the recent additions (recent.py) of the terms starting with
                   a character, by term, complete (never pruned): merged into the main index's
                   later, all at once, so adding a report rewrites these and v/ files, not t/ ones
  f/<id>.js        the report numbers of one filter value (province, place, year, topic)
  f/places.js      every placed report's place, for the answer by place (按地区); loaded only for it
  c/<r>-<k>.js     report r's title, place, year and the text of its sections
                   k·CHUNK … k·CHUNK+CHUNK−1, for excerpts; loaded for results shown

templates/assets/search.js reads them; tests/search/test_search.py checks the two agree.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from generator.search.encoding import encode_ints, encode_postings, encode_postings_many, hexkey, rank, utf16_key
from generator.search.terms import IndexEntry, ReportTerms

PREFIX = "search/"
FILTERS = f"{PREFIX}f/"
RECENT = f"{PREFIX}r/"
DIRECTORY = f"{PREFIX}dir.js"
VERSION = 5  # of the format, in dir.js, for a reader of the files (the page and its files are built together)

# Postings kept for an unfiltered query of a very common term. Measured on 10,000 synthetic
# reports: a top list is ~5.3 bytes a posting (16 kB at 3,000); at 2,000 two common words
# rarely met in both top lists. It was chosen when lunr.js scored on the page (~40 sections a
# millisecond: at 6,000 a one-word query spent ~150 ms in lunr); the page's own ranking takes
# 3–7 ms for 3,000, so what bounds it now is the bytes a query loads.
PRUNE = 3000
GROUP_BYTES = 24_000  # small terms' postings per p/ file
# A pruned term whose remainder has at most this many postings keeps it in one file,
# t/<id>-r.js (≤ ~32 kB), instead of one tiny file per province. At 10,000 reports with bigrams,
# 3,000 left 1,500 terms with 17–32 kB of remainder in 31 files of ~700 bytes each (46,000
# files, a quarter of the site's); a filtered query of such a term loads 32 kB instead of one.
REST_POSTINGS = 6000
VOCAB_BYTES = 32_000  # a v/ file above this is split by the terms' second character
CHUNK = 4             # sections per c/ file (~4.6 kB; a page of 10 results loads ~45 kB of text)


def document_frequency(wt: np.ndarray) -> int:
    """lunr's df of a term, given its postings' weights: it counts a posting per field the term is in."""
    return int(np.count_nonzero(wt >> np.uint32(16)) + np.count_nonzero(wt & np.uint32(0xFFFF)))


class SmallTerm(NamedTuple):
    """A term whose postings are grouped with other terms' in a p/ file."""

    postings: str  # encoded
    df: int


class LargeTerm(NamedTuple):
    """A term with t/ files of its own: its postings, or above PRUNE its top list and the rest."""

    df: int
    provinces: tuple[int, ...]  # the provinces (numbers in dir.js) with a remainder file of their own
    merged: bool                # the remainder is one file, t/<id>-r.js
    files: dict[str, str]       # path → digest
    threshold: int | None       # the lowest rank in the top list; None: not pruned


class LargeFiles(NamedTuple):
    """What ``large_term_files`` made: new files' bytes, and where the term's remainder now is."""

    files: dict[str, bytes]
    provinces: tuple[int, ...]
    merged: bool
    threshold: int
    kept: dict[str, str]  # files of the term left as they were (path → digest)


class Chunk(NamedTuple):
    """An excerpt file: report number ``report``'s sections ``part``·CHUNK …"""

    report: int
    part: int

    @property
    def path(self) -> str:
        return f"{PREFIX}c/{self.report}-{self.part}.js"

    @classmethod
    def of(cls, path: str) -> "Chunk | None":
        """The chunk a path names (the inverse of ``path``), or None for another kind of file."""
        if not path.startswith(f"{PREFIX}c/"):
            return None
        report, part = path[len(PREFIX) + 2:-3].split("-")
        return cls(int(report), int(part))


def term_id(term: str) -> str:
    """A large term's file name: its digest, as the page computes it from a v/ file's entry."""
    return hashlib.sha1(term.encode("utf-8")).hexdigest()[:12]


# json.dumps with options builds an encoder per call (without, it reuses one): a third of the time
# of a small file's script (a 10,000-report build makes 150,000 of them).
_PAYLOAD = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def script(kind: str, key, data) -> bytes:
    """A script registering ``data``; sorted keys so the same archive gives the same bytes."""
    return f"FAZHI_SEARCH.register({json.dumps(kind)},{json.dumps(key)},{_PAYLOAD(data)});\n".encode("utf-8")


# --- excerpts --------------------------------------------------------------------------

def chunk_count(rt: ReportTerms) -> int:
    return max(1, math.ceil(len(rt.sections) / CHUNK))


def chunk_script(e: IndexEntry, rt: ReportTerms, part: int, report: int | None = None) -> bytes:
    """Report e's sections part·CHUNK…, registered as "<report>-<part>". Without ``report`` (its
    number, which other reports' changes can move) keyed by slug: what the index digests."""
    return script("c", f"{report}-{part}" if report is not None else f"{e.slug}/{part}", {
        "slug": e.slug, "title": e.title, "province": e.province, "place": e.place, "year": e.year,
        "sections": [[a, list(p), text] for a, p, text in rt.sections[part * CHUNK:(part + 1) * CHUNK]],
    })


# --- filters and the directory ----------------------------------------------------------

Filters = dict[str, dict[str, list[int]]]  # kind (province, place, year, topic) → value → report numbers
Places = dict[str, dict[str, list[str]]]   # province → city → districts ("" stands for the city itself)


def filter_values(entries: Sequence[IndexEntry], numbers: Mapping[str, int]) -> tuple[Filters, Places]:
    """The reports (numbers, ascending) of each filter value, and the places by province and city."""
    filters: Filters = {"province": {}, "place": {}, "year": {}, "topic": {}}
    for e in sorted(entries, key=lambda e: numbers[e.slug]):
        r = numbers[e.slug]
        if e.province:
            filters["province"].setdefault(e.province, []).append(r)
        if e.place_value:
            filters["place"].setdefault(e.place_value, []).append(r)
        if e.year:
            filters["year"].setdefault(str(e.year), []).append(r)
        for t in e.topics:
            filters["topic"].setdefault(t, []).append(r)
    places: Places = {}
    for e in entries:
        if e.place_value:
            places.setdefault(e.province, {}).setdefault(e.city, [])
            if e.district not in places[e.province][e.city]:
                places[e.province][e.city].append(e.district)
    return filters, {p: {c: sorted(ds) for c, ds in sorted(cs.items())} for p, cs in sorted(places.items())}


def filter_files(filters: Filters, places: Places, provinces: Sequence[str]) -> dict[str, bytes]:
    """The f/ files. A province's is named by its position in dir.js's list (a new province renumbers
    every file anyway, numbers.py); a place's by its name's code points (``hexkey``), so that a new
    place leaves the others' files as they were (the page knows no hash)."""
    place_values = [p + c + d for p, cs in places.items() for c, ds in cs.items() for d in ds]
    names = {"province": {v: i for i, v in enumerate(provinces)},
             "place": {v: i for i, v in enumerate(place_values)}}
    file_name = {"province": names["province"].__getitem__, "place": hexkey}
    out = {}
    for kind, values in filters.items():
        for value, rs in values.items():
            key = f"{kind}-{file_name.get(kind, str)(value)}"
            out[f"{FILTERS}{key}.js"] = script("f", key, encode_ints(np.diff(np.array(rs), prepend=0)))
    # A placed report's place as one number: 1 + its place's position after the provinces' (1 +
    # the province's own for a province's report); pairs of (report number's delta, place), since
    # numbers have gaps. Made from the filters, so it is made again (and kept) exactly when they are.
    where: dict[int, int] = {}
    for value, rs in filters["province"].items():
        where.update(dict.fromkeys(rs, 1 + names["province"][value]))
    for value, rs in filters["place"].items():
        where.update(dict.fromkeys(rs, 1 + len(provinces) + names["place"][value]))
    reports = np.array(sorted(where), np.int64)
    pairs = np.stack([np.diff(reports, prepend=0), np.array([where[r] for r in reports.tolist()], np.int64)], 1)
    out[f"{FILTERS}places.js"] = script("f", "places", encode_ints(pairs.reshape(-1)))
    return out


def first_characters(characters: Iterable[str]) -> str:
    """The characters a term of the index starts with, each having a v/ file, in the form the
    search page's head carries them (search-head.js): their code points' differences in compact
    numbers, 2 kB at 10,000 reports. In the page, not dir.js, so that a query opened as a link
    asks for its vocabulary files while the page is parsed."""
    return encode_ints(np.diff(np.array(sorted(ord(c) for c in characters), np.int64), prepend=0))


def directory(reports: int, sections: int, provinces: Sequence[str],
              filters: Filters, places: Places, topic_names: Mapping[str, str]) -> bytes:
    """dir.js: what the page reads first."""
    return script("dir", 0, {
        "version": VERSION,
        "reports": reports,
        "sections": sections,
        "prune": PRUNE,
        "chunk": CHUNK,
        "provinces": list(provinces),
        # Reports per province: the page widens a common-word query to the largest first.
        "province_reports": [len(filters["province"].get(p, ())) for p in provinces],
        "places": places,
        "years": sorted(int(y) for y in filters["year"]),
        "topics": {t: topic_names.get(t, t) for t in sorted(filters["topic"])},
    })


# --- the vocabulary -----------------------------------------------------------------------

def vocabulary_files(c: str, terms: list[str], small: Mapping[str, SmallTerm],
                     large: Mapping[str, LargeTerm], recent: Mapping[str, int]) -> dict[str, bytes]:
    """v/ and p/ files of the terms starting with c (of the main index, of the recent additions
    or both; ``recent``: a term's df among the recent additions); split by the second character
    when one file would exceed VOCAB_BYTES (the page then loads v/<c> and v/<c>_<second>)."""
    terms = sorted(terms, key=utf16_key)
    out: dict[str, bytes] = {}
    if sum(len(t) * 3 + 12 for t in terms) <= VOCAB_BYTES:
        _vocabulary_file(c, terms, small, large, recent, out, ())
        return out
    by_second: dict[str, list[str]] = {}
    for t in terms:
        if len(t) > 1:
            by_second.setdefault(t[:2], []).append(t)
    subs = sorted(by_second, key=utf16_key)
    _vocabulary_file(c, [t for t in terms if len(t) == 1], small, large, recent, out, tuple(s[1] for s in subs))
    for s in subs:
        _vocabulary_file(s, by_second[s], small, large, recent, out, ())
    return out


def _vocabulary_file(prefix: str, terms: list[str], small: Mapping[str, SmallTerm], large: Mapping[str, LargeTerm],
                     recent: Mapping[str, int], out: dict[str, bytes], subs: tuple[str, ...]) -> None:
    """v/<prefix>.js and its p/ groups."""
    entries, groups, group, size = [], [], {}, 0
    for t in terms:
        if t in small:
            enc, df = small[t]
            if group and size + len(enc) > GROUP_BYTES:
                groups.append(group)
                group, size = {}, 0
            group[t] = enc
            size += len(enc) + len(t) * 3 + 6
            entry = [t[len(prefix):], df, len(groups)]
        elif t in large:
            big = large[t]
            rest = ["r"] if big.merged else [list(big.provinces)] if big.provinces else []
            entry = [t[len(prefix):], big.df, term_id(t)] + rest
        else:  # held by recent additions only
            entry = [t[len(prefix):], 0, None]
        if t in recent:
            entry[1] += recent[t]
            entry += [None] * (4 - len(entry)) + [1]
        entries.append(entry)
    if group:
        groups.append(group)
    key = hexkey(prefix)
    for g, members in enumerate(groups):
        out[f"{PREFIX}p/{key}-{g}.js"] = script("p", f"{key}-{g}", members)
    out[f"{PREFIX}v/{key}.js"] = script("v", key, {"terms": entries, "sub": [hexkey(prefix + s) for s in subs]})


def recent_file(c: str, postings: Mapping[str, str]) -> tuple[str, bytes]:
    """r/<c>.js: the recent additions' postings (encoded) of the terms starting with c."""
    key = hexkey(c)
    return f"{RECENT}{key}.js", script("r", key, dict(postings))


# --- large terms -----------------------------------------------------------------------

def unpruned_file(t: str, key: np.ndarray, wt: np.ndarray) -> tuple[str, bytes]:
    """The one t/ file of a term of at most PRUNE postings too large to group."""
    name = term_id(t)
    return f"{PREFIX}t/{name}.js", script("t", name, encode_postings(key, wt))


def _remainder(name: str, province: int) -> str:
    """The key of a large term's postings outside its top list in one province ("x": unplaced
    reports); search.js names them the same way."""
    return f"{name}-{province if province >= 0 else 'x'}"


def large_term_files(t: str, key: np.ndarray, wt: np.ndarray, province_of: np.ndarray, old: LargeTerm | None = None,
                     only: set[int] = frozenset(), top_hit: bool = False,
                     runs: Mapping[int, tuple[np.ndarray, np.ndarray]] | None = None) -> LargeFiles:
    """A large term's top PRUNE postings by rank, and the rest split by province.

    With ``old`` (the term's previous entry) only what the edit can have changed is
    re-encoded: the provinces in ``only`` (the edited reports'), those of the postings
    whose rank lies between the old and the new threshold (moved in or out of the top
    list), and the top list if it changed (``top_hit``); the other files keep their digests.
    """
    name = term_id(t)
    if old is not None and not old.merged and not top_hit and len(key) - PRUNE > REST_POSTINGS:
        # Nothing moved into or out of the top list (see ``note`` in SearchIndex.update), so its
        # threshold stands: only the edited reports' provinces are encoded again, their rows found
        # from their reports' numbers rather than by ranking all the term's postings.
        redo = sorted(only)
        parts = []
        for p in redo:
            starts, ends = runs[p]
            lo, hi = np.searchsorted(key, starts), np.searchsorted(key, ends)
            rows = np.concatenate([np.arange(a, b) for a, b in zip(lo.tolist(), hi.tolist())])
            rows = rows[rank(key[rows], wt[rows]) < old.threshold]
            parts.append((key[rows], wt[rows]))
        files, present, kept = _provinces_redone(name, old, redo, parts, {})
        return LargeFiles(files, present, False, old.threshold, kept)
    ranks = rank(key, wt)
    theta = int(np.partition(ranks, len(ranks) - PRUNE)[len(ranks) - PRUNE])
    rest = np.nonzero(ranks < theta)[0]
    if len(rest) <= REST_POSTINGS:
        top = np.nonzero(ranks >= theta)[0]
        return LargeFiles({f"{PREFIX}t/{name}.js": script("t", name, encode_postings(key[top], wt[top])),
                           f"{PREFIX}t/{name}-r.js": script("t", f"{name}-r", encode_postings(key[rest], wt[rest]))},
                          (), True, theta, {})
    if old is not None and not old.merged:
        prov_all = province_of[(key >> np.uint64(16)).astype(np.intp)]
        lo, hi = min(theta, old.threshold), max(theta, old.threshold)
        moved = prov_all[(ranks >= lo) & (ranks < hi)]
        redo = sorted(set(only) | set(np.unique(moved).tolist()))
        rest_mask = ranks < theta
        parts = [(key[m], wt[m]) for m in (rest_mask & (prov_all == p) for p in redo)]
        files: dict[str, bytes] = {}
        if top_hit or theta != old.threshold:
            top = ranks >= theta
            files[f"{PREFIX}t/{name}.js"] = script("t", name, encode_postings(key[top], wt[top]))
        files, present, kept = _provinces_redone(name, old, redo, parts, files)
        return LargeFiles(files, present, False, theta, kept)
    prov = province_of[(key[rest] >> np.uint64(16)).astype(np.intp)]
    order = np.argsort(prov, kind="stable")
    rest, prov = rest[order], prov[order]
    present = np.unique(prov)
    lo = np.searchsorted(prov, present, "left")
    hi = np.searchsorted(prov, present, "right")
    top = np.nonzero(ranks >= theta)[0]
    files = {f"{PREFIX}t/{name}.js": script("t", name, encode_postings(key[top], wt[top]))}
    parts = encode_postings_many([(key[rest[a:b]], wt[rest[a:b]]) for a, b in zip(lo, hi)])
    for p, enc in zip(present.tolist(), parts):
        label = _remainder(name, p)
        files[f"{PREFIX}t/{label}.js"] = script("t", label, enc)
    return LargeFiles(files, tuple(int(p) for p in present), False, theta, {})


def _provinces_redone(name: str, old: LargeTerm, redo: list[int], parts: list,
                      files: dict[str, bytes]) -> tuple[dict[str, bytes], tuple[int, ...], dict[str, str]]:
    """A large term's files after the provinces ``redo`` were encoded again from ``parts``
    (their postings outside the top list): files, provinces present, files kept as they were."""
    present = set(old.provinces)
    for p, enc in zip(redo, encode_postings_many(parts)):
        label = _remainder(name, p)
        if enc:
            files[f"{PREFIX}t/{label}.js"] = script("t", label, enc)
            present.add(p)
        else:
            present.discard(p)
    redone = {f"{PREFIX}t/{_remainder(name, q)}.js" for q in redo} | set(files)
    kept = {p: d for p, d in old.files.items() if p not in redone}
    return files, tuple(sorted(present)), kept
