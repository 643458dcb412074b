"""Which reports are recent additions: indexed apart, so that adding one rewrites few search files.

A report brings some 2,000 terms, most of them common ones with top lists and remainders of
their own (t/ files): merged into them, adding one report to 10,000 rewrote 5,600–9,600
files. Recent additions are indexed apart instead (files.py, r/): their postings are grouped
by first character, and a vocabulary entry of a term they hold says so; the main index's
postings files stay as they were until the additions are merged into it.

Which reports are recent follows from the content alone (front-matter ``added``, the day a
report entered the archive), so a full build and an incremental one give the same bytes. The
days are taken oldest first: the first day is the archive as it was first ingested; the days
after it are gathered into runs of at most ``RECENT_REPORTS`` reports, a run closing when the
next day would overflow it (a day larger than that is a run of its own); the last run, still
open, is the recent one. So a new day joins the open run, or closes it: then its reports are
merged into the main index at once, one rewrite for up to ``RECENT_REPORTS`` additions instead
of one per addition. A report whose ``added`` is unknown is in the main index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from generator.search.terms import IndexEntry

# Reports indexed apart at most. A query loads the r/ file of each first character of its
# terms that recent reports hold: at 64 reports, a few kB each.
RECENT_REPORTS = 64


def recent_reports(entries: Iterable[IndexEntry]) -> frozenset[str]:
    """The slugs of the recent additions (see the module's docstring)."""
    entries = list(entries)
    per_day = Counter(e.added for e in entries if e.added)
    run: list[str] = []
    size = 0
    for day in sorted(per_day)[1:]:
        if size + per_day[day] > RECENT_REPORTS:
            run, size = [], 0
        if per_day[day] <= RECENT_REPORTS:
            run.append(day)
            size += per_day[day]
    days = set(run)
    return frozenset(e.slug for e in entries if e.added in days)
