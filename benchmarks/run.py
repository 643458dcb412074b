"""Scale benchmark: fazhi beside Hugo, Hugo + Pagefind and MkDocs-Material on one corpus.

    make bench                                           # N = 100, 1,000 and 10,000
    .venv/bin/python benchmarks/run.py --sizes 100 1000  # a quicker run

For each corpus (the benchmark's own, and one of shorter reports) and each size N it
synthesizes N raw reports (benchmarks/synth.py) and measures, in one run on this machine:
fazhi ingest (recording the corpus as added the day before, so that the reports added later are
the day's additions, as in an archive in use), a second ingest with nothing changed, the full build, peak memory (PSS of the
whole process tree, sampled: pages shared with forked workers count once), site and search
sizes, the rebuild after editing one report's body, after correcting one report's title (a
hand correction in content/reports), after adding one report and after adding 300 (ingest
and rebuild each); what the search page costs a reader in headless Chromium over HTTP and
from file:// (benchmarks/search_load.py); then the peers build the same reports (the
ingested Markdown) in their own virtual environment. Every time is also given per report,
so a step whose cost grows faster than the corpus shows as a rising per-report time.
Results go to benchmarks/results/results.{md,json}; ratios are peer time / fazhi time,
for the build alone and for ingest + build (what a user waits for from the originals).
Nothing here is asserted: it measures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results"
PEERS_VENV = WORK / "peers-venv"
PY = sys.executable
sys.path.insert(0, str(ROOT))

from benchmarks.synth import LENGTH, synthesize  # noqa: E402

# Report sizes in bytes: the benchmark's corpus, and one of shorter reports (many real reports
# are a page or two), where fixed and per-report costs weigh more than per-byte ones.
CORPORA = {"benchmark": LENGTH, "short": (1_500, 6_000)}
ADDED = 300  # the spring's reports arriving at once: measured where the archive has at least 1,000

QUERIES = {"one word": "行政复议", "two words": "人民调解 社区矫正"}
# Times shown per report too (the 100 → 1,000 → 10,000 curve), and the peers' times for ratios.
TIMES = ("ingest (s)", "re-ingest, nothing changed (s)", "full build (s)", "ingest + full build (s)",
         "rebuild after editing one (s)", "rebuild after correcting one title (s)",
         "ingest after adding one (s)", "rebuild after adding one (s)", "ingest + rebuild after adding one (s)",
         f"ingest after adding {ADDED} (s)", f"rebuild after adding {ADDED} (s)", f"ingest + rebuild after adding {ADDED} (s)")
PEERS = ("Hugo build (s)", "Hugo + Pagefind (s)", "MkDocs-Material (s)")
# The first ingest, of an archive begun before today: its reports recorded as added the day before,
# so that the reports added later are the day's additions, as in an archive in use
# (generator/search/recent.py), not more of the first day's. Exits 1 on an error, as `fazhi ingest`.
INGEST_AS_OF_YESTERDAY = [
    PY, "-c", "import datetime, sys; from pathlib import Path; "
              "from generator.ingest.run import archive_date, run_ingest; "
              "day = datetime.date.fromisoformat(archive_date()) - datetime.timedelta(days=1); "
              "problems, _ = run_ingest(Path('content/raw'), Path('content/reports'), today=day.isoformat()); "
              "sys.exit(any(p.severity == 'error' for p in problems))"]


def _tree_pss(pid: int) -> int:
    """Proportional resident bytes (PSS) of a process and all its descendants (from /proc): a page
    shared by forked workers counts once in all, where summing RSS would count it per process."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith(b"Pss:"))
        except (OSError, StopIteration):
            pass
        todo.extend(children.get(p, ()))
    return total


def timed(cmd: list[str], cwd: Path, timeout: float) -> tuple[float | None, int, int]:
    """Seconds a command took (None on timeout), the peak memory of its process tree in MB (PSS,
    sampled every 0.2 s) and the peak RSS of its largest single process in MB (from wait4).
    Output is discarded. The disk caches are written back first (os.sync), so no step pays for
    the one before: a full build of 10,000 reports leaves ~3 GB to write, and 2 GB still pending
    made a rebuild after an edit 0.5 s slower."""
    os.sync()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    peak = [0]
    largest = 0
    stop = threading.Event()

    def sample():
        while not stop.wait(0.2):
            peak[0] = max(peak[0], _tree_pss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    seconds: float | None = None
    try:
        _, status, usage = _wait4(proc, timeout)
        seconds = round(time.monotonic() - start, 2)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        largest = usage.ru_maxrss * 1024
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
    finally:
        stop.set()
        sampler.join()
    return seconds, round(peak[0] / 2**20), round(largest / 2**20)


def _wait4(proc: subprocess.Popen, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return pid, status, usage
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.01)


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def search_measures(site: Path) -> dict:
    """The reader's side of search (benchmarks/search_load.py), or nothing without Chromium."""
    from benchmarks.search_load import CHROMIUM, measure_search

    if not Path(CHROMIUM).exists():
        print(f"  {CHROMIUM} not found: search page not measured", flush=True)
        return {}
    return measure_search(site, QUERIES)


def _sum(a: float | None, b: float | None) -> float | None:
    return round(a + b, 2) if a is not None and b is not None else None


def _add(project: Path, count: int, seed: int, length: tuple[int, int]) -> None:
    """``count`` new originals in the project's content/raw, unlike the ones there (another seed)."""
    extra = WORK / "extra"
    shutil.rmtree(extra, ignore_errors=True)
    synthesize(extra, count, seed=seed, length=length)
    for f in sorted(extra.iterdir()):
        shutil.copy(f, project / "content" / "raw" / f"added-{seed}-{f.name}")


def _correct_title(md: Path) -> None:
    """An editor's correction of a report's title in its front-matter."""
    text = md.read_text(encoding="utf-8")
    md.write_text(re.sub(r"^title: .*$", "title: 更正后的标题", text, count=1, flags=re.M), encoding="utf-8")


def ours(n: int, timeout: float, corpus: str = "benchmark") -> dict:
    length = CORPORA[corpus]
    project = WORK / f"n{n}"
    if project.exists():
        shutil.rmtree(project)
    synthesize(project / "content" / "raw", n, length=length)
    for config in ("site.yml", "topics.yml", "indicators.yml"):
        shutil.copy(ROOT / "content" / config, project / "content" / config)
    fazhi = [PY, "-m", "generator"]
    # An address, so that the build makes the sitemap and feed a deploy has (.invalid never resolves).
    build = fazhi + ["build", "--base-url", "https://fazhi.invalid/"]
    r: dict = {"corpus": corpus, "reports": n, "raw text (MB)": round(size(project / "content" / "raw") / 1e6, 1)}
    r["ingest (s)"], r["peak memory (PSS), ingest (MB)"], _ = timed(INGEST_AS_OF_YESTERDAY, project, timeout)
    r["re-ingest, nothing changed (s)"], _, _ = timed(fazhi + ["ingest"], project, timeout)
    r["full build (s)"], r["peak memory (PSS), build (MB)"], r["largest process peak RSS, build (MB)"] = timed(
        build, project, timeout)
    r["ingest + full build (s)"] = _sum(r["ingest (s)"], r["full build (s)"])
    r["site (MB)"] = round(size(project / "site") / 1e6, 1)
    r["search index (MB)"] = round(size(project / "site" / "search") / 1e6, 1)
    if r["full build (s)"] is None:
        return r
    md = sorted((project / "content" / "reports").glob("*.md"))[n // 2]
    md.write_text(md.read_text(encoding="utf-8") + "\n编者补充一句。\n", encoding="utf-8")
    r["rebuild after editing one (s)"], _, _ = timed(build, project, timeout)
    _correct_title(sorted((project / "content" / "reports").glob("*.md"))[n // 3])
    r["rebuild after correcting one title (s)"], _, _ = timed(build, project, timeout)
    _add(project, 1, 99, length)
    r["ingest after adding one (s)"], _, _ = timed(fazhi + ["ingest"], project, timeout)
    r["rebuild after adding one (s)"], _, _ = timed(build, project, timeout)
    r["ingest + rebuild after adding one (s)"] = _sum(r["ingest after adding one (s)"], r["rebuild after adding one (s)"])
    r.update(search_measures(project / "site"))
    if n >= 1000:  # measured last: the search figures above are of the archive of n + 1
        _add(project, ADDED, 98, length)
        r[f"ingest after adding {ADDED} (s)"], _, _ = timed(fazhi + ["ingest"], project, timeout)
        r[f"rebuild after adding {ADDED} (s)"], _, _ = timed(build, project, timeout)
        r[f"ingest + rebuild after adding {ADDED} (s)"] = _sum(r[f"ingest after adding {ADDED} (s)"],
                                                               r[f"rebuild after adding {ADDED} (s)"])
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
    out["Hugo build (s)"], _, _ = timed([str(bin_dir / "hugo"), "--quiet"], hugo, timeout)
    t, _, _ = timed([str(py), "-m", "pagefind", "--site", "public"], hugo, timeout)
    out["Hugo + Pagefind (s)"] = round(out["Hugo build (s)"] + t, 2) if t is not None and out["Hugo build (s)"] else None
    out["Pagefind index (MB)"] = round(size(hugo / "public" / "pagefind") / 1e6, 1)
    mk = src
    (mk / "mkdocs.yml").write_text(
        "site_name: bench\ntheme:\n  name: material\n  language: zh\nplugins:\n  - search:\n      lang: zh\n", encoding="utf-8")
    out["MkDocs-Material (s)"], out["MkDocs-Material peak memory (PSS, MB)"], _ = timed([str(bin_dir / "mkdocs"), "build", "-q"], mk, timeout)
    return out




def _cell(value) -> str:
    if value is None:
        return "timed out"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(rows: list[dict]) -> str:
    """Every measure (rows) at every size (columns)."""
    keys = list(dict.fromkeys(k for r in rows for k in r if k not in ("reports", "corpus")))
    lines = ["| measure | " + " | ".join(f"N = {r['reports']:,}" for r in rows) + " |",
             "| --- |" + " --- |" * len(rows)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(_cell(r[k]) if k in r else "" for r in rows) + " |")
    return "\n".join(lines)


def curve(rows: list[dict]) -> str:
    """Milliseconds per report at each size, and how that changed from the size before (×1.0:
    linear; above: the step grows faster than the corpus)."""
    lines = ["| ms per report | " + " | ".join(f"N = {r['reports']:,}" for r in rows) + " |",
             "| --- |" + " --- |" * len(rows)]
    for k in (*TIMES, *PEERS):
        if not any(r.get(k) is not None for r in rows):
            continue
        cells, before = [], None
        for r in rows:
            t = r.get(k)
            if t is None:
                cells.append("")
                before = None
                continue
            per = 1000 * t / r["reports"]
            cells.append(f"{per:.2f}" + (f" (×{per / before:.2f})" if before else ""))
            before = per or None
        lines.append(f"| {k.removesuffix(' (s)')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def add_ratios(row: dict) -> None:
    """Peer time / fazhi time, for the build alone and for ingest + build: below 1, the peer is faster."""
    for peer in PEERS:
        for ours_, name in (("full build (s)", "fazhi build"), ("ingest + full build (s)", "fazhi ingest + build")):
            if row.get(peer) and row.get(ours_):
                row[f"ratio {peer.removesuffix(' (s)')} / {name}"] = round(row[peer] / row[ours_], 2)


def machine() -> dict:
    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": f"{platform.system()} {platform.machine()}",
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load": round(os.getloadavg()[0], 1)}


def render(results: dict) -> str:
    m = results["machine"]
    load = f"; load average {m['load']} when it started (other work on the machine slows every time)" if "load" in m else ""
    out = (f"# Benchmark results\n\n{m['date']}; {m['cores']} cores, Python {m['python']}, {m['platform']}{load}.\n"
           "Times in seconds; ratios are peer time / fazhi time (below 1: the peer is faster).\n")
    for corpus, (low, high) in CORPORA.items():
        rows = [r for r in results["rows"] if r.get("corpus", "benchmark") == corpus]
        if not rows:
            continue
        out += (f"\n## Corpus: {corpus} (reports of {low:,}–{high:,} bytes)\n\n{table(rows)}\n\n"
                "### Cost per report\n\nMilliseconds per report; in brackets, the change from the size before "
                "(×1.00 is linear, more means the step grows faster than the corpus).\n\n"
                f"{curve(rows)}\n")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description="fazhi beside Hugo, Pagefind and MkDocs-Material at several corpus sizes")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed to each tool run")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--corpora", nargs="+", choices=sorted(CORPORA), default=list(CORPORA))
    ap.add_argument("--name", default="results", help="results go to benchmarks/results/<name>.{md,json}")
    args = ap.parse_args()
    results = {"machine": machine(), "rows": []}
    for corpus in args.corpora:
        for n in args.sizes:
            print(f"{corpus}, N = {n:,} …", flush=True)
            row = ours(n, args.timeout, corpus)
            if not args.no_peers:
                row.update(peers(n, args.timeout))
                add_ratios(row)
            results["rows"].append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            # Written after every size, so a long run leaves what it has measured.
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / f"{args.name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            (RESULTS / f"{args.name}.md").write_text(render(results), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
