"""The one way work is spread over the machine's cores: ``ordered_map`` (or ``started_map``, whose
workers start before the results are asked for), in forked workers.

A worker is a fork of the build, so it shares the parent's memory (the records, the plan,
the taxonomy) copy-on-write and nothing is pickled to it but the items. What the work
needs besides the item is given as ``context``: the pool keeps it in ``_CONTEXT`` for its
own lifetime, the one module-level channel to workers, so no stage keeps globals of its own.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

# Below this many items, a process pool costs more than it saves.
POOL_MIN = 64
_CONTEXT: list = []  # (fn, context) of the pool running now; empty otherwise


def cores() -> int:
    """The cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def ordered_map(fn: Callable[[C, T], R], context: C, items: list[T], pool_size: int,
                items_per_worker: int | None = None) -> Iterable[R]:
    """``fn(context, item)`` for each item, in order: in this process when there are few items or
    one core, else in a pool of forked workers, each replaced by a fresh fork after about
    ``items_per_worker`` items (None: never)."""
    if pool_size <= 1 or len(items) < POOL_MIN:
        return map(partial(fn, context), items)
    return _pooled(fn, context, items, pool_size, items_per_worker)


@contextmanager
def started_map(fn: Callable[[C, T], R], context: C, items: list[T], pool_size: int,
                items_per_worker: int | None = None) -> Iterator[Iterable[R]]:
    """``ordered_map`` whose workers start at once and go on while the block does other work
    (the parent's own, on a core they would otherwise leave idle); the results are read, in
    order, from what it gives. Leaving the block stops the workers, done or not. Even a few items
    go to the pool, since the block's work is what they overlap (an edit's few pages, one of them
    its year's database, against the index's update); with one core or one item, nothing runs
    until the results are read, in this process."""
    if pool_size <= 1 or len(items) <= 1:
        yield map(partial(fn, context), items)
        return
    # Workers share the parent's objects copy-on-write; their collector would touch them all.
    gc.freeze()
    chunk = max(1, min(32, len(items) // (pool_size * 8)))
    tasks = max(1, items_per_worker // chunk) if items_per_worker else None  # a pool counts chunks
    _CONTEXT[:] = [(fn, context)]
    try:
        # A worker forked to replace another inherits what the parent made since the freeze (the
        # outputs so far: hundreds of thousands of objects late in rendering); frozen in the worker,
        # its collector never walks them (in a trial with 400,000 such objects: 34 -> 7 ms of
        # collection per worker).
        with multiprocessing.get_context("fork").Pool(pool_size, initializer=gc.freeze, maxtasksperchild=tasks) as pool:
            yield pool.imap(_call, items, chunksize=chunk)
    finally:
        _CONTEXT.clear()


def _pooled(fn, context, items: list, pool_size: int, items_per_worker: int | None) -> Iterator:
    with started_map(fn, context, items, pool_size, items_per_worker) as results:
        yield from results


def _call(item):
    fn, context = _CONTEXT[0]
    return fn(context, item)
