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
import re
import statistics

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from generator.ingest import Unusable
from generator.originals.base import Original

_PAGE_NUMBER = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")
_CID = re.compile(r"\(cid:\d+\)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
# Past these shares the text layer is not the report's text (a real report has none of the first
# two, and is written in Chinese).
_MAX_UNMAPPED = 0.01
_MIN_HAN = 0.3


def _joined(a: str, b: str) -> str:
    return a + " " + b if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum() else a + b


def _text_lines(data: bytes) -> list[LTTextLine]:
    """The text layer's lines in reading order, page-number lines left out."""
    return [line for page in extract_pages(io.BytesIO(data), laparams=LAParams())
            for box in page if isinstance(box, LTTextContainer)
            for line in box if isinstance(line, LTTextLine) and line.get_text().strip()
            and not _PAGE_NUMBER.match(line.get_text().strip())]


def _paragraphs(lines: list[LTTextLine]) -> list[str]:
    """Lines → paragraphs: a line starts one when it is indented from the text's left edge, or
    when the line before ends short of the right edge; otherwise it continues the one before,
    across a page break too."""
    if not lines:
        return []
    size = statistics.median(line.height for line in lines)
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    found: list[str] = []
    previous = None
    for line in lines:
        text = line.get_text().strip()
        if previous is None or line.x0 > left + 0.8 * size or previous.x1 < right - 1.5 * size:
            found.append(text)
        else:
            found[-1] = _joined(found[-1], text)
        previous = line
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
    text = "\n".join(lines)
    if not text.strip():
        raise Unusable("a PDF with no text layer (a scan?): not ingested, as ingest does no OCR; the original is kept")
    why = _garbled(text)
    if why:
        raise Unusable(f"{why}: not ingested; the original is kept")
    return Original(text)
