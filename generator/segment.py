"""Word segmentation (分词) for the search index: the one place that decides what a term is.

jieba's search mode emits a long word and its dictionary sub-words (行政复议 →
行政, 复议, 行政复议), so a reader's shorter query still finds the section.
The browser never runs jieba: it matches queries against the index's own
vocabulary (templates/assets/search.js), so only the terms written here matter.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable

import jieba

from generator.urls import _PLACE_SUFFIXES, _PROVINCE_SUFFIXES, _strip

jieba.setLogLevel(logging.WARNING)


def normalize(text: str) -> str:
    """NFKC + lower case, the same as the browser applies to a query (ＡＰＰ → app)."""
    return unicodedata.normalize("NFKC", text).lower()


def place_words(names: Iterable[str]) -> list[str]:
    """A place's full name and its short form (江北区 → 江北区, 江北), sorted, for the dictionary."""
    words = set()
    for name in names:
        name = normalize(name.strip())
        if not name:
            continue
        words.add(name)
        for suffixes in (_PLACE_SUFFIXES, _PROVINCE_SUFFIXES):
            short = _strip(name, suffixes)
            if len(short) >= 2:
                words.add(short)
    return sorted(words)


class Segmenter:
    """jieba in search mode with the archive's place names added to its dictionary.

    A private jieba.Tokenizer keeps these words out of the global jieba others use.
    """

    def __init__(self, places: Iterable[str] = ()):
        self._jieba = jieba.Tokenizer()
        for word in place_words(places):
            # A high frequency makes jieba keep 江北区 whole and emit 江北 as its sub-word.
            self._jieba.add_word(word, freq=100000)

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text`` in order, repeats kept (lunr counts them); no punctuation."""
        return [
            t for t in self._jieba.cut_for_search(normalize(text))
            if any(c.isalnum() for c in t)
        ]
