"""Topics (专题): the taxonomy in content/topics.yml and the classification of sections.

A section's score for a topic is the number of its signal words found in the
heading, counted three times, plus those in the text; a section belongs to a
topic at a score of 3 or more (one mention in passing is not enough, a word in
the heading is). Topic pages list every such section. A report is tagged with a
topic only when one of its sections is about it: the word is in a heading, or
the section scores twice the threshold; otherwise every report would carry
nearly every topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.model import SLUG_RE, Section
from generator.problems import Problem, error, load_entries

THRESHOLD = 3
HEADING_WEIGHT = 3


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str
    words: tuple[str, ...]


def load_topics(path: Path) -> tuple[tuple[Topic, ...], list[Problem]]:
    """Read the taxonomy; every malformed entry is one line (with its line), the rest are kept."""
    entries, problems = load_entries(path, "topic taxonomy", "topic", ("slug", "name", "description", "words"), 2, SLUG_RE)
    topics = []
    for entry in entries:
        item = entry.data
        words = item.get("words") or []
        if not isinstance(words, list) or not words or not all(isinstance(w, (str, int)) and str(w) for w in words):
            problems.append(error(path, f"topic {item['slug']}: words must be a non-empty list of words", entry.line_of("words")))
            continue
        topics.append(Topic(item["slug"], item["name"], str(item.get("description") or ""), tuple(str(w) for w in words)))
    return tuple(topics), problems


@lru_cache(maxsize=8)
def _finder(topics: tuple[Topic, ...]) -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    """One pass that finds which signal words occur, instead of counting every word in every section.

    The lookahead reports, at each position, the longest word starting there; a
    shorter word starting at the same place is a prefix of it, so each found word
    brings the words it contains."""
    words = sorted({w for t in topics for w in t.words})
    pattern = re.compile("(?=(" + _trie_pattern(words) + "))") if words else re.compile("(?!)")
    return pattern, {w: tuple(v for v in words if v != w and v in w) for w in words}


def _trie_pattern(words: list[str]) -> str:
    """A regex of the words as a trie (行政(?:复议|执法)…), longest match first; Python's re
    would otherwise try every word at every position."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie)


def _present(section: Section, topics: tuple[Topic, ...]) -> set[str]:
    pattern, inside = _finder(topics)
    found = set(pattern.findall(section.heading)) | set(pattern.findall(section.text))
    for w in list(found):
        found.update(inside[w])
    return found


def score(section: Section, topic: Topic, present: set[str]) -> int:
    """Heading hits ×3 plus text hits of the topic's words; ``present`` are the words found at all."""
    words = [w for w in topic.words if w in present]
    return sum(HEADING_WEIGHT * section.heading.count(w) + section.text.count(w) for w in words)


def classify(sections: tuple[Section, ...], topics: tuple[Topic, ...]) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """Each section's topics and the report's topics, reading each section's text once."""
    per_section: list[tuple[str, ...]] = []
    central: set[str] = set()
    for section in sections:
        present = _present(section, topics)
        mine = []
        for t in topics:
            words = [w for w in t.words if w in present]
            if not words:
                continue
            points = score(section, t, present)
            if points >= THRESHOLD:
                mine.append(t.slug)
            if points >= 2 * THRESHOLD or any(w in section.heading for w in words):
                central.add(t.slug)
        per_section.append(tuple(mine))
    return per_section, tuple(t.slug for t in topics if t.slug in central)
