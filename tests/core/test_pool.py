"""The process pool: results in order, and a started map whose workers go on while the parent works."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.core.pool import POOL_MIN, ordered_map, started_map


def _mark(folder: Path, item: int) -> int:
    """Leave a file for ``item`` (what a worker did), and give its square."""
    (folder / str(item)).write_text(str(os.getpid()), encoding="utf-8")
    return item * item


def _wait_for(folder: Path, count: int, seconds: float = 60) -> int:
    """How many items have left their file, waiting until ``count`` have or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while len(list(folder.iterdir())) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(list(folder.iterdir()))


def test_ordered_map_gives_every_result_in_order_in_workers(tmp_path: Path):
    items = list(range(POOL_MIN * 3))
    assert list(ordered_map(_mark, tmp_path, items, 2)) == [i * i for i in items]
    assert str(os.getpid()) not in {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}


def test_a_started_maps_workers_work_before_the_results_are_asked_for(tmp_path: Path):
    """The build updates the search index while the pages are made: the workers must not wait
    for the parent to read their results."""
    items = list(range(POOL_MIN * 2))
    with started_map(_mark, tmp_path, items, 2) as results:
        assert _wait_for(tmp_path, len(items)) == len(items)  # none of the results read yet
        assert list(results) == [i * i for i in items]


def test_a_few_items_of_a_started_map_go_to_the_pool_too(tmp_path: Path):
    """An edit's few pages overlap the index's update only if they are not left for later."""
    with started_map(_mark, tmp_path, [1, 2], 2) as results:
        assert _wait_for(tmp_path, 2) == 2
        assert list(results) == [1, 4]
    assert str(os.getpid()) not in {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}


def test_one_item_of_a_started_map_runs_in_this_process_when_read(tmp_path: Path):
    with started_map(_mark, tmp_path, [3], 2) as results:
        assert list(tmp_path.iterdir()) == []
        assert list(results) == [9]
    assert {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == {str(os.getpid())}


def test_leaving_a_started_map_early_stops_its_workers(tmp_path: Path):
    items = list(range(POOL_MIN * 50))
    with started_map(_slow_mark, tmp_path, items, 2) as results:
        next(iter(results))
    left = len(list(tmp_path.iterdir()))
    time.sleep(1)
    assert len(list(tmp_path.iterdir())) == left < len(items)


def _slow_mark(folder: Path, item: int) -> int:
    time.sleep(0.01)
    return _mark(folder, item)
