"""``fazhi ingest``: turn each original in content/raw/ into content/reports/<slug>.md.

The stages, each a small named function: decode → lines → strip page chrome
(its facts become front-matter) → title, 发文字号 → structure (headings and
paragraphs as Markdown) → metadata (year, period, publisher, place) → merge with
an existing file so hand corrections survive → write atomically.

Hand corrections: ``content/reports/.machine.json`` records, per report, the
value ingest last wrote for every front-matter field and the hash of the body it
last wrote. On the next run a field (or the body) whose current value differs
from that record was corrected by hand and is kept; everything else is
refreshed. A file whose result is unchanged is not rewritten.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import multiprocessing
import os
import re
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from generator import places, urls
from generator.planned import tree_digest
from generator.model import CONTROL, FRONT_MATTER_KEYS, PROVENANCE_KEYS, Section, compose_front_matter, read_report_text, duplicate_keys, figures_from, key_lines, sections_of, split_front_matter
from generator.figures import Indicator, extract_sections, load_indicators, quoted_topics
from generator.topics import Topic, classify, load_topics
from generator.problems import Problem, error, has_errors, report, warning
from generator.progress import progress, summary
from generator.write import write_atomic

if TYPE_CHECKING:
    from generator.originals import Original

MACHINE_FILE = ".machine.json"

# --- decode -------------------------------------------------------------------------


class Unusable(Exception):
    """A raw file that cannot be read as a report; the message is the reason."""


def decode(data: bytes) -> str:
    """Bytes → text with \\n line endings.

    UTF-16 with a BOM (Windows "Unicode" files), then UTF-8 (with or without BOM),
    then GB18030 (the national standard, a superset of GB2312 and GBK), all strict; control
    characters are dropped (vertical tab and form feed become line breaks).
    No detector guesses: GB18030 decodes almost any byte string, so a detector's
    guess could only replace a wrong GB18030 reading with another guess.
    """
    if not data:
        raise Unusable("empty file")
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unusable("starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    elif b"\x00" in data:
        raise Unusable("binary file (contains NUL bytes), not a text report")
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        raise Unusable("cannot be decoded as UTF-8 or GB18030/GBK")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Vertical tab and form feed break lines in text exported from Word; other control characters
    # are invisible, never meant, and would make the feed invalid XML (model.CONTROL).
    text = CONTROL.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", text)
    if not text.strip():
        raise Unusable("blank file (only whitespace)")
    return text


# --- page chrome ------------------------------------------------------------------------
#
# Pages copied from government sites carry their site's chrome around the report: metadata
# tables and lines, breadcrumbs, navigation rows, date banners, font-size, share, print and
# read-aloud widgets. Chrome is recognised by what it is, whatever the site; its facts go to
# front-matter. Lines are "in the head" until the text proper starts (the first sentence or
# numbered heading): banners, breadcrumbs without a 位置 label, navigation rows and widgets are
# only taken for chrome there, where the report itself has not begun.

_SPACE = " \t\u3000\u00a0\u200b\ufeff"
_BULLETS = "•·●▪◆■*"
# Metadata keys as sites label them, and the fact each gives (None: shown, not kept).
_META_KEYS = {
    "信息索引号": "doc_index", "索引号": "doc_index",
    "文件名称": "title", "标题": "title",
    "发布机构": "source_org", "发文机关": "source_org", "发文单位": "source_org",
    "发文字号": "doc_number", "文号": "doc_number",
    "发布日期": "published", "发布时间": "published", "公开日期": "published",
    "日期": "dated", "时间": "dated",
    "更新时间": "updated", "更新日期": "updated",
    "成文日期": "written", "生成日期": "written",
    "文章来源": "source", "信息来源": "source", "来源": "source",
    "公开方式": None, "公开范围": None, "主题分类": None, "体裁分类": None, "组配分类": None, "主题词": None,
    "有效性": None, "作者": None, "编辑": None, "责任编辑": None, "责编": None, "审核": None, "发布人": None, "录入": None,
    "浏览次数": None, "浏览量": None, "浏览": None, "访问次数": None, "访问量": None, "阅读次数": None, "阅读量": None,
    "阅读": None, "点击率": None, "点击数": None, "点击量": None, "点击": None,
    "字号": None, "字体": None, "字体大小": None, "分享到": None, "分享": None, "打印": None, "关闭": None, "收藏": None,
}
# An index table's value may stand on the line below its key (信息索引号: / 330782…/2024-549121).
_TABLE_KEYS = {"信息索引号", "索引号", "文件名称", "标题", "发布机构", "发文机关", "发文字号", "文号", "发布日期",
               "成文日期", "公开方式", "公开范围", "主题分类", "体裁分类", "有效性"}
# Keys that may stand without a colon: dates (发布时间 2025年09月05日) and widgets (【字体: 打印).
_WIDGET_KEYS = {"字号", "字体", "字体大小", "分享到", "分享", "打印", "关闭", "收藏"}
# Which stated date is the publication date: 发布 over a bare 日期/时间 or dateline, over 更新, over 成文.
_DATE_RANK = {"published": 0, "dated": 1, "updated": 2, "written": 3}
_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
_TIME = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DATE_AT = re.compile(r"\s*" + _DATE)
_DATELINE = re.compile(rf"^[(（]?\s*{_DATE}{_TIME}\s*[)）]?$")
_DATELINE_START = re.compile(r"[(（]?\s*\d{4}\s*[-年/.]")
_KEY_AT = re.compile(
    r"(?P<open>[\[【]\s*)?(?P<key>" + "|".join(sorted(_META_KEYS, key=len, reverse=True))
    + r")(?P<close>\s*[\]】])?(?P<colon>\s*[:：])?"
)
_CHROME = re.compile(
    r"^(分享(到)?[:：]?.*|朗读|打印(本页)?|关闭(窗口)?|收藏|【?字号】?[:：]?.*|.*【大】.*【中】.*【小】.*|"
    r"(您|你)?(当前|现在|目前)?(所在)?的?(当前)?位置\s*[:：].*|首页\s*(>|›|»|→|＞|/).*|"
    r"浏览(量|次数)[:：]?\s*\d*|访问(量|次数)[:：]?\s*\d*|"
    r"(\s*[【\[]?(打印本页|打印|关闭窗口|关闭|返回顶部|收藏本页|收藏|我要纠错)[】\]]?)+|扫一扫.*|微信扫一扫.*|(上一篇|下一篇)[:：].*|"
    # audio and reading widgets
    r"(语音|智能)?(播报|朗读)(本文|全文)?|进入播报模式|退出播报模式?|听全文|(开始|停止|暂停)(朗读|播放)|"
    r"(无障碍|读屏|阅读|关怀|长者)(浏览|阅读|模式|版))$"
)
# Head only: a date banner (今天是:2021年5月12日 星期三 农历四月初一), a breadcrumb without a 位置
# label (政务公开 > 工作报告), a row of site navigation (首页 政务公开 政务服务 互动交流).
_BANNER = re.compile(rf"^(今天是|今日是?|当前日期)[:：]?.{{0,40}}$|^{_DATE}\s*(星期|周|礼拜)[一二三四五六日天].{{0,20}}$")
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|›|»|→|＞|->)\s*")
_NAV_SEPARATOR = re.compile(r"[\s|｜丨]+")
_PROSE = re.compile(r"[。；;！!？?，,]")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d+\s*[号號](\s*(签发人|簽發人)[:：]?\s*\S{0,8})?$")


@dataclass
class Facts:
    """Front-matter facts found outside the body: page metadata, title, 发文字号, 来源."""

    title: str = ""
    title_inferred: bool = False
    doc_index: str = ""
    doc_number: str = ""
    source: str = ""
    published: str = ""
    published_rank: int = len(_DATE_RANK)  # the _DATE_RANK of the date in ``published``
    source_org: str = ""
    headings: list[str] = field(default_factory=list)  # the document's own headings besides the title

    def stated_date(self, kind: str, text: str) -> None:
        """Keep the date ``text`` states if it says more surely when the page was published."""
        iso = _iso_in(text)
        if iso and _DATE_RANK[kind] < self.published_rank:
            self.published, self.published_rank = iso, _DATE_RANK[kind]


def _iso_in(text: str) -> str:
    """The first real calendar date in the text, ISO; '' when none (2024-549121 is no date)."""
    for m in re.finditer(_DATE, text):
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


def clean_lines(text: str) -> list[str]:
    """Lines with surrounding blanks and list bullets removed; empty lines dropped."""
    out = []
    for line in text.split("\n"):
        line = line.strip(_SPACE)
        if line and line[0] in _BULLETS and len(line) > 1 and line[1] in _SPACE:
            line = line[1:].strip(_SPACE)
        if line:
            out.append(line)
    return out


def metadata_pairs(line: str) -> list[tuple[str, str]] | None:
    """The (key, value) pairs of a line that holds only page metadata, else None:
    ``来源:某区人民政府  发布时间:2022年3月28日``, ``[ 索引号 ] 1150… [ 发文字号 ]``,
    ``来源:叶城县司法局 作者: 发布时间 2025年09月05日 点击数:``, and a dateline
    ``2019-09-06 15:46  来源:…`` (its date under the key 日期)."""
    if not _KEY_AT.match(line) and not _DATELINE_START.match(line):
        return None  # most lines: only a key or a date opens a metadata line
    keys = []
    for m in _KEY_AT.finditer(line):
        rest = line[m.end():]
        # A key with a colon or in brackets is one wherever it stands; a bare one only as a word of its own.
        if (m.group("colon") or (m.group("open") and m.group("close"))
                or ((m.start() == 0 or line[m.start() - 1] in _SPACE + "|｜】]")
                    and ((_META_KEYS[m.group("key")] in _DATE_RANK and _DATE_AT.match(rest))
                         or (m.group("key") in _WIDGET_KEYS and re.match(r"\s|$|【", rest))))):
            keys.append(m)
    if not keys:
        return None
    opening = line[: keys[0].start()].strip(_SPACE)
    if opening and not _DATELINE.match(opening):
        return None
    pairs = [("日期", opening)] if opening else []
    for m, after in zip(keys, keys[1:] + [None]):
        pairs.append((m.group("key"), line[m.end(): after.start() if after else len(line)].strip(_SPACE + "|｜【】[]")))
    return pairs


def _is_prose(line: str) -> bool:
    """A line of the report's own text: it has sentence or clause punctuation, or is long."""
    return bool(_PROSE.search(line)) or len(line) > 60


def _is_breadcrumb(line: str) -> bool:
    parts = _CRUMB_SEPARATOR.split(line)
    return len(parts) >= 2 and all(0 < len(p) <= 20 and not _PROSE.search(p) and ":" not in p for p in parts)


def _is_navigation(line: str) -> bool:
    tokens = [t for t in _NAV_SEPARATOR.split(line) if t]
    return (len(tokens) >= 3 and all(len(t) <= 8 for t in tokens) and not re.search(r"\d{4}|[:：]", line)
            and not _TITLE_KIND.search(line))


def strip_chrome(lines: list[str], facts: Facts) -> list[str]:
    """Remove the page's chrome (metadata, widgets, breadcrumbs, banners, navigation); keep its facts."""
    body: list[str] = []
    in_head = True
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        pairs = metadata_pairs(line)
        if pairs is not None:
            if len(pairs) == 1 and not pairs[0][1] and pairs[0][0] in _TABLE_KEYS and i < len(lines) \
                    and metadata_pairs(lines[i]) is None and not _is_prose(lines[i]):
                pairs = [(pairs[0][0], lines[i])]
                i += 1
            for key, value in pairs:
                fact = _META_KEYS[key]
                if fact in _DATE_RANK:
                    facts.stated_date(fact, value)
                elif fact and value and not getattr(facts, fact):
                    setattr(facts, fact, value)
            continue
        if _CHROME.match(line):
            continue
        if in_head:
            if _BANNER.match(line) or _is_breadcrumb(line) or _is_navigation(line):
                continue
            if _DATELINE.match(line):
                facts.stated_date("dated", line)  # the document's date under its title: kept as text
            in_head = not (_is_prose(line) or heading_level(line) is not None)
        body.append(line)
    return body


# --- title and structure -------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
_H2 = re.compile(rf"^[{_CN_NUM}]+\s*、")
_H3 = re.compile(rf"^[(（]\s*[{_CN_NUM}]+\s*[)）]")
_H4 = re.compile(r"^(?:\d{1,2}\s*[、.．](?!\d)|[(（]\s*\d{1,2}\s*[)）])")
_SENTENCE_END = "。；;！!？?"
_SPEECH_LINE = re.compile(r"^(——|--|─)|会议上$|^[\u4e00-\u9fff（）()]{2,20}\s+[\u4e00-\u9fff]{2,4}$")
# A letter's addressee or a speech's salutation (县委: / 上海市人民政府: / 主任、各位副主任、委员:) and
# a speech's occasion, possibly over two lines (2025年3月17日在…人民代表大会 / 常务委员会…会议上).
_ADDRESSEE = re.compile(r"^[^,，。；;]{1,40}[:：]$")
_OCCASION = re.compile(rf"会议上(的(讲话|报告|发言))?$|^({_DATE}\s*)?在.{{2,40}}(会议|大会|常委会|常务委员会)")
# What a report calls itself, in simplified and traditional script.
_KINDS = "报告|总结|汇报|情况|要点|计划|通报|纲要|述职|述法|報告|總結|匯報|情況|要點|計劃|綱要|述職"
_TITLE_KIND = re.compile(rf"{_KINDS}|法治政府建设|法治政府建設|依法行政")
_TITLE_END = re.compile(rf"({_KINDS}|规划|規劃|方案)([(（][^()（）]{{1,10}}[)）])?$")
_YEAR = re.compile(r"(?:19|20)\d{2}")
# Below a title, a line that names none of these is a widget's words (点击关闭详细目录信息, 文件已失效).
_NAMES_SOMETHING = re.compile(rf"\d{{4}}|局|厅|政府|委|办|院|会|中心|所|{_TITLE_KIND.pattern}|前言|引言|概述|摘要")


def heading_level(line: str) -> int | None:
    norm = unicodedata.normalize("NFKC", line)
    if _H2.match(norm):
        return 2
    if _H3.match(norm):
        return 3
    if _H4.match(norm):
        return 4
    return None


def _is_letter(line: str) -> bool:
    """An addressee, salutation, occasion or speaker line: the document's own opening, kept as text."""
    return bool(_ADDRESSEE.match(line) or _OCCASION.search(line) or _SPEECH_LINE.search(line))


def _head_end(lines: list[str]) -> int:
    """Where the text proper starts: its first sentence or numbered heading."""
    return next((i for i, line in enumerate(lines)
                 if not _is_letter(line) and (_is_prose(line) or heading_level(line) is not None)), len(lines))


def _same_text(a: str, b: str) -> bool:
    return "".join(unicodedata.normalize("NFKC", a).split()) == "".join(unicodedata.normalize("NFKC", b).split())


def _starts_with_place(line: str) -> bool:
    found = places.named_places(line)
    return bool(found) and found[0].start == 0


def _title_candidate(line: str) -> bool:
    return (len(line) <= 60 and not _PROSE.search(line) and not re.search("[:：]", line) and heading_level(line) is None
            and not _is_letter(line) and not _DOC_NUMBER.match(line) and not _DATELINE.match(line))


def _is_title(text: str) -> bool:
    """It says what report it is, and of which year or place (2023年义乌市法治政府建设工作情况报告)."""
    return bool(_TITLE_KIND.search(text) and (_YEAR.search(text) or places.named_places(text)))


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
        if _is_title(text) and _TITLE_KIND.search(last):
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
    end = _head_end(lines)
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
        if _DOC_NUMBER.match(line):
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
        return line[: cut + 1], line[cut + 1 :].strip(_SPACE)
    return line, ""


def _looks_like_unnumbered_heading(lines: list[str], i: int) -> bool:
    """A short, unpunctuated line between a finished sentence and a paragraph or
    numbered heading: a heading whose number is missing (seed 001's 加强落实,…)."""
    line = lines[i]
    return (
        4 <= len(line) <= 30
        and not any(c in line for c in _SENTENCE_END + "：:")
        and i + 1 < len(lines)
        and lines[i - 1][-1] in "。：:；;！!？?"
        and (heading_level(lines[i + 1]) is not None or len(lines[i + 1]) > 30)
        and not _MD_LINE_START.match(line)
        and not re.fullmatch(_DATE, line)
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


# --- metadata -----------------------------------------------------------------------------

_PERIODS = (
    (re.compile(r"(第?一|1)季度"), "Q1"),
    (re.compile(r"(第?二|2)季度"), "Q2"),
    (re.compile(r"(第?三|3|前三)季度"), "Q3"),
    (re.compile(r"(第?四|4)季度"), "Q4"),
    (re.compile(r"上半年"), "H1"),
)
# A body that reports, right after the place that names it (杭州市西湖区|人民政府).
_ORG = re.compile(r"司法局|司法厅|人民政府(?!网)|政府(?!网)|[\u4e00-\u9fff]{2,8}?(?:局|委员会|办公室)")
# A department named without its place (区司法局在…, 我受区人民政府委托, 区政府坚持…): the report's
# own place's; 区政府 is short for 区人民政府.
_BARE_ORG = re.compile(r"(?:区|县|市|旗)(司法局|人民政府|政府)")
# What may open a clause before its subject (2022年一季度,武进区司法局… / 我受区人民政府委托).
_CLAUSE_OPENER = re.compile(r"(?:(?:19|20)\d{2}年(?:度|以来)?|今年以来|一年来|近年来)?(?:我受|受|由)?")
# The text speaking of itself: 我局 (a department), 我区/我县/我市/我旗 (its place).
_SELF = re.compile(r"我(局|区|县|市|旗)")
_PERIOD_NAME = {"annual": "", "H1": "上半年", "Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度"}


@dataclass(frozen=True)
class Opening:
    """How the text proper begins."""

    lead: str  # from its first sentence (past an addressee, salutation, occasion), up to 200 characters
    addressed: bool  # a letter's addressee or a speech's salutation comes first (县委: / 主任、各位副主任…:)


def opening(lines: list[str]) -> Opening:
    start = _head_end(lines)
    return Opening("".join(lines[start:start + 3])[:200], any(_ADDRESSEE.match(line) for line in lines[:start]))


def find_year(title: str, lead: str, published: str) -> int | None:
    for text in (title, lead[:80]):
        m = re.search(r"((?:19|20)\d{2})\s*年", text)
        if m:
            return int(m.group(1))
    if published and re.search(r"今年|本年度", lead[:80]):
        return int(published[:4])
    return None


def find_period(title: str, lead: str) -> str:
    for text in (title, lead[:40]):
        for pattern, period in _PERIODS:
            if pattern.search(text):
                return period
    return "annual"


@dataclass(frozen=True)
class Place:
    district: str = ""
    city: str = ""
    province: str = ""
    adcode: str = ""
    level: str = ""


@dataclass(frozen=True)
class Named:
    """A reporting body as the text names it (杭州市西湖区人民政府), with the place it names."""

    name: str
    place: places.NamedPlace


@dataclass(frozen=True)
class Subject:
    """Who the first sentence is about: a body named with its place, a department named without
    it (区司法局: its org, 司法局), a place (西安市新城区坚持…), or the text itself (我区, 我局)."""

    named: Named | None = None
    bare_org: str = ""
    place: places.NamedPlace | None = None
    self_word: str = ""


def _named_body(text: str) -> Named | None:
    """The first body the text names with its place (a title's, a 发布机构's, a 来源's)."""
    for place in places.named_places(text):
        org = _ORG.match(text, place.end)
        if org:
            return Named(text[place.start:org.end()], place)
    return None


def subject_of(lead: str) -> Subject:
    """The subject of the lead's first sentence: what opens one of its first clauses (not a
    clause 在…的领导下, which names a superior)."""
    sentence = re.split(f"[{_SENTENCE_END}]", lead, maxsplit=1)[0]
    for clause in re.split(r"[,，]", sentence)[:4]:
        if clause.startswith("在"):
            continue
        at = _CLAUSE_OPENER.match(clause).end()
        named = next((p for p in places.named_places(clause) if p.start == at), None)
        if named:
            org = _ORG.match(clause, named.end)
            return Subject(named=Named(clause[named.start:org.end()], named)) if org else Subject(place=named)
        bare = _BARE_ORG.match(clause, at)
        if bare:
            return Subject(bare_org="人民政府" if bare.group(1) == "政府" else bare.group(1))
        itself = _SELF.match(clause, at)
        if itself:
            return Subject(self_word=itself.group(0))
    return Subject()


@dataclass(frozen=True)
class Clues:
    """What ingest reads a report's place and publisher from, in simplified script: the division
    list is, while mirrors repost reports in traditional script (朝陽區人民政府)."""

    title: str
    headings: tuple[str, ...]
    source_org: str  # 发布机构
    source: str  # 来源
    lead: str
    text: str  # title, headings, 发布机构, 来源 and the body: where a city or province may be named
    doc_index: str
    doc_number: str

    @classmethod
    def of(cls, title: str, start: Opening, body: str, facts: Facts) -> Clues:
        simple = _simplified()
        headings = tuple(simple(h) for h in facts.headings)
        text = simple("\n".join([title, *facts.headings, facts.source_org, facts.source, body]))
        return cls(simple(title), headings, simple(facts.source_org), simple(facts.source), simple(start.lead), text,
                   facts.doc_index, simple(facts.doc_number))


@lru_cache(maxsize=1)
def _simplified():
    """OpenCC's traditional → simplified conversion (a well-kept dictionary, phrase-aware; it leaves
    simplified text as it is), loaded once."""
    import opencc

    return opencc.OpenCC("t2s").convert


def _place_name(clues: Clues, subject: Subject) -> str:
    """The name of the report's place, from the strongest clue that names one: the title (its body's
    place, else the first place it names), the document's other headings, the first sentence's
    subject, the 发布机构, 我区/我县/我市 (the place of that kind the text names most), and last the
    place the text names most."""
    for source in (clues.title, *clues.headings):
        named = _named_body(source)
        found = named.place if named else next(iter(places.named_places(source)), None)
        if found:
            return found.name
    if subject.named or subject.place:
        return (subject.named.place if subject.named else subject.place).name
    named = _named_body(clues.source_org)
    if named:
        return named.place.name
    itself = next((m for m in _SELF.finditer(clues.text) if m.group(1) != "局"), None)
    if itself:
        kinds = ("county", "city") if itself.group(1) == "市" else ("county",)
        name = places.subject_name(clues.text, suffix=itself.group(1), kinds=kinds, near=itself.start())
        if name:
            return name
    return places.subject_name(clues.text) or ""


def find_publisher_and_place(clues: Clues, addressed: bool, path: str, problems: list[Problem]) -> tuple[str, Place]:
    """Who published the report and which place it is about (``addressed``: see ``Opening``)."""
    subject = subject_of(clues.lead)
    place_name = _place_name(clues, subject)
    named = next((n for n in map(_named_body, (clues.title, *clues.headings)) if n), None) or subject.named
    if not place_name:
        problems.append(warning(path, "no place name found in the text: district, city, province left empty"))
        return named.name if named else "", Place()
    res = places.resolve(place_name, clues.text, clues.doc_index, clues.doc_number)
    if res.division is None:
        problems.append(warning(path, f"place not settled: {res.reason}; district, city, province left empty"))
        return named.name if named else "", Place()
    d = res.division
    place = Place(
        district=d.name if d.kind == "county" else "",
        city=d.city if d.kind != "province" else "",
        province=d.province,
        adcode=d.code,
        level=d.kind,
    )
    return _publisher(named, subject, d, addressed, clues), place


def _publisher(named: Named | None, subject: Subject, d: places.Division, addressed: bool, clues: Clues) -> str:
    """The body that reports, as the text names it: in the title or a heading, as the first
    sentence's subject (区司法局 completed with the place: 江北区司法局), as the 发布机构 or 来源
    when it is a body of the report's own place (叶城县司法局; not a reposting office), or, when the
    text speaks as 我区/我县 and is not a letter whose sender signs at its end, the government.
    Never the addressee of a line ending in ':'."""
    if named:
        return named.name
    if subject.bare_org:
        return d.name + subject.bare_org
    for stated in (clues.source_org, clues.source):
        body = _named_body(stated)
        if body and places.resolve(body.place.name, clues.text, clues.doc_index, clues.doc_number).division == d:
            return body.name
    if subject.self_word[1:] in ("区", "县", "市", "旗") and not addressed:
        return d.name + "人民政府"
    return ""


def compose_title(place: Place, publisher: str, year: int | None, period: str) -> str:
    """A title for a text that has none: 重庆市江北区司法局2021年法治政府建设工作情况.

    The places above the one the publisher names go first, each once (a municipality is its
    province and its city): 河北省 + 保定市人民政府, not 河北省保定市保定市人民政府."""
    who = publisher or place.district or place.city or place.province
    chain = [n for n in dict.fromkeys((place.province, place.city, place.district)) if n]
    at = next((k for k, name in enumerate(chain) if who.startswith(name)), max(len(chain) - 1, 0))
    when = f"{year}年" if year else ""
    return f"{''.join(chain[:at])}{who}{when}{_PERIOD_NAME.get(period, '')}法治政府建设工作情况"


# --- one report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ingested:
    fields: dict
    body: str


def ingest_text(
    text: str, path: str, raw: str, sha256: str, problems: list[Problem], topics: tuple[Topic, ...] = (),
    indicators: tuple[Indicator, ...] = (), original: Original | None = None,
) -> Ingested:
    facts = Facts()
    lines = clean_lines(text)
    lines = strip_chrome(lines, facts)
    lines = take_title(lines, facts)
    if not lines:
        raise Unusable("no report text after removing the page's chrome and title")
    body = structure(lines)
    start = opening(lines)
    year = find_year(facts.title, start.lead, facts.published)
    period = find_period(facts.title, start.lead)
    clues = Clues.of(facts.title, start, "\n".join(lines), facts)
    if original is not None:  # a web page's SiteIDCode and site tags: clues where the text gives none
        clues = replace(clues, text=f"{clues.text}\n{_simplified()(original.site_clues)}", doc_index=clues.doc_index or original.site_code)
    publisher, place = find_publisher_and_place(clues, start.addressed, path, problems)
    if year is None:
        problems.append(warning(path, "year not found in the title or first sentence: year left empty"))
    if not publisher:
        problems.append(warning(path, "publisher not found: publisher left empty"))
    sections = sections_of(body)
    figures = extract_sections(sections, indicators, period, year)
    title = facts.title
    if not title:
        title = compose_title(place, publisher, year, period)
        facts.title_inferred = True
    fields = {
        "title": title,
        "title_inferred": facts.title_inferred,
        "district": place.district,
        "city": place.city,
        "province": place.province,
        "adcode": place.adcode,
        "level": place.level,
        "year": year,
        "period": period,
        "publisher": publisher,
        "published": facts.published,
        "doc_index": facts.doc_index,
        "doc_number": facts.doc_number,
        "source": facts.source,
        "raw": raw,
        "raw_sha256": sha256,
        "added": "",  # the run sets it (added_date): ingest_text does not know the day
        "topics": filed_topics(sections, figures, {}, topics, indicators),
        "section_topics": {},
        "figures": figures,
    }
    if original is not None and original.source_url:
        fields.update(source_url=original.source_url, fetched=original.fetched)
    return Ingested(fields, body)


def filed_topics(sections: tuple[Section, ...], figures: list, corrections: object, topics: tuple[Topic, ...],
                 indicators: tuple[Indicator, ...]) -> list[str]:
    """The report's topics: those its sections are filed under, by the figures they state and by
    an editor's ``section_topics`` too (front-matter values as read: a malformed entry is the
    build's to report, and counts for nothing here)."""
    corrected = {str(a): v for a, v in corrections.items() if isinstance(v, list)} if isinstance(corrections, dict) else {}
    return list(classify(sections, topics, quoted_topics(figures_from(figures), indicators), corrected).topics)


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


def _sha(text: str) -> str:
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


def merge(new: Ingested, current: tuple[dict, str] | None, machine: dict | None, topics: tuple[Topic, ...] = (),
          indicators: tuple[Indicator, ...] = ()) -> Merged:
    """Keep hand corrections: a value that differs from what ingest last wrote wins. ``topics``
    follows what was kept: a corrected body, ``section_topics`` or ``figures`` file sections anew,
    unless ``topics`` itself was corrected."""
    if current is None:
        return Merged(new.fields, new.body, new.fields)
    fields, body = current
    last_fields = (machine or {}).get("fields", {})
    by_hand = {k for k in FRONT_MATTER_KEYS if k in fields and (machine is None or fields.get(k) != last_fields.get(k))}
    merged = {k: fields[k] if k in by_hand else new.fields.get(k, "") for k in FRONT_MATTER_KEYS}
    merged.update((key, value) for key, value in fields.items() if key not in merged)  # an editor's own key (a typo?) stays
    keep_body = machine is None or _sha(body) != machine.get("body_sha256")
    body = body if keep_body else new.body
    if "topics" in by_hand:
        return Merged(merged, body, new.fields)
    if keep_body or by_hand & {"section_topics", "figures"}:
        merged["topics"] = filed_topics(sections_of(body), merged["figures"], merged["section_topics"], topics, indicators)
    return Merged(merged, body, {**new.fields, "topics": merged["topics"]})


# --- the run: incremental, parallel, deterministic ---------------------------------------------
#
# The cache (content/reports/.ingest-cache.json, not committed, rebuilt when missing) records for
# every original the SHA-256 of its bytes, the report file it made, the SHA-256 of that file as
# ingest left it, and the problems found. An original whose bytes, the ingest version (the
# generator's own code and data, and the topic taxonomy) and report file are all unchanged, with
# .machine.json as the last run left it, is not read again: its problems are repeated and its file
# stays. Everything in it derives from content, so it is deterministic too.
#
# The work per original (decode, ingest_text, merge with the report file, write) runs in a process
# pool; new reports' slugs, and so their collision suffixes, are chosen afterwards in the parent, in
# sorted order, exactly as one process would.

CACHE_FILE = ".ingest-cache.json"
CACHE_FORMAT = 1
# Modules that only render the site: editing them does not change what ingest writes.
_NOT_INGEST = {"__main__.py", "build.py", "check.py", "cli.py", "fetch.py", "progress.py", "render.py", "search.py",
               "segment.py", "serve.py", "site_config.py", "write.py"}
_PARALLEL_FROM = 32  # fewer files than this are ingested in this process: a pool costs more than it saves


@lru_cache(maxsize=1)
def ingest_version() -> str:
    """A digest of everything in the generator that shapes ingest's output (code and division data)."""
    package = Path(__file__).resolve().parent
    code = tree_digest(package, lambda path: "__pycache__" not in path.parts and path.name not in _NOT_INGEST and path.suffix != ".pyc")
    return hashlib.sha256(f"fazhi ingest cache {CACHE_FORMAT}\n{code}".encode()).hexdigest()


@dataclass(frozen=True)
class _Job:
    path: Path
    shown: str
    target: Path | None  # the report file this original already has
    machine: dict | None  # what ingest last wrote into that file
    report_shown: str = ""  # how problems name that file


@dataclass(frozen=True)
class _Done:
    sha256: str
    problems: tuple[Problem, ...]
    unusable: str = ""
    fields: dict | None = None  # what ingest made of the original, before hand corrections (``Merged.recorded``)
    body_sha256: str = ""
    data: bytes = b""  # a new report's file, to be written once its slug is chosen
    written: bool = False
    md_sha256: str = ""  # the report file as this run left it
    md_raw: str | None = None  # its ``raw`` field, how the next run finds it without parsing it
    left_alone: bool = False  # it could not be read: nothing was written, the last run's record stands


@dataclass(frozen=True)
class _ReportFile:
    """A report file as ingest reads it: its front-matter and body, or why it cannot be read."""

    fields: dict | None
    body: str = ""
    unreadable: str = ""  # the reason, when fields is None
    line: int | None = None  # where in the file


def _read_report(path: Path) -> _ReportFile:
    found = read_report_text(path)
    if found.text is None:
        return _ReportFile(None, unreadable=found.unreadable, line=found.line)
    parts = split_front_matter(found.text.lstrip("\ufeff"))  # an editor's BOM, as the build reads it
    if not parts:
        return _ReportFile(None, unreadable="no front-matter between two '---' lines", line=1)
    try:
        fields, node = compose_front_matter(parts[0])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return _ReportFile(None, unreadable=f"front-matter is not valid YAML: {reason}", line=mark.line + 2 if mark else None)
    for key, first, again in duplicate_keys(node)[:1]:  # YAML keeps the last; rewriting the file would drop the other
        return _ReportFile(None, unreadable=f"key {key!r} is given twice (first at line {first}): which one is meant?", line=again)
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        return _ReportFile(None, unreadable="front-matter is not a mapping of keys to values", line=2)
    return _ReportFile(fields, parts[1])


@dataclass(frozen=True)
class _Claim:
    """The original a report file names (its ``raw`` field), or why the file cannot be read."""

    raw: str | None
    unreadable: str = ""
    line: int | None = None


def _claim_of(path: Path) -> _Claim:
    found = _read_report(path)
    if found.fields is None:
        return _Claim(None, found.unreadable, found.line)
    return _Claim(str(found.fields["raw"]) if found.fields.get("raw") else None)


def _ingest_file(job: _Job, topics: tuple[Topic, ...], indicators: tuple[Indicator, ...], today: str) -> _Done:
    """Everything one original needs that does not depend on the others (runs in a worker)."""
    try:
        data = job.path.read_bytes()
    except OSError as exc:
        return _Done("", (error(job.shown, f"cannot be read: {exc.strerror}; its report is left as it is"),), left_alone=True)
    sha256 = hashlib.sha256(data).hexdigest()
    found: list[Problem] = []
    try:
        from generator.originals import read_original  # here, not above: the originals' readers use decode and Unusable

        original = read_original(job.path.name, data)
        new = ingest_text(original.text, job.shown, Path(job.shown).as_posix(), sha256, found, topics, indicators, original)
    except Unusable as exc:
        return _Done(sha256, (error(job.shown, str(exc)),), unusable=str(exc))
    current = _read_report(job.target) if job.target else None
    if current is not None and current.fields is None:  # it changed since it was claimed
        return _Done(sha256, (error(job.report_shown, f"{current.unreadable}; ingest leaves it and {job.shown} as they are", current.line),),
                     left_alone=True)
    new = replace(new, fields={**new.fields, "added": added_date(current.fields if current else None, job.machine, today)})
    merged = merge(new, (current.fields, current.body) if current else None, job.machine, topics, indicators)
    text = dump(merged.fields, merged.body)
    found += _kept_as_they_were(merged.fields, text, job.report_shown, topics)
    out = text.encode("utf-8")
    written = write_if_changed(job.target, out) if job.target else False
    raw = str(merged.fields["raw"]) if merged.fields.get("raw") else None
    return _Done(sha256, tuple(found), "", merged.recorded, _sha(new.body), b"" if job.target else out, written,
                 hashlib.sha256(out).hexdigest(), raw)


def _kept_as_they_were(fields: dict, text: str, shown: str, topics: tuple[Topic, ...]) -> list[Problem]:
    """A warning for each editor's value ingest keeps but the site does not know: a front-matter key
    (kept after the known ones) and a topic the taxonomy no longer has. Lines are of ``text``, the
    file as this run leaves it."""
    unknown = [k for k in fields if k not in FRONT_MATTER_KEYS]
    slugs = {t.slug for t in topics}
    editor_topics = fields.get("topics") if isinstance(fields.get("topics"), list) else []
    lost = [t for t in editor_topics if isinstance(t, str) and t not in slugs]  # other items: the build names them
    if not unknown and not lost:
        return []
    lines = key_lines(text)
    return ([warning(shown, f"unknown front-matter key {k!r} is kept as it was, after the known ones (a typo of a known key?)",
                     lines.get(str(k))) for k in unknown]
            + [warning(shown, f"topics: {t!r} is not a topic in topics.yml (an editor's topic, kept as it was)", lines.get("topics"))
               for t in lost])


class _Workers:
    """map() over a fork pool of os.cpu_count() processes, started only when the work is worth it."""

    def __init__(self, jobs: int | None):
        self.jobs = jobs or os.cpu_count() or 1
        self.forced = jobs is not None
        self.pool = None

    def map(self, fn, items: list, chunksize: int = 8):
        if self.jobs < 2 or len(items) < 2 or (not self.forced and len(items) < _PARALLEL_FROM):
            return map(fn, items)
        if self.pool is None:
            places.names_in("")  # load the division list once, before forking, so workers share it
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self.pool.imap(fn, items, chunksize=chunksize)

    def close(self) -> None:
        # Every result has been taken by now (or an error is on its way up): nothing is lost.
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


@dataclass(frozen=True)
class _Digest:
    """A file's SHA-256 and size, or why it could not be read."""

    sha256: str | None
    size: int = 0
    failure: str = ""


def _digest(path: Path) -> _Digest:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _Digest(None, failure=exc.strerror or type(exc).__name__)
    return _Digest(hashlib.sha256(data).hexdigest(), len(data))


def _hash_files(paths: list[Path]) -> list[_Digest]:
    """SHA-256 and size of many files. Reading and hashing release the GIL, so a thread per core
    (each with one contiguous share: a task per file would cost more than its hash) uses them all."""
    n = max(1, min(os.cpu_count() or 1, len(paths) // 64))
    parts = [paths[i * len(paths) // n:(i + 1) * len(paths) // n] for i in range(n)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return [found for part in pool.map(lambda part: [_digest(p) for p in part], parts) for found in part]


# Files that keep an empty folder in git or that a desktop leaves: skipped without a word.
_HOUSEKEEPING = {".gitkeep", ".keep", ".gitignore", ".gitattributes", ".DS_Store"}


def _originals(raw_dir: Path, shown_of) -> tuple[list[Path], list[Problem]]:
    """The originals: the regular files directly in the raw folder, in name order. Every other
    entry is one line: a symlink leaving the folder is refused (an error: it would archive and
    publish a file from elsewhere on the machine); one staying inside, a folder, a hidden file and
    anything else that is not a regular file are skipped with a warning."""
    folder = raw_dir.resolve()
    found, problems = [], []
    with os.scandir(raw_dir) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for e in entries:
        path, shown = Path(e.path), shown_of(e.name)
        if e.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(folder):
                problems.append(error(shown, f"symlink to {target}, outside {shown_of('')}: refused, not ingested"))
            else:
                problems.append(warning(shown, f"symlink to {shown_of(os.path.relpath(target, folder))}: not ingested "
                                               "(only the files themselves are originals)"))
        elif e.name.startswith("."):
            if e.name not in _HOUSEKEEPING:
                problems.append(warning(shown, "hidden (the name starts with a dot): not ingested; rename it to ingest it"))
        elif e.is_dir(follow_symlinks=False):
            problems.append(warning(shown, "a folder: not ingested (only the files directly in the raw folder are originals)"))
        elif e.is_file(follow_symlinks=False):
            found.append(path)
        else:
            problems.append(warning(shown, "not a regular file (a pipe, socket or device): not ingested"))
    return found, problems


def _shown(raw_dir: Path, folder_shown: str | None, name: str) -> str:
    """How a raw file is named in problems and front-matter: relative to the project root."""
    if folder_shown is None:
        return str(raw_dir / name)
    return os.path.normpath(os.path.join(folder_shown, name))


def _load_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_bytes()) if path.exists() else {}
    except ValueError:
        return {}  # a damaged cache is only a slower ingest
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Configuration:
    """content/topics.yml and content/indicators.yml, loaded and checked before any report is touched."""

    topics: tuple[Topic, ...]
    indicators: tuple[Indicator, ...]
    problems: tuple[Problem, ...]
    digest: str  # of both files' bytes: a change re-reads every original


def load_configuration(content: Path) -> Configuration:
    """Both files, every problem in them listed. Both must be there: without them ingest would
    rewrite every report without its topics or figures."""
    topics, problems = load_topics(content / "topics.yml")
    indicators, more = load_indicators(content / "indicators.yml")
    problems += more
    digest = "" if has_errors(problems) else "".join(_digest(content / name).sha256 for name in ("topics.yml", "indicators.yml"))
    return Configuration(topics, indicators, tuple(problems), digest)


@dataclass
class Outcome:
    problems: list[Problem]
    stopped: str = ""  # why the run stopped before touching any report
    written: int = 0  # report files written
    reports: int = 0  # originals that are reports (not unusable)
    processed: int = 0  # originals read this time (the rest were unchanged since the last run)
    raw_bytes: int = 0


def ingest_all(raw_dir: Path, out_dir: Path, jobs: int | None = None, stream=None, today: str | None = None) -> Outcome:
    """Ingest every file in raw_dir into out_dir (see the comment above on what is skipped).
    ``today`` (ISO) is the date a new report is recorded as added: by default, today's in China."""
    today = today or archive_date()
    root = out_dir.resolve().parent.parent
    config = load_configuration(out_dir.parent)
    problems: list[Problem] = list(config.problems)
    if has_errors(problems):
        return Outcome(problems, stopped="the configuration has errors")
    if not raw_dir.is_dir():
        return Outcome([error(raw_dir, "raw folder does not exist")], stopped="there are no originals to read")
    topics, indicators = config.topics, config.indicators
    machine_path, cache_path = out_dir / MACHINE_FILE, out_dir / CACHE_FILE
    reports_shown = os.path.relpath(out_dir.resolve(), root)
    machine_bytes = machine_path.read_bytes() if machine_path.exists() else b""
    cache = _load_json(cache_path)
    version = hashlib.sha256((ingest_version() + config.digest).encode()).hexdigest()
    entries = _cache_entries(cache)
    reusable = cache.get("version") == version and cache.get("machine_sha256") == hashlib.sha256(machine_bytes).hexdigest()

    @lru_cache(maxsize=1)
    def records() -> dict:
        """.machine.json (10 MB at 10,000 reports), read only when something needs it."""
        found, damaged = _load_machine(machine_bytes, f"{reports_shown}/{MACHINE_FILE}")
        problems.extend(damaged)
        return found

    workers = _Workers(jobs)
    try:
        claims = _claims(out_dir, reports_shown, entries, records, workers)
        problems.extend(claims.problems)
        existing, unchanged, taken = claims.existing, claims.unchanged, set(claims.taken)
        kept: dict[str, dict] = {}  # cache entries of originals left alone this run

        folder = raw_dir.resolve()
        folder_shown = os.path.relpath(folder, root) if folder.is_relative_to(root) else None
        originals, listed = _originals(raw_dir, partial(_shown, raw_dir, folder_shown))
        problems.extend(listed)
        hashed = _hash_files(originals)
        plan: list[tuple[Path, str, dict | None]] = []  # (original, shown, cache entry to reuse)
        stale: list[tuple[Path, str, Path | None]] = []
        present: set[str] = set()
        for path, digest in zip(originals, hashed):
            shown = _shown(raw_dir, folder_shown, path.name)
            key = Path(shown).as_posix()
            present.add(key)
            entry = entries.get(key)
            unclaimed = key not in existing
            if digest.sha256 is None or key in claims.held or unclaimed and (claims.hold_new or key in claims.repointed):
                if digest.sha256 is None:
                    problems.append(error(shown, f"cannot be read: {digest.failure}; its report is left as it is"))
                elif key not in claims.held and key in claims.repointed:
                    problems.append(warning(shown, f"not ingested: {reports_shown}/{claims.repointed[key].name} was made from it "
                                                   "but now names another original; correct its raw, or delete that file to make a new one"))
                if entry is not None:  # left as it is, with what the cache knew of it
                    kept[key] = entry
                continue
            target = existing.get(key)
            same = (reusable and entry is not None and entry["sha256"] == digest.sha256
                    and (target is None and not entry.get("report")
                         or target is not None and target.stem == entry.get("report") and target in unchanged))
            plan.append((path, shown, entry if same else None))
            if not same:
                stale.append((path, shown, target))
        for raw, report in sorted(existing.items()):
            if raw not in present:
                problems.append(warning(f"{reports_shown}/{report.name}", f"its original {raw} is missing (deleted or renamed?): "
                                                                           "the report is left as it is"))
        machine: dict = dict(records()) if stale else {}
        todo = [_Job(path, shown, target, machine.get(target.stem) if target else None,
                     f"{reports_shown}/{target.name}" if target else "") for path, shown, target in stale]

        outcome = Outcome(problems, processed=len(todo), raw_bytes=sum(d.size for d in hashed))
        outcome.reports += len(claims.held & present)
        files: dict[str, dict] = kept
        done = iter(workers.map(partial(_ingest_file, topics=topics, indicators=indicators, today=today), todo, chunksize=8))
        with progress("ingest", total=len(todo), unit="files", stream=stream) as bar:
            for path, shown, entry in plan:
                key = Path(shown).as_posix()
                if entry is not None:
                    problems.extend(Problem(*p) for p in entry["problems"])
                    outcome.reports += bool(entry.get("report"))
                    files[key] = entry
                    continue
                result: _Done = next(done)
                bar.update(1)
                problems.extend(result.problems)
                if result.left_alone:
                    if entries.get(key) is not None:
                        files[key] = entries[key]
                    continue
                files[key] = {"sha256": result.sha256, "problems": [list(astuple(p)) for p in result.problems]}
                if result.unusable:
                    continue
                outcome.reports += 1
                target = existing.get(key)
                if target is None:
                    target = out_dir / f"{_new_slug(result.fields, taken)}.md"
                    outcome.written += write_if_changed(target, result.data)
                else:
                    outcome.written += result.written
                machine[target.stem] = {"raw": key, "fields": result.fields, "body_sha256": result.body_sha256}
                files[key].update(report=target.stem, md_sha256=result.md_sha256, md_raw=result.md_raw)
    finally:
        workers.close()
    if stale or not machine_path.exists():
        machine_bytes = (json.dumps(machine, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
        write_if_changed(machine_path, machine_bytes)
    state = {"format": CACHE_FORMAT, "version": version, "machine_sha256": hashlib.sha256(machine_bytes).hexdigest(), "files": files}
    write_if_changed(cache_path, (json.dumps(state, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    return outcome


@dataclass(frozen=True)
class _Claims:
    """Which report file holds each original, as the report files (or, for a file that cannot be
    read, the records of what ingest made) say."""

    existing: dict[str, Path]  # original → the report file refreshed from it
    unchanged: frozenset[Path]  # report files as the last run left them, not read again
    held: frozenset[str]  # originals whose report file cannot be read: both are left alone
    hold_new: bool  # a report file that cannot be read holds an unknown original: no new report this run
    repointed: dict[str, Path]  # original → the report made from it, which now names another
    taken: frozenset[str]  # file names in use
    problems: tuple[Problem, ...]


def _claims(out_dir: Path, shown: str, entries: dict[str, dict], records, workers: _Workers) -> _Claims:
    """From the cache when a file is as ingest left it, else by reading its front-matter (in the
    pool: that is YAML parsing). A file that cannot be read is never taken for a missing report:
    .machine.json (``records()``), else the cache, says which original it holds, and that original
    is left alone until the file is fixed, so no second report is made from it."""
    reports, others = _report_files(out_dir)
    problems = [warning(f"{shown}/{p.name}", "not a report file (a folder?): skipped") for p in others]
    known = {e["report"]: e for e in entries.values() if e.get("report")}
    origin_of = {e["report"]: key for key, e in entries.items() if e.get("report")}
    checked = [p for p in reports if p.stem in known]
    unchanged = {p for p, d in zip(checked, _hash_files(checked)) if d.sha256 == known[p.stem].get("md_sha256")}
    unread = [p for p in reports if p not in unchanged]
    read = dict(zip(unread, workers.map(_claim_of, unread, chunksize=16)))
    claimants: dict[str, list[Path]] = {}
    repointed: dict[str, Path] = {}
    held, hold_new = set(), False
    for p in reports:
        claim = _Claim(known[p.stem].get("md_raw")) if p in unchanged else read[p]
        raw = claim.raw
        if claim.unreadable or not raw:  # ingest's record of which original made it
            raw = records().get(p.stem, {}).get("raw") or origin_of.get(p.stem)
        if claim.unreadable:
            if raw:
                held.add(raw)
                why = f"ingest leaves it and its original {raw} as they are until it is fixed"
            else:
                hold_new = True
                why = "no record says which original it holds, so no new report is made this run"
            problems.append(error(f"{shown}/{p.name}", f"{claim.unreadable}; {why}", claim.line))
        elif raw:
            claimants.setdefault(raw, []).append(p)
            made = origin_of.get(p.stem) or (records().get(p.stem, {}).get("raw") if p not in unchanged else None)
            if made and made != raw:  # a typo in raw, most likely: its original is still taken
                repointed[made] = p
    existing: dict[str, Path] = {}
    for raw, files in claimants.items():
        holder = files[-1]
        if len(files) > 1:  # the file ingest made from it, else the last in sorted order
            holder = next((p for p in reversed(files) if records().get(p.stem, {}).get("raw") == raw), holder)
            problems.extend(warning(f"{shown}/{p.name}", f"names the same original {raw} as {shown}/{holder.name}, which is "
                                                         "the one refreshed from it; this file is left as it is")
                            for p in files if p != holder)
        if raw not in held:
            existing[raw] = holder
    taken = frozenset(p.stem for p in reports + others)
    return _Claims(existing, frozenset(unchanged), frozenset(held), hold_new, repointed, taken, tuple(problems))


def _report_files(out_dir: Path) -> tuple[list[Path], list[Path]]:
    """The report files (``*.md``) and whatever else has such a name (a folder), in name order."""
    if not out_dir.exists():
        return [], []
    files, others = [], []
    with os.scandir(out_dir) as listing:
        for e in sorted(listing, key=lambda e: e.name):
            if e.name.endswith(".md") and not e.name.startswith("."):
                (files if e.is_file() else others).append(Path(e.path))
    return files, others


def _cache_entries(cache: dict) -> dict[str, dict]:
    """The cache's entry per original, those of the expected shape only: a damaged cache costs time."""
    files = cache.get("files") if cache.get("format") == CACHE_FORMAT else None
    if not isinstance(files, dict):
        return {}

    def sound(e) -> bool:
        return (isinstance(e, dict) and isinstance(e.get("sha256"), str) and isinstance(e.get("report", ""), str)
                and isinstance(e.get("problems"), list)
                and all(isinstance(p, list) and len(p) == 4 for p in e["problems"]))

    return {key: e for key, e in files.items() if sound(e)}


def _load_machine(data: bytes, shown: str) -> tuple[dict, list[Problem]]:
    """The records of .machine.json; a damaged file or record is a warning, and is taken as no
    record: then every field of that report is kept as it is (a hand correction cannot be told
    from ingest's value), so nothing an editor wrote is lost."""
    if not data:
        return {}, []
    consequence = "hand corrections cannot be told from ingest's values, so every report keeps all its fields and its body as they are"
    try:
        value = json.loads(data)
    except ValueError as exc:
        reason = getattr(exc, "msg", None) or str(exc)
        return {}, [warning(shown, f"damaged ({reason}): {consequence}", getattr(exc, "lineno", None))]
    if not isinstance(value, dict):
        return {}, [warning(shown, f"damaged (not a JSON object): {consequence}")]
    records, problems = {}, []
    for stem, record in value.items():
        if (isinstance(record, dict) and isinstance(record.get("fields"), dict) and isinstance(record.get("body_sha256"), str)
                and isinstance(record.get("raw", ""), str)):
            records[stem] = record
        else:
            problems.append(warning(shown, f"the record of {stem} is damaged: that report keeps all its fields and its body as they are"))
    return records, problems


def _new_slug(fields: dict, taken: set[str]) -> str:
    """A new report's file name: its slug, with -2, -3, … when taken (chosen in sorted order)."""
    base = urls.report_slug(
        year=fields["year"], province=fields["province"], city=fields["city"],
        district=fields["district"], publisher=fields["publisher"], period=fields["period"],
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def run_ingest(raw_dir: Path, out_dir: Path, jobs: int | None = None, today: str | None = None) -> tuple[list[Problem], int]:
    """Ingest every file in raw_dir; return the problems and the number of files written."""
    outcome = ingest_all(raw_dir, out_dir, jobs, today=today)
    return outcome.problems, outcome.written


def run(args) -> int:
    start = time.monotonic()
    outcome = ingest_all(args.raw, args.out)
    errors, warnings = report(outcome.problems)
    if outcome.stopped:
        print(f"ingest: stopped: {outcome.stopped}; no report was touched")
        return 1
    line = summary("ingest", reports=outcome.reports, written=outcome.written, bytes=outcome.raw_bytes,
                   seconds=time.monotonic() - start, errors=errors, warnings=warnings)
    print(f"{line}; {outcome.processed} original(s) read, the others unchanged since the last ingest; reports in {args.out}")
    return 1 if errors else 0
