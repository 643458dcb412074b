"""A report's terms: what the index takes from one report, segmented and weighted.

Documents are sections (the report's lead and each heading), so a hit opens the
report at that section. Weights do not depend on other documents, so an edit
changes only the edited report's postings: for each (term, section, field) we
store lunr's BM25 term-frequency part ``(k1+1)·tf / (k1·(1 − b + b·len/avg) + tf)``
with k1 = 1.2, b = 0.75 and a FIXED average field length (``AVG_LENGTH``, the
seeds' averages rounded), times 1000 and rounded (lunr keeps 3 decimals). The
page computes lunr's idf and vector values from them (see files.py).
"""

from __future__ import annotations

import itertools
import json
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from generator.core.atomic import write_atomic
from generator.core.digests import digest as _digest
from generator.core.shelf import UNREADABLE, DamagedCache
from generator.model.report import LEAD_ANCHOR, Report
from generator.search.segment import bigram_strings, default_segmenter

# lunr's BM25 constants and our fixed average field lengths (tokens; the seeds'
# averages rounded: headings 8.0, bodies 129.8 terms over their 101 sections).
K1, B = 1.2, 0.75
FIELDS = ("heading", "body")
BOOST = {"heading": 4, "body": 1}
AVG_LENGTH = {"heading": 8.0, "body": 130.0}


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

    Counting is done on arrays: every word of the report gets a number when first seen, a
    bigram has one from its characters (``Segmenter.terms_of_texts``), and (section, field,
    term) triples are counted at once."""
    fields = [text for pair in section_fields(report) for text in pair]  # section j's heading is 2j, its body 2j+1
    found = default_segmenter().terms_of_texts(fields)
    number: dict[str, int] = {}
    fresh = itertools.count()  # numbers need only be distinct: setdefault in C, unused ones skipped
    ids: list[int] = []
    slot: list[int] = []  # section·2 + field (0 heading, 1 body) of each word
    for i, words in enumerate(found.words):
        ids.extend(map(number.setdefault, words, fresh))
        slot.extend([i] * len(words))
    pairs, pair_id = np.unique(found.bigrams, return_inverse=True)
    pair_terms = bigram_strings(pairs)
    # The 2-character Han words are not among the words, so words and bigrams are apart.
    terms = sorted([*number, *pair_terms])
    position = {t: i for i, t in enumerate(terms)}
    sorted_id = np.zeros(len(ids), np.int64)
    sorted_id[list(number.values())] = [position[t] for t in number]
    word = np.concatenate([sorted_id[np.array(ids, np.int64)],
                           np.array([position[t] for t in pair_terms], np.int64)[pair_id.reshape(-1)]])
    where = np.concatenate([np.array(slot, np.int64), found.text_of.astype(np.int64)])
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
    """A report as the index sees it. ``terms`` comes along when the report changed, unless the
    caller names a file holding them (``SearchIndex.update``)."""

    slug: str
    digest: str
    title: str
    province: str
    city: str  # Report.distinct_city: the filters list a 直辖市's districts directly under it
    district: str
    year: int | None
    topics: tuple[str, ...]
    added: str = ""  # the day it entered the archive (front-matter ``added``): see recent.py
    terms: ReportTerms | None = field(default=None, compare=False)

    @property
    def place(self) -> str:
        return self.district or self.city or self.province

    @property
    def place_value(self) -> str:
        """The place filter's value: the full name from the province down (重庆市江北区)."""
        return self.province + self.city + self.district if self.place != self.province else ""

    @property
    def filtered(self) -> tuple:
        """What the filter files and dir.js hold of a report: when equal, they need not be made again."""
        return self.province, self.city, self.district, self.year, tuple(self.topics)

    def without_terms(self) -> "IndexEntry":
        """What the index keeps of a report: its terms are saved in its state folder."""
        return IndexEntry(self.slug, self.digest, self.title, self.province, self.city, self.district, self.year,
                          tuple(self.topics), self.added)


def store_terms(path: Path, rt: ReportTerms) -> None:
    """A report's terms in a file of their own, which an index's state can link (see ``update``)."""
    write_atomic(path, pickle.dumps(rt, protocol=pickle.HIGHEST_PROTOCOL))


def load_terms(path: Path) -> ReportTerms:
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except UNREADABLE as exc:
        raise DamagedCache(str(path)) from exc


def index_entry(report: Report, topics: Sequence[str], terms: ReportTerms | None = None) -> IndexEntry:
    """The index's view of a report; ``digest`` covers everything the index reads from it."""
    fingerprint = json.dumps([report.title, report.province, report.city, report.district, report.year,
                              list(topics), [[s.anchor, list(s.path), s.text] for s in report.sections]],
                             ensure_ascii=False)
    return IndexEntry(
        slug=report.slug, digest=_digest(fingerprint.encode("utf-8")), title=report.title,
        province=report.province, city=report.distinct_city, district=report.district, year=report.year,
        topics=tuple(topics), added=report.added,
        terms=terms if terms is not None else report_terms(report),
    )
