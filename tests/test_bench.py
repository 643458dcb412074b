"""The benchmark corpus: deterministic, decodable, and shaped like real reports."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synth import synthesize
from generator.ingest.decode import decode


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


def test_the_first_ingest_records_the_corpus_as_added_the_day_before(tmp_path: Path):
    """So that the reports the benchmark adds later are the day's additions (search/recent.py)."""
    import datetime
    import shutil
    import subprocess

    from benchmarks.run import INGEST_AS_OF_YESTERDAY, ROOT
    from generator.ingest.run import archive_date

    synthesize(tmp_path / "content" / "raw", 2)
    for config in ("site.yml", "topics.yml", "indicators.yml"):
        shutil.copy(ROOT / "content" / config, tmp_path / "content" / config)
    subprocess.run(INGEST_AS_OF_YESTERDAY, cwd=tmp_path, check=True, timeout=120)
    day = (datetime.date.fromisoformat(archive_date()) - datetime.timedelta(days=1)).isoformat()
    reports = sorted((tmp_path / "content" / "reports").glob("*.md"))
    assert len(reports) == 2
    assert all(f"added: '{day}'" in md.read_text(encoding="utf-8") for md in reports)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


RESULTS = {
    "machine": {"cores": 2, "python": "3.11.7", "platform": "Linux x86_64", "date": "2026-11-22 23:30 UTC"},
    "rows": [
        {"reports": 100, "ingest (s)": 1.0, "full build (s)": 10.0, "peak RSS, build (MB)": 300, "Hugo build (s)": 0.5},
        {"reports": 1000, "ingest (s)": 5.0, "full build (s)": 150.0, "peak RSS, build (MB)": 1600, "Hugo build (s)": 1.5},
        {"reports": 10000, "ingest (s)": 50.0, "full build (s)": None, "peak RSS, build (MB)": 9000},
    ],
}


def test_results_table_has_a_column_per_size_and_the_machine():
    from benchmarks.run import add_ratios, render

    rows = [dict(r) for r in RESULTS["rows"]]
    for row in rows:
        add_ratios(row)
    text = render({"machine": RESULTS["machine"], "rows": rows})
    assert "2 cores, Python 3.11.7" in text and "2026-11-22" in text
    assert "| measure | N = 100 | N = 1,000 | N = 10,000 |" in text
    assert "| full build (s) | 10.0 | 150.0 | timed out |" in text
    assert "| peak RSS, build (MB) | 300 | 1,600 | 9,000 |" in text
    assert "| ratio Hugo build / fazhi build | 0.05 | 0.01 |  |" in text


def test_each_corpus_has_its_table_and_ratios_count_the_ingest():
    from benchmarks.run import add_ratios, render

    rows = [{"corpus": "benchmark", "reports": 100, "ingest (s)": 1.0, "full build (s)": 4.0, "ingest + full build (s)": 5.0,
             "Hugo + Pagefind (s)": 4.0},
            {"corpus": "short", "reports": 100, "ingest (s)": 0.5, "full build (s)": 1.5, "ingest + full build (s)": 2.0,
             "Hugo + Pagefind (s)": 1.0}]
    for row in rows:
        add_ratios(row)
    assert rows[0]["ratio Hugo + Pagefind / fazhi build"] == 1.0
    assert rows[0]["ratio Hugo + Pagefind / fazhi ingest + build"] == 0.8
    text = render({"machine": RESULTS["machine"], "rows": rows})
    benchmark, short = text.split("## Corpus: short")
    assert "## Corpus: benchmark (reports of 5,000–40,000 bytes)" in benchmark and "| full build (s) | 4.0 |" in benchmark
    assert "| full build (s) | 1.5 |" in short and "| ratio Hugo + Pagefind / fazhi ingest + build | 0.5 |" in short


def test_a_shorter_corpus_has_shorter_reports(tmp_path: Path):
    synthesize(tmp_path / "short", 20, length=(1_500, 6_000))
    sizes = sorted(len(p.read_bytes()) for p in (tmp_path / "short").iterdir())
    assert sizes[len(sizes) // 2] < 8_000 and sizes[-1] < 20_000  # the last section may run over the target


def test_cost_per_report_shows_what_grows_faster_than_the_corpus():
    from benchmarks.run import curve

    text = curve(RESULTS["rows"])
    assert "| ingest | 10.00 | 5.00 (×0.50) | 5.00 (×1.00) |" in text  # linear from 1,000 on
    assert "| full build | 100.00 | 150.00 (×1.50) |  |" in text  # super-linear, then timed out
    assert "| Hugo build | 5.00 | 1.50 (×0.30) |  |" in text


def test_search_is_measured_from_the_page_alike_over_http_and_from_disk(seed_site: Path, browser):
    """The reader's side of search, measured in headless Chromium, whatever the index format."""
    from benchmarks.search_load import measure_search

    found = measure_search(seed_site, {"one word": "行政复议"}, browser=browser, trials=3)
    for mode in ("HTTP", "file"):
        assert found[f"search page before a query, {mode} (bytes)"] > 10_000
        assert found[f"one word query: bytes beyond the page, {mode}"] > 0
        assert 0 < found[f"one word query: time to results, {mode} (ms)"] < 60_000
        # Typed on the open page: the index files it loads, and the time from Enter.
        assert found[f"one word query typed on the page: bytes, {mode}"] > 0
        assert 0 < found[f"one word query typed on the page: time to results, {mode} (ms)"] < 60_000
    assert found["one word query: bytes beyond the page, HTTP"] == found["one word query: bytes beyond the page, file"]


def test_realworld_measures_each_field_and_lists_the_misses(tmp_path: Path, capsys):
    """benchmarks/realworld.py on a folder of two of our own fixture pages and hand labels."""
    from benchmarks import realworld

    pages = Path(__file__).parent / "fixtures" / "ingest" / "pages"
    for n, name in enumerate(["navigation_audio_source_line", "self_reference_names_a_county"], 1):
        (tmp_path / f"dev-{n:02d}.txt").write_bytes((pages / f"{name}.txt").read_bytes())
    header = "file\turl\tdistrict\tcity\tprovince\tyear\tlevel\tpublisher\ttitle\tpublished\n"
    rows = [
        # fullwidth and ASCII spellings of one title match (NFKC); a wrong year is a miss
        "dev-01.txt\t\t鼓楼区\t福州市\t福建省\t2020\tcounty\t福州市鼓楼区司法局\t福州市鼓楼区司法局2021年度法治政府建设工作总结\t2022-03-28\n",
        # * : the text states no title, matched by a composed one
        "dev-02.txt\t\t中江县\t德阳市\t四川省\t2021\tcounty\t\t*\t\n",
    ]
    (tmp_path / "expected.tsv").write_text(header + "".join(rows), encoding="utf-8")
    (tmp_path / "dev-03.txt").write_text("无标签的文本。", encoding="utf-8")
    assert realworld.main([str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "| year | 1/2 | 50% |" in out and "| title | 2/2 | 100% |" in out and "| publisher | 2/2 | 100% |" in out
    assert "dev-01.txt\tyear\texpected '2020'\tgot '2021'" in out
    assert err.strip() == f"{tmp_path / 'dev-03.txt'}: warning: no row in expected.tsv, not measured"


def test_realworld_names_a_missing_folder_in_one_line(tmp_path: Path, capsys):
    from benchmarks import realworld

    assert realworld.main([str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"{tmp_path / 'nowhere'}: error: no such folder (it should hold dev-*.txt and expected.tsv)"]
