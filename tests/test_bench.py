"""The benchmark corpus: deterministic, decodable, and shaped like real reports."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synth import synthesize
from generator.ingest import decode


def test_same_seed_same_bytes_and_realistic_shapes(tmp_path: Path):
    synthesize(tmp_path / "a", 40)
    synthesize(tmp_path / "b", 40)
    a = {p.name: p.read_bytes() for p in sorted((tmp_path / "a").iterdir())}
    assert a == {p.name: p.read_bytes() for p in sorted((tmp_path / "b").iterdir())}
    texts = [decode(data) for data in a.values()]
    assert all(5_000 <= len(data) <= 60_000 for data in a.values())
    assert any(b"\r\n" in data for data in a.values())
    assert any("信息索引号" in t for t in texts)
    gbk = [data for data in a.values() if not _utf8(data)]
    assert gbk and all(decode(data) for data in gbk)
    assert all("一、" in t and "（一）" in t for t in texts)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
