"""Word segmentation (分词) for the search index: the one place that decides what a term is.

Text is NFKC-normalised and lower-cased (as the browser does to a query), then cut
into runs: a run of Han characters (CJK ideographs, extension planes included) goes
through jieba's search mode, which emits a long word and its dictionary sub-words
(行政复议 → 行政, 复议, 行政复议), so a reader's shorter query still finds the section;
beside jieba's words, every pair of adjacent Han characters in a run is a term too
(overlapping bigrams, as Lucene's CJKBigramFilter): whatever jieba makes of 区医调委共受理,
医调 and 调委 are indexed, so a query for any run of two or more Han characters finds
the section (the page checks the characters are adjacent, search.js). A bigram jieba
already emitted as a word at that place is not counted twice; every other run of letters and digits (app, 12348, ｆｕｌｌ → full) is one term, cut
by our own rule, so both segmenters agree on it. Punctuation and spaces separate
terms and are never terms; a decimal 3.5 gives the terms 3 and 5 (the query side,
matching the index's own vocabulary greedily, cuts "3.5" the same way).

jieba-rs (``rjieba``, the same dictionary and algorithm) does the Han runs: it gives
the same terms as pure-Python jieba (tests/search/test_search.py checks this on the seeds and
on generated text) about 15 times faster. Pure-Python jieba stays as the reference
and the fallback where rjieba is not installed. No words are added to the dictionary:
place names in a query become filters (generator/search/index.py), not terms.

The browser never runs jieba: it matches queries against the index's own vocabulary
(templates/assets/search.js), so only the terms written here matter.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np

# Han ideographs: URO, extension A, compatibility, and the supplementary planes (B–H).
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F), (0x30000, 0x323AF))
HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
_HAN_RUN = re.compile(f"[{HAN}]+")
_PAIR = re.compile("..", re.DOTALL)  # consecutive pairs of characters, not overlapping
# Letters and digits that are not Han: \w without "_" and without Han.
_RUN = re.compile(f"(?P<han>[{HAN}]+)|(?P<other>[^\\W_{HAN}]+)")


def normalize(text: str) -> str:
    """NFKC + lower case, the same as the browser applies to a query (ＡＰＰ → app)."""
    return unicodedata.normalize("NFKC", text).lower()


def _python_jieba() -> Callable[[str], Iterable[str]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    return tokenizer.cut_for_search


def _rust_jieba() -> Callable[[str], Iterable[str]] | None:
    try:
        import rjieba
    except ImportError:  # pragma: no cover - the lock file installs it
        return None
    return rjieba.cut_for_search


class TextsTerms(NamedTuple):
    """The terms of several texts: jieba's ``words`` of each but the bigrams, and every bigram of
    their Han runs as a number (first code point << 21 | second: ``bigram``), with the text it is in."""

    words: list[list[str]]
    bigrams: np.ndarray  # int64
    text_of: np.ndarray  # the text (index) of each bigram


def bigram_strings(numbers: np.ndarray) -> list[str]:
    """The two characters each bigram's number (``TextsTerms.bigrams``) stands for, cut from one
    string in C (a report has thousands)."""
    points = np.stack([numbers >> 21, numbers & 0x1FFFFF], 1).astype(np.uint32)
    return _PAIR.findall(points.tobytes().decode("utf-32-le"))


class Segmenter:
    """Search-mode terms of a text; ``engine`` is "rjieba" (default when installed) or "jieba"."""

    def __init__(self, engine: str = "auto"):
        cut = _rust_jieba() if engine in ("auto", "rjieba") else None
        if cut is None:
            if engine == "rjieba":
                raise RuntimeError("rjieba is not installed")
            cut = _python_jieba()
            engine = "jieba"
        else:
            engine = "rjieba"
        self.engine = engine
        self._cut = cut

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text``: jieba's words of its Han runs longer or shorter than two
        characters, its other runs, then every bigram of its Han runs; repeats kept (lunr counts
        them). Every 2-character word jieba makes of a Han run is the bigram at its place, so the
        words without them and every bigram are the same terms, counted once."""
        found = self.terms_of_texts([text])
        return found.words[0] + bigram_strings(found.bigrams)

    def terms_of_texts(self, texts: Sequence[str]) -> TextsTerms:
        """The terms of several texts (a report's fields), each text's as ``terms`` gives them, the
        bigrams as numbers: a report has as many bigrams as characters, and numbering them from its
        code points in numpy costs far less than a string and a count each."""
        normal = [normalize(t) for t in texts]
        words = [self._words_but_pairs(t) for t in normal]
        joined = "\n".join(normal)  # not Han: no bigram spans two texts
        points = np.frombuffer(joined.encode("utf-32-le"), np.uint32).astype(np.int64)
        han = np.zeros(len(points), bool)
        for lo, hi in HAN_RANGES:
            han |= (points >= lo) & (points <= hi)
        first = np.nonzero(han[:-1] & han[1:])[0]
        ends = np.cumsum([len(t) + 1 for t in normal])
        return TextsTerms(words, (points[first] << 21) | points[first + 1], np.searchsorted(ends, first, "right"))

    def words(self, text: str) -> list[str]:
        """jieba's words of ``text`` in order, repeats kept; no punctuation.

        The Han runs go to jieba in one call, joined by line breaks: jieba cuts each run
        between breaks on its own and returns a break as a word of its own, so the words
        are those of one call per run, without the cost of a call per clause."""
        runs = _RUN.findall(normalize(text))
        han = [h for h, _ in runs if h]
        words = self._cut("\n".join(han)) if han else []
        if len(han) == len(runs):
            return [w for w in words if w != "\n"]
        # Words never hold NUL (they come from Han runs): split the words back into runs in C.
        per_run = iter("\0".join(words).split("\0\n\0"))
        out: list[str] = []
        for h, other in runs:
            out.extend(next(per_run).split("\0") if h else [other])
        return out

    def _words_but_pairs(self, text: str) -> list[str]:
        """The words of a normalised text but the two-character words of its Han runs: theirs
        first, then the other runs (counting needs no order). Every word of a Han run is Han,
        so a pair is known by its length alone (no pattern match per word)."""
        runs = _RUN.findall(text)
        han = [h for h, _ in runs if h]
        words = [w for w in self._cut("\n".join(han)) if len(w) != 2 and w != "\n"] if han else []
        return words + [other for h, other in runs if not h] if len(han) < len(runs) else words


_DEFAULT: Segmenter | None = None


def default_segmenter() -> Segmenter:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Segmenter()
    return _DEFAULT


def han_runs(text: str) -> list[str]:
    """The Han runs of a normalised text (what jieba sees), for tests."""
    return _HAN_RUN.findall(normalize(text))
