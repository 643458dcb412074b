"""A report body's sections (章节) and their anchors: stable, so a citation's #s2-1 keeps working.

Headings are found by markdown-it; numbered headings (一、, (一), 1.) give anchors by their
numbers, so correcting a heading's words moves no anchor.
"""

from __future__ import annotations

import re
import unicodedata

from generator.model.markdown import tokens_of
from generator.model.report import LEAD_ANCHOR, Section

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零三 → 103; None if not a numeral."""
    if not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return None
    total, digit = 0, None
    for c in text:
        if c == "百":
            total += (digit if digit is not None else 1) * 100
            digit = None
        elif c == "十":
            total += (digit if digit is not None else 1) * 10
            digit = None
        else:
            digit = _CN_DIGITS[c] if digit is None else digit * 10 + _CN_DIGITS[c]
    return total + (digit or 0)


_NUMBERED = re.compile(
    r"^\s*(?:"
    r"(?P<cn>[一二三四五六七八九十百零〇两]+)\s*[、.．]"  # 一、
    r"|[(（]\s*(?P<cnp>[一二三四五六七八九十百零〇两]+)\s*[)）]"  # (一) （一）
    r"|[(（]\s*(?P<arp>\d+)\s*[)）]"  # (1)
    r"|(?P<ar>\d+)\s*[、.．](?!\d)"  # 1. 1、 １．
    r"|第(?P<ord>[一二三四五六七八九十百零〇两]+|\d+)[部章节]"  # 第一部分
    r")"
)


def heading_number(heading: str) -> int | None:
    """The number a heading gives itself (一、→1, （三）→3, 2.→2), or None."""
    m = _NUMBERED.match(unicodedata.normalize("NFKC", heading))
    if not m:
        return None
    for name in ("cn", "cnp", "ord"):
        if m.group(name):
            value = m.group(name)
            return int(value) if value.isdigit() else chinese_number(value)
    return int(m.group("arp") or m.group("ar"))


def inline_text(token) -> str:
    """Plain text of an inline token: what a reader sees, without Markdown escapes."""
    out = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "image":
            out.append(inline_text(child))
    return "".join(out)


def heading_anchors(headings: list[tuple[int, str]]) -> list[str]:
    """Stable anchors for (level, text) headings in document order.

    An anchor follows the report's own numbering from the top down: 二、 → ``s2``,
    its （三） → ``s2-3``, that one's 1. → ``s2-3-1``. Numbers are those written,
    gaps included, so an anchor survives corrections elsewhere in the text. An
    unnumbered heading takes ``u`` and its position among its siblings; a repeated
    anchor takes ``-2``, ``-3``.
    """
    anchors: list[str] = []
    used: set[str] = {LEAD_ANCHOR}
    stack: list[tuple[int, str]] = []  # (level, part)
    sibling_count: dict[tuple[str, ...], int] = {}
    for level, text in headings:
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = tuple(part for _, part in stack)
        sibling_count[parent] = sibling_count.get(parent, 0) + 1
        number = heading_number(text)
        part = str(number) if number is not None else f"u{sibling_count[parent]}"
        stack.append((level, part))
        base = "s" + "-".join(part for _, part in stack)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors.append(anchor)
    return anchors


def sections_of(body: str) -> tuple[Section, ...]:
    """Cut a Markdown body into its lead and heading sections."""
    tokens = tokens_of(body)
    chunks: list[tuple[int, str, list[str]]] = [(1, "", [])]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            # A level-1 heading (an editor's "# 编者按") is a top-level heading like 一、: nesting
            # what follows under it would renumber every anchor below (citations point at them).
            chunks.append((max(2, int(tok.tag[1])), inline_text(tokens[i + 1]), []))
            i += 3
            continue
        if tok.type == "tr_open":  # a table row is one line, so a figure's label and its number read together
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "tr_close")
            chunks[-1][2].append("".join(inline_text(t) for t in tokens[i:end] if t.type == "inline"))
            i = end + 1
            continue
        if tok.type == "inline":
            chunks[-1][2].append(inline_text(tok))
        elif tok.type in ("fence", "code_block"):
            chunks[-1][2].append(tok.content.rstrip("\n"))
        i += 1
    anchors = heading_anchors([(level, heading) for level, heading, _ in chunks[1:]])
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    lead = chunks[0]
    if lead[2]:
        sections.append(Section(LEAD_ANCHOR, 1, "", (), "\n".join(lead[2])))
    for (level, heading, paragraphs), anchor in zip(chunks[1:], anchors):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        sections.append(Section(anchor, level, heading, tuple(h for _, h in stack), "\n".join(paragraphs)))
    return tuple(sections)
