"""How the search files write numbers and postings: compact text the page decodes (search.js).

Postings are "r j code [wh]" per section, r delta-coded, code = wb·2 + (wh > 0),
as base-32 digits where the last digit of a number comes from ``DIGITS_LAST`` and
the others from ``DIGITS_MORE`` (no separators needed). A posting's key is
report << 16 | section, its weights heading << 16 | body (see terms.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DIGITS_LAST = "0123456789abcdefghijklmnopqrstuv"
DIGITS_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$%"
_LAST = np.frombuffer(DIGITS_LAST.encode(), np.uint8)
_MORE = np.frombuffer(DIGITS_MORE.encode(), np.uint8)


# --- encoding ---------------------------------------------------------------------

def _digit_grid(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Right-aligned base-32 digits (one row per number, as wide as the largest) and digit counts."""
    ndig = np.ones(len(v), np.int64)
    t = v >> np.uint64(5)
    while t.any():
        ndig += t > 0
        t >>= np.uint64(5)
    width = int(ndig.max()) if len(v) else 1
    grid = np.empty((len(v), width), np.uint8)
    for k in range(width):
        grid[:, width - 1 - k] = (_LAST if k == 0 else _MORE)[((v >> np.uint64(5 * k)) & np.uint64(31)).astype(np.intp)]
    return grid, ndig


# Every number below 32**4 looked up at once: its 4 right-aligned digits and which of them to keep.
_TABLE = 32 ** 4
_TAB: list = []


def _table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each number's 4 digit bytes and which to keep, a row as one uint32: a take of 4-byte
    items is twice as fast as indexing rows of a (n, 4) array (5.7 -> 2.8 s of a 10,000-report build)."""
    if not _TAB:
        grid, ndig = _digit_grid(np.arange(_TABLE, dtype=np.uint64))
        keep = np.arange(4) >= (4 - ndig)[:, None]
        _TAB.extend([grid.view(np.uint32).ravel(), ndig, keep.view(np.uint32).ravel()])
    return _TAB[0], _TAB[1], _TAB[2]


def _digits(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Base-32 digits (ASCII bytes) of non-negative ints, and where each number's digits end."""
    v = np.asarray(v)
    if len(v) and int(v.max()) >= _TABLE:
        grid, ndig = _digit_grid(v.astype(np.uint64))
        keep = np.arange(grid.shape[1]) >= (grid.shape[1] - ndig)[:, None]
        return grid[keep], np.cumsum(ndig)
    grid, ndig, keep = _table()
    v = v.astype(np.intp, copy=False)
    return grid.take(v).view(np.uint8)[keep.take(v).view(np.bool_)], np.cumsum(ndig[v])


def encode_ints(values) -> str:
    """Non-negative ints as base-32 digits, the last digit of each from DIGITS_LAST."""
    return _digits(np.asarray(values, dtype=np.uint64))[0].tobytes().decode("ascii")


def decode_ints(text: str) -> list[int]:
    out, v = [], 0
    for ch in text:
        d = DIGITS_LAST.find(ch)
        if d >= 0:
            out.append(v * 32 + d)
            v = 0
        else:
            v = v * 32 + DIGITS_MORE.index(ch)
    return out


# Postings encoded per vectorised pass: a pass holds about 130 bytes per posting in temporary
# arrays, so the whole index at once (tens of millions with bigrams) would need gigabytes.
BATCH_POSTINGS = 1 << 19


def encode_postings_many(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[str]:
    """Each (key, wt) list of postings (sorted by key = r << 16 | j; wt = wh << 16 | wb) as
    "dr j code [wh]"…, in vectorised passes of about ``BATCH_POSTINGS`` postings."""
    out: list[str] = []
    start, total = 0, 0
    for i, (k, _) in enumerate(parts):
        if total and total + len(k) > BATCH_POSTINGS:
            out.extend(_encode_batch(parts[start:i]))
            start, total = i, 0
        total += len(k)
    out.extend(_encode_batch(parts[start:]))
    return out


def _encode_batch(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[str]:
    if not parts:
        return []
    lens = np.fromiter((len(k) for k, _ in parts), np.int64, len(parts))
    if not lens.sum():
        return [""] * len(parts)
    key = np.concatenate([k for k, _ in parts])
    wt = np.concatenate([w for _, w in parts])
    r = (key >> np.uint64(16)).astype(np.int64)
    j = (key & np.uint64(0xFFFF)).astype(np.int64)
    wh = (wt >> np.uint32(16)).astype(np.int64)
    wb = (wt & np.uint32(0xFFFF)).astype(np.int64)
    dr = np.diff(r, prepend=0)
    firsts = (np.cumsum(lens) - lens)[lens > 0]
    dr[firsts] = r[firsts]
    has = wh > 0
    cnt = 3 + has
    starts = np.cumsum(cnt) - cnt
    ints = np.empty(int(cnt.sum()), np.int64)
    ints[starts] = dr
    ints[starts + 1] = j
    ints[starts + 2] = wb * 2 + has
    ints[starts[has] + 3] = wh[has]
    digits, ends = _digits(ints)
    text = digits.tobytes().decode("ascii")
    post_end = np.cumsum(lens)
    int_end = np.where(post_end > 0, np.cumsum(cnt)[np.maximum(post_end - 1, 0)], 0)
    char_end = np.where(int_end > 0, ends[np.maximum(int_end - 1, 0)], 0).tolist()
    return [text[a:b] for a, b in zip([0] + char_end[:-1], char_end)]


def encode_postings(key: np.ndarray, wt: np.ndarray) -> str:
    return encode_postings_many([(key, wt)])[0]


def rank(key: np.ndarray, wt: np.ndarray) -> np.ndarray:
    """A posting's rank for pruning: its single-term lunr score order (4·wh + wb, idf is
    the term's), ties to the earlier section; unique. A score is below 2**19 and a key below
    2**44 (report numbers below 2**28, numbers.py), so the two fit one int64."""
    score = 4 * (wt >> np.uint32(16)).astype(np.int64) + (wt & np.uint32(0xFFFF)).astype(np.int64)
    return (score << np.int64(44)) | (np.int64((1 << 44) - 1) - key.astype(np.int64))


def decode_postings(text: str) -> list[tuple[int, int, int, int]]:
    """(r, j, wh, wb) per posting; the page does the same in search.js."""
    ints, out, r, i = decode_ints(text), [], 0, 0
    while i < len(ints):
        r += ints[i]
        j, code = ints[i + 1], ints[i + 2]
        wh = ints[i + 3] if code & 1 else 0
        out.append((r, j, wh, code >> 1))
        i += 4 if code & 1 else 3
    return out


def utf16_key(term: str) -> bytes:
    """lunr.js compares terms by UTF-16 code units; UTF-16-BE bytes sort the same way.

    Python sorts by code point, which puts 𠀀 (U+20000, surrogates D840…) after
    ｆ (U+FF46); lunr.js would then throw "Out of order word insertion".
    """
    return term.encode("utf-16-be")


def hexkey(text: str) -> str:
    """File key of a term prefix: hex code points joined by "_" (江 → 6c5f, 12 → 31_32)."""
    return "_".join(format(ord(c), "x") for c in text)
