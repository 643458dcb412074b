"""Topic classification: the one-pass trie search gives exactly what counting every word gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Section
from generator.topics import HEADING_WEIGHT, THRESHOLD, classify, load_topics

ROOT = Path(__file__).resolve().parent.parent
TOPICS, _ = load_topics(ROOT / "content" / "topics.yml")
WORDS = sorted({w for t in TOPICS for w in t.words})
# Signal words (some contain others: 复议 in 行政复议), their pieces, and filler.
PIECES = st.sampled_from(WORDS + [w[:2] for w in WORDS] + ["，", "工作", "区", "。"])


def naive(sections):
    """The definition: count every word of every topic in every section."""
    def points(s, t):
        return sum(HEADING_WEIGHT * s.heading.count(w) + s.text.count(w) for w in t.words)

    per = [tuple(t.slug for t in TOPICS if points(s, t) >= THRESHOLD) for s in sections]
    central = [t.slug for t in TOPICS
               if any(any(w in s.heading for w in t.words) or points(s, t) >= 2 * THRESHOLD for s in sections)]
    return per, tuple(central)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(PIECES, max_size=3), st.lists(PIECES, max_size=12)), min_size=1, max_size=4))
def test_classify_agrees_with_counting_every_word(parts):
    sections = tuple(Section(f"s{i}", 2, "".join(h), ("".join(h),), "".join(b)) for i, (h, b) in enumerate(parts))
    assert classify(sections, TOPICS) == naive(sections)
