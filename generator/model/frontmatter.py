"""Front-matter as YAML: splitting it from the body, parsing it with the line of every key.

Dates stay text (``TextLoader``), so a bad date is reported like any bad field, and a key
given twice is found (YAML keeps the last silently). What the keys mean is schema.py.
"""

from __future__ import annotations

import yaml

_FENCE = "---"


class TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that keeps dates as text, so a bad date is reported like any bad field."""


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in TextLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---\\nYAML\\n---\\nbody``; return (yaml, body, body's first line number)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() == _FENCE:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None


def compose_front_matter(yaml_text: str) -> tuple[object, yaml.Node | None]:
    """The front-matter's data and its node tree (for line numbers), from one parse: a second
    and third parse for the lines of keys and figures were 20% of reading a report."""
    loader = TextLoader(yaml_text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def duplicate_keys(node: yaml.Node | None) -> list[tuple[str, int, int]]:
    """(key, first line, repeated line) for each key given twice in a mapping of the front-matter,
    at any depth: YAML's loader silently keeps the last, so ``year: 2021`` then ``year: 2019``
    would publish 2019 with no word."""
    found: list[tuple[str, int, int]] = []
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    line = k.start_mark.line + 2
                    if k.value in seen:
                        found.append((k.value, seen[k.value], line))
                    else:
                        seen[k.value] = line
                todo.append(v)
        elif isinstance(n, yaml.SequenceNode):
            todo.extend(n.value)
    return sorted(found, key=lambda f: f[2])


def key_lines_of(node: yaml.Node | None) -> dict[str, int]:
    """Line (1-based, within the file) of each key of a mapping (the front-matter's top level, or a
    value of it), for error messages."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 2 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The node of a top-level key's value."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def item_lines(node: yaml.Node | None, key: str) -> list[int]:
    """Line (1-based, within the file) of each item of a top-level list."""
    value = value_node(node, key)
    return [item.start_mark.line + 2 for item in value.value] if isinstance(value, yaml.SequenceNode) else []


def key_lines(text: str) -> dict[str, int]:
    """Line (1-based) of each top-level front-matter key of a report file's text; {} when it has no
    front-matter that parses. For messages about a file the caller already holds as text."""
    parts = split_front_matter(text.lstrip("\ufeff"))
    if parts is None:
        return {}
    try:
        return key_lines_of(compose_front_matter(parts[0])[1])
    except yaml.YAMLError:
        return {}
