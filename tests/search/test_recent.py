"""Which reports are recent additions (recent.py): decided by the days they were added alone, a
new day joining the open run or closing it, never moving older days in or out one by one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.search.recent import RECENT_REPORTS, recent_reports
from generator.search.terms import IndexEntry


def archive(*days: tuple[str, int]) -> list[IndexEntry]:
    """``count`` reports added on each ``day``."""
    return [IndexEntry(f"{day}-{i}", "d", "t", "", "", "", 2024, (), day) for day, count in days for i in range(count)]


def days_of(entries, slugs) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in entries:
        if e.slug in slugs:
            out[e.added] = out.get(e.added, 0) + 1
    return out


def test_the_archive_as_first_ingested_is_not_recent():
    assert recent_reports(archive(("2026-01-05", 10_000))) == frozenset()
    assert recent_reports(archive(("2026-01-05", 3))) == frozenset()


def test_the_days_after_the_first_are_recent_until_the_next_would_overflow_them():
    first = ("2026-01-05", 10_000)
    entries = archive(first, ("2026-02-01", 1), ("2026-02-02", 2))
    assert days_of(entries, recent_reports(entries)) == {"2026-02-01": 1, "2026-02-02": 2}
    full = archive(first, ("2026-02-01", RECENT_REPORTS - 1), ("2026-02-02", 1))
    assert days_of(full, recent_reports(full)) == {"2026-02-01": RECENT_REPORTS - 1, "2026-02-02": 1}
    # One more day overflows the run: it closes (its reports join the main index) and a new one opens.
    closed = archive(first, ("2026-02-01", RECENT_REPORTS - 1), ("2026-02-02", 1), ("2026-02-03", 1))
    assert days_of(closed, recent_reports(closed)) == {"2026-02-03": 1}


def test_a_day_of_more_reports_than_a_run_holds_goes_to_the_main_index_and_the_next_day_opens_a_run():
    spring = archive(("2026-01-05", 500), ("2026-02-01", 2), ("2026-04-01", RECENT_REPORTS + 1))
    assert recent_reports(spring) == frozenset()
    after = archive(("2026-01-05", 500), ("2026-02-01", 2), ("2026-04-01", RECENT_REPORTS + 1), ("2026-04-02", 1))
    assert days_of(after, recent_reports(after)) == {"2026-04-02": 1}


def test_a_report_whose_day_is_unknown_is_in_the_main_index():
    entries = archive(("2026-01-05", 5), ("2026-02-01", 1), ("", 2))
    assert recent_reports(entries) == {"2026-02-01-0"}


DAYS = st.lists(st.integers(1, RECENT_REPORTS + 10), min_size=1, max_size=12)


@given(DAYS, st.integers(1, RECENT_REPORTS + 10))
def test_a_new_day_joins_the_open_run_or_closes_it(counts, new):
    """So that reports leave the recent additions all at once (one rewrite of the main index's
    files for up to RECENT_REPORTS additions), never one by one as days go by."""
    days = [(f"2026-{1 + i // 28:02d}-{1 + i % 28:02d}", n) for i, n in enumerate(counts)]
    before = recent_reports(archive(*days))
    later = archive(*days, ("2026-12-31", new))
    after = recent_reports(later)
    added = {e.slug for e in later if e.added == "2026-12-31"}
    assert after - added in (before, frozenset())
    assert len(after) <= RECENT_REPORTS
    assert recent_reports(reversed(later)) == after  # the set, not the order, decides
