"""A PDF attachment → the report's text, from its text layer (pdfminer.six).

pdfminer.six's layout analysis groups a page's characters into lines and boxes with their
positions, which is what putting paragraphs back together needs: a PDF has no paragraphs, only
lines where the page wrapped them. A line that starts indented (the 首行缩进 of
Chinese documents) or follows a line ending short of the text's right edge starts a paragraph;
the others continue the one before (joined without a space, as Chinese is written), across a
page break too. Page-number lines (- 3 -, 第3页 共9页) are left out.

A text layer that cannot be trusted is refused, never ingested as garbage: pdfminer writes
``(cid:123)`` for a glyph its font does not map to a character, some PDFs map glyphs into the
private-use area, and a Chinese report whose "text" is mostly not Chinese was read with the
wrong encoding. A PDF with no text layer at all is a scan: no OCR here.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import unicodedata

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from generator.ingest.decode import Unusable
from generator.ingest.originals.base import Original

_PAGE_NUMBER = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")
_CID = re.compile(r"\(cid:\d+\)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
# Past these shares the text layer is not the report's text (a real report has none of the first
# two, and is written in Chinese).
_MAX_UNMAPPED = 0.01
_MIN_HAN = 0.3
# A line ending this many characters short of the right edge ends its paragraph: a wrapped line
# may end up to two short, as a line may not begin with 、，。 and the like (避头尾).
_SHORT = 2.5
# Many CJK fonts map an ideograph's glyph to its radical's code point (一 read as ⼀ U+2F00): PDFs
# printed by Chromium and exported by office suites do. NFKC maps the Kangxi Radicals back; the CJK
# Radicals Supplement's forms it leaves, so those that stand for a character of their own are listed.
_KANGXI = re.compile("[\u2f00-\u2fdf]")
_SUPPLEMENT = str.maketrans("⺠⻚⻛⻜⻢⻓⻔⻋⻅⻉⻥⻦⻬⻮⻰⻝⻨⻩⻤⻣⻘⻄⺟⺩", "民页风飞马长门车见贝鱼鸟齐齿龙食麦黄鬼骨青西母王")
# pdfminer logs every font it finds odd (a missing FontBBox): noise beside ingest's one line per file.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _joined(a: str, b: str) -> str:
    return a + " " + b if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum() else a + b


def _text_lines(data: bytes) -> list[tuple[int, LTTextLine]]:
    """The text layer's lines in reading order with their page's number, page-number lines left out."""
    return [(n, line) for n, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()))
            for box in page if isinstance(box, LTTextContainer)
            for line in box if isinstance(line, LTTextLine) and line.get_text().strip()
            and not _PAGE_NUMBER.match(line.get_text().strip())]


def _paragraphs(lines: list[tuple[int, LTTextLine]]) -> list[str]:
    """Lines → paragraphs: a line starts one when it is indented from the text's left edge, when
    the line before ends short of the right edge, or when more space than between lines stands
    above it (a page printed from HTML marks paragraphs so); otherwise it continues the one
    before, across a page break too."""
    if not lines:
        return []
    size = statistics.median(line.height for _, line in lines)
    left, right = min(line.x0 for _, line in lines), max(line.x1 for _, line in lines)
    # the distance from a line to the next within a paragraph: the smallest, past fragments of one line
    steps = [a.y0 - b.y0 for (p, a), (q, b) in zip(lines, lines[1:]) if p == q and a.y0 - b.y0 >= 0.8 * size]
    step = min(steps, default=0)
    found: list[str] = []
    previous = None
    for page, line in lines:
        text = line.get_text().strip()
        gap = previous is not None and previous[0] == page and previous[1].y0 - line.y0 > 1.3 * step
        if previous is None or gap or line.x0 > left + 0.8 * size or previous[1].x1 < right - _SHORT * size:
            found.append(text)
        else:
            found[-1] = _joined(found[-1], text)
        previous = page, line
    return found


def _garbled(text: str) -> str:
    """Why the text layer is not the report's text; '' when it is."""
    chars = len("".join(text.split())) or 1
    unmapped = len(_CID.findall(text)) + len(_PRIVATE_USE.findall(text))
    if unmapped / chars > _MAX_UNMAPPED:
        return (f"its text layer is garbled ({unmapped} glyphs map to no character: (cid:…) or private-use codes), "
                "as when a PDF's fonts lack a Unicode map")
    letters = sum(c.isalpha() for c in text)
    han = len(_HAN.findall(text))
    if letters >= 20 and han / letters < _MIN_HAN:
        return f"its text layer is garbled (only {han * 100 // letters}% of its letters are Chinese characters)"
    return ""


def read_pdf(data: bytes) -> Original:
    try:
        lines = _paragraphs(_text_lines(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise Unusable("an encrypted PDF that cannot be opened without its password; the original is kept") from None
    except (PDFSyntaxError, PSException, ValueError, TypeError, KeyError, AssertionError) as exc:
        raise Unusable(f"not a readable PDF ({type(exc).__name__}); the original is kept") from None
    text = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), "\n".join(lines)).translate(_SUPPLEMENT)
    if not text.strip():
        raise Unusable("a PDF with no text layer (a scan?): not ingested, as ingest does no OCR; the original is kept")
    why = _garbled(text)
    if why:
        raise Unusable(f"{why}: not ingested; the original is kept")
    return Original(text)
