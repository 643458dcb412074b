"""A large JSON object written as people diff it (one space of indent, sorted keys), re-encoding only
what changed.

``json.dumps`` with an indent runs the pure-Python encoder (the C one only writes compact
JSON): ``.machine.json`` at 10,000 reports took 2.8 s to write when one report was added.
Each top-level entry's text depends on its key and value alone, so the entries of a text
this function wrote before are reused for the values that are the same objects (the caller
replaces a changed value, never changes one in place: equality would take 1 for 1.0).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import NamedTuple

# In one-space-indented JSON a line that starts with exactly one space and a quote begins a
# top-level key: nested lines have more indent, and a string holds no raw line break.
_ENTRY_START = re.compile(r',\n(?= ")')


class Written(NamedTuple):
    """A text ``indented`` wrote, and the mapping it was written from (or one read from it)."""

    text: str
    mapping: Mapping


def indented(mapping: Mapping, before: Written | None = None) -> str:
    """``json.dumps(mapping, ensure_ascii=False, sort_keys=True, indent=1) + "\\n"``, the same
    text, taking the entry of each value that is its value in ``before`` from ``before.text``."""
    if not mapping:
        return "{}\n"
    reuse = _entries(before) if before is not None else {}
    parts = []
    for key in sorted(mapping):
        value = mapping[key]
        part = reuse.get(key)
        if part is None or before.mapping.get(key) is not value:
            encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n ")
            part = f" {json.dumps(key, ensure_ascii=False)}: {encoded}"
        parts.append(part)
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _entries(before: Written) -> dict[str, str]:
    """Key → the text of its entry in a text ``indented`` wrote (nothing, for any other text)."""
    text = before.text
    if not (text.startswith("{\n \"") and text.endswith("\n}\n")):
        return {}
    found = {}
    decoder = json.JSONDecoder()
    for part in _ENTRY_START.split(text[2:-3]):
        key, end = decoder.raw_decode(part, 1)
        if not isinstance(key, str) or part[end:end + 2] != ": ":
            return {}
        found[key] = part
    return found
