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


class FixedTerms:
    """A segmenter that returns given terms, to put exactly these words in an index."""

    def __init__(self, terms):
        self._terms = terms

    def terms(self, text):
        return list(self._terms)


# Same first character, then one character beyond U+FFFF (UTF-16 D840…) and one in the
# private-use area (U+E000, which NFKC keeps): code-point order and UTF-16 order disagree.
TRAP_TERMS = ["字\U00020000", "字\ue000", "字a", "字"]


def test_terms_are_in_utf16_order_in_every_shard():
    r = report("2021-a", "## 一、标题\n\n正文。\n")
    for shard in split_index(build_index([r], FixedTerms(TRAP_TERMS)).serialize()).values():
        terms = [t for t, _ in shard["invertedIndex"]]
        assert terms == sorted(terms, key=utf16_key)
        assert [p["_index"] for _, p in shard["invertedIndex"]] == list(range(len(terms)))


def test_shards_with_astral_and_private_use_terms_load_in_real_lunr_js(tmp_path: Path):
    r = report("2021-a", "## 一、标题\n\n正文。\n")
    shards = split_index(build_index([r], FixedTerms(TRAP_TERMS)).serialize())
    (tmp_path / "shards.json").write_text(json.dumps(shards, ensure_ascii=False), encoding="utf-8")
    script = (
        "const lunr = require(process.argv[1]); const fs = require('fs');"
        "const shards = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
        "for (const k of Object.keys(shards)) { const idx = lunr.Index.load(shards[k]);"
        "  const hits = idx.query(q => q.term(Object.keys(idx.invertedIndex)[0], {usePipeline: false}));"
        "  if (!hits.length) throw new Error('no hit in shard ' + k); }"
        "console.log('loaded', Object.keys(shards).length);"
    )
    out = subprocess.run(["node", "-e", script, str(ROOT / "node_modules" / "lunr"), str(tmp_path / "shards.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("loaded")


def test_data_files_are_scripts_that_register_themselves():
    files = index_files([report("2021-a", "## 一、行政复议\n\n受理案件。\n")])
    assert set(files) >= {"search/dir.js", "search/meta.js", "search/d/0.js"}
    for path, data in files.items():
        assert data.startswith(b"FAZHI_SEARCH.register("), path


@pytest.fixture(scope="module")
def site(seed_site: Path) -> Path:
    return seed_site


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


def test_astral_and_full_width_terms_load_in_real_lunr_js(tmp_path: Path):
    """Python's code-point order would make lunr.js throw 'Out of order word insertion' here."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    md = content / "reports" / "2017-guangdong-xiangqiao-sifaju.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n𠀀字号、\U0002a6a5、𠮷野家与ｆｕｌｌ全角、ﬀ连字及ｆ字并列。\n", encoding="utf-8")
    problems, _ = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert not [p for p in problems if p.severity == "error"]
    found = node_query(tmp_path / "site", ["𠮷野家", "ｆｕｌｌ", "湘桥"])
    assert found["𠮷野家"]["hits"] and found["ｆｕｌｌ"]["hits"] and found["湘桥"]["hits"]
