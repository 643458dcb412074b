"""Writing files: staging writes (bytes or text in pieces) and atomic replacement."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from generator.core import atomic
from generator.core.atomic import write_atomic
from generator.site.publish import write_file


def test_write_file_makes_folders_and_returns_the_final_stat(tmp_path: Path):
    st = write_file(tmp_path, "a/b/c.html", b"<p>x</p>")
    assert (tmp_path / "a/b/c.html").read_bytes() == b"<p>x</p>"
    on_disk = os.stat(tmp_path / "a/b/c.html")
    assert (st.st_size, st.st_mtime_ns) == (on_disk.st_size, on_disk.st_mtime_ns)
    write_file(tmp_path, "a/b/d.html", b"y")  # the folder is there now
    assert sorted(p.name for p in (tmp_path / "a/b").iterdir()) == ["c.html", "d.html"]


def test_write_file_writes_text_pieces_as_utf8_as_they_come(tmp_path: Path):
    written: list[str] = []

    def pieces():
        for piece in ("[\n", '{"地区": "江北区"}', "\n]\n"):
            written.append(piece)
            yield piece

    st = write_file(tmp_path, "data/rows.json", pieces())
    assert (tmp_path / "data/rows.json").read_text(encoding="utf-8") == '[\n{"地区": "江北区"}\n]\n'
    assert written == ["[\n", '{"地区": "江北区"}', "\n]\n"]
    assert st.st_size == (tmp_path / "data/rows.json").stat().st_size


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "x.pickle"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pickle"]


def test_write_atomic_passes_over_a_temporary_left_by_a_dead_process(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(atomic, "_TEMPORARY", itertools.count(7))
    left = tmp_path / f".x.pickle.{os.getpid()}-7.tmp"
    left.write_bytes(b"someone else's")
    write_atomic(tmp_path / "x.pickle", b"mine")
    assert (tmp_path / "x.pickle").read_bytes() == b"mine"
    assert left.read_bytes() == b"someone else's"


def test_a_failed_atomic_write_keeps_the_old_bytes_and_removes_its_temporary(tmp_path: Path, monkeypatch):
    target = tmp_path / "x.pickle"
    write_atomic(target, b"old")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pickle"]
