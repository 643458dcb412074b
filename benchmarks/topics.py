"""How well sections are filed under topics: precision and recall against hand labels.

    .venv/bin/python benchmarks/topics.py [--misses] [--heldout-misses]

The labels (``tests/fixtures/topics/labels.yml``, see its header and the README's "Topics")
name, for every section of the seeds (``content/reports/*.md``) and of fixture reports
written for the purpose (``tests/fixtures/topics/reports/*.txt``, ingested as originals),
the topics a reader would file it under. Each report is classified as the build does it
for topic pages, and every (section, topic) pair is compared with the labels: per topic
and overall (micro-averaged), for the tuning part and the held-out part apart.

``--misses`` lists the tuning part's wrong and missing pairs; ``--heldout-misses`` the
held-out part's (look at them only once done tuning, or they are held out no longer).
Nothing is asserted here; ``tests/domain/test_topics.py`` holds the bar.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.domain.figures import load_indicators, quoted_topics  # noqa: E402
from generator.domain.topics import Topic, classify, load_topics  # noqa: E402
from generator.ingest.report_file import dump  # noqa: E402
from generator.ingest.text import ingest_text
from generator.model.reading import parse_report, read_report_file  # noqa: E402
from generator.model.report import Report

LABELS = ROOT / "tests" / "fixtures" / "topics" / "labels.yml"
FIXTURES = LABELS.parent / "reports"
CONTENT = ROOT / "content"
SPLITS = ("tuning", "heldout")


@dataclass(frozen=True)
class Pair:
    """One section's verdict on one topic: labelled (``expected``) and classified (``got``)."""

    report: str
    anchor: str
    heading: str
    topic: str
    expected: bool
    got: bool


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    @property
    def labelled(self) -> int:
        return self.true_positives + self.false_negatives


def load_report(name: str, topics: tuple[Topic, ...]) -> Report:
    """A seed as the archive holds it, or a fixture ingested as ``fazhi ingest`` would write it."""
    seed = CONTENT / "reports" / f"{name}.md"
    if seed.exists():
        report, problems, _ = read_report_file(seed, ROOT, CONTENT / "raw")
    else:
        source = FIXTURES / f"{name}.txt"
        indicators, _ = load_indicators(CONTENT / "indicators.yml")
        made = ingest_text(source.read_text(encoding="utf-8"), str(source), f"content/raw/{name}.txt", "0" * 64, [],
                           topics, indicators)
        report, problems = parse_report(Path(f"{name}.md"), dump(made.fields, made.body))
    if report is None:
        raise ValueError(f"{name}: {problems}")
    return report


def predicted(report: Report, topics: tuple[Topic, ...]) -> dict[str, tuple[str, ...]]:
    """Section anchor → the topics whose pages list it, as the build files them."""
    indicators, _ = load_indicators(CONTENT / "indicators.yml")
    filed = classify(report.sections, topics, quoted_topics(report.figures, indicators), report.topic_corrections)
    return {f.anchor: f.topics for f in filed.sections}


def pairs(split: str | None = None) -> list[Pair]:
    """Every (labelled section, topic) pair of the split (both when None)."""
    topics, problems = load_topics(CONTENT / "topics.yml")
    if problems:
        raise ValueError(problems)
    slugs = {t.slug for t in topics}
    out = []
    for entry in yaml.safe_load(LABELS.read_text(encoding="utf-8")):
        if split and entry["set"] != split:
            continue
        report = load_report(entry["report"], topics)
        sections = {s.anchor: s for s in report.sections}
        got = predicted(report, topics)
        labelled = {s["anchor"] for s in entry["sections"]}
        if labelled != set(sections):
            raise ValueError(f"{entry['report']}: labels name {sorted(labelled ^ set(sections))}, "
                             "which the report's sections do not match")
        for item in entry["sections"]:
            section = sections[item["anchor"]]
            if section.heading != item["heading"]:
                raise ValueError(f"{entry['report']}#{item['anchor']}: heading is {section.heading!r}, labelled {item['heading']!r}")
            unknown = set(item["topics"]) - slugs
            if unknown:
                raise ValueError(f"{entry['report']}#{item['anchor']}: unknown topics {sorted(unknown)}")
            for t in topics:
                out.append(Pair(entry["report"], item["anchor"], item["heading"], t.slug,
                                t.slug in item["topics"], t.slug in got[item["anchor"]]))
    return out


def scores(found: list[Pair]) -> tuple[Score, dict[str, Score]]:
    """Overall (micro-averaged) and per topic."""
    counts: dict[str, Counter] = {}
    for p in found:
        c = counts.setdefault(p.topic, Counter())
        c["tp"] += p.expected and p.got
        c["fp"] += p.got and not p.expected
        c["fn"] += p.expected and not p.got
    per_topic = {t: Score(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()}
    total = Score(*(sum(getattr(s, f) for s in per_topic.values()) for f in ("true_positives", "false_positives", "false_negatives")))
    return total, per_topic


def table(found: list[Pair], title: str) -> str:
    total, per_topic = scores(found)
    rows = [f"{title}: precision {total.precision:.3f} recall {total.recall:.3f} "
            f"({total.true_positives} right, {total.false_positives} wrong, {total.false_negatives} missing)",
            f"  {'topic':26} {'labelled':>8} {'precision':>9} {'recall':>7}"]
    for slug, s in per_topic.items():
        rows.append(f"  {slug:26} {s.labelled:8d} {s.precision:9.3f} {s.recall:7.3f}")
    return "\n".join(rows)


def misses(found: list[Pair]) -> str:
    rows = [f"  {'wrong' if p.got else 'missing'}: {p.report}#{p.anchor} {p.heading or '(lead)'} → {p.topic}"
            for p in found if p.expected != p.got]
    return "\n".join(rows) or "  none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the tuning part's misses")
    parser.add_argument("--heldout-misses", action="store_true", help="list the held-out part's misses")
    args = parser.parse_args(argv)
    by_split = {split: pairs(split) for split in SPLITS}
    for split in SPLITS:
        print(table(by_split[split], split))
    print(table(by_split["tuning"] + by_split["heldout"], "all"))
    if args.misses:
        print("tuning misses:\n" + misses(by_split["tuning"]))
    if args.heldout_misses:
        print("held-out misses:\n" + misses(by_split["heldout"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
