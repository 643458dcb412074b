"""How well ingest labels real report openings: per-field accuracy against hand labels.

    .venv/bin/python benchmarks/realworld.py [FOLDER]

FOLDER (default ``../shared/realworld`` beside the repository) holds ``dev-*.txt`` (the
opening of a real published report, page chrome and all) and ``expected.tsv`` (columns
file, url, district, city, province, year, level, publisher, title, published; see that
folder's README). Each text goes through ingest's own text stage (``decode`` and
``ingest_text``, as ``fazhi ingest`` runs them on an original's bytes), and every field is
compared with its label:

- text fields are compared after NFKC (the crawl folded some full-width punctuation to
  ASCII, so ``（一）`` and ``(一)`` are one spelling) and with all whitespace removed;
  an empty label matches only an empty value;
- ``title``: a label ``*`` means the text states no title, matched when ingest composed one
  (``title_inferred: true``); any other label is matched only by a title found in the text;
- ``year`` is compared as a number, ``published`` as an ISO date.

It prints the accuracy of each field and then every miss (file, field, expected, got).
Nothing is asserted: it measures.
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest.decode import Unusable, decode  # noqa: E402
from generator.ingest.text import ingest_text

DEFAULT_FOLDER = ROOT.parent / "shared" / "realworld"
FIELDS = ("title", "year", "district", "city", "province", "publisher", "published")
NO_TITLE = "*"


@dataclass(frozen=True)
class Miss:
    file: str
    field: str
    expected: str
    got: str


def normalise(value: object) -> str:
    """The form two spellings of one value share: NFKC, no whitespace; None is empty."""
    text = "" if value is None else str(value)
    return "".join(unicodedata.normalize("NFKC", text).split())


def shown_title(fields: dict) -> str:
    return f"{fields['title']} (composed)" if fields["title_inferred"] else fields["title"]


def matches(field: str, expected: str, fields: dict) -> bool:
    if field == "title":
        if expected == NO_TITLE:
            return bool(fields["title_inferred"])
        return not fields["title_inferred"] and normalise(fields["title"]) == normalise(expected)
    return normalise(fields[field]) == normalise(expected)


def label_rows(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "expected.tsv", encoding="utf-8", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}


def ingest_fields(path: Path) -> dict | str:
    """What ingest makes of one original, or why it made nothing."""
    try:
        return ingest_text(decode(path.read_bytes()), path.name, path.name, "0" * 64, []).fields
    except Unusable as exc:
        return f"unusable: {exc}"
    except Exception as exc:  # a crash on real text is a miss to see, not the end of the measurement
        return f"crashed: {type(exc).__name__}: {exc}"


def measure(folder: Path) -> tuple[int, dict[str, int], list[Miss], list[str]]:
    """(texts measured, correct count per field, misses, texts without a label)."""
    labels = label_rows(folder)
    correct = dict.fromkeys(FIELDS, 0)
    misses: list[Miss] = []
    unlabelled: list[str] = []
    texts = sorted(folder.glob("dev-*.txt"))
    measured = 0
    for path in texts:
        label = labels.get(path.name)
        if label is None:
            unlabelled.append(path.name)
            continue
        measured += 1
        fields = ingest_fields(path)
        for field in FIELDS:
            if isinstance(fields, str):
                misses.append(Miss(path.name, field, label[field], fields))
            elif matches(field, label[field], fields):
                correct[field] += 1
            else:
                got = shown_title(fields) if field == "title" else fields[field]
                misses.append(Miss(path.name, field, label[field], "" if got is None else str(got)))
    return measured, correct, misses, unlabelled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER,
                        help=f"folder of dev-*.txt and expected.tsv (default {DEFAULT_FOLDER})")
    args = parser.parse_args(argv)
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"{folder}: error: no such folder (it should hold dev-*.txt and expected.tsv)", file=sys.stderr)
        return 2
    if not (folder / "expected.tsv").is_file():
        print(f"{folder / 'expected.tsv'}: error: no labels file", file=sys.stderr)
        return 2
    measured, correct, misses, unlabelled = measure(folder)
    if not measured:
        print(f"{folder}: error: no labelled dev-*.txt texts to measure", file=sys.stderr)
        return 2
    for name in unlabelled:
        print(f"{folder / name}: warning: no row in expected.tsv, not measured", file=sys.stderr)
    print(f"ingest on {measured} texts in {folder}")
    print()
    print("| field | correct | accuracy |")
    print("| --- | --- | --- |")
    for field in FIELDS:
        print(f"| {field} | {correct[field]}/{measured} | {correct[field] / measured:.0%} |")
    total = sum(correct.values())
    print(f"| all fields | {total}/{measured * len(FIELDS)} | {total / (measured * len(FIELDS)):.0%} |")
    if misses:
        print()
        print("misses (file, field, expected, got):")
        for m in misses:
            print(f"  {m.file}\t{m.field}\texpected {m.expected or '(empty)'!r}\tgot {m.got or '(empty)'!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
