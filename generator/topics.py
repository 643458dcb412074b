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

from dataclasses import dataclass
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
    """Read the taxonomy; every malformed entry is reported, the rest are kept."""
    entries, problems = load_entries(path, "topic taxonomy", "topic", ("slug", "name"), SLUG_RE)
    topics = []
    for _, item in entries:
        words = item.get("words") or []
        if not isinstance(words, list) or not words or not all(isinstance(w, (str, int)) for w in words):
            problems.append(error(path, f"topic {item['slug']}: words must be a non-empty list"))
            continue
        topics.append(Topic(item["slug"], item["name"], str(item.get("description") or ""), tuple(str(w) for w in words)))
    return tuple(topics), problems


def score(section: Section, topic: Topic) -> int:
    return sum(HEADING_WEIGHT * section.heading.count(w) + section.text.count(w) for w in topic.words)


def classify_section(section: Section, topics: tuple[Topic, ...]) -> tuple[str, ...]:
    return tuple(t.slug for t in topics if score(section, t) >= THRESHOLD)


def classify_report(sections: tuple[Section, ...], topics: tuple[Topic, ...]) -> tuple[str, ...]:
    def central(section: Section, topic: Topic) -> bool:
        return any(w in section.heading for w in topic.words) or score(section, topic) >= 2 * THRESHOLD

    return tuple(t.slug for t in topics if any(central(s, t) for s in sections))
