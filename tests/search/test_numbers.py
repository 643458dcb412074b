"""Report numbers (numbers.py): unique, decided by the content alone, and moving few reports as
the archive grows."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from generator.search.numbers import APART, EMPTY, FIRST_YEAR, PROVINCES, YEARS, number_reports, province_runs
from generator.search.terms import IndexEntry

PROVINCE_NAMES = ["北京市", "浙江省", "重庆市", "四川省", "新疆维吾尔自治区", "", "不是省"]


def entry(slug: str, year: int | None, province: str) -> IndexEntry:
    return IndexEntry(slug, "d", "t", province, "", "", year, ())


ENTRIES = st.lists(st.tuples(st.text("abcdefg-0123", min_size=1, max_size=8),
                             st.sampled_from([None, 2009, 2016, 2021, 2024, 2050]),
                             st.sampled_from(PROVINCE_NAMES)),
                   max_size=60, unique_by=lambda t: t[0]).map(lambda ts: [entry(*t) for t in ts])


@given(ENTRIES, st.randoms(use_true_random=False))
def test_numbers_are_unique_and_a_function_of_the_set(entries, rnd):
    numbering = number_reports(entries)
    assert sorted(numbering.numbers) == sorted(e.slug for e in entries)
    assert len(set(numbering.numbers.values())) == len(entries)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert number_reports(shuffled) == numbering
    assert all(0 <= r < YEARS * PROVINCES * numbering.block < 2 ** 28 for r in numbering.numbers.values())


@given(ENTRIES, st.text("abcdefg-0123", min_size=9, max_size=10), st.sampled_from([2016, 2021]),
       st.sampled_from(PROVINCE_NAMES))
def test_a_new_report_moves_only_the_reports_just_after_it_in_its_block(entries, slug, year, province):
    before = number_reports(entries)
    new = entry(slug, year, province)
    after = number_reports(entries + [new])
    if after.block != before.block:  # the compaction: all move
        return
    mine = after.numbers[slug]
    moved = {s for s, r in before.numbers.items() if after.numbers[s] != r}
    for s in moved:
        assert after.numbers[s] == before.numbers[s] + 1
        assert mine < after.numbers[s] and after.numbers[s] // after.block == mine // after.block
    # contiguous: every number from the new report's to the last moved one is taken
    if moved:
        assert set(range(mine, max(after.numbers[s] for s in moved) + 1)) <= set(after.numbers.values())


@given(ENTRIES, st.data())
def test_the_recent_additions_are_numbered_apart_and_move_no_other_report(entries, data):
    """A recent addition (recent.py) has a number after every block: adding one moves no report of
    the main index, whose files would all be made again."""
    apart = frozenset(data.draw(st.sets(st.sampled_from([e.slug for e in entries]))) if entries else ())
    numbering = number_reports(entries, apart)
    main = number_reports([e for e in entries if e.slug not in apart])
    assert {s: r for s, r in numbering.numbers.items() if s not in apart} == main.numbers
    assert numbering.block == main.block
    assert len(set(numbering.numbers.values())) == len(entries)
    start = YEARS * PROVINCES * numbering.block
    assert all(start <= numbering.numbers[s] < start + APART for s in apart)


def test_adding_reports_to_a_thousand_moves_about_one_report_each():
    rnd = random.Random(4)
    provinces = ["北京市", "浙江省", "重庆市", "四川省", "广东省"]
    def made(i: int) -> IndexEntry:
        return entry(f"r{i:05d}", FIRST_YEAR + 6 + i % 9, provinces[rnd.randrange(5)])
    entries = [made(i) for i in range(1000)]
    before = number_reports(entries)
    moves = []
    for i in range(1000, 1100):
        after = number_reports(entries + [made(i)])
        assert after.block == before.block
        moves.append(sum(after.numbers[s] != r for s, r in before.numbers.items()))
    assert sum(moves) / len(moves) <= 1.5


def test_province_runs_span_numbers_no_report_holds():
    province_of = np.array([0, EMPTY, 0, 1, EMPTY, EMPTY, 1, 0, -1], np.int64)
    runs = {p: (s >> np.uint64(16), e >> np.uint64(16)) for p, (s, e) in province_runs(province_of).items()}
    assert {p: (s.tolist(), e.tolist()) for p, (s, e) in runs.items()} == {
        0: ([0, 7], [3, 8]), 1: ([3], [7]), -1: ([8], [9])}
