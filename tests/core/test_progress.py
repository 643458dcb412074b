"""Progress: tqdm's bar on a terminal; sparse, same-shaped lines anywhere else."""

from __future__ import annotations

import io
import re

from generator.core.progress import progress, summary


class FakeClock:
    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_not_a_terminal_prints_at_most_one_line_per_tenth_in_one_shape():
    out = io.StringIO()
    with progress("build", total=10_000, stream=out, clock=FakeClock(0.01)) as bar:
        for _ in range(10_000):
            bar.update(1)
    lines = out.getvalue().splitlines()
    assert 1 <= len(lines) <= 10
    assert all(re.fullmatch(r"build: reports \d+/10000 \(\d+%\), \d+/s", line) for line in lines)
    assert lines[-1].startswith("build: reports 10000/10000 (100%)")


def test_not_a_terminal_is_silent_for_a_short_run():
    out = io.StringIO()
    with progress("ingest", total=50, stream=out, clock=FakeClock(0.001)) as bar:
        for _ in range(50):
            bar.update()
    assert out.getvalue() == ""


def test_lines_are_never_closer_than_the_interval():
    out = io.StringIO()
    with progress("ingest", total=100, stream=out, every=5, clock=FakeClock(1.0), unit="files") as bar:
        for _ in range(100):
            bar.update()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[0] == "ingest: files 10/100 (10%), 1/s"


def test_a_terminal_gets_tqdms_bar_with_counts_and_rate():
    out = io.StringIO()
    with progress("ingest", total=10, stream=out, tty=True) as bar:
        for _ in range(10):
            bar.update()
    shown = out.getvalue()
    assert "ingest" in shown and "10/10" in shown and "reports/s" in shown


def test_summary_names_what_it_was_given_in_order():
    assert summary("build", reports=10_000, pages=10_412, bytes=245_100_000, seconds=61.04, errors=0, warnings=1) == (
        "build: 10000 reports, 10412 pages, 245.1 MB, 61.0 s, 0 errors, 1 warning")
    assert summary("ingest", reports=1, written=0) == "ingest: 1 report, 0 written"
