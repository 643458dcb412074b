"""`fazhi serve`: serves the built site on localhost and rebuilds when content changes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every test here builds a site, or starts a server or a process

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    return None


def test_serve_builds_serves_and_rebuilds_on_change(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", "content", "--out", "site", "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        url = f"http://127.0.0.1:{port}/about/index.html"
        assert wait_for(lambda: fetch(url)), "the server never answered"
        page = f"http://127.0.0.1:{port}/reports/2017-guangdong-xiangqiao-sifaju/index.html"
        assert "湘桥区司法局2017年法治政府建设情况工作汇报" in fetch(page)
        md = tmp_path / "content" / "reports" / "2017-guangdong-xiangqiao-sifaju.md"
        md.write_text(md.read_text(encoding="utf-8").replace("title: 湘桥区司法局2017年", "title: 潮州市湘桥区司法局2017年"), encoding="utf-8")
        assert wait_for(lambda: "潮州市湘桥区司法局2017年" in (fetch(page) or "")), "no rebuild after the change"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
