"""Search: segmentation, weights, the compact files, incremental updates, and the query table
answered by the page's own code under Node (tests/js/query.js), its ranking checked against real lunr.js."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import mmap
import random
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lunr.builder import Builder

from generator.core.digests import versioned_name
from generator.model.reading import load_reports, parse_report
from generator.model.schema import front_matter
from generator.search import files as search_layout
from generator.search import index as search_index
from generator.search import recent as search_recent
from generator.search import terms as search_terms
from generator.search.encoding import decode_ints, decode_postings, encode_ints, encode_postings, utf16_key
from generator.search.index import SearchIndex, search_files
from generator.search.numbers import number_reports
from generator.search.segment import _RUN, Segmenter, han_runs, normalize
from generator.search.terms import BOOST, FIELDS, IndexEntry, index_entry, report_terms, section_fields
from generator.site.build import build
from generator.site.records import section_rows
from tests.search.search_table import QUERIES, case_arg, check

ROOT = Path(__file__).resolve().parents[2]
SEARCH_JS = ROOT / "templates" / "assets" / "search.js"
SEARCH_HEAD_JS = SEARCH_JS.with_name("search-head.js")  # what search.js needs run before it
LUNR_RANK = ROOT / "tests" / "js" / "lunr_rank.js"
SEEDS, _ = load_reports(ROOT / "content" / "reports")


def write_search(site: Path, entries: list[IndexEntry]) -> None:
    """A fresh full build's search files under ``site``, with the part of the search page the Node
    tests read (its head's first characters, search-head.js)."""
    index = SearchIndex()
    index.update(entries, {})
    for path in index.files():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(index.data(path))
    (site / "search" / "index.html").write_text(f'<script data-first="{index.first_characters()}"></script>\n')


# --- segmentation -------------------------------------------------------------------------

RUST, PYTHON = Segmenter("rjieba"), Segmenter("jieba")

def test_search_mode_emits_sub_words():
    terms = Segmenter().terms("深化行政复议体制改革。")
    assert {"行政", "复议", "行政复议"} <= set(terms)
    assert "。" not in terms


def test_every_pair_of_adjacent_han_characters_is_a_term_once():
    """jieba cuts 区医调委共受理 区医 / 调委共 / 受理: the bigrams across its words are terms too,
    and a bigram jieba emitted as a word is not counted twice."""
    terms = Segmenter().terms("区医调委共受理，行政复议")
    assert {"医调", "调委", "委共", "共受", "理医"} & set(terms) == {"医调", "调委", "委共", "共受"}
    assert terms.count("行政") == terms.count("受理") == 1 and "政复" in terms
    assert Segmenter().terms("行政行政").count("行政") == 2


def test_normalisation_matches_the_browser():
    assert normalize("ＡＰＰ　１２３４８热线") == "app 12348热线"


@pytest.mark.slow
def test_other_runs_are_one_term_each_whatever_the_segmenter():
    for segmenter in (RUST, PYTHON):
        assert sorted(segmenter.terms("ＡＰＰ上线12348热线，增长3.5%，ｆｕｌｌ")) == \
            sorted(["app", "上线", "12348", "热线", "增长", "3", "5", "full"])





def test_rjieba_gives_jiebas_terms_on_every_han_run_of_the_seeds():
    rust, python = RUST, PYTHON
    runs = {run for r in SEEDS for heading, body in section_fields(r) for run in han_runs(heading + "\n" + body)}
    assert len(runs) > 1000
    assert [run for run in sorted(runs) if rust.terms(run) != python.terms(run)] == []


HAN_TEXT = st.text(alphabet=st.sampled_from(sorted(set("".join(
    r.body for r in SEEDS)) - set(" \n")) + ["𠀀", "𠮷", "ａ", "1"]), min_size=1, max_size=60)


@settings(max_examples=200)
@given(HAN_TEXT)
def test_rjieba_and_jieba_agree_on_generated_text(text):
    assert RUST.terms(text) == PYTHON.terms(text)


@settings(max_examples=200)
@given(HAN_TEXT)
def test_each_bigram_of_a_text_counts_as_often_as_it_occurs(text):
    terms, text = RUST.terms(text), normalize(text)
    for run in han_runs(text):
        for a, b in zip(run, run[1:]):
            assert terms.count(a + b) == sum(text[i:i + 2] == a + b for i in range(len(text)))


@settings(max_examples=200)
@given(st.lists(st.one_of(HAN_TEXT, st.sampled_from(["APP", "12", "ab", " ", "，", "ｆｕ"])), max_size=8))
def test_terms_are_the_words_and_the_bigrams_not_already_words(pieces):
    """The definition the fast path in ``terms`` must keep: jieba's words, then the bigrams of
    the Han runs less the 2-character words (each is the bigram at its place)."""
    text = "".join(pieces)
    words = RUST.words(text)
    bigrams = Counter(a + b for run in han_runs(text) for a, b in zip(run, run[1:]))
    bigrams.subtract(w for w in words if len(w) == 2 and han_runs(w) == [w])
    assert Counter(RUST.terms(text)) == Counter(words) + Counter(bigrams.elements())


@pytest.mark.slow
@settings(max_examples=300)
@given(st.lists(st.one_of(HAN_TEXT, st.sampled_from(["APP", "12348", "3.5", " ", "，", "\n", "_", "ｆｕｌｌ", "。"])), max_size=12))
def test_one_call_per_text_gives_the_words_of_one_call_per_run(pieces):
    """words() sends all Han runs to jieba at once: the words must be those of a call per run."""
    text = "".join(pieces)
    for segmenter in (RUST, PYTHON):
        per_run = [w for m in _RUN.finditer(normalize(text))
                   for w in (segmenter._cut(m.group()) if m.lastgroup == "han" else [m.group()])]
        assert segmenter.words(text) == per_run


# --- encoding and weights ---------------------------------------------------------------------

@given(st.lists(st.integers(min_value=0, max_value=2**40), max_size=50))
def test_numbers_round_trip(values):
    assert decode_ints(encode_ints(values)) == values


def test_postings_round_trip():
    key = np.array([(3 << 16) | 0, (3 << 16) | 7, (40 << 16) | 2], np.uint64)
    wt = np.array([(812 << 16) | 0, 1450, (95 << 16) | 2044], np.uint32)
    assert decode_postings(encode_postings(key, wt)) == [(3, 0, 812, 0), (3, 7, 0, 1450), (40, 2, 95, 2044)]


def test_weights_depend_on_the_report_alone():
    r = SEEDS[1]
    alone = report_terms(r)
    with_others = [e.terms for e in map(lambda x: index_entry(x, x.topics), SEEDS) if e.slug == r.slug][0]
    assert alone.terms == with_others.terms and (alone.body == with_others.body).all()


def reference_builder(reports) -> dict:
    """The Python lunr package's own index of the seeds, refs named by our report numbers: the
    oracle for our weights."""
    numbers = number_reports(index_entry(r, r.topics) for r in reports).numbers
    seg = Segmenter()
    builder = Builder()
    builder.ref("id")
    for name in FIELDS:
        builder.field(name, boost=BOOST[name])
    for r in reports:
        for j, (heading, body) in enumerate(section_fields(r)):
            builder.add({"id": f"{numbers[r.slug]}-{j}", "heading": seg.terms(heading), "body": seg.terms(body)})
    return builder


@pytest.mark.node
def test_expanded_postings_equal_the_lunr_builders_index(seed_site: Path, monkeypatch):
    """Terms, postings and vector values, with the average field lengths set to the seeds' own."""
    builder = reference_builder(SEEDS)
    index = builder.build().serialize()
    monkeypatch.setattr(search_terms, "AVG_LENGTH", dict(builder.average_field_length))
    site = seed_site.parent / "reference-site"
    shutil.rmtree(site, ignore_errors=True)
    write_search(site, [index_entry(r, r.topics) for r in SEEDS])
    expected = dict(index["invertedIndex"])
    vectors = {ref: dict(zip(v[::2], v[1::2])) for ref, v in index["fieldVectors"]}
    terms = ["行政复议", "复议", "2021", "app", "法治", "的"]
    out = subprocess.run(["node", str(ROOT / "tests/js/query.js"), str(site), str(SEARCH_JS), "--expand", *terms],
                         capture_output=True, text=True, check=True, timeout=60)
    mine = json.loads(out.stdout)
    assert mine["version"] == "2.3.9" and mine["pipeline"] == []
    assert [t for t, _ in mine["invertedIndex"]] == sorted(terms, key=utf16_key)
    mine_vectors = {ref: dict(zip(v[::2], v[1::2])) for ref, v in mine["fieldVectors"]}
    n = len(builder.field_lengths) // len(FIELDS)
    for term, posting in mine["invertedIndex"]:
        df = sum(len(expected[term][f]) for f in FIELDS)
        idf = math.log(1 + abs((n - df + 0.5) / (df + 0.5)))
        for f in FIELDS:
            assert set(posting[f]) == set(expected[term][f]), (term, f)
            for ref in posting[f]:
                ours = mine_vectors[f"{f}/{ref}"][posting["_index"]]
                theirs = vectors[f"{f}/{ref}"][expected[term]["_index"]]
                # We keep the tf part to 3 decimals (error ≤ 0.0005·idf·boost), then both round to 3.
                assert abs(ours - theirs) <= 0.001 + 0.0005 * idf * BOOST[f] + 1e-9, (term, f, ref, ours, theirs)


# --- the query table, in real lunr.js ----------------------------------------------------------

def node_query(site: Path, queries: list) -> dict[str, dict]:
    args = [q if isinstance(q, str) else json.dumps(q, ensure_ascii=False) for q in queries]
    out = subprocess.run(["node", str(ROOT / "tests" / "js" / "query.js"), str(site), str(SEARCH_JS), *args],
                         capture_output=True, text=True, check=True, timeout=120)
    return {row["query"]: row for row in map(json.loads, out.stdout.splitlines())}


@pytest.fixture(scope="module")
def answers(seed_site: Path) -> dict[str, dict]:
    return node_query(seed_site, [case_arg(q) for q in QUERIES])


@pytest.mark.node
@pytest.mark.parametrize("case", QUERIES, ids=[case_arg(q) for q in QUERIES])
def test_query_table_in_real_lunr_js(answers, case):
    row = answers[case_arg(case)]
    check(case, row["hits"], row["approximate"])


@pytest.mark.node
def test_a_phrase_and_its_words_cut_the_same_way(answers):
    assert answers["八五普法"]["terms"] == answers["八五 普法"]["terms"] == ["八五", "普法"]


@pytest.mark.slow
@pytest.mark.node
def test_astral_and_full_width_terms_are_found_and_ranked_as_lunr_js_ranks_them(tmp_path: Path):
    """query.js checks each ranking against real lunr.js, whose index of these terms loads only in
    UTF-16 order (code-point order throws 'Out of order word insertion')."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    md = content / "reports" / "2017-guangdong-xiangqiao-sifaju.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n𠀀字号、\U0002a6a5、𠮷野家与ｆｕｌｌ全角、ﬀ连字及ｆ字并列，字\ue000字。\n", encoding="utf-8")
    problems, _ = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert not [p for p in problems if p.severity == "error"]
    found = node_query(tmp_path / "site", ["𠮷野家", "ｆｕｌｌ", "ｆｕｌｌ 𠮷野家 ﬀ连字", "湘桥"])
    assert all(found[q]["hits"] for q in found), found


# Postings as the page holds them ([report, section, heading weight, body weight]): by (report,
# section) as the files store them, a section at most once a term; weights of 0 (a field without
# the term) and whole postings of 0 included. Every term is in section 0-0, so each ranking has a
# section to score.
WEIGHT = st.sampled_from([0, 0, 1, 37, 500, 999, 1871, 2113])
POSTING = st.tuples(st.integers(0, 6), st.integers(0, 3), WEIGHT, WEIGHT)
SHARED = st.tuples(st.just(0), st.just(0), st.integers(1, 2000), WEIGHT)
TERM_LIST = st.tuples(st.text(st.sampled_from("法治行政复议aｆ1\U00020000\U0002a6a5"), min_size=1, max_size=3),
                      st.integers(1, 4000),
                      st.builds(lambda shared, more: sorted([shared, *(p for p in more if p[:2] != (0, 0))]),
                                SHARED, st.lists(POSTING, max_size=25, unique_by=lambda p: p[:2])))
RANKINGS = st.lists(st.tuples(st.lists(TERM_LIST, min_size=1, max_size=4, unique_by=lambda t: t[0]),
                              st.integers(1, 5000)), min_size=20, max_size=20)


@pytest.mark.node
@settings(max_examples=25, deadline=None)
@given(RANKINGS)
def test_the_pages_ranking_is_lunr_js_to_the_bit(rankings):
    """S.rank against real lunr.js 2.3.9 over the same postings: the same sections, the same scores."""
    cases = [{"sections": n, "lists": [{"term": t, "df": df, "list": [list(p) for p in ps]} for t, df, ps in lists]}
             for lists, n in rankings]
    script = (f"require({json.dumps(str(SEARCH_HEAD_JS))}); const S = require({json.dumps(str(SEARCH_JS))}); const oracle = require({json.dumps(str(LUNR_RANK))});"
              "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(cases.map(c => oracle.difference(S, c.lists, c.sections))))")
    out = subprocess.run(["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [None] * len(cases)


def test_the_search_page_names_exactly_the_characters_with_a_vocabulary_file(seed_site: Path):
    """search-head.js asks for v/<hex>.js of each query character the page names: every one must
    exist (a missing one would log a 404), and every character a term starts with must be named."""
    page = (seed_site / "search" / "index.html").read_text(encoding="utf-8")
    named = {chr(cp) for cp in itertools.accumulate(decode_ints(re.search(r'data-first="([^"]*)"', page)[1]))}
    files = {p.stem for p in (seed_site / "search" / "v").glob("*.js") if "_" not in p.stem}
    assert {format(ord(c), "x") for c in named} == files
    assert {"行", "法", "2"} <= named
    assert '"v":' not in (seed_site / "search" / "dir.js").read_text(encoding="utf-8")  # moved, not copied


def test_data_files_are_scripts_that_register_themselves():
    entries = [index_entry(r, r.topics) for r in SEEDS]
    files = search_files(entries, {})
    first = min(number_reports(entries).numbers.values())
    assert {"search/dir.js", f"search/c/{first}-0.js"} <= set(files)
    assert {p.split("/")[1] for p in files} == {"dir.js", "v", "p", "c", "f"}
    for path, data in files.items():
        assert data.startswith(b"FAZHI_SEARCH.register("), path


# --- pruning: a small archive with a low PRUNE -------------------------------------------------

def synthetic_reports(n: int) -> list:
    provinces = [("重庆市", "", "江北区"), ("浙江省", "宁波市", "江北区"), ("江西省", "景德镇市", "昌江区")]
    out = []
    for i in range(n):
        province, city, district = provinces[i % 3]
        body = f"开展行政复议工作。\n\n## 一、行政复议\n\n受理行政复议案件{i}件，行政复议{'纠错' if i % 4 == 0 else '维持'}。\n"
        fm = {"title": f"{district}{2020 + i % 3}年报告{i}", "district": district, "city": city,
              "province": province, "year": 2020 + i % 3}
        text = "---\n" + yaml.safe_dump(fm, allow_unicode=True) + "---\n" + body
        r, problems = parse_report(Path(f"2020-r{i:03d}.md"), text)
        assert r is not None, problems
        out.append(r)
    return out


@pytest.fixture(scope="module")
def pruned_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("pruned")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 5)
        mp.setattr(search_layout, "REST_POSTINGS", 20)
        write_search(site, [index_entry(r, ()) for r in synthetic_reports(60)])
    return site


@pytest.mark.node
def test_unfiltered_common_terms_show_the_top_postings_and_say_so(pruned_site: Path):
    row = node_query(pruned_site, ["行政复议"])["行政复议"]
    # The top 5 are fewer than a page (10), so the provinces with most reports are
    # added, one first (all three have 20; ties go in the index's order, 江西省): the lead and
    # section 一 of its 20 reports fill a page. The others are not: approximate.
    assert row["approximate"] is True
    reports = synthetic_reports(60)
    largest = {r.slug for r in reports if r.province == "江西省"}
    assert len(row["hits"]) == len(set(row["hits"])) >= 2 * len(largest)
    assert largest <= {h.split("#")[0] for h in row["hits"]}


def _report(i: int, province: tuple[str, str, str], body: str):
    fm = {"title": f"报告{i}", "province": province[0], "city": province[1], "district": province[2], "year": 2021}
    r, problems = parse_report(Path(f"2021-w{i:03d}.md"), "---\n" + yaml.safe_dump(fm, allow_unicode=True) + "---\n" + body)
    assert r is not None, problems
    return r


def _pruned_files(site: Path, reports) -> None:
    """The search files of ``reports`` with top lists of 10 and remainders split by province."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 10)
        mp.setattr(search_layout, "REST_POSTINGS", 5)
        write_search(site, [index_entry(r, ()) for r in sorted(reports, key=lambda r: r.slug)])


@pytest.mark.node
def test_a_city_of_several_places_finds_every_report_of_a_common_word(tmp_path: Path):
    """宁波 stands for its two places, both in 浙江省: that province's remainder must be loaded
    and counted once, not once per place (a section counted twice was taken for a non-match)."""
    places = [("浙江省", "宁波市", "江北区"), ("浙江省", "宁波市", "海曙区"), ("江西省", "景德镇市", "昌江区")]
    reports = [_report(i, places[i % 3], "## 一、工作\n\n" + "行政复议。" * (1 + i % 5) + "\n") for i in range(60)]
    _pruned_files(tmp_path, reports)
    row = node_query(tmp_path, ["宁波 行政复议"])["宁波 行政复议"]
    assert {h.split("#")[0] for h in row["hits"]} == {r.slug for r in reports if r.city == "宁波市"}
    assert row["approximate"] is False


@pytest.mark.node
def test_a_municipality_named_in_a_query_finds_its_own_reports_and_its_districts(tmp_path: Path):
    """A 直辖市's district has the municipality as its city (重庆市, 重庆市, 江北区); the filters list
    it directly under the province, so 重庆 still finds the municipality's own reports too."""
    places = [("重庆市", "重庆市", "江北区"), ("重庆市", "", ""), ("浙江省", "宁波市", "江北区")]
    reports = [_report(i, places[i % 3], "## 一、工作\n\n行政复议。\n") for i in range(9)]
    _pruned_files(tmp_path, reports)
    row = node_query(tmp_path, ["重庆 行政复议"])["重庆 行政复议"]
    assert {h.split("#")[0] for h in row["hits"]} == {r.slug for r in reports if r.province == "重庆市"}


@pytest.mark.node
def test_common_words_whose_top_lists_share_no_section_are_still_found_together(tmp_path: Path):
    """人民调解 is heavy in reports 0–24, 行政复议 in 25–49, and both appear once in 50–59: the
    top 10 of each share nothing, so the page loads the rest province by province."""
    provinces = [("重庆市", "", "江北区"), ("浙江省", "宁波市", "江北区"), ("江西省", "景德镇市", "昌江区")]
    bodies = ["## 一、工作\n\n" + "人民调解。" * 5 + "\n", "## 一、工作\n\n" + "行政复议。" * 5 + "\n",
              "## 一、工作\n\n人民调解和行政复议。\n"]
    reports = [_report(i, provinces[i % 3], bodies[min(i // 25, 2)]) for i in range(60)]
    _pruned_files(tmp_path, reports)
    row = node_query(tmp_path, ["人民调解 行政复议"])["人民调解 行政复议"]
    # One province holds 3 of the 10 matches, fewer than a page: the other two are loaded next, and
    # with them every posting (no report is placed in no province), so the answer is exact.
    assert sorted(row["hits"]) == sorted(f"{r.slug}#s1" for r in reports[50:])
    assert row["approximate"] is False


@pytest.mark.node
def test_a_sections_postings_from_a_top_list_and_a_remainder_meet_those_of_another_word(tmp_path: Path):
    """The page walks the words' lists side by side, so each must stay in (report, section) order
    when its top list and remainder are put together: the two words weigh most in different
    reports, so their top lists hold different sections, and every report holds both in one."""
    place = ("浙江省", "宁波市", "江北区")
    reports = [_report(i, place, "## 一、工作\n\n" + "人民调解。" * (1 + i % 5) + "行政复议。" * (1 + (i * 3 + 2) % 5) + "\n")
               for i in range(30)]
    _pruned_files(tmp_path, reports)
    row = node_query(tmp_path, ["人民调解 行政复议"])["人民调解 行政复议"]
    assert sorted(row["hits"]) == sorted(f"{r.slug}#s1" for r in reports)
    assert row["approximate"] is False


@pytest.mark.node
@pytest.mark.parametrize("seed", range(24))
def test_widening_province_by_province_finds_exactly_the_sections_holding_both_words(tmp_path: Path, seed: int):
    """Random archives over five provinces of unequal size (and unplaced reports), two common words
    at random weights, remainders in one file per province, reports numbered apart from their
    provinces. The two words meet in a few reports only (two of the largest province's, asked for
    with the top lists), so the page widens round after round to every province, merging their
    remainders into each word's list (two provinces' files at once in the second round): the
    answer must be sections holding both, and all of them once it is exact. (Joining either
    merge's lists unsorted loses matches here, where the other tests did not notice.)"""
    rng = random.Random(seed)
    places = [(("重庆市", "", "江北区"), 40), (("浙江省", "宁波市", "江北区"), 20), (("江西省", "景德镇市", "昌江区"), 14),
              (("广东省", "潮州市", "湘桥区"), 10), (("湖南省", "长沙市", "岳麓区"), 6), (("", "", ""), 5)]
    reports, both = [], set()
    numbers = rng.sample(range(100), sum(count for _, count in places))  # slugs, so reports' order is not the provinces'
    for place, count in places:
        for k in range(count):
            i = numbers[len(reports)]
            if place == places[0][0]:
                words = [("人民调解", "行政复议")[k % 2]] if k >= 2 else ["人民调解", "行政复议"]
            else:
                words = ["人民调解", "行政复议"] if rng.random() < 0.15 else [rng.choice(("人民调解", "行政复议"))]
            body = "".join(w + "。" * rng.randint(1, 4) for w in words for _ in range(rng.randint(1, 6)))
            fm = {"title": f"报告{i}", "province": place[0], "city": place[1], "district": place[2], "year": 2021}
            r, problems = parse_report(Path(f"2021-x{i:03d}.md"), "---\n" + yaml.safe_dump({f: v for f, v in fm.items() if v},
                                       allow_unicode=True) + "---\n开展工作。\n\n## 一、工作\n\n" + body + "\n")
            assert r is not None, problems
            reports.append(r)
            if len(words) == 2:
                both.add(f"{r.slug}#s1")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 12)
        mp.setattr(search_layout, "REST_POSTINGS", 2)
        write_search(tmp_path, [index_entry(r, ()) for r in sorted(reports, key=lambda r: r.slug)])
    assert len(list((tmp_path / "search" / "t").glob("*-[0-9].js"))) >= 4  # remainders per province
    row = node_query(tmp_path, ["人民调解 行政复议"])["人民调解 行政复议"]
    assert len(row["hits"]) == len(set(row["hits"]))
    assert set(row["hits"]) <= both
    if not row["approximate"]:
        assert set(row["hits"]) == both
    assert len(row["hits"]) >= min(10, len(both))  # widened until a page is found


@pytest.mark.node
def test_two_common_words_ask_for_the_first_provinces_remainders_with_their_top_lists(tmp_path: Path):
    """Their top lists rarely share a page of sections, so waiting for them before widening
    costs a round trip: the first province's remainders are asked for in the same round. One
    common word never widens, so it loads no remainder at all."""
    provinces = [("重庆市", "", "江北区"), ("浙江省", "宁波市", "江北区"), ("江西省", "景德镇市", "昌江区")]
    bodies = ["## 一、工作\n\n" + "人民调解。" * 5 + "\n", "## 一、工作\n\n" + "行政复议。" * 5 + "\n",
              "## 一、工作\n\n人民调解和行政复议。\n"]
    reports = [_report(i, provinces[i % 3], bodies[min(i // 25, 2)]) for i in range(60)]
    _pruned_files(tmp_path, reports)
    found = node_query(tmp_path, ["人民调解 行政复议", "行政复议"])
    rounds = found["人民调解 行政复议"]["rounds"]
    first = next(r for r in rounds if any(f.startswith("t/") for f in r))
    tops = sorted(f for f in first if re.fullmatch(r"t/[0-9a-f]+\.js", f))
    rests = sorted(f for f in first if re.fullmatch(r"t/[0-9a-f]+-\d+\.js", f))
    assert len(tops) == 2 and [f.rsplit("-", 1)[0] for f in rests] == [f[:-3] for f in tops]
    assert not any(re.fullmatch(r"t/[0-9a-f]+-.*", f) for r in found["行政复议"]["rounds"] for f in r)


@pytest.mark.node
def test_reports_placed_in_no_province_are_loaded_last_when_there_are_any(tmp_path: Path):
    """The reports holding both words are placed in no province: after every province, the page
    loads the unplaced remainder (t/<id>-x.js) too; with none such it is never asked for."""
    provinces = [("重庆市", "", "江北区"), ("浙江省", "宁波市", "江北区"), ("", "", "")]
    bodies = ["## 一、工作\n\n" + "人民调解。" * 5 + "\n", "## 一、工作\n\n" + "行政复议。" * 5 + "\n",
              "## 一、工作\n\n人民调解和行政复议。\n"]
    reports = [_report(i, provinces[2] if i >= 50 else provinces[i % 2], bodies[min(i // 25, 2)]) for i in range(60)]
    _pruned_files(tmp_path, reports)
    assert list((tmp_path / "search" / "t").glob("*-x.js"))
    row = node_query(tmp_path, ["人民调解 行政复议"])["人民调解 行政复议"]
    assert sorted(row["hits"]) == sorted(f"{r.slug}#s1" for r in reports[50:])
    assert row["approximate"] is False


@pytest.mark.node
def test_a_province_or_place_filter_makes_a_pruned_list_exact(pruned_site: Path):
    reports = synthetic_reports(60)
    cq = {r.slug for r in reports if r.province == "重庆市"}
    found = node_query(pruned_site, [json.dumps({"q": "行政复议", "province": "重庆市"}, ensure_ascii=False),
                                     "江北 行政复议", "重庆 纠错", "昌江 行政复议 2021"])
    by_province = found[json.dumps({"q": "行政复议", "province": "重庆市"}, ensure_ascii=False)]
    assert by_province["approximate"] is False
    assert {h.split("#")[0] for h in by_province["hits"]} == cq
    assert len(by_province["hits"]) == 2 * len(cq)  # lead and section 一
    # 江北 is two places (重庆 and 宁波): both, complete.
    jiangbei = found["江北 行政复议"]
    assert jiangbei["approximate"] is False
    assert {h.split("#")[0] for h in jiangbei["hits"]} == {r.slug for r in reports if r.district == "江北区"}
    assert {h.split("#")[0] for h in found["重庆 纠错"]["hits"]} == {
        r.slug for i, r in enumerate(reports) if r.province == "重庆市" and i % 4 == 0}
    assert {h.split("#")[0] for h in found["昌江 行政复议 2021"]["hits"]} == {
        r.slug for r in reports if r.district == "昌江区" and r.year == 2021}


# --- recent additions (recent.py): indexed apart, found as if they were not ----------------------

@pytest.fixture(scope="module")
def recent_answers(tmp_path_factory) -> dict[str, dict]:
    """The query table on the seeds' index, two of them added on later days (so indexed apart)."""
    site = tmp_path_factory.mktemp("recent")
    days = ["2026-11-22"] * 3 + ["2026-11-23", "2026-11-24"]
    entries = [index_entry(r, r.topics) for r in (dataclasses.replace(r, added=d) for r, d in zip(SEEDS, days))]
    assert len(search_recent.recent_reports(entries)) == 2
    write_search(site, entries)
    assert list((site / "search" / "r").glob("*.js"))
    return node_query(site, [case_arg(q) for q in QUERIES])


@pytest.mark.node
@pytest.mark.parametrize("case", QUERIES, ids=[case_arg(q) for q in QUERIES])
def test_recent_additions_answer_the_query_table_as_the_main_index_does(answers, recent_answers, case):
    """The same hits in the same order, scored by lunr.js (query.js checks every ranking), the same
    count and answer by place: the page adds their postings and df to the main index's."""
    mine, main = recent_answers[case_arg(case)], answers[case_arg(case)]
    assert (mine["hits"], mine["approximate"], mine["message"], mine["places"]) == (
        main["hits"], main["approximate"], main["message"], main["places"])


@pytest.mark.node
def test_a_pruned_terms_recent_postings_are_all_found_and_a_filter_makes_them_exact(tmp_path: Path):
    """A recent addition's postings are never pruned: an unfiltered query of a common word finds its
    sections beside the top list; filtered, the answer is exactly the main index's."""
    reports = synthetic_reports(60)
    days = {r.slug: "2026-01-05" if i < 57 else f"2026-02-0{i - 56}" for i, r in enumerate(reports)}
    filtered = json.dumps({"q": "行政复议", "province": "重庆市"}, ensure_ascii=False)
    answers = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 5)
        mp.setattr(search_layout, "REST_POSTINGS", 20)
        for name, dated in (("apart", days), ("main", dict.fromkeys(days, "2026-01-05"))):
            site = tmp_path / name
            write_search(site, [index_entry(dataclasses.replace(r, added=dated[r.slug]), ()) for r in reports])
            answers[name] = node_query(site, ["行政复议", filtered])
    # The same sections; those of equal score come in report number order, and the recent additions
    # are numbered apart (numbers.py).
    assert sorted(answers["apart"][filtered]["hits"]) == sorted(answers["main"][filtered]["hits"])
    assert answers["apart"][filtered]["approximate"] is False
    recent = {r.slug for r in reports[57:]}
    assert recent <= {h.split("#")[0] for h in answers["apart"]["行政复议"]["hits"]}


# --- the page's answers: the phrase check's limit, filters named in the query, by place -------------

def _files(site: Path, reports) -> None:
    write_search(site, [index_entry(r, ()) for r in sorted(reports, key=lambda r: r.slug)])


@pytest.mark.node
@pytest.mark.parametrize("n, partial", [(30, False), (60, True)])
def test_the_phrase_check_reads_the_best_40_candidates_and_says_when_there_were_more(tmp_path: Path, n: int, partial: bool):
    """后陈式 is no term (jieba cuts 后 / 陈式): the sections holding both 后陈 and 陈式 are read to
    see it as written. Half hold it, half hold its bigrams apart; past 40 candidates only the
    best 40 are read and the count line says the answer may be partial."""
    places = [("浙江省", "金华市", "婺城区"), ("江西省", "景德镇市", "昌江区")]
    # The sections holding it are longer, so score lower: the best 40 hold only some of them.
    bodies = ["## 一、工作\n\n推广“后陈式”做法，深化基层治理，完善工作机制，提升服务水平。\n", "## 一、工作\n\n后陈村，陈式。\n"]
    reports = [_report(i, places[i % 2], bodies[(i // 2) % 2]) for i in range(n)]
    _files(tmp_path, reports)
    row = node_query(tmp_path, ["后陈式"])["后陈式"]
    holding = {r.slug for i, r in enumerate(reports) if (i // 2) % 2 == 0}
    assert row["terms"] == ["后陈", "陈式"]
    assert row["hits"] and {h.split("#")[0] for h in row["hits"]} <= holding
    assert row["partial"] is row["approximate"] is partial
    if partial:
        assert len(row["hits"]) < len(holding) and len(row["hits"]) <= 40
        assert row["message"] == (f"显示最相关的前 {len(row['hits'])} 个章节，属 {len(row['hits'])} 份报告"
                                  "（短语只在最相关的 40 个章节中核对原文，结果可能不全；加上地区、年份等筛选可缩小范围）")
    else:
        assert {h.split("#")[0] for h in row["hits"]} == holding
        assert row["message"] == f"找到 {len(holding)} 份报告中的 {len(holding)} 个章节"


def node_lift(site: Path, wants: list) -> list[dict]:
    args = [w if isinstance(w, str) else json.dumps(w, ensure_ascii=False) for w in wants]
    out = subprocess.run(["node", str(ROOT / "tests" / "js" / "query.js"), str(site), str(SEARCH_JS), "--lift", *args],
                         capture_output=True, text=True, check=True, timeout=60)
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.mark.node
def test_a_year_or_place_named_in_the_query_moves_into_the_filters_when_it_names_one(pruned_site: Path):
    lifted = node_lift(pruned_site, ["昌江区行政复议 2022年", "江北 行政复议", {"q": "重庆 纠错", "place": "浙江省宁波市江北区"},
                                     "2020 2021 行政复议", {"q": "2021 行政复议", "year": "2020"}, "宁波"])
    assert lifted[0] == {"q": "行政复议", "year": "2022", "province": "江西省", "place": "江西省景德镇市昌江区"}
    assert lifted[1] == {"q": "江北 行政复议"}  # two places named 江北区: the query keeps the name
    assert lifted[2] == {"q": "纠错", "province": "重庆市", "place": ""}  # the query's province replaces the list's
    assert lifted[3] == {"q": "2020 2021 行政复议"}
    assert lifted[4] == {"q": "行政复议", "year": "2021"}
    assert lifted[5] == {"q": "", "province": "浙江省", "place": "浙江省宁波市江北区"}  # 宁波's one place here
    # The lifted search answers as the query did.
    before = node_query(pruned_site, ["昌江区行政复议 2022年", "重庆 纠错"])
    after = node_query(pruned_site, [{k: v for k, v in lifted[0].items()}, {k: v for k, v in lifted[2].items() if v}])
    assert [r["hits"] for r in before.values()] == [r["hits"] for r in after.values()]
    assert all(r["hits"] for r in after.values())


@pytest.mark.node
def test_the_answer_by_place_counts_each_places_reports(tmp_path: Path):
    """A province's reports by place, most first; a province's own reports count as 本级."""
    places = [("重庆市", "", "江北区"), ("重庆市", "", ""), ("浙江省", "宁波市", "江北区"), ("浙江省", "宁波市", "海曙区"),
              ("重庆市", "", "江北区")]
    reports = [_report(i, places[i % 5], "## 一、工作\n\n行政复议。\n" if i % 5 != 3 or i < 5 else "## 一、工作\n\n人民调解。\n")
               for i in range(10)]
    _files(tmp_path, reports)
    found = node_query(tmp_path, ["行政复议", "江北 行政复议", "人民调解"])
    assert found["行政复议"]["places"] == [
        ["重庆市", 6, [["重庆市江北区", "江北区", 4], ["", "本级", 2]]],
        ["浙江省", 3, [["浙江省宁波市江北区", "江北区（宁波市）", 2], ["浙江省宁波市海曙区", "海曙区（宁波市）", 1]]]]
    assert found["江北 行政复议"]["places"] == [["重庆市", 4, [["重庆市江北区", "江北区", 4]]],
                                             ["浙江省", 2, [["浙江省宁波市江北区", "江北区（宁波市）", 2]]]]
    assert found["人民调解"]["places"] == [["浙江省", 1, [["浙江省宁波市海曙区", "海曙区（宁波市）", 1]]]]


# --- incremental ≡ full --------------------------------------------------------------------------

_ENTRIES: dict = {}


def _entries(reports):
    """Index entries, segmenting each distinct report once per test run."""
    out = []
    for r in sorted(reports, key=lambda r: r.slug):
        key = (r.slug, r.body, repr(front_matter(r)))
        if key not in _ENTRIES:
            _ENTRIES[key] = index_entry(r, r.topics)
        out.append(_ENTRIES[key])
    return out


def _text(r) -> str:
    fm = {k: v for k, v in front_matter(r).items() if v not in ("", [], None)}
    return "---\n" + yaml.safe_dump(fm, allow_unicode=True) + "---\n" + r.body


def _edited(r, k: int):
    extra = f"\n新增段落{k}：行政复议第{k}次修改，𠮷字。\n" if k % 2 else "\n## 九、行政复议\n\n行政复议" * (k + 3) + "。\n"
    new, problems = parse_report(Path(f"{r.slug}.md"), _text(r) + extra)
    assert new is not None, problems
    return new


def _redated(r):
    """The same report a year later: its filter values change, and its number (another block)."""
    new, problems = parse_report(Path(f"{r.slug}.md"), _text(dataclasses.replace(r, year=(r.year or 2020) + 1)))
    assert new is not None, problems
    return new


def _shrunk(r):
    """The report's lead alone: fewer excerpt files than before."""
    new, problems = parse_report(Path(f"{r.slug}.md"), _text(dataclasses.replace(r, body=r.body.split("\n## ")[0])))
    assert new is not None, problems
    return new


def _renamed(r, slug):
    new, problems = parse_report(Path(f"{slug}.md"), _text(r))
    assert new is not None, problems
    return new


def _check_same_as_full(index: SearchIndex, reports) -> None:
    full = SearchIndex()
    full.update(_entries(reports), {})
    assert index.files() == full.files()
    assert index.first_characters() == full.first_characters()  # what the search page names, not a file
    for path in full.files():
        assert index.data(path) == full.data(path), path


EDITS = st.lists(st.tuples(st.sampled_from(["edit", "redate", "add", "remove", "reopen"]), st.integers(0, 4)), min_size=1, max_size=4)


def _run_edits(state: Path, base: list, edits) -> None:
    reports = {r.slug: r for r in base}
    index = SearchIndex.open(state)
    index.update(_entries(reports.values()), {})
    index.save(state)
    for step, (op, n) in enumerate(edits):
        slugs = sorted(reports)
        if op == "edit":
            reports[slugs[n % len(slugs)]] = _edited(reports[slugs[n % len(slugs)]], step)
        elif op == "redate":
            reports[slugs[n % len(slugs)]] = _redated(reports[slugs[n % len(slugs)]])
        elif op == "shrink":
            reports[slugs[n % len(slugs)]] = _shrunk(reports[slugs[n % len(slugs)]])
        elif op == "add":
            new = _renamed(base[n % len(base)], f"{base[n % len(base)].slug}-copy{step}")
            reports[new.slug] = new
        elif op == "arrive":  # added on a day of its own, after the others: a recent addition (recent.py)
            new = dataclasses.replace(_renamed(base[n % len(base)], f"{base[n % len(base)].slug}-new{step}"),
                                      added=f"2027-01-{step + 1:02d}")
            reports[new.slug] = new
        elif op == "remove" and len(reports) > 1:
            del reports[slugs[n % len(slugs)]]
        else:
            index = SearchIndex.open(state)
        before = {e.slug: e.digest for e in index._entries}
        entries = [e if before.get(e.slug) != e.digest else IndexEntry(**{**e.__dict__, "terms": None})
                   for e in _entries(reports.values())]
        index.update(entries, {})
        _check_same_as_full(index, reports.values())
        index.save(state)


@pytest.mark.slow
@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDITS)
def test_incremental_updates_give_the_full_builds_bytes(tmp_path_factory, edits):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_index, "LOG_REPORTS", 1)  # saved postings both replayed and written anew
        _run_edits(tmp_path_factory.mktemp("state") / "search", list(SEEDS), edits)


@pytest.mark.slow
@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["arrive", "arrive", "edit", "remove", "reopen"]), st.integers(0, 59)),
                min_size=1, max_size=6))
def test_incremental_updates_with_recent_additions_give_the_full_builds_bytes(tmp_path_factory, edits):
    """Reports arriving day after day are indexed apart, edited and removed there, and merged into
    the main index when a run of days closes (two reports a run here), pruned terms among them."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_recent, "RECENT_REPORTS", 2)
        mp.setattr(search_layout, "PRUNE", 10)
        mp.setattr(search_layout, "REST_POSTINGS", 20)
        mp.setattr(search_index, "LOG_REPORTS", 1)
        _run_edits(tmp_path_factory.mktemp("state") / "search", synthetic_reports(60), edits)


@pytest.mark.slow
@pytest.mark.parametrize("edits", [[("redate", 1)], [("shrink", 2)], [("edit", 0), ("reopen", 0), ("redate", 0), ("shrink", 0)],
                                   [("remove", 0), ("remove", 0), ("edit", 0)], [("add", 0), ("add", 0), ("add", 0)]])
def test_updates_that_change_filters_or_excerpts_give_the_full_builds_bytes(tmp_path: Path, edits):
    """A new year changes filter files and dir.js; a shorter report leaves fewer excerpt files; in
    an archive of three, one edited report is added in bulk, none of its postings kept (they were
    once kept and added again: every unchanged posting twice); three copies of one report fill its
    block past a quarter, and every report moves (numbers.py)."""
    _run_edits(tmp_path / "search", list(SEEDS), edits)


@pytest.mark.slow
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["edit", "edit", "add", "remove", "reopen"]), st.integers(0, 59)),
                min_size=1, max_size=5))
def test_incremental_updates_of_pruned_terms_give_the_full_builds_bytes(tmp_path_factory, edits):
    """With PRUNE low, edits move postings in and out of top lists and province remainders."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 10)
        mp.setattr(search_layout, "REST_POSTINGS", 20)  # remainders both merged and per province
        _run_edits(tmp_path_factory.mktemp("state") / "search", synthetic_reports(60), edits)


def test_a_report_added_before_others_in_its_block_gives_the_full_builds_bytes(tmp_path: Path):
    """A report added at a place its block's next reports hold moves them on by one (numbers.py), so
    in one update a term's rows leave and arrive at one number, another report's (index.py splices
    them); with PRUNE low, of pruned terms too, both merged and split by province."""
    base = synthetic_reports(60)
    numbering = number_reports(_entries(base))
    for k in range(400):
        added = _renamed(base[k % len(base)], f"{base[k % len(base)].slug}-copy{k}")
        after = number_reports(_entries([*base, added]))
        moved = {s for s, r in numbering.numbers.items() if after.numbers[s] != r}
        if after.block == numbering.block and {after.numbers[s] for s in moved} & {numbering.numbers[s] for s in moved}:
            break
    else:
        pytest.fail("no added report moves two others")
    state = tmp_path / "search"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 10)
        mp.setattr(search_layout, "REST_POSTINGS", 20)
        index = SearchIndex.open(state)
        index.update(_entries(base), {})
        index.save(state)
        index = SearchIndex.open(state)
        index.update([IndexEntry(**{**e.__dict__, "terms": None}) if e.slug in numbering.numbers else e
                      for e in _entries([*base, added])], {})
        _check_same_as_full(index, [*base, added])


def test_a_save_that_writes_postings_maps_them_from_disk(tmp_path: Path):
    """A build saves the index before its pool forks: the postings it saved must then be mapped
    from the files (shared, paged in as used), not held a second time in memory, and give the
    same files."""
    index = SearchIndex.open(tmp_path / "search")
    index.update(_entries(SEEDS), {})
    before = {path: index.data(path) for path in index.files()}

    def mapped(a) -> bool:
        while getattr(a, "base", None) is not None:
            a = a.base
        return isinstance(a, mmap.mmap)

    assert not any(mapped(key) for key, _ in index._post.values())
    index.save(tmp_path / "search")
    assert all(mapped(key) and mapped(wt) for key, wt in index._post.values())
    assert {path: index.data(path) for path in index.files()} == before
    # An edit after the save works on the mapped postings (new arrays, never written in place).
    edited = [_edited(r, 1) if r.slug == SEEDS[0].slug else r for r in SEEDS]
    index.update(_entries(edited), {})
    _check_same_as_full(index, edited)


def test_open_replays_a_term_only_when_it_is_looked_up(tmp_path: Path):
    """A report added since the saved base changes thousands of terms, most postings among them:
    open finds their cuts but makes them only when a term is looked up, so that a later build
    that changes other terms never copies them; what it makes is the full build's postings."""
    state = tmp_path / "search"
    index = SearchIndex.open(state)
    index.update(_entries(SEEDS[:4]), {})
    index.save(state)
    index.update([*(IndexEntry(**{**e.__dict__, "terms": None}) for e in _entries(SEEDS[:4])), *_entries(SEEDS[4:])], {})
    index.save(state)  # one report differs from the base: no new base, the addition is replayed
    added = set(_entries(SEEDS[4:])[0].terms.terms)
    index = SearchIndex.open(state)
    pending = {t for t in index._post if type(dict.__getitem__(index._post, t)) is search_index._Replayed}
    assert pending and pending <= added
    index.update([IndexEntry(**{**e.__dict__, "terms": None}) for e in _entries(SEEDS)], {})  # nothing changed
    assert {t for t in index._post if type(dict.__getitem__(index._post, t)) is search_index._Replayed} == pending
    full = SearchIndex()
    full.update(_entries(SEEDS), {})
    for t in pending:
        assert all(np.array_equal(a, b) for a, b in zip(index._post[t], full._post[t])), t
    assert not any(type(dict.__getitem__(index._post, t)) is search_index._Replayed for t in index._post)
    _check_same_as_full(index, SEEDS)


def test_open_of_a_missing_or_foreign_state_is_empty(tmp_path: Path):
    assert SearchIndex.open(tmp_path / "none").files() == {}
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "index.pickle").write_bytes(b"not a pickle")
    assert SearchIndex.open(tmp_path / "bad").files() == {}


def test_open_of_a_state_whose_edit_cannot_be_replayed_is_empty(tmp_path: Path):
    """After an edit the saved postings are the old ones plus the edited report's terms; with
    the old version's terms lost, open cannot replay the edit and starts empty (a full update)."""
    state = tmp_path / "search"
    reports = list(SEEDS)
    index = SearchIndex.open(state)
    index.update(_entries(reports), {})
    index.save(state)
    old = reports[0]
    reports[0] = _edited(old, 1)
    index.update(_entries(reports), {})
    index.save(state)
    assert SearchIndex.open(state).files() == index.files()  # replayed
    digest = next(e.digest for e in _entries([old]))
    (state / "reports" / versioned_name(old.slug, digest)).unlink()
    assert SearchIndex.open(state).files() == {}


def test_a_sections_words_for_the_databases_full_text_index_are_its_distinct_terms_sorted():
    """records.section_rows gives each section the words the data package's FTS index holds: the
    distinct terms of its heading and text, as the search index cuts them, in sorted order."""
    class Filed(NamedTuple):
        kind: str = "work"
        topics: tuple = ()

    for r in SEEDS:
        rows = section_rows(r, [Filed()] * len(r.sections), report_terms(r))
        for row, (heading, body) in zip(rows, section_fields(r), strict=True):
            assert row.words.split() == sorted(set(RUST.terms(heading)) | set(RUST.terms(body))), (r.slug, row.anchor)


def test_adding_a_report_rewrites_only_its_own_files_and_its_terms(tmp_path: Path):
    """Numbers do not follow rank (numbers.py): adding a report leaves every other report's excerpt
    files, and the files of every term it lacks, as they were, where numbering by rank moved every
    later report and so nearly every file."""
    reports = synthetic_reports(60)
    index = SearchIndex.open(tmp_path / "search")
    index.update(_entries(reports), {})
    before = index.files()
    new = _renamed(reports[7], "2020-r007-b")
    entries = [IndexEntry(**{**e.__dict__, "terms": None}) if e.slug != new.slug else e for e in _entries(reports + [new])]
    index.save(tmp_path / "search")
    index.update(entries, {})
    after = index.files()
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    numbers = number_reports(entries).numbers
    assert {p for p in changed if p.startswith("search/c/")} == {
        p for p in after if p.startswith(f"search/c/{numbers[new.slug]}-")}
    own = set(index_entry(new, new.topics).terms.terms)
    firsts = {format(ord(t[0]), "x") for t in own}
    ids = {search_layout.term_id(t) for t in own}
    for p in changed - {"search/dir.js"}:
        kind, name = p.split("/")[1], p.split("/")[2][:-3]
        assert (kind in ("v", "p") and name.split("_")[0].split("-")[0] in firsts
                or kind == "t" and name.split("-")[0] in ids or kind in ("c", "f")), p
    assert len(changed) < len(after)
    _check_same_as_full(index, reports + [new])


def test_a_report_added_on_a_later_day_rewrites_no_postings_file_of_the_main_index(tmp_path: Path):
    """A recent addition (recent.py) has its postings in r/ files and changes the v/ entries of its
    terms (their df), but no p/ or t/ file: adding one report to 10,000 rewrote 5,600–9,600 files,
    most of them the t/ files of common terms. Merged into the main index later, its terms' files
    change as an addition's did."""
    reports = [dataclasses.replace(r, added="2026-01-05") for r in synthetic_reports(60)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 5)
        mp.setattr(search_layout, "REST_POSTINGS", 20)
        index = SearchIndex.open(tmp_path / "search")
        index.update(_entries(reports), {})
        index.save(tmp_path / "search")
        before = index.files()
        # One whose place among the main index's numbers is taken: numbered with them, it would move
        # a report of the main index, and all that report's terms' files would be made again.
        new = next(n for k in range(60) if (n := dataclasses.replace(_renamed(reports[k], f"{reports[k].slug}-b"), added="2026-02-01"))
                   and number_reports(_entries(reports)).numbers.items() - number_reports(_entries(reports + [n])).numbers.items())
        entries = [IndexEntry(**{**e.__dict__, "terms": None}) if e.slug != new.slug else e for e in _entries(reports + [new])]
        index.update(entries, {})
        after = index.files()
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        kinds = Counter(p.split("/")[1] for p in changed)
        assert kinds["r"] and kinds["v"] and not kinds["t"] and not kinds["p"], kinds
        assert {p.split("/")[1] for p in changed} <= {"r", "v", "c", "f", "dir.js"}
        _check_same_as_full(index, reports + [new])
        index.save(tmp_path / "search")
        # A run of one report: the next day's addition closes it, and the first joins the main index.
        mp.setattr(search_recent, "RECENT_REPORTS", 1)
        later = dataclasses.replace(_renamed(reports[8], "2020-r008-c"), added="2026-02-02")
        index = SearchIndex.open(tmp_path / "search")
        index.update([IndexEntry(**{**e.__dict__, "terms": None}) if e.slug != later.slug else e
                      for e in _entries(reports + [new, later])], {})
        assert index._recent == {later.slug}
        assert any(p.startswith("search/t/") and before.get(p) != d for p, d in index.files().items())
        _check_same_as_full(index, reports + [new, later])


def test_many_reports_changed_at_once_in_a_pruned_index_give_the_full_builds_bytes(tmp_path: Path):
    """More changed reports than LOG_REPORTS go in bulk: an edit's removed postings must not make
    the large terms' files be redone for its province alone, when added reports reach others."""
    reports = synthetic_reports(60)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_layout, "PRUNE", 5)
        mp.setattr(search_layout, "REST_POSTINGS", 20)
        mp.setattr(search_index, "LOG_REPORTS", 1)
        index = SearchIndex.open(tmp_path / "search")
        index.update(_entries(reports), {})
        index.save(tmp_path / "search")
        later = [_edited(reports[0], 3)] + reports[1:] + [_renamed(reports[1], "2020-r001-b"), _renamed(reports[2], "2020-r002-b")]
        before = {e.slug: e.digest for e in index._entries}
        index.update([e if before.get(e.slug) != e.digest else IndexEntry(**{**e.__dict__, "terms": None})
                      for e in _entries(later)], {})
        _check_same_as_full(index, later)
