"""What the search page costs a reader, measured in headless Chromium (Playwright).

For a built site, over HTTP (a local static server) and from file://:
  - bytes the search page loads before the first query (page, CSS, scripts, dir.js);
  - for each query: the bytes of every file the page then loads (lunr.min.js on the first
    query, vocabulary, postings, filter lists, excerpt text), the number of files, and the
    milliseconds from navigation start to results shown (aria-busy="false"), and the
    result count line.
Bytes are the sizes on disk of the files requested (the same over HTTP and file://;
Playwright's request events name every file, cache disabled by a fresh context each time).

    .venv/bin/python benchmarks/search_bytes.py SITE_DIR [--query Q ...] [--json]

    from benchmarks.search_bytes import measure
    measure(Path("site"), ["行政复议", "人民调解 社区矫正"])  → dict (see measure's docstring)
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

DEFAULT_QUERIES = ("行政复议", "人民调解 社区矫正", "法治", "江北 行政复议")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real static hosts do

    def log_message(self, *args):
        pass


def _serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _file_of(site: Path, root: str, url: str) -> Path | None:
    if not url.startswith(root):
        return None
    rel = urllib.parse.unquote(urllib.parse.urlsplit(url[len(root):]).path)
    path = site / rel
    return path if path.is_file() else None


def _visit(browser, site: Path, root: str, url: str, timeout_ms: int = 60_000) -> dict:
    """Open url in a fresh context; the files it loaded, their bytes, and ms until results."""
    context = browser.new_context()
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(url)
    page.wait_for_selector('#search-results[aria-busy="false"]', state="attached", timeout=timeout_ms)
    ms = page.evaluate("performance.now()")
    query_ms = page.locator("#search-results").get_attribute("data-ms")
    count = page.locator("#search-count").inner_text()
    results = page.locator("#search-results > li").count()
    context.close()
    files = [f for f in (_file_of(site, root, u) for u in dict.fromkeys(seen)) if f is not None]
    return {"files": [f.relative_to(site).as_posix() for f in files], "bytes": sum(f.stat().st_size for f in files),
            "ms": round(ms, 1), "query ms": int(query_ms) if query_ms else None, "count": count, "results": results}


def measure(site: Path, queries: Sequence[str] = DEFAULT_QUERIES, chromium: str | None = None, browser=None) -> dict:
    """{"http": {...}, "file": {...}}, each {"before first query": {bytes, files, ms},
    "queries": {query: {"bytes": bytes loaded for the query, "files": n, "ms": navigation → results,
    "query ms": the page's own clock from starting the query to results shown,
    "count": the result count line, "results": items shown}}}.
    ``browser``: a Playwright Chromium to use (else one is launched: ``chromium`` or Debian's)."""
    if browser is not None:
        return _measure(browser, Path(site).resolve(), queries)
    from playwright.sync_api import sync_playwright

    chromium = chromium or os.environ.get("FAZHI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return _measure(launched, Path(site).resolve(), queries)
        finally:
            launched.close()


def _measure(browser, site: Path, queries: Sequence[str]) -> dict:
    server, http_root = _serve(site)
    out: dict = {}
    try:
        for scheme, root in (("http", http_root), ("file", site.as_uri() + "/")):
            base = _visit(browser, site, root, root + "search/index.html")
            before = set(base["files"])
            rows = {}
            for q in queries:
                got = _visit(browser, site, root, root + "search/index.html?q=" + urllib.parse.quote(q))
                extra = [f for f in got["files"] if f not in before]
                rows[q] = {"bytes": sum((site / f).stat().st_size for f in extra), "files": len(extra),
                           "ms": got["ms"], "query ms": got["query ms"], "count": got["count"],
                           "results": got["results"]}
            out[scheme] = {"before first query": {"bytes": base["bytes"], "files": len(base["files"]), "ms": base["ms"]},
                           "queries": rows}
    finally:
        server.shutdown()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("site", type=Path)
    p.add_argument("--query", action="append", help="a query (repeatable); default: a few typical ones")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    started = time.monotonic()
    result = measure(args.site, args.query or DEFAULT_QUERIES)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    for scheme, r in result.items():
        b = r["before first query"]
        print(f"{scheme}: before first query {b['bytes']:,} bytes in {b['files']} files, {b['ms']} ms")
        for q, row in r["queries"].items():
            print(f"  {q!r}: {row['bytes']:,} bytes in {row['files']} files, {row['query ms']} ms query → results ({row['ms']} ms from navigation), {row['results']} shown; {row['count']}")
    print(f"({time.monotonic() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
