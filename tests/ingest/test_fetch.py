"""``fazhi fetch`` against a local HTTP server (127.0.0.1, a free port): nothing leaves the machine.

The server serves a UTF-8 page and a GBK page (declaring gb2312) that link report
attachments, a redirect, a 404, a slow response, a PDF given as a page, a page with no report
text, and a page that changes between two fetches."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
import report_forms as forms
from test_ingest import project
from warcio.archiveiterator import ArchiveIterator

from generator import cli
from generator.ingest import fetch
from generator.ingest.run import ingest_all

pytestmark = pytest.mark.slow

SLOW = 3.0  # seconds the slow page takes to answer; the tests' timeout is shorter
LISTING = b"<html><head><meta charset=utf-8></head><body><ul><li><a href='/a'>1</a></li></ul></body></html>"


class _Site(http.server.BaseHTTPRequestHandler):
    changes = 0  # how often /changing.html was served
    asked: dict[str, int] = {}  # how often each path was asked for

    def do_GET(self):
        path = self.path
        type(self).asked[path] = type(self).asked.get(path, 0) + 1
        if path == "/loop.html" or (path == "/flaky.html" and type(self).asked[path] == 1) or path == "/down.html":
            if path == "/loop.html":
                self.send_response(302)
                self.send_header("Location", "/loop.html")
            else:
                self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/slow.html":
            time.sleep(SLOW)
        routes = {
            "/utf8.html": ("text/html; charset=utf-8", forms.as_html().replace(
                b'<div class="footer">', b'<p><a href="/files/report.pdf">report (PDF)</a> <a href="/files/gone.docx#x">Word</a>'
                                         b' <a href="/other.html">not an attachment</a></p><div class="footer">')),
            "/gbk.html": ("text/html", forms.as_html("gbk", "gb2312")),
            "/files/report.pdf": ("application/pdf", forms.as_pdf()),
            "/report.pdf": ("application/pdf", forms.as_pdf()),
            "/slow.html": ("text/html; charset=utf-8", forms.as_html()),
            "/flaky.html": ("text/html; charset=utf-8", forms.as_html()),
            "/listing.html": ("text/html; charset=utf-8", LISTING),
        }
        if path == "/old.html":
            self.send_response(301)
            self.send_header("Location", "/utf8.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/changing.html":
            type(self).changes += 1
            routes[path] = ("text/html; charset=utf-8", forms.as_html().replace(b"</body>", b"<p>%d</p></body>" % ((type(self).changes + 1) // 2)))
        if path not in routes:
            self.send_error(404, "Not Found")
            return
        content_type, body = routes[path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the slow page)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    _Site.asked = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def records(path):
    with open(path, "rb") as f:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers, r.http_headers, r.content_stream().read())
                for r in ArchiveIterator(f)]


def test_a_page_and_its_attachments_are_one_warc_with_requests_and_responses(site, tmp_path):
    raw, out = project(tmp_path, {})
    done = fetch.fetch_page(f"{site}/utf8.html", raw, timeout=5, wait=0)
    assert done.kept and "(1 attachment(s))" in done.line and f"attachment {site}/files/gone.docx: HTTP 404" in done.line
    [warc] = raw.glob("*.warc.gz")
    found = records(warc)
    kinds = [(kind, uri) for kind, uri, *_ in found if kind != "warcinfo"]
    # warcio writes each response, then the request it answered
    assert kinds == [(kind, f"{site}{path}") for path in ("/utf8.html", "/files/report.pdf", "/files/gone.docx")
                     for kind in ("response", "request")]
    by = {(kind, uri): (headers, http, body) for kind, uri, headers, http, body in found}
    headers, http_headers, body = by["response", f"{site}/utf8.html"]
    assert forms.TITLE.encode() in body and http_headers.get_statuscode() == "200"
    assert headers.get_header("WARC-Payload-Digest").startswith("sha1:") and headers.get_header("WARC-Date").endswith("Z")
    request = by["request", f"{site}/utf8.html"][1]
    assert request.protocol == "GET" and request.get_header("User-Agent") == fetch.USER_AGENT
    assert by["response", f"{site}/files/report.pdf"][2] == forms.as_pdf()


def test_a_fetched_page_is_ingested_with_its_address_and_fetch_time(site, tmp_path):
    raw, out = project(tmp_path, {"a.txt": forms.as_text()})
    assert fetch.fetch_page(f"{site}/gbk.html", raw, timeout=5, wait=0).kept
    outcome = ingest_all(raw, out, today="2026-12-01")
    assert [str(p) for p in outcome.problems] == []
    texts = {md.read_text(encoding="utf-8").split("\n---\n", 1)[1] for md in out.glob("*.md")}
    assert len(texts) == 1  # the GBK page's report is the text's
    [fetched] = [md.read_text(encoding="utf-8") for md in out.glob("*.md") if "source_url" in md.read_text(encoding="utf-8")]
    assert f"source_url: {site}/gbk.html\n" in fetched and "\nfetched: '20" in fetched


def test_a_redirect_is_followed_and_recorded(site, tmp_path):
    raw, _ = project(tmp_path, {})
    assert fetch.fetch_page(f"{site}/old.html", raw, timeout=5, wait=0).kept
    [warc] = raw.glob("*.warc.gz")
    responses = [(uri, h.get_statuscode()) for kind, uri, _, h, _ in records(warc) if kind == "response"]
    assert responses[:2] == [(f"{site}/old.html", "301"), (f"{site}/utf8.html", "200")]


@pytest.mark.parametrize("path, says", [
    ("/missing.html", "HTTP 404 Not Found: not fetched"),
    ("/slow.html", "no answer within 0.5 s (3 tries): not fetched"),
    ("/report.pdf", "not an HTML page (application/pdf): not fetched"),
    ("/listing.html", "no report text found in the page"),
])
def test_what_cannot_be_fetched_is_one_line_and_nothing_is_written(site, tmp_path, path, says):
    raw, _ = project(tmp_path, {})
    done = fetch.fetch_page(site + path, raw, timeout=0.5, wait=0)
    assert not done.kept and done.line.startswith(site + path + ": ") and says in done.line
    assert list(raw.iterdir()) == []


def test_the_rest_is_fetched_one_line_each_from_a_file_of_urls(site, tmp_path, capsys):
    raw, _ = project(tmp_path, {})
    listed = tmp_path / "urls.txt"
    listed.write_text(f"# publishers\n{site}/utf8.html\n{site}/missing.html\n\n{site}/gbk.html\n", encoding="utf-8")
    status = cli.main(["fetch", "--raw", str(raw), "--timeout", "5", "--from", str(listed)])
    out = capsys.readouterr().out.splitlines()
    assert status == 1  # one URL failed
    assert [line.split(": ", 1)[0] for line in out[:3]] == [f"{site}/utf8.html", f"{site}/missing.html", f"{site}/gbk.html"]
    assert out[3] == f"fetch: 2 of 3 page(s) in {raw}"
    assert len(list(raw.glob("*.warc.gz"))) == 2


def test_a_second_fetch_never_overwrites_a_changed_page_is_kept_beside_the_first(site, tmp_path):
    raw, _ = project(tmp_path, {})
    url = f"{site}/changing.html"  # served the same twice, then changed
    assert fetch.fetch_page(url, raw, timeout=5, wait=0).kept
    [first] = raw.glob("*.warc.gz")
    kept = first.read_bytes()
    again = fetch.fetch_page(url, raw, timeout=5, wait=0)
    assert again.kept and f"unchanged since {first.name}" in again.line and list(raw.glob("*.warc.gz")) == [first]
    changed = fetch.fetch_page(url, raw, timeout=5, wait=0)
    assert changed.kept and "fetched into" in changed.line
    files = sorted(raw.glob("*.warc.gz"))
    assert len(files) == 2 and first.read_bytes() == kept


def test_a_file_name_that_is_taken_gets_another(tmp_path):
    (tmp_path / "host-abc-20261201T000000Z.warc.gz").write_bytes(b"first")
    name = fetch._write_new(tmp_path, "host-abc", "20261201T000000Z", b"second")
    assert name == "host-abc-20261201T000000Z-2.warc.gz"
    assert (tmp_path / "host-abc-20261201T000000Z.warc.gz").read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["host-abc-20261201T000000Z-2.warc.gz", "host-abc-20261201T000000Z.warc.gz"]


def test_no_url_or_an_unreadable_list_is_one_line(tmp_path, capsys):
    assert cli.main(["fetch", "--raw", str(tmp_path)]) == 2
    assert cli.main(["fetch", "--raw", str(tmp_path), "--from", str(tmp_path / "none.txt")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("fetch: no URL given") and err[1].startswith(f"fetch: {tmp_path / 'none.txt'}: cannot be read")


def test_a_server_error_is_tried_again_a_bounded_number_of_times(site, tmp_path):
    flaky = fetch.fetch_page(f"{site}/flaky.html", tmp_path, timeout=2, wait=0)
    assert flaky.kept and _Site.asked["/flaky.html"] == 2  # a 503, then the page
    down = fetch.fetch_page(f"{site}/down.html", tmp_path, timeout=2, wait=0)
    assert not down.kept and down.line == f"{site}/down.html: HTTP 503 Service Unavailable: not fetched"
    assert _Site.asked["/down.html"] == fetch.TRIES
    assert len(list(tmp_path.glob("*.warc.gz"))) == 1


def test_a_redirect_loop_is_one_line(site, tmp_path):
    done = fetch.fetch_page(f"{site}/loop.html", tmp_path, timeout=2, wait=0)
    assert done.line == f"{site}/loop.html: more than {fetch.MAX_REDIRECTS} redirects: not fetched" and not list(tmp_path.iterdir())


def test_a_missing_raw_folder_is_one_line(tmp_path, capsys):
    assert cli.main(["fetch", "--raw", str(tmp_path / "none"), "http://127.0.0.1:9/x.html"]) == 2
    assert capsys.readouterr().err.splitlines() == [f"fetch: {tmp_path / 'none'}: the raw folder does not exist"]
