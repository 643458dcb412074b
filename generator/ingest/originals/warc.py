"""A WARC file (.warc, .warc.gz, as ``fazhi fetch`` writes it, or wget --warc, Webrecorder) → the
report's text, with where and when it was taken, through warcio.

The page is the first successful (2xx) HTML response; its address is the source URL and its
record's date the fetch time. The report is the page's text, else (a page that only links its
report) the first attachment in the file that reads as one.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import replace
from typing import NamedTuple
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from generator.ingest.decode import Unusable
from generator.ingest.originals import html
from generator.ingest.originals.base import Original


class Response(NamedTuple):
    """A successful HTTP response the file holds."""

    url: str  # WARC-Target-URI
    date: str  # WARC-Date
    content_type: str
    payload: bytes


def _responses(data: bytes) -> list[Response]:
    """Each successful HTTP response, in order."""
    found = []
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if not record.http_headers.get_statuscode().startswith("2"):
                continue  # a redirect, an error: the page is where it led
            found.append(Response(record.rec_headers.get_header("WARC-Target-URI") or "", record.rec_headers.get_header("WARC-Date") or "",
                                  record.http_headers.get_header("Content-Type") or "", record.content_stream().read()))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise Unusable(f"not a readable WARC file ({exc})") from None
    return found


def page_payloads(data: bytes) -> list[bytes]:
    """The bodies of the file's successful HTML responses."""
    return [r.payload for r in _responses(data) if "html" in r.content_type.lower()]


def read_warc(data: bytes, read_attachment) -> Original:
    """``read_attachment(name, data)`` reads an attachment by its form (``originals.read_original``)."""
    responses = _responses(data)
    pages = [r for r in responses if "html" in r.content_type.lower()]
    if not pages:
        raise Unusable("the WARC file holds no successful HTML response (no page was fetched)")
    page = pages[0]
    try:
        return html.read_page(page.payload, html.charset_of(page.content_type), page.url, page.date)
    except Unusable as exc:
        why = str(exc)
    for attachment in responses:
        name = posixpath.basename(urlsplit(attachment.url).path)
        if attachment.url == page.url or not name:
            continue
        try:
            return replace(read_attachment(name, attachment.payload), source_url=page.url, fetched=page.date)
        except Unusable:
            continue
    raise Unusable(f"its page {page.url}: {why}, and no attachment in it reads as a report")
