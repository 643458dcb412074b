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

import yaml

from generator.model import SLUG_RE, Section
from generator.problems import Problem, error

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
    if not path.exists():
        return (), [error(path, "topic taxonomy is missing")]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return (), [error(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", mark.line + 1 if mark else None)]
    if not isinstance(data, list):
        return (), [error(path, "expected a list of topics")]
    topics, problems, seen = [], [], set()
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k) for k in ("slug", "name")):
            problems.append(error(path, f"topic {i} needs a slug and a name"))
            continue
        words = item.get("words") or []
        if not SLUG_RE.match(item["slug"]) or item["slug"] in seen:
            problems.append(error(path, f"topic {i}: slug {item['slug']!r} must be unique lower-case ASCII with hyphens"))
            continue
        if not isinstance(words, list) or not words or not all(isinstance(w, (str, int)) for w in words):
            problems.append(error(path, f"topic {item['slug']}: words must be a non-empty list"))
            continue
        seen.add(item["slug"])
        topics.append(Topic(item["slug"], item["name"], str(item.get("description") or ""), tuple(str(w) for w in words)))
    return tuple(topics), problems


def score(section: Section, topic: Topic) -> int:
    return sum(HEADING_WEIGHT * section.heading.count(w) + section.text.count(w) for w in topic.words)


def classify_section(section: Section, topics: tuple[Topic, ...]) -> tuple[str, ...]:
    return tuple(t.slug for t in topics if score(section, t) >= THRESHOLD)


def classify_report(sections: tuple[Section, ...], topics: tuple[Topic, ...]) -> tuple[str, ...]:
    def central(section: Section, topic: Topic) -> bool:
        if any(w in section.heading for w in topic.words):
            return True
        # No word in the heading: the score is the text's count, and can stop at the bar
        # (this runs for every section and topic of every report at ingest).
        found, text = 0, section.text
        for w in topic.words:
            found += text.count(w)
            if found >= 2 * THRESHOLD:
                return True
        return False

    return tuple(t.slug for t in topics if any(central(s, t) for s in sections))
