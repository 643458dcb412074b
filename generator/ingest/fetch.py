"""``fazhi fetch``: a report page and the report attachments it links → one WARC file per page in
content/raw, where ``fazhi ingest`` reads it (generator/ingest/originals/warc.py).

The WARC file (warcio) holds, for every HTTP exchange, the request as sent and the response as
received (status line, headers, body, with its payload digest), redirects included, so the
archive can show where and when the report was taken. One request at a time, an honest
User-Agent, a timeout and a bounded number of tries. An original is never overwritten: a page
fetched again is written beside the first under its own time, unless it is unchanged.
"""

from __future__ import annotations

import datetime
import hashlib
import http.client
import io
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from generator import __version__
from generator.core.progress import progress
from generator.ingest.decode import Unusable
from generator.ingest.originals import html
from generator.ingest.originals.warc import page_payloads

USER_AGENT = f"fazhi-fetch/{__version__} (fazhi rule-of-law report archive; archives published government reports, one request at a time)"
ATTACHMENTS = (".pdf", ".doc", ".docx", ".wps", ".txt")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
TRIES = 3  # a request that fails (no answer, a timeout, a 5xx) is sent at most this many times


class FetchFailed(Exception):
    """A URL that could not be fetched; the message is the reason."""


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as the WARC file records them."""

    url: str
    at: str  # when the response came, ISO 8601 UTC (the records' WARC-Date)
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.response_headers if k.lower() == name.lower()), "")


@dataclass(frozen=True)
class Fetched:
    """What became of one URL: the line said of it, and whether the archive has its page now."""

    line: str
    kept: bool = False


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(url: str, timeout: float) -> Exchange:
    """One GET, redirects not followed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed("not an http(s) address")
    connection = (http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection)(
        parts.hostname, parts.port, timeout=timeout)
    headers = (("Host", parts.netloc), ("User-Agent", USER_AGENT), ("Accept", "*/*"),
               ("Accept-Encoding", "identity"), ("Connection", "close"))
    try:
        connection.request("GET", urlunsplit(("", "", parts.path or "/", parts.query, "")), headers=dict(headers))
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    # The body is stored de-chunked, so the header that says it was chunked goes.
    kept = tuple((k, v) for k, v in response.getheaders() if k.lower() != "transfer-encoding")
    return Exchange(url, _now(), headers, response.status, response.reason, kept, body)


def _tried(url: str, timeout: float, wait: float) -> Exchange:
    """``_get`` up to TRIES times while it fails or the server errs (5xx), waiting longer each time."""
    failure = ""
    for attempt in range(TRIES):
        if attempt:
            time.sleep(wait * attempt)
        try:
            exchange = _get(url, timeout)
        except TimeoutError:
            failure = f"no answer within {timeout:g} s"
            continue
        except (OSError, http.client.HTTPException) as exc:
            failure = f"{type(exc).__name__}: {exc}"
            continue
        if exchange.status < 500 or attempt == TRIES - 1:
            return exchange
    raise FetchFailed(f"{failure} ({TRIES} tries)")


def _followed(url: str, timeout: float, wait: float) -> list[Exchange]:
    """The exchanges from ``url`` to where its redirects lead."""
    chain = [_tried(url, timeout, wait)]
    while chain[-1].status in REDIRECTS and chain[-1].header("Location"):
        if len(chain) > MAX_REDIRECTS:
            raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")
        chain.append(_tried(urljoin(chain[-1].url, chain[-1].header("Location")), timeout, wait))
    return chain


def attachment_links(page: bytes, charset: str, base: str) -> list[str]:
    """The page's links to report attachments (pdf, doc, docx, wps, txt), absolute, each once, in order."""
    try:
        doc = lxml.html.document_fromstring(html.decode_page(page, charset))
    except (etree.ParserError, ValueError, Unusable):
        return []
    doc.make_links_absolute(base, resolve_base_href=True)
    found = [link for el, attr, link, _ in doc.iterlinks() if el.tag == "a" and attr == "href"
             and urlsplit(link).scheme in ("http", "https") and urlsplit(link).path.lower().endswith(ATTACHMENTS)]
    return list(dict.fromkeys(link.split("#")[0] for link in found))


def warc_file(exchanges: list[Exchange]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("fetch.warc.gz", {"software": USER_AGENT, "format": "WARC File Format 1.0"}))
    for x in exchanges:
        parts = urlsplit(x.url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        date = {"WARC-Date": x.at}
        request = writer.create_warc_record(x.url, "request", payload=io.BytesIO(b""), warc_headers_dict=date,
                                            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", list(x.request_headers),
                                                                          is_http_request=True))
        response = writer.create_warc_record(x.url, "response", payload=io.BytesIO(x.body), warc_headers_dict=date,
                                             http_headers=StatusAndHeaders(f"{x.status} {x.reason}", list(x.response_headers),
                                                                           protocol="HTTP/1.1"))
        writer.write_request_response_pair(request, response)
    return out.getvalue()


def _stem(url: str) -> str:
    """The start of every file name fetched from ``url``: its host and a digest of the whole address."""
    host = re.sub(r"[^A-Za-z0-9.-]", "_", urlsplit(url).hostname or "page")
    return f"{host}-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:12]}"


def _unchanged(raw_dir: Path, stem: str, page: bytes) -> str:
    """The name of an earlier fetch of the same URL whose page had these bytes; '' when none."""
    for earlier in sorted(raw_dir.glob(f"{stem}-*.warc.gz")):
        try:
            if page in page_payloads(earlier.read_bytes()):
                return earlier.name
        except (OSError, Unusable):
            continue
    return ""


def _write_new(raw_dir: Path, stem: str, stamp: str, data: bytes) -> str:
    """Write ``data`` under a name no file has (an original is never overwritten); that name."""
    temporary = raw_dir / f".{stem}-{os.getpid()}.partial"
    temporary.write_bytes(data)
    try:
        for n in range(1, 1000):
            name = f"{stem}-{stamp}{'' if n == 1 else f'-{n}'}.warc.gz"
            try:
                os.link(temporary, raw_dir / name)  # fails when the name is taken: never replaces a file
                return name
            except FileExistsError:
                continue
        raise FetchFailed("no free file name")
    finally:
        temporary.unlink()


def fetch_page(url: str, raw_dir: Path, timeout: float = 30.0, wait: float = 1.0) -> Fetched:
    """Fetch one page and its report attachments into a new WARC file."""
    try:
        chain = _followed(url, timeout, wait)
    except FetchFailed as exc:
        return Fetched(f"{url}: {exc}: not fetched")
    page = chain[-1]
    if page.status != 200:
        return Fetched(f"{url}: HTTP {page.status} {page.reason}: not fetched")
    content_type = page.header("Content-Type")
    if "html" not in content_type.lower():
        return Fetched(f"{url}: not an HTML page ({content_type or 'no Content-Type'}): not fetched (give the page that links it)")
    charset = html.charset_of(content_type)
    exchanges, notes = list(chain), []
    for link in attachment_links(page.body, charset, page.url):
        try:
            followed = _followed(link, timeout, wait)
        except FetchFailed as exc:
            notes.append(f"attachment {link}: {exc}")
            continue
        exchanges += followed
        if followed[-1].status != 200:
            notes.append(f"attachment {link}: HTTP {followed[-1].status}")
    attachments = len([x for x in exchanges[len(chain):] if x.status == 200])
    try:
        html.read_page(page.body, charset, page.url, page.at)
    except Unusable as exc:
        if not attachments:
            return Fetched(f"{url}: {exc}, and it links no report attachment: not kept")
    stem = _stem(url)
    earlier = _unchanged(raw_dir, stem, page.body)
    if earlier:
        return Fetched(f"{url}: unchanged since {earlier}: not written again", kept=True)
    name = _write_new(raw_dir, stem, page.at.replace("-", "").replace(":", ""), warc_file(exchanges))
    said = f"{url}: fetched into {raw_dir / name} ({attachments} attachment(s))"
    return Fetched("; ".join([said, *notes]), kept=True)


def _urls(args) -> list[str]:
    found = list(args.urls)
    if args.from_file:
        text = Path(args.from_file).read_text(encoding="utf-8-sig")
        found += [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return found


def run(args) -> int:
    try:
        urls = _urls(args)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"fetch: {args.from_file}: cannot be read: {exc}", file=sys.stderr)
        return 2
    if not urls:
        print("fetch: no URL given (name them, or a file of them with --from)", file=sys.stderr)
        return 2
    if not args.raw.is_dir():
        print(f"fetch: {args.raw}: the raw folder does not exist", file=sys.stderr)
        return 2
    kept = 0
    with progress("fetch", total=len(urls) if args.from_file else 0, unit="pages") as bar:
        for url in urls:
            done = fetch_page(url, args.raw, args.timeout)
            kept += done.kept
            print(done.line, flush=True)
            bar.update(1)
    print(f"fetch: {kept} of {len(urls)} page(s) in {args.raw}")
    return 0 if kept == len(urls) else 1
