"""A saved web page (.html/.htm, or the response in a WARC) → the report's text.

Decoding is ingest's (decode.decode), told what the page declares: a byte-order mark, else the
HTTP header's charset (a WARC keeps it), else the page's ``<meta charset>`` or ``http-equiv``
declaration, else the strict order (UTF-8, then GB18030); a declared gb2312 or GBK is read as
GB18030, and a declaration the bytes do not fit is ignored, not obeyed.

The main text comes from trafilatura (its XML, which keeps headings, paragraphs, lists and
tables apart). Government pages lay out their article in tables: a table whose cells hold
paragraphs, or that has one column, is layout and its contents are read as blocks; any other is
data and becomes a Markdown table. The page's metadata tags (the 政府网站 guidelines' ArticleTitle,
PubDate, ContentSource) and its 信息索引号/发文字号 table become the lines ingest's text rules
read (标题：…, 发布时间：…); SiteIDCode and SiteName/ColumnName/Keywords are clues to the place.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree

from generator.ingest.decode import Unusable, decode
from generator.ingest.originals.base import Original, table_lines

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# The keys of a 政府信息公开 page's index table whose value ingest keeps, as ingest names them.
_INDEX_KEYS = ("信息索引号", "索引号", "发文字号", "文号", "发布机构", "发文机关", "成文日期", "发布日期")
_SENTENCE = re.compile("[。；！？]")
_BLOCKS = {"p", "head", "list", "table", "quote", "code"}
# The separator a CMS puts between its site's name and the article's in ArticleTitle (保定市人民政府网——…).
_TITLE_SEPARATOR = re.compile(r"\s*(——|--|—|-|\||｜|_)\s*")


def charset_of(content_type: str) -> str:
    """The charset an HTTP Content-Type header names; '' when none."""
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else ""


def decode_page(data: bytes, header_charset: str = "") -> str:
    """The page's text (see the module's docstring for the order)."""
    m = _DECLARED.search(data[:4096])
    return decode(data, (header_charset, m.group(1).decode("ascii") if m else ""))


def _text(el) -> str:
    """An element's text, its <lb/> as line breaks."""
    parts = [el.text or ""]
    for child in el:
        parts.append("\n" if child.tag == "lb" else _text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _blocks(el) -> list[str]:
    """The lines of trafilatura's XML below ``el``: a line per heading, paragraph and list item,
    a data table's Markdown rows, a layout table's contents in order."""
    lines: list[str] = []
    for child in el:
        if child.tag == "table":
            rows = [[cell for cell in row if cell.tag == "cell"] for row in child.iter("row")]
            rows = [r for r in rows if r]
            layout = len(rows) < 2 or max(len(r) for r in rows) < 2 or any(
                any(d.tag in _BLOCKS for d in cell.iter() if d is not cell) for r in rows for cell in r)
            if layout:
                for r in rows:
                    for cell in r:
                        has_blocks = any(d.tag in _BLOCKS for d in cell)
                        lines += _blocks(cell) if has_blocks else _text(cell).split("\n")
            elif rows:
                lines += table_lines([[_text(cell) for cell in r] for r in rows])
        elif child.tag == "list":
            lines += [_text(item) for item in child if item.tag == "item"]
        elif child.tag in _BLOCKS:
            lines += _text(child).split("\n")
        else:
            lines += _blocks(child)
    return lines


def _meta(tree) -> dict[str, str]:
    """The page's <meta name=… content=…> tags, names in lower case (CMSs write ArticleTitle, articletitle)."""
    found: dict[str, str] = {}
    for m in tree.iter("meta"):
        name, content = (m.get("name") or "").strip().lower(), (m.get("content") or "").strip()
        if name and content and name not in found:
            found[name] = content
    return found


def _index_table(tree) -> list[str]:
    """The 信息索引号/发文字号 table as ``key：value`` lines: a cell naming a key, and the next cell
    its value (or the value after the key's colon in the same cell)."""
    lines = []
    for row in tree.iter("tr"):
        if row.find(".//table") is not None:
            continue  # a layout row around other tables: its cells' text runs keys and values together
        cells = [" ".join(c.text_content().split()) for c in row if c.tag in ("td", "th")]
        for i, cell in enumerate(cells):
            key, _, value = cell.partition("：") if "：" in cell else cell.partition(":")
            key = key.strip()
            if key in _INDEX_KEYS:
                value = value.strip() or (cells[i + 1] if i + 1 < len(cells) and cells[i + 1].rstrip("：:") not in _INDEX_KEYS else "")
                if value:
                    lines.append(f"{key}：{value}")
    return lines


def _article_title(meta: dict[str, str]) -> str:
    """ArticleTitle without the site's name the CMS puts before it."""
    title = meta.get("articletitle", "")
    site = meta.get("sitename", "")
    separator = _TITLE_SEPARATOR.match(title, len(site)) if site and title.startswith(site) else None
    return title[separator.end():] if separator else title


def read_page(data: bytes, header_charset: str = "", source_url: str = "", fetched: str = "") -> Original:
    page = decode_page(data, header_charset)
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        raise Unusable("not a readable HTML page") from None
    meta = _meta(tree)
    extracted = trafilatura.extract(page, output_format="xml", include_tables=True, include_comments=False,
                                    favor_recall=True, url=source_url or None)
    body = _blocks(etree.fromstring(extracted.encode("utf-8")).find("main")) if extracted else []
    if not any(_SENTENCE.search(line) for line in body):  # a list of links, a frame, a page its scripts build
        raise Unusable("no report text found in the page (its main text has no sentence: a list, a frame or a script-built page?)")
    title = _article_title(meta)
    # The page's own statements come first and win; the CMS's tags follow and fill what they leave.
    tags = [f"标题：{title}" if title else "", f"来源：{meta['contentsource']}" if "contentsource" in meta else "",
            f"发布时间：{meta['pubdate']}" if "pubdate" in meta else ""]
    text = "\n".join([*_index_table(tree), *body, *(t for t in tags if t)])
    clues = "\n".join(meta.get(k, "") for k in ("sitename", "columnname", "keywords"))
    return Original(text, source_url=source_url, fetched=fetched, site_code=meta.get("siteidcode", ""), site_clues=clues.strip())
