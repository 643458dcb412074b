"""What the search page costs a reader, measured in headless Chromium.

    measure_search(site, {"one word": "行政复议"}) -> {measure: value}

It knows nothing of the index's format: it opens ``search/index.html`` (and
``search/index.html?q=<query>``) over HTTP (a local http.server on 127.0.0.1) and
from ``file://``, waits until ``#search-results`` says ``aria-busy="false"``, and
adds up the bodies of every request the page made (over HTTP the response bodies;
from disk the files the requests named). A query's bytes are those of the requests
the bare page did not make; its time is from the start of navigation to the
moment the results stop being busy (performance.now() in the page, via a
MutationObserver installed before the page's own scripts).

A query is measured two ways: opened as a link (``?q=``, the time counts the page's own
load), and typed into the search page once it is open (the time from pressing Enter).
Each is timed ``trials`` times, each in a fresh browser context, and the median is given:
one run on this shared 2-core machine varies by ±100 ms.
"""

from __future__ import annotations

import functools
import http.server
import statistics
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

# Records when the results list stops being busy, in ms since navigation started.
_READY_OBSERVER = """
(() => {
  const done = () => {
    const list = document.getElementById('search-results');
    if (list && list.getAttribute('aria-busy') === 'false' && window.__fazhiReady === undefined) {
      window.__fazhiReady = performance.now();
    }
  };
  new MutationObserver(done).observe(document, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ['aria-busy']});
  // A query typed on the open page: time from its submission (before the page's handler runs).
  document.addEventListener('submit', () => {
    window.__fazhiSubmit = performance.now();
    window.__fazhiReady = undefined;
  }, true);
})();
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(site: Path):
    """The site on http://127.0.0.1:<free port>/, in a thread, for the duration."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _body_size(request, site: Path) -> int:
    url = urlsplit(request.url)
    if url.scheme == "file":
        path = Path(unquote(url.path))
        return path.stat().st_size if path.is_file() else 0
    response = request.response()
    try:
        return len(response.body()) if response else 0
    except Exception:  # a redirect or a body the browser did not keep
        return 0


def _open(browser, url: str, site: Path, timeout_ms: float, typed: str | None = None) -> tuple[dict[str, int], float]:
    """Bytes per requested URL and ms until the results were ready, in a fresh context (empty cache).

    With ``typed``, the page is opened first and the query then typed into it: the bytes are
    the requests made from pressing Enter on, the time runs from the form's submission."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(_READY_OBSERVER)
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(url, wait_until="load", timeout=timeout_ms)
        page.wait_for_selector('#search-results[aria-busy="false"]', state="attached", timeout=timeout_ms)
        if typed is not None:
            finished.clear()
            page.fill("#q", typed)
            page.press("#q", "Enter")
            page.wait_for_function("window.__fazhiSubmit !== undefined && window.__fazhiReady !== undefined", timeout=timeout_ms)
        try:
            page.wait_for_load_state("networkidle", timeout=5000)
        except Exception:
            pass
        ready = page.evaluate("(window.__fazhiReady ?? performance.now()) - (window.__fazhiSubmit ?? 0)")
        sizes: dict[str, int] = {}
        for request in finished:
            key = request.url.split("#")[0]
            sizes[key] = max(sizes.get(key, 0), _body_size(request, site))
        return sizes, round(ready, 1)
    finally:
        context.close()


def measure_search(site: Path, queries: dict[str, str], chromium: str = CHROMIUM, timeout_s: float = 120, browser=None,
                   trials: int = 5) -> dict:
    """For HTTP and file://: bytes of the search page before a query, and per query the bytes it
    loads beyond that page and the time until its results show (the most bytes and the median
    time of ``trials`` runs). Launches Chromium unless given a Playwright ``browser`` (as the
    tests do)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                return measure_search(site, queries, chromium, timeout_s, own, trials)
            finally:
                own.close()
    site = site.resolve()
    out: dict = {}

    def runs(url: str, typed: str | None = None) -> tuple[list[dict[str, int]], float]:
        done = [_open(browser, url, site, timeout_s * 1000, typed) for _ in range(trials)]
        return [sizes for sizes, _ in done], statistics.median(ms for _, ms in done)

    with serve(site) as http_root:
        for mode, root in (("HTTP", http_root), ("file", site.as_uri() + "/")):
            pages, ms = runs(root + "search/index.html")
            page = pages[0]
            out[f"search page before a query, {mode} (bytes)"] = max(sum(p.values()) for p in pages)
            out[f"search page ready, {mode} (ms)"] = ms
            for label, query in queries.items():
                loaded, ms = runs(root + "search/index.html?q=" + quote(query))
                out[f"{label} query: bytes beyond the page, {mode}"] = max(sum(n for u, n in got.items() if u not in page) for got in loaded)
                out[f"{label} query: time to results, {mode} (ms)"] = ms
                typed, ms = runs(root + "search/index.html", query)
                out[f"{label} query typed on the page: bytes, {mode}"] = max(sum(n for u, n in got.items() if u not in page) for got in typed)
                out[f"{label} query typed on the page: time to results, {mode} (ms)"] = ms
    return out
