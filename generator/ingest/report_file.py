"""The report file: written in the schema's order, merged with an existing one so hand corrections survive."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.core.atomic import write_atomic
from generator.domain.figures import Indicator
from generator.domain.topics import KnownFiling, Topic
from generator.ingest.text import Ingested, file_sections
from generator.model.schema import FRONT_MATTER_KEYS, PROVENANCE_KEYS
from generator.model.sections import sections_of

# --- files ---------------------------------------------------------------------------------------


# libyaml's emitter writes what PyYAML's does, 4x faster, except that it escapes characters
# outside the Basic Multilingual Plane (rare CJK in names) and U+0085, and treats some
# breaks and controls differently, and writes an empty or long mapping key (PyYAML: `? key`)
# otherwise; such values go to the pure-Python emitter.
_LIBYAML_SAFE = re.compile(r"[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_CDumper = getattr(yaml, "CSafeDumper", None)


def _libyaml_writes_alike(value) -> bool:
    if isinstance(value, str):
        return _LIBYAML_SAFE.fullmatch(value) is not None
    if isinstance(value, dict):
        return all(isinstance(k, str) and 0 < len(k) <= 40 and _libyaml_writes_alike(k) and _libyaml_writes_alike(v)
                   for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_libyaml_writes_alike(v) for v in value)
    return True


def dump(fields: dict, body: str) -> str:
    """The report file: the known keys in their order, then any other key an editor added, as it was."""
    ordered = {k: fields.get(k) for k in FRONT_MATTER_KEYS if k not in PROVENANCE_KEYS or fields.get(k)}
    ordered.update((k, v) for k, v in fields.items() if k not in FRONT_MATTER_KEYS)
    dumper = _CDumper if _CDumper is not None and _libyaml_writes_alike(ordered) else yaml.SafeDumper
    head = yaml.dump(ordered, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)
    return f"---\n{head}---\n{body}"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds ``data``; whether it wrote."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return True


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The archive's readers and keepers are in China: a report ingested at 07:00 in Beijing was added
# that day, whatever the clock of the machine (a host's builder runs in UTC).
CHINA = datetime.timezone(datetime.timedelta(hours=8), "CST")


def archive_date() -> str:
    return datetime.datetime.now(CHINA).date().isoformat()


def added_date(current: dict | None, machine: dict | None, today: str) -> str:
    """When the report entered the archive: the date its file holds (ingest's own or an editor's),
    else the one ingest last wrote into it (a deleted line comes back), else ``today``, the first
    ingest of its original. Written once, it never moves, so the build that orders 最新收录 by it
    stays deterministic."""
    for value in ((current or {}).get("added"), ((machine or {}).get("fields") or {}).get("added")):
        if isinstance(value, str) and value.strip():
            return value
    return today


@dataclass(frozen=True)
class Merged:
    """A report file's new contents, and what the next run compares them with (``.machine.json``)."""

    fields: dict
    body: str
    recorded: dict  # what ingest made of the original; ``topics`` as derived from what was kept
    filing: KnownFiling  # a filing of the sections for the build to take (topics.KNOWN_FILINGS): the one made of what was kept, when
                         # ingest made one, else the original's, which the build takes only if its inputs are the same


def merge(new: Ingested, current: tuple[dict, str] | None, machine: dict | None, topics: tuple[Topic, ...] = (),
          indicators: tuple[Indicator, ...] = ()) -> Merged:
    """Keep hand corrections: a value that differs from what ingest last wrote wins. ``topics``
    follows what was kept: a corrected body, ``section_topics`` or ``figures`` file sections anew,
    unless ``topics`` itself was corrected."""
    if current is None:
        return Merged(new.fields, new.body, new.fields, new.filing)
    fields, body = current
    last_fields = (machine or {}).get("fields", {})
    by_hand = {k for k in FRONT_MATTER_KEYS if k in fields and (machine is None or fields.get(k) != last_fields.get(k))}
    merged = {k: fields[k] if k in by_hand else new.fields.get(k, "") for k in FRONT_MATTER_KEYS}
    merged.update((key, value) for key, value in fields.items() if key not in merged)  # an editor's own key (a typo?) stays
    keep_body = machine is None or sha(body) != machine.get("body_sha256")
    body = body if keep_body else new.body
    if "topics" in by_hand:
        return Merged(merged, body, new.fields, new.filing)
    if keep_body or by_hand & {"section_topics", "figures"}:
        merged["topics"], filing = file_sections(sections_of(body), merged["figures"], merged["section_topics"], topics, indicators)
    else:
        filing = new.filing
    return Merged(merged, body, {**new.fields, "topics": merged["topics"]}, filing)
