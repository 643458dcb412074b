"""Page chrome (页面框架): what a government site puts around a report, recognised by what it is.

Its facts (信息索引号, 发文字号, 来源, dates) go to front-matter; the rest is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.ingest.lines import DATE, TITLE_KIND, heading_level

# --- page chrome ------------------------------------------------------------------------
#
# Pages copied from government sites carry their site's chrome around the report: metadata
# tables and lines, breadcrumbs, navigation rows, date banners, font-size, share, print and
# read-aloud widgets. Chrome is recognised by what it is, whatever the site; its facts go to
# front-matter. Lines are "in the head" until the text proper starts (the first sentence or
# numbered heading): banners, breadcrumbs without a 位置 label, navigation rows and widgets are
# only taken for chrome there, where the report itself has not begun.

SPACE = " \t\u3000\u00a0\u200b\ufeff"
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
_TIME = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DATE_AT = re.compile(r"\s*" + DATE)
DATELINE = re.compile(rf"^[(（]?\s*{DATE}{_TIME}\s*[)）]?$")
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
_BANNER = re.compile(rf"^(今天是|今日是?|当前日期)[:：]?.{{0,40}}$|^{DATE}\s*(星期|周|礼拜)[一二三四五六日天].{{0,20}}$")
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|›|»|→|＞|->)\s*")
_NAV_SEPARATOR = re.compile(r"[\s|｜丨]+")
PROSE = re.compile(r"[。；;！!？?，,]")
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d+\s*[号號](\s*(签发人|簽發人)[:：]?\s*\S{0,8})?$")


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
    for m in re.finditer(DATE, text):
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


def clean_lines(text: str) -> list[str]:
    """Lines with surrounding blanks and list bullets removed; empty lines dropped."""
    out = []
    for line in text.split("\n"):
        line = line.strip(SPACE)
        if line and line[0] in _BULLETS and len(line) > 1 and line[1] in SPACE:
            line = line[1:].strip(SPACE)
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
                or ((m.start() == 0 or line[m.start() - 1] in SPACE + "|｜】]")
                    and ((_META_KEYS[m.group("key")] in _DATE_RANK and _DATE_AT.match(rest))
                         or (m.group("key") in _WIDGET_KEYS and re.match(r"\s|$|【", rest))))):
            keys.append(m)
    if not keys:
        return None
    opening = line[: keys[0].start()].strip(SPACE)
    if opening and not DATELINE.match(opening):
        return None
    pairs = [("日期", opening)] if opening else []
    for m, after in zip(keys, keys[1:] + [None]):
        pairs.append((m.group("key"), line[m.end(): after.start() if after else len(line)].strip(SPACE + "|｜【】[]")))
    return pairs


def is_prose(line: str) -> bool:
    """A line of the report's own text: it has sentence or clause punctuation, or is long."""
    return bool(PROSE.search(line)) or len(line) > 60


def _is_breadcrumb(line: str) -> bool:
    parts = _CRUMB_SEPARATOR.split(line)
    return len(parts) >= 2 and all(0 < len(p) <= 20 and not PROSE.search(p) and ":" not in p for p in parts)


def _is_navigation(line: str) -> bool:
    tokens = [t for t in _NAV_SEPARATOR.split(line) if t]
    return (len(tokens) >= 3 and all(len(t) <= 8 for t in tokens) and not re.search(r"\d{4}|[:：]", line)
            and not TITLE_KIND.search(line))


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
                    and metadata_pairs(lines[i]) is None and not is_prose(lines[i]):
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
            if DATELINE.match(line):
                facts.stated_date("dated", line)  # the document's date under its title: kept as text
            in_head = not (is_prose(line) or heading_level(line) is not None)
        body.append(line)
    return body
