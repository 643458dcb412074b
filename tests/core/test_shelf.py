"""The sharded dict on disk (generator/core/shelf.py): its shards follow its size, a partial save
or update keeps every other entry, and a shelf of another version or a damaged one is empty."""

from __future__ import annotations

from pathlib import Path

from generator.core.shelf import PER_SHARD, Shelf, shards_for


def shard_files(folder: Path) -> int:
    return len(list(folder.glob("*.pickle")))


def test_shards_follow_the_entries_up_to_the_most():
    assert [shards_for(n, 256) for n in (0, 1, PER_SHARD, PER_SHARD + 1, 100 * PER_SHARD, 10**9)] == [1, 1, 1, 2, 128, 256]
    assert shards_for(10**9, 1) == 1


def test_a_small_shelf_writes_few_files_and_grows_when_its_entries_do(tmp_path: Path):
    shelf = Shelf(tmp_path / "s", "v1", 1024)
    small = {f"k{i}": i for i in range(10)}
    shelf.save(small)
    assert shard_files(tmp_path / "s") == 1 and shelf.load() == small
    big = {f"k{i}": i for i in range(40 * PER_SHARD)}
    shelf.save(big, changed=set(big) - set(small))  # outgrown: written again, all of it
    assert shard_files(tmp_path / "s") == 64 and shelf.load() == big
    shelf.save({k: v for k, v in big.items() if k != "k5"}, changed={"k5"})  # shrinking keeps the count
    assert shard_files(tmp_path / "s") == 64 and "k5" not in shelf.load() and len(shelf.load()) == len(big) - 1


def test_an_update_keeps_the_other_entries_and_regrows_from_the_total(tmp_path: Path):
    shelf = Shelf(tmp_path / "s", "v1", 4096)
    first = {f"p{i}": str(i) for i in range(30)}
    shelf.update(first, None, len(first))
    assert shard_files(tmp_path / "s") == 1
    shelf.update({"p1": "changed", "new": "n"}, {"p1", "p2", "new"}, 31)  # p2 removed
    expected = {**first, "p1": "changed", "new": "n"}
    del expected["p2"]
    assert shelf.load() == expected
    more = {f"q{i}": "q" for i in range(3 * PER_SHARD)}
    shelf.update(more, set(more) | {"p3"}, len(expected) + len(more) - 1)  # outgrown: every entry read back
    del expected["p3"]
    assert shelf.load() == {**expected, **more}
    assert shard_files(tmp_path / "s") == 4


def test_a_shelf_of_another_version_or_damaged_is_empty(tmp_path: Path):
    Shelf(tmp_path / "s", "v1").save({"a": 1})
    assert Shelf(tmp_path / "s", "v2").load() == {}
    (tmp_path / "s" / "version").write_text("v1\nnot a number", encoding="utf-8")
    assert Shelf(tmp_path / "s", "v1").load() == {}
    (tmp_path / "s" / "version").write_text("v1", encoding="utf-8")  # as an older generator wrote it
    assert Shelf(tmp_path / "s", "v1").load() == {}
    Shelf(tmp_path / "s", "v1").save({"b": 2}, changed={"b"})  # not current: written whole
    assert Shelf(tmp_path / "s", "v1").load() == {"b": 2}
