"""The data package (generator/site/datasets.py): CSV tables described by data/datapackage.json,
valid to frictionless, the large ones in a file per year; data/fazhi.sqlite and a database per
year with the same tables and a full-text index that finds Chinese words; the same bytes from two
builds; an edit writes its own year's files only; each seed's evaluation and conflicting figures."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest
import sqlite_utils

from generator.site import datasets, urls
from generator.site.build import build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(seed_site: Path) -> Path:
    return seed_site


def table_files(site: Path, name: str) -> list[Path]:
    """A table's CSV files, as the data package lists them (one, or one per year)."""
    resource = {r["name"]: r for r in json.loads((site / urls.DATA_PACKAGE).read_text(encoding="utf-8"))["resources"]}[name]
    paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
    return [site / "data" / path for path in paths]


def rows(site: Path, name: str) -> list[dict]:
    """A table's rows, from all its files; each file has the header."""
    found = []
    for path in table_files(site, name):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        found += csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return found


def databases(site: Path) -> list[Path]:
    """data/fazhi.sqlite, then each year's database."""
    return [site / urls.DATABASE] + sorted((site / "data").glob("fazhi-*.sqlite"))


def test_the_data_package_is_valid_and_describes_every_table(site: Path):
    descriptor = json.loads((site / urls.DATA_PACKAGE).read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert [r["name"] for r in descriptor["resources"]] == [t.name for t in datasets.TABLES]
    report = frictionless.validate(site / urls.DATA_PACKAGE)  # types, keys, foreign keys included
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = frictionless.Package(site / urls.DATA_PACKAGE)
    for resource in descriptor["resources"]:
        for path in table_files(site, resource["name"]):
            header = path.read_bytes().decode("utf-8-sig").split("\r\n", 1)[0]
            assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]], path
    # The figures' JSON beside each CSV holds the same columns (one declaration, datasets.FIGURES).
    shown = [row for path in table_files(site, "figures") for row in json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))]
    assert shown and {tuple(sorted(row)) for row in shown} == {tuple(sorted(f.name for f in datasets.FIGURES.csv_fields))}
    places = package.get_resource("places").read_rows()
    assert {r["code"]: r["name"] for r in places}["500105"] == "江北区"
    # A table split by year is one resource of several files, each of its year's reports alone.
    sections = descriptor["resources"][[r["name"] for r in descriptor["resources"]].index("sections")]
    assert sections["path"] == [f"sections/{year}.csv" for year in (2017, 2021, 2022)]
    assert len(package.get_resource("sections").read_rows()) == len(rows(site, "sections"))
    year_of = {r["slug"]: r["year"] for r in rows(site, "reports")}
    for path in table_files(site, "sections"):
        assert {year_of[r["report"]] for r in csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")))} == {path.stem}


def test_every_figure_carries_its_provenance(site: Path):
    figures = rows(site, "figures")
    sections = {r["id"] for r in rows(site, "sections")}
    for f in figures:
        assert f["id"].startswith(f["report"] + "/") and f["quote"] and f["extractor"].startswith("figures-")
        if f["section"]:
            assert f"{f['report']}#{f['section']}" in sections
        assert f["period_kind"] == ("annual" if f["period"] == "annual" else "part")
    conflicting = {(f["report"], f["indicator"], f["value"], f["conflict"]) for f in figures if f["conflict"]}
    assert conflicting == {("2017-guangdong-xiangqiao-sifaju", "disputes-screened", "6065", "part_exceeds_year"),
                           ("2017-guangdong-xiangqiao-sifaju", "disputes-screened", "1161", "part_exceeds_year")}


def test_sections_and_their_topics_are_long_form(site: Path):
    sections = rows(site, "sections")
    assert "words" not in sections[0]
    ids = [s["id"] for s in sections]
    assert len(ids) == len(set(ids))
    topics = rows(site, "section_topics")
    assert ("2021-chongqing-jiangbei-sifaju#s3-1", "renmin-tiaojie") in {(t["section"], t["topic"]) for t in topics}


def test_the_databases_hold_no_free_pages(site: Path):
    """The pages the full-text index's merges freed are given back (the file is made to allow it),
    so a database is no larger than what it holds."""
    for path in databases(site):
        db = sqlite3.connect(path)
        assert db.execute("pragma auto_vacuum").fetchone() == (2,), path.name  # incremental
        assert db.execute("pragma freelist_count").fetchone() == (0,), path.name
        assert db.execute("pragma integrity_check").fetchone() == ("ok",), path.name
        db.close()


def test_free_pages_are_all_given_back_and_the_file_cut(tmp_path: Path):
    """As the full-text index's merges leave them at 10,000 reports (over a thousand a year): every
    one, not the one page a single step of the pragma frees."""
    db = sqlite3.connect(tmp_path / "x.sqlite", isolation_level=None)
    db.execute("PRAGMA auto_vacuum = INCREMENTAL")
    db.execute("create table t (x text)")
    db.executemany("insert into t values (?)", [("行政复议" * 200,) for _ in range(2000)])
    db.execute("delete from t where rowid % 2 = 0")
    free, pages = db.execute("pragma freelist_count").fetchone()[0], db.execute("pragma page_count").fetchone()[0]
    assert free > 100
    datasets.give_back_free_pages(db)
    assert db.execute("pragma freelist_count").fetchone() == (0,)
    assert db.execute("pragma page_count").fetchone()[0] <= pages - free  # a pointer-map page may go too
    assert db.execute("select count(*) from t").fetchone() == (1000,)


def test_the_databases_find_a_chinese_word_and_hold_the_tables(site: Path):
    whole, *years = databases(site)
    assert [y.name for y in years] == ["fazhi-2017.sqlite", "fazhi-2021.sqlite", "fazhi-2022.sqlite"]
    counts: dict[str, int] = {}
    filed: set[tuple] = set()
    for path in years:
        db = sqlite3.connect(path)
        # A year's sections and their topics are inserted from one reading of each report's sections.
        filed |= set(db.execute("select section, report, topic from section_topics"))
        assert db.execute("select count(*) from section_topics left join sections on sections.id = section_topics.section "
                          "where sections.id is null").fetchone() == (0,)
        tables = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
        assert {t.name for t in datasets.YEAR_DATABASE} | {"sections_fts"} <= tables
        assert "places" not in tables
        for table in datasets.YEAR_DATABASE:
            (count,) = db.execute(f"select count(*) from [{table.name}]").fetchone()
            counts[table.name] = counts.get(table.name, 0) + count
        assert {year for (year,) in db.execute("select distinct year from reports")} == {int(path.stem[-4:])}
        # Each year's file joins its sections to its reports.
        assert db.execute("select count(*) from sections left join reports on reports.slug = sections.report "
                          "where reports.slug is null").fetchone() == (0,)
    db = sqlite3.connect(whole)
    for table in datasets.WHOLE_DATABASE:
        (count,) = db.execute(f"select count(*) from [{table.name}]").fetchone()
        assert count == len(rows(site, table.name)), table.name
    for table in (datasets.SECTIONS, datasets.SECTION_TOPICS, datasets.FIGURES, datasets.REPORTS, datasets.EVALUATION):
        assert counts[table.name] == len(rows(site, table.name)), table.name
    assert filed == {(t["section"], t["report"], t["topic"]) for t in rows(site, "section_topics")}
    db = sqlite3.connect(site / urls.database_part("2021"))
    found = db.execute("select sections.id from sections_fts join sections on sections.rowid = sections_fts.rowid "
                       "where sections_fts match ? order by sections.id", ["人民调解"]).fetchall()
    assert ("2021-chongqing-jiangbei-sifaju#s3-1",) in found
    # A two-character word inside longer ones (调解 in 人民调解, 调解员) is found too: trigrams would not.
    (short,) = db.execute("select count(*) from sections_fts where sections_fts match '调解'").fetchone()
    assert short >= len(found)
    # Several terms: all of them, ranked by bm25; the bigrams of a word jieba does not know find it.
    ranked = db.execute("select sections.id from sections_fts join sections on sections.rowid = sections_fts.rowid "
                        "where sections_fts match ? order by rank", ["人民 调解"]).fetchall()
    assert set(found) <= set(ranked)
    # The index as Datasette finds it (sqlite-utils' detection), holding no positions (detail=none).
    assert sqlite_utils.Database(db)["sections"].detect_fts() == "sections_fts"
    assert "detail=none" in db.execute("select sql from sqlite_master where name = 'sections_fts'").fetchone()[0]


def data_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "data").rglob("*") if p.is_file()}


def test_the_data_files_have_the_same_bytes_from_two_builds(tmp_path: Path, site: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    problems, _ = build(tmp_path / "content", tmp_path / "site", "https://fazhi.example.org/")
    assert not [p for p in problems if p.severity == "error"]
    assert data_files(tmp_path / "site") == data_files(site)


def written(site: Path, before: dict[str, int]) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / "data").rglob("*")
            if p.is_file() and before.get(p.relative_to(site).as_posix()) != p.stat().st_mtime_ns}


def test_an_edit_writes_its_own_years_data_files_and_a_title_correction_no_sections(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    out = tmp_path / "site"
    assert not [p for p in build(tmp_path / "content", out, "https://fazhi.example.org/")[0] if p.severity == "error"]
    path = tmp_path / "content" / "reports" / "2021-chongqing-jiangbei-sifaju.md"

    def edited(old: str, new: str) -> set[str]:
        before = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in (out / "data").rglob("*") if p.is_file()}
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        assert not [p for p in build(tmp_path / "content", out, "https://fazhi.example.org/")[0] if p.severity == "error"]
        return written(out, before)

    body = edited("起草印发工作文件31份", "起草印发工作文件32份")
    assert {"data/sections/2021.csv", "data/fazhi-2021.sqlite"} <= body
    assert not {p for p in body if "2017" in p or "2022" in p}
    title = edited("title: ", "title: 修订 ")
    assert {"data/reports.csv", "data/fazhi.sqlite", "data/fazhi-2021.sqlite"} <= title
    assert not {p for p in title if p.startswith(("data/sections/", "data/section_topics/")) or "2017" in p or "2022" in p}
    # Nothing changed: nothing written.
    assert edited("title: 修订 ", "title: 修订 ") == set()


# The evaluation of the five seeds, checked by hand against their texts (README: Report evaluation).
SEEDS = {
    "2017-guangdong-xiangqiao-sifaju": {"measures": "heading", "shortcomings": "heading", "first_responsible": "",
                                        "next_year": "heading", "timeliness": "undated", "conflicts": "1"},
    "2021-chongqing-jiangbei-sifaju": {"measures": "heading", "shortcomings": "text", "first_responsible": "heading",
                                       "next_year": "text", "timeliness": "undated", "conflicts": "0"},
    "2021-jiangxi-changjiang-zhengfu": {"measures": "heading", "shortcomings": "heading", "first_responsible": "text",
                                        "next_year": "heading", "timeliness": "undated", "conflicts": "0"},
    "2021-zhejiang-wucheng-sifaju": {"measures": "heading", "shortcomings": "heading", "first_responsible": "",
                                     "next_year": "heading", "timeliness": "late", "conflicts": "0"},
    "2022-jiangsu-wujin-sifaju-q1": {"measures": "heading", "shortcomings": "", "first_responsible": "text",
                                     "next_year": "", "timeliness": "no_deadline", "conflicts": "0"},
}


def test_each_seed_is_evaluated_as_read_by_hand(site: Path):
    evaluation = {r["report"]: r for r in rows(site, "evaluation")}
    assert {slug: {k: evaluation[slug][k] for k in expected} for slug, expected in SEEDS.items()} == SEEDS
    assert evaluation["2021-zhejiang-wucheng-sifaju"]["days_late"] == "32"
    assert evaluation["2021-zhejiang-wucheng-sifaju"]["deadline"] == "2022-03-31"
    page = (site / urls.evaluation_page(2021)).read_text(encoding="utf-8")
    assert page.count("<tr>") == 1 + 3  # the header and 2021's three reports
    report = (site / urls.report_page("2017-guangdong-xiangqiao-sifaju")).read_text(encoding="utf-8")
    assert 'id="conflicts"' in report and "部分期间的数值大于全年" in report


def test_fazhi_check_names_conflicting_figures():
    out = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(ROOT / "content")],
                         capture_output=True, text=True, cwd=ROOT)
    assert "2017-guangdong-xiangqiao-sifaju.md:37: warning: figures: disputes-screened is stated with values" in out.stdout + out.stderr


def test_a_part_stated_in_the_text_before_the_first_heading_is_shown_without_a_link_to_it(tmp_path: Path):
    """The lead has no id on the report page: a part found there must not link to #lead (it did, and
    the build refused its own pages)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "reports" / "2022-jiangsu-wujin-sifaju-q1.md"
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    path.write_text(f"{head}\n---\n区司法局落实第一责任人职责。下一步，将继续推进。\n\n{body}", encoding="utf-8")
    problems, _ = build(tmp_path / "content", tmp_path / "site")
    assert [str(p) for p in problems if p.severity == "error"] == []
    evaluation = {r["report"]: r for r in rows(tmp_path / "site", "evaluation")}["2022-jiangsu-wujin-sifaju-q1"]
    assert (evaluation["first_responsible_section"], evaluation["next_year_section"]) == ("lead", "lead")
    page = (tmp_path / "site" / urls.report_page("2022-jiangsu-wujin-sifaju-q1")).read_text(encoding="utf-8")
    assert "#lead" not in page and "文中提及：导语" in page
