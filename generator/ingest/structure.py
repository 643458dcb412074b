"""The title, and the body's structure: headings and paragraphs as Markdown."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.domain import places
from generator.ingest.chrome import DATELINE, DOC_NUMBER, PROSE, SPACE, Facts, is_prose
from generator.ingest.lines import DATE, KINDS, SENTENCE_END, TITLE_KIND, heading_level

# --- title and structure -------------------------------------------------------------------

_SPEECH_LINE = re.compile(r"^(——|--|─)|会议上$|^[\u4e00-\u9fff（）()]{2,20}\s+[\u4e00-\u9fff]{2,4}$")
# A letter's addressee or a speech's salutation (县委: / 上海市人民政府: / 主任、各位副主任、委员:) and
# a speech's occasion, possibly over two lines (2025年3月17日在…人民代表大会 / 常务委员会…会议上).
ADDRESSEE = re.compile(r"^[^,，。；;]{1,40}[:：]$")
_OCCASION = re.compile(rf"会议上(的(讲话|报告|发言))?$|^({DATE}\s*)?在.{{2,40}}(会议|大会|常委会|常务委员会)")
_TITLE_END = re.compile(rf"({KINDS}|规划|規劃|方案)([(（][^()（）]{{1,10}}[)）])?$")
_YEAR = re.compile(r"(?:19|20)\d{2}")
# Below a title, a line that names none of these is a widget's words (点击关闭详细目录信息, 文件已失效).
_NAMES_SOMETHING = re.compile(rf"\d{{4}}|局|厅|政府|委|办|院|会|中心|所|{TITLE_KIND.pattern}|前言|引言|概述|摘要")


def _is_letter(line: str) -> bool:
    """An addressee, salutation, occasion or speaker line: the document's own opening, kept as text."""
    return bool(ADDRESSEE.match(line) or _OCCASION.search(line) or _SPEECH_LINE.search(line))


def head_end(lines: list[str]) -> int:
    """Where the text proper starts: its first sentence or numbered heading."""
    return next((i for i, line in enumerate(lines)
                 if not _is_letter(line) and (is_prose(line) or heading_level(line) is not None)), len(lines))


def _same_text(a: str, b: str) -> bool:
    return "".join(unicodedata.normalize("NFKC", a).split()) == "".join(unicodedata.normalize("NFKC", b).split())


def _starts_with_place(line: str) -> bool:
    found = places.named_places(line)
    return bool(found) and found[0].start == 0


def _title_candidate(line: str) -> bool:
    return (len(line) <= 60 and not PROSE.search(line) and not re.search("[:：]", line) and heading_level(line) is None
            and not _is_letter(line) and not DOC_NUMBER.match(line) and not DATELINE.match(line))


def _is_title(text: str) -> bool:
    """It says what report it is, and of which year or place (2023年义乌市法治政府建设工作情况报告)."""
    return bool(TITLE_KIND.search(text) and (_YEAR.search(text) or places.named_places(text)))


@dataclass(frozen=True)
class TitleLines:
    """Lines start…stop-1 of the head that together are a title."""

    start: int
    stop: int
    text: str


def _title_at(head: list[str], i: int) -> TitleLines | None:
    """A title starting at head[i]: one line, or up to three joined (焉耆回族自治县人民政府 /
    2022年度法治政府建设工作报告); its first line names its place, year or subject."""
    first = head[i]
    if not (_title_candidate(first) and (_YEAR.search(first) or first.startswith(("关于", "關於")) or places.named_places(first))):
        return None
    for stop in range(i + 1, min(i + 3, len(head)) + 1):
        last = head[stop - 1]
        if not _title_candidate(last) or (stop > i + 1 and _starts_with_place(last)):
            return None
        text = "".join(head[i:stop])
        if _is_title(text) and TITLE_KIND.search(last):
            # A title not yet ended goes on to the line that ends it (…法治政府建设 / 工作情况的报告),
            # to a line joined to it (…工作总结 / 暨2022年工作计划) and to its note (（征求意见稿）).
            while stop < len(head) and stop - i < 4 and _title_candidate(head[stop]) and not _starts_with_place(head[stop]) \
                    and ((not _TITLE_END.search(text) and _TITLE_END.search(head[stop]))
                         or head[stop].startswith(("暨", "及", "与", "以及", "(", "（"))):
                text += head[stop]
                stop += 1
            return TitleLines(i, stop, text)
    return None


def _titles(head: list[str]) -> list[TitleLines]:
    found: list[TitleLines] = []
    i = 0
    while i < len(head):
        title = _title_at(head, i)
        if title:
            found.append(title)
            i = title.stop
        else:
            i += 1
    return found


def take_title(lines: list[str], facts: Facts) -> list[str]:
    """Move the title and 发文字号 out of the head (the lines before the text proper).

    The title is the first line (or lines) there that names the report's kind and its year or
    place; the page's chrome above it and a widget's words below it leave too, and so does the
    title where the page repeats it. The document's own other heading (a page headline above
    秀山土家族苗族自治县人民政府 / 关于2020年度…的报告) stays as text and goes to ``facts.headings``;
    a letter's addressee, a speech's occasion and salutation stay as text.
    """
    end = head_end(lines)
    head = lines[:end]
    titles = _titles(head)
    title = next((t for t in titles if _YEAR.search(t.text)), titles[0] if titles else None)
    if title:
        facts.title = title.text
    starts = {t.start: t for t in titles}
    kept: list[str] = []
    i = 0
    while i < len(head):
        line = head[i]
        if i in starts:
            other = starts[i]
            if other is not title and not _same_text(other.text, facts.title):
                kept.extend(head[other.start:other.stop])
                facts.headings.append(other.text)
            i = other.stop
            continue
        if DOC_NUMBER.match(line):
            facts.doc_number = facts.doc_number or line
        elif _is_letter(line):
            kept.append(line)
        elif facts.title and _same_text(line, facts.title):
            pass  # the title again (the page shows it twice, or its 文件名称 is the title)
        elif title and (i < title.start or not (_NAMES_SOMETHING.search(line) or places.named_places(line))):
            pass  # the page's chrome above the title; a widget's words below it
        else:
            kept.append(line)
        i += 1
    return kept + lines[end:]


_MD_INLINE = re.compile(r"([\\`*_\[\]<>&~!])")
_MD_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}(?=[.)](\s|$))|=+\s*$|-+\s*$)")


def escape_markdown(text: str) -> str:
    """Escape what Markdown would read as markup, so the rendered text is the original."""
    text = _MD_INLINE.sub(r"\\\1", text)
    m = _MD_LINE_START.match(text)
    if m:
        start = m.group(0)
        if start[0].isdigit():
            text = start + "\\" + text[len(start) :]
        else:
            text = "\\" + text
    # A heading's trailing " #" would be read as its closing sequence and dropped.
    return re.sub(r"(?<=\s)#(?=#*\s*$)", r"\\#", text, count=1)


def _split_heading(line: str) -> tuple[str, str]:
    """A numbered line may carry its paragraph: "(一)统筹协调工作。切实担负…" → heading, text."""
    cut = next((i for i, c in enumerate(line) if c in "。；;"), None)
    if cut is not None and cut < 50 and cut + 1 < len(line):
        return line[: cut + 1], line[cut + 1 :].strip(SPACE)
    return line, ""


def _looks_like_unnumbered_heading(lines: list[str], i: int) -> bool:
    """A short, unpunctuated line between a finished sentence and a paragraph or
    numbered heading: a heading whose number is missing (seed 001's 加强落实,…)."""
    line = lines[i]
    return (
        4 <= len(line) <= 30
        and not any(c in line for c in SENTENCE_END + "：:")
        and i + 1 < len(lines)
        and lines[i - 1][-1] in "。：:；;！!？?"
        and (heading_level(lines[i + 1]) is not None or len(lines[i + 1]) > 30)
        and not _MD_LINE_START.match(line)
        and not re.fullmatch(DATE, line)
        and not _SPEECH_LINE.search(line)
        and not line.endswith(("局", "政府", "委员会", "办公室"))
    )


def structure(lines: list[str]) -> str:
    """Body lines → Markdown: 一、→##, (一)→###, 1./1、/（1）→####, the rest paragraphs.

    A numbered line longer than a heading and without an early full stop stays a
    paragraph. A short unnumbered line that reads as a heading takes the level of
    the heading before it (## if none): the original's missing number is not invented.
    """
    blocks: list[str] = []
    last_level = 2
    for i, line in enumerate(lines):
        level = heading_level(line)
        if level is not None:
            heading, rest = _split_heading(line)
            if len(heading) <= 60:
                blocks.append("#" * level + " " + escape_markdown(heading))
                if rest:
                    blocks.append(escape_markdown(rest))
                last_level = level
                continue
        elif i > 0 and _looks_like_unnumbered_heading(lines, i):
            blocks.append("#" * last_level + " " + escape_markdown(line))
            continue
        if line.startswith("|") and i > 0 and lines[i - 1].startswith("|"):
            blocks[-1] += "\n" + escape_markdown(line)  # a table's rows (originals.base.table_lines) stay one block
            continue
        blocks.append(escape_markdown(line))
    return "\n\n".join(blocks) + "\n"
