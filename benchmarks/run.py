"""Scale benchmark: fazhi beside Hugo, Hugo + Pagefind and MkDocs-Material on one corpus.

    make bench                                  # sizes 100 and 1000
    .venv/bin/python benchmarks/run.py --sizes 100 1000 10000 --timeout 3600

For each size N it synthesizes N raw reports (benchmarks/synth.py) and measures, in
one run on this machine: fazhi ingest, full build, peak RSS, site and search sizes,
the rebuild after editing one report and after adding one, the search page's
weight before a query and what a one- and a two-word query loads; then the peers
build the same reports (the ingested Markdown) in their own virtual environment.
Results go to benchmarks/results/results.{md,json}; ratios are peer time / fazhi time.
Nothing here is asserted: it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results"
PEERS_VENV = WORK / "peers-venv"
PY = sys.executable
sys.path.insert(0, str(ROOT))

from benchmarks.synth import synthesize  # noqa: E402
from generator.search import query_paths  # noqa: E402

QUERIES = {"one word": "行政复议", "two words": "人民调解 社区矫正"}


def timed(cmd: list[str], cwd: Path, timeout: float) -> tuple[float | None, int]:
    """Seconds a command took (None on timeout) and the peak RSS (KiB) of the children so far."""
    start = time.monotonic()
    try:
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(time.monotonic() - start, 2), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def search_weights(site: Path) -> dict:
    """Bytes the search page loads before a query, and for each query (index shards + shown reports' text)."""
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    first = len(page.encode("utf-8")) + (site / "search" / "dir.js").stat().st_size
    for src in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page):
        target = (site / "search" / src).resolve()
        if target.is_file() and target.name != "dir.js":
            first += target.stat().st_size
    files = {p.relative_to(site).as_posix(): p for p in (site / "search").rglob("*.js")}
    out = {"page before first query (bytes)": first}
    for label, q in QUERIES.items():
        shards = query_paths({k: b"" for k in files}, q)
        out[f"{label} query: index shards (bytes)"] = sum(files[p].stat().st_size for p in shards)
    return out


def ours(n: int, timeout: float) -> dict:
    project = WORK / f"n{n}"
    if project.exists():
        shutil.rmtree(project)
    synthesize(project / "content" / "raw", n)
    shutil.copy(ROOT / "content" / "topics.yml", project / "content" / "topics.yml")
    raw_bytes = size(project / "content" / "raw")
    fazhi = [PY, "-m", "generator"]
    r: dict = {"reports": n, "raw text (MB)": round(raw_bytes / 1e6, 1)}
    r["ingest (s)"], _ = timed(fazhi + ["ingest"], project, timeout)
    r["full build (s)"], rss = timed(fazhi + ["build"], project, timeout)
    r["peak RSS (MB)"] = round(rss / 1024)
    r["site (MB)"] = round(size(project / "site") / 1e6, 1)
    r["search index (MB)"] = round(size(project / "site" / "search") / 1e6, 1)
    if r["full build (s)"] is None:
        return r
    md = sorted((project / "content" / "reports").glob("*.md"))[n // 2]
    md.write_text(md.read_text(encoding="utf-8") + "\n编者补充一句。\n", encoding="utf-8")
    r["rebuild after editing one (s)"], _ = timed(fazhi + ["build"], project, timeout)
    synthesize(WORK / "extra", 1, seed=99)
    shutil.copy(WORK / "extra" / "00000.txt", project / "content" / "raw" / "new.txt")
    r["ingest + rebuild after adding one (s)"], _ = timed(fazhi + ["ingest"], project, timeout)
    more, _ = timed(fazhi + ["build"], project, timeout)
    if r["ingest + rebuild after adding one (s)"] is not None and more is not None:
        r["ingest + rebuild after adding one (s)"] = round(r["ingest + rebuild after adding one (s)"] + more, 2)
    r.update(search_weights(project / "site"))
    return r


def peers_python() -> Path:
    py = PEERS_VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([PY, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(ROOT / "benchmarks" / "requirements-peers.txt")], check=True)
    return py


def peer_sources(n: int) -> Path:
    """The ingested reports as plain Markdown pages (title in front-matter) for the peers."""
    src = WORK / f"n{n}-peers"
    if src.exists():
        shutil.rmtree(src)
    docs = src / "docs"
    docs.mkdir(parents=True)
    for md in sorted((WORK / f"n{n}" / "content" / "reports").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", text, re.M).group(1).strip("'\"")
        body = text.split("\n---\n", 1)[1]
        (docs / md.name).write_text(f"---\ntitle: \"{title}\"\n---\n\n# {title}\n\n{body}", encoding="utf-8")
    (docs / "index.md").write_text("---\ntitle: 首页\n---\n\n# 法治报告档案\n", encoding="utf-8")
    return src


def peers(n: int, timeout: float) -> dict:
    py = peers_python()
    bin_dir = py.parent
    src = peer_sources(n)
    out: dict = {}
    hugo = src / "hugo"
    (hugo / "content").mkdir(parents=True)
    for md in (src / "docs").glob("*.md"):
        shutil.copy(md, hugo / "content" / ("_index.md" if md.name == "index.md" else md.name))
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "layouts" / "_default" / "single.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        "<body><main data-pagefind-body>{{ .Content }}</main></body></html>", encoding="utf-8")
    (hugo / "layouts" / "_default" / "list.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        "<body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>", encoding="utf-8")
    (hugo / "hugo.toml").write_text('baseURL = "https://example.org/"\nlanguageCode = "zh-CN"\ntitle = "bench"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    out["Hugo build (s)"], _ = timed([str(bin_dir / "hugo"), "--quiet"], hugo, timeout)
    t, _ = timed([str(py), "-m", "pagefind", "--site", "public"], hugo, timeout)
    out["Hugo + Pagefind (s)"] = round(out["Hugo build (s)"] + t, 2) if t is not None and out["Hugo build (s)"] else None
    out["Pagefind index (MB)"] = round(size(hugo / "public" / "pagefind") / 1e6, 1)
    mk = src
    (mk / "mkdocs.yml").write_text(
        "site_name: bench\ntheme:\n  name: material\n  language: zh\nplugins:\n  - search:\n      lang: zh\n", encoding="utf-8")
    out["MkDocs-Material (s)"], _ = timed([str(bin_dir / "mkdocs"), "build", "-q"], mk, timeout)
    return out


def table(rows: list[dict]) -> str:
    keys = [k for k in rows[0] if k != "reports"]
    lines = ["| measure | " + " | ".join(f"N = {r['reports']:,}" for r in rows) + " |",
             "| --- |" + " --- |" * len(rows)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join("timed out" if r.get(k, "") is None else str(r.get(k, "")) for r in rows) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed to each tool run")
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        print(f"N = {n} …", flush=True)
        row = ours(n, args.timeout)
        if not args.no_peers:
            row.update(peers(n, args.timeout))
            for peer in ("Hugo build (s)", "Hugo + Pagefind (s)", "MkDocs-Material (s)"):
                if row.get(peer) and row.get("full build (s)"):
                    row[f"ratio {peer.split(' (')[0]} / fazhi build"] = round(row[peer] / row["full build (s)"], 2)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    (RESULTS / "results.json").write_text(json.dumps({"machine": machine, "rows": rows}, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (RESULTS / "results.md").write_text(f"# Benchmark results\n\nMachine: {machine}.\n\n{table(rows)}\n", encoding="utf-8")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
