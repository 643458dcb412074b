"""Progress of long runs (ingest, build): a bar on a terminal, sparse lines in a log.

    with progress("ingest", total=len(files)) as bar:
        for ... :
            bar.update(1)
    print(summary("ingest", reports=n, bytes=b, seconds=t, warnings=w))

On a terminal (the stream's ``isatty()``) the bar is tqdm's, with counts, rate and
time left. Anywhere else (CI logs, pipes, tests) it prints plain lines, at most one
per tenth of the run and never more often than every ``every`` seconds
(``build: reports 4000/10000 (40%), 850/s``), so a run shorter than ``every``
prints nothing but its summary, and nothing is printed per item.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO


class Progress:
    """Counts done items of a known total and shows them (see the module docstring)."""

    def __init__(self, label: str, total: int, *, unit: str = "reports", stream: TextIO | None = None,
                 every: float = 5.0, tty: bool | None = None, clock: Callable[[], float] = time.monotonic):
        self.label, self.total, self.unit = label, max(0, total), unit
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self._clock, self._every = clock, every
        self._start = self._last = clock()
        self._shown_tenth = 0
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            tty = bool(isatty and isatty())
        self._bar = None
        if tty and self.total:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, desc=label, unit=f" {unit}", file=self.stream, dynamic_ncols=True)

    def update(self, k: int = 1) -> None:
        self.done += k
        if self._bar is not None:
            self._bar.update(k)
            return
        if not self.total:
            return
        tenth = min(10, self.done * 10 // self.total)
        now = self._clock()
        if tenth > self._shown_tenth and now - self._last >= self._every:
            self._shown_tenth, self._last = tenth, now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        elapsed = (self._clock() if now is None else now) - self._start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        return f"{self.label}: {self.unit} {self.done}/{self.total} ({self.done * 100 // self.total}%), {rate:.0f}/s"

    @property
    def seconds(self) -> float:
        return self._clock() - self._start

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress(label: str, total: int, **options) -> Progress:
    """A context manager counting ``total`` items of a step called ``label``."""
    return Progress(label, total, **options)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


def summary(label: str, *, reports: int | None = None, pages: int | None = None, written: int | None = None,
            bytes: int | None = None, seconds: float | None = None, errors: int | None = None,
            warnings: int | None = None) -> str:
    """One closing line, e.g. ``ingest: 10000 reports, 12 written, 237.0 MB, 31.2 s, 0 errors, 3 warnings``.

    Only what is given appears, always in this order.
    """
    parts = [f"{n} {name}{'' if n == 1 else 's'}" for n, name in ((reports, "report"), (pages, "page")) if n is not None]
    if written is not None:
        parts.append(f"{written} written")
    if bytes is not None:
        parts.append(_size(bytes))
    if seconds is not None:
        parts.append(f"{seconds:.1f} s")
    parts += [f"{n} {name}{'' if n == 1 else 's'}" for n, name in ((errors, "error"), (warnings, "warning")) if n is not None]
    return f"{label}: " + ", ".join(parts)
