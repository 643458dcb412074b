"""Does a change keep the archive's bytes? Ingest and build one corpus with two versions of the
generator and compare every file they make.

    .venv/bin/python benchmarks/identity.py REF [--sizes 0 1000]

REF is a git revision (the version before a change); the other side is this working tree. Size 0
is the seeds with their committed, hand-corrected reports (ingest must keep them as they are);
a size N > 0 is the seeds' originals and N synthetic ones (benchmarks/synth.py, generated once,
by this tree, so both sides read the same bytes) ingested from nothing. For each size it prints
how many files each side made and every path whose bytes differ (reports, site, data files,
search files), and exits 1 when any does. Work folders are under benchmarks/work/identity/.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import synthesize  # noqa: E402

WORK = ROOT / "benchmarks" / "work" / "identity"
PY = ROOT / ".venv" / "bin" / "python"


def checkout(ref: str) -> Path:
    """A detached worktree of ``ref`` (node_modules linked from this tree: revisions before 2026-12-03 publish lunr.js from it)."""
    tree = WORK / "ref"
    if tree.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False, capture_output=True)
        shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], cwd=ROOT, check=True, capture_output=True)
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    return tree


def corpus(size: int) -> Path:
    """content/ for one size: configuration, originals and (for size 0) the committed reports."""
    content = WORK / f"corpus-{size}" / "content"
    if content.parent.exists():
        shutil.rmtree(content.parent)
    shutil.copytree(ROOT / "content" / "raw", content / "raw")
    for name in ("site.yml", "topics.yml", "indicators.yml"):
        shutil.copy(ROOT / "content" / name, content / name)
    if size == 0:
        shutil.copytree(ROOT / "content" / "reports", content / "reports")
    else:
        synthesize(content / "raw", size)
    return content


def made(tree: Path, content: Path, side: str) -> dict[str, str]:
    """Ingest and build ``content`` (copied) with the generator in ``tree``; path → SHA-256 of
    every report file and published file."""
    project = WORK / side
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copytree(content, project / "content")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    for step in (["ingest"], ["build"]):
        done = subprocess.run([str(PY), "-m", "generator", *step], cwd=project, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1):  # 1: content problems, the same on both sides
            raise SystemExit(f"{side}: fazhi {step[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    digests = {}
    for folder in (project / "content" / "reports", project / "site"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".ingest-cache"):
                digests[path.relative_to(project).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("ref", help="the git revision to compare this working tree with")
    p.add_argument("--sizes", type=int, nargs="+", default=[0, 1000])
    args = p.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    tree = checkout(args.ref)
    differ = False
    try:
        for size in args.sizes:
            content = corpus(size)
            before, after = made(tree, content, "before"), made(ROOT, content, "after")
            changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
            print(f"size {size}: {len(before)} files before, {len(after)} after, {len(changed)} differ")
            for path in changed[:50]:
                print(f"  {'changed' if path in before and path in after else 'only before' if path in before else 'only after'}: {path}")
            differ |= bool(changed)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False, capture_output=True)
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
