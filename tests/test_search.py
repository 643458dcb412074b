"""Search: segmentation, the lunr index, and real lunr.js answering the query table."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.build import build
from generator.model import parse_report
from generator.search import build_index, index_files, split_index, utf16_key
from generator.segment import Segmenter, normalize, place_words

ROOT = Path(__file__).resolve().parent.parent
SEARCH_JS = ROOT / "templates" / "assets" / "search.js"
QUERIES = yaml.safe_load((ROOT / "tests" / "fixtures" / "search" / "queries.yml").read_text(encoding="utf-8"))


def test_search_mode_emits_sub_words():
    terms = Segmenter().terms("深化行政复议体制改革。")
    assert {"行政", "复议", "行政复议"} <= set(terms)
    assert "。" not in terms


def test_place_names_are_whole_words_with_their_short_form():
    assert place_words(["江北区", "重庆市", "管城回族区"]) == ["江北", "江北区", "管城回族", "管城回族区", "重庆", "重庆市"]
    terms = Segmenter(["江北区"]).terms("江北区司法局")
    assert "江北区" in terms and "江北" in terms


def test_normalisation_matches_the_browser():
    assert normalize("ＡＰＰ　１２３４８热线") == "app 12348热线"


def report(slug: str, body: str, **fields):
    fm = {"title": fields.get("title", slug), "district": "江北区", "province": "重庆市", "year": 2021, **fields}
    text = "---\n" + yaml.safe_dump(fm, allow_unicode=True) + "---\n" + body
    r, problems = parse_report(Path(f"{slug}.md"), text)
    assert r is not None, problems
    return r


def test_terms_are_in_utf16_order_in_every_shard():
    r = report("2021-a", "## 一、𠀀字与ｆ与\U0002a6a5\n\n全角ｆｕｌｌ与𠮷野家、ﬀ连字。\n")
    for shard in split_index(build_index([r], Segmenter()).serialize()).values():
        terms = [t for t, _ in shard["invertedIndex"]]
        assert terms == sorted(terms, key=utf16_key)
        assert [p["_index"] for _, p in shard["invertedIndex"]] == list(range(len(terms)))


def test_data_files_are_scripts_that_register_themselves():
    files = index_files([report("2021-a", "## 一、行政复议\n\n受理案件。\n")])
    assert set(files) >= {"search/dir.js", "search/meta.js", "search/d/0.js"}
    for path, data in files.items():
        assert data.startswith(b"FAZHI_SEARCH.register("), path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("search")
    shutil.copytree(ROOT / "content", tmp / "content")
    problems, _ = build(tmp / "content", tmp / "site", "https://fazhi.example.org/")
    assert not [p for p in problems if p.severity == "error"]
    return tmp / "site"


def node_query(site: Path, queries: list[str]) -> dict[str, dict]:
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "query.js"), str(site), str(SEARCH_JS), *map(str, queries)],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return {row["query"]: row for row in map(json.loads, out.stdout.splitlines())}


@pytest.fixture(scope="module")
def answers(site: Path) -> dict[str, dict]:
    return node_query(site, [q["query"] for q in QUERIES])


@pytest.mark.parametrize("case", QUERIES, ids=[q["query"] for q in QUERIES])
def test_query_table_in_real_lunr_js(answers, case):
    hits = answers[str(case["query"])]["hits"]
    if case.get("none"):
        assert hits == []
        return
    assert hits, case["query"]
    if "first" in case:
        assert hits[0] == case["first"]
    for expected in case.get("includes", []):
        assert expected in hits
    if "only_reports" in case:
        assert {h.split("#")[0] for h in hits} <= set(case["only_reports"])


def test_a_phrase_and_its_words_cut_the_same_way(answers):
    assert answers["八五普法"]["terms"] == answers["八五 普法"]["terms"] == ["八五", "普法"]
