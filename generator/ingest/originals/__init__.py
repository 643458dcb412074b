"""Originals as governments publish them → the text ``fazhi ingest`` reads.

A report reaches the archive as a plain-text file, a saved web page (.html/.htm), a PDF
attachment, a Word document (.docx) or a WARC file from ``fazhi fetch`` (a page and its
attachments, with where and when they were taken). Each form has its module; ``read_original``
picks one by the file's name and gives back the report's text, in the lines the text rules of
ingest already read (title, 发布日期/来源/信息索引号 lines, body), and what the page says of itself
besides. The original itself is never changed.
"""

from __future__ import annotations

import importlib

from generator.ingest.decode import Unusable, decode
from generator.ingest.originals.base import Original

# Old binary Word formats: no maintained pure-Python reader; LibreOffice converts them faithfully.
_OLD_WORD = (".doc", ".wps")


def read_original(name: str, data: bytes) -> Original:
    """The original named ``name`` (its form is told by its extension) with these bytes; raises
    ``Unusable`` with the reason when it cannot give a report's text."""
    lower = name.lower()
    if lower.endswith(_OLD_WORD):
        raise Unusable(f"an old Word/WPS document ({lower.rsplit('.', 1)[1]}), which ingest cannot read: convert it "
                       "with LibreOffice (soffice --headless --convert-to docx FILE) and add the .docx; this file is kept")
    if lower.endswith((".html", ".htm")):
        return _form("html").read_page(data)
    if lower.endswith(".pdf"):
        return _form("pdf").read_pdf(data)
    if lower.endswith(".docx"):
        return _form("word").read_docx(data)
    if lower.endswith((".warc", ".warc.gz")):
        return _form("warc").read_warc(data, read_original)
    return Original(decode(data))


def _form(name: str):
    """A form's reader, imported when an original of that form is first read: trafilatura, lxml,
    pdfminer and python-docx take 0.4 s and 60 MB to load, which an archive of text originals
    never needs (and every ingest would pay)."""
    return importlib.import_module(f"generator.ingest.originals.{name}")
