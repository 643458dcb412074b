"""Shared test fixtures.

Browser tests run real headless Chromium (Debian's /usr/bin/chromium) through
Playwright. Locally they skip when Chromium is missing; under CI (CI=true) a
missing browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No test is timed: hypothesis's default deadline (200 ms an example) fails tests on a busy
# machine (CI, or two cores shared), which is a timed assertion in all but name.
settings.register_profile("fazhi", deadline=None)
settings.load_profile("fazhi")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "content" / "raw"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("FAZHI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium shared by the browser tests of one run."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; CI must run the browser tests (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def pytest_collection_modifyitems(items):
    """Marks that follow from a test's fixtures: the seeds' built site is a full build first (slow),
    and the ``browser`` fixture starts Chromium."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "seed_site" in fixtures:
            item.add_marker(pytest.mark.slow)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    """The seeds' content built once into a temporary site, shared by read-only tests."""
    from generator.site.build import build

    tmp = tmp_path_factory.mktemp("seed-site")
    shutil.copytree(ROOT / "content", tmp / "content")
    problems, _ = build(tmp / "content", tmp / "site", "https://fazhi.example.org/")
    assert [str(p) for p in problems if p.severity == "error"] == []
    return tmp / "site"
