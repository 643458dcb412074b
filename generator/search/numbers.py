"""Report numbers: where a report's postings and excerpt files are, stable as the archive grows.

A report's number follows from its own slug, year and province and from one block size for
all, not from its rank among the others: adding or removing a report moves few others (mostly
none), so it rewrites the search files of its own terms only. Numbered by rank, every later
report moved: adding one report to 1,000 wrote 9,500 of the 9,600 files the build wrote.

Numbers come in blocks, one per (year, province), in that order, so a province's reports lie
in a few runs of numbers (a large term's remainder files, t/<id>-<p>.js, are cut along them)
and postings delta-code in few digits. Within its block a report sits at its slug's hash,
kept in order (ordered linear probing: by (hash, slug), each at its hash or just after the
report before it), hashes falling in the block's first half so a block never overflows: a new
report moves only the reports that follow its hash contiguously. A block holds four times the
fullest block's reports, rounded up to a power of two; when the fullest outgrows a quarter of
it the size doubles and every report moves (the compaction). All of it is decided by the
content alone, so a full build and an incremental one give the same bytes.

The recent additions (recent.py) are numbered apart, after every block, in a region of
``APART`` numbers placed the same way: in a block, a new report moves the one at its hash (about
one report an addition), and a report of the main index that moves has all its terms' files
made again, which the recent additions are indexed apart to avoid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from generator.domain.places import province_code
from generator.search.recent import RECENT_REPORTS
from generator.search.terms import IndexEntry

FIRST_YEAR = 2010  # years slot 1…; earlier, later (beyond YEARS) and unknown years share slot 0
YEARS = 32
PROVINCES = 73  # slot 0: no province; 1…72: the codes 11…82 less 10
SMALLEST_BLOCK = 8
EMPTY = -2  # province_of at a number no report holds (-1: a report placed in no province)
APART = 4 * RECENT_REPORTS  # numbers of the recent additions' region, hashes in its first half


class Numbering(NamedTuple):
    """Every report's number (by slug), and the block size they were laid out with."""

    numbers: dict[str, int]
    block: int


def _block_of(e: IndexEntry) -> int:
    year = e.year - FIRST_YEAR + 1 if e.year and FIRST_YEAR <= e.year < FIRST_YEAR + YEARS - 1 else 0
    code = province_code(e.province)
    return year * PROVINCES + (code - 10 if code else 0)


def _hash(slug: str) -> int:
    return int.from_bytes(hashlib.blake2b(slug.encode("utf-8"), digest_size=8).digest(), "big")


def number_reports(entries: Iterable[IndexEntry], apart: frozenset[str] = frozenset()) -> Numbering:
    """Every report's number; those of ``apart`` (the recent additions) in their own region."""
    blocks: dict[int, list[str]] = {}
    recent: list[str] = []
    for e in entries:
        if e.slug in apart:
            recent.append(e.slug)
        else:
            blocks.setdefault(_block_of(e), []).append(e.slug)
    block = SMALLEST_BLOCK
    while block < 4 * max(map(len, blocks.values()), default=0):
        block *= 2
    numbers: dict[str, int] = {}
    for b, slugs in blocks.items():
        _place(slugs, b * block, block, numbers)
    _place(recent, YEARS * PROVINCES * block, APART, numbers)
    return Numbering(numbers, block)


def _place(slugs: list[str], start: int, size: int, numbers: dict[str, int]) -> None:
    """Number ``slugs`` from ``start`` on: each at its hash in the first half of ``size`` numbers,
    or just after the one before it (ordered linear probing)."""
    at = -1
    for home, slug in sorted((_hash(s) % (size // 2), s) for s in slugs):
        at = max(home, at + 1)
        numbers[slug] = start + at


def province_runs(province_of: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Each province's reports as runs of numbers no other province's report interrupts (numbers
    no report holds may lie inside), as bounds of posting keys (start, end): a province has about
    one run a year."""
    reports = np.flatnonzero(province_of != EMPTY)
    if not len(reports):
        return {}
    at = np.argsort(province_of[reports], kind="stable")  # positions among the reports, by province
    provinces = province_of[reports[at]]
    first = np.flatnonzero(np.concatenate([[True], (np.diff(at) != 1) | (np.diff(provinces) != 0)]))
    last = np.concatenate([first[1:], [len(at)]]) - 1
    runs: dict[int, tuple[list[int], list[int]]] = {}
    for a, b in zip(first.tolist(), last.tolist()):
        starts, ends = runs.setdefault(int(provinces[a]), ([], []))
        starts.append(int(reports[at[a]]))
        ends.append(int(reports[at[b]]) + 1)
    return {p: (np.array(s, np.uint64) << np.uint64(16), np.array(e, np.uint64) << np.uint64(16))
            for p, (s, e) in runs.items()}
