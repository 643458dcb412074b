"""Ingest: raw originals become faithful, structured Markdown with front-matter.

Golden files (tests/golden/ingest/*.yml) hold each seed's front-matter and
heading outline. After an intended change, refresh them with
``make golden`` (FAZHI_UPDATE_GOLDEN=1) and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import cli
from generator.ingest import run as ingest_run
from generator.ingest.decode import Unusable, decode
from generator.ingest.run import run_ingest
from generator.ingest.text import ingest_text
from generator.model.reading import load_reports, parse_report
from generator.model.schema import front_matter
from generator.model.sections import sections_of

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "content" / "raw").glob("*.txt"))
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
PAGES = sorted((FIXTURES / "pages").glob("*.txt"))
GOLDEN = ROOT / "tests" / "golden" / "ingest"
UPDATE = bool(os.environ.get("FAZHI_UPDATE_GOLDEN"))
SEEDS_ADDED = "2026-11-22"  # the day the seeds entered the archive (their first commit), as their reports say


def project(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    raw = tmp_path / "content" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(ROOT / "content" / "topics.yml", tmp_path / "content" / "topics.yml")
    shutil.copy(ROOT / "content" / "indicators.yml", tmp_path / "content" / "indicators.yml")
    for name, data in files.items():
        (raw / name).write_bytes(data)
    return raw, tmp_path / "content" / "reports"


def ingest_one(text: str, name: str = "x.txt"):
    problems = []
    result = ingest_text(text, name, name, "0" * 64, problems)
    return result, [str(p) for p in problems]


def outline(body: str) -> list[str]:
    return [("  " * (s.level - 2)) + s.heading for s in sections_of(body) if s.level > 1]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_golden_seed_front_matter_and_outline(seed: Path, tmp_path: Path):
    raw, out = project(tmp_path, {seed.name: seed.read_bytes()})
    problems, written = run_ingest(raw, out, today=SEEDS_ADDED)
    assert written == 1 and [p for p in problems if p.severity == "error"] == []
    (md,) = out.glob("*.md")
    report, found = parse_report(md, md.read_text(encoding="utf-8"))
    assert found == []
    actual = {"file": md.name, "front_matter": front_matter(report), "outline": outline(report.body)}
    golden = GOLDEN / f"{seed.stem[:3]}.yml"
    if UPDATE:
        golden.write_text(yaml.safe_dump(actual, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    assert actual == yaml.safe_load(golden.read_text(encoding="utf-8"))


def test_committed_reports_match_a_fresh_ingest(tmp_path: Path):
    """content/reports/ is what ingest makes of content/raw/ (plus nothing stale)."""
    raw, out = project(tmp_path, {p.name: p.read_bytes() for p in SEEDS})
    run_ingest(raw, out, today=SEEDS_ADDED)
    fresh = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "content" / "reports").glob("*.md")}
    assert fresh == committed


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gbk"),
        lambda t: t.encode("gb18030"),
        lambda t: "\ufeff".encode() + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r").encode("gbk"),
        lambda t: "\n".join("\u3000\u3000" + line + "  " for line in t.split("\n")).encode("utf-8"),
        lambda t: t.encode("utf-16"),
    ],
    ids=["gbk", "gb18030", "utf8-bom", "crlf", "cr-gbk", "indented", "utf16"],
)
def test_encodings_and_line_endings_give_the_same_report(encode):
    text = (FIXTURES / "city_government.txt").read_text(encoding="utf-8")
    expected, _ = ingest_one(text)
    got, _ = ingest_one(decode(encode(text)))
    assert got == expected


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b" \r\n\t\r\n\xe3\x80\x80\n", "blank file (only whitespace)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes), not a text report"),
        (bytes([0x80, 0xFF, 0xFE, 0xFD, 0x81]) * 5, "cannot be decoded as UTF-8 or GB18030/GBK"),
        (b"\xff\xfe\x00\xd8", "starts with a UTF-16 byte-order mark but is not valid UTF-16"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "bad-utf16"],
)
def test_unusable_files_get_one_line_and_the_rest_is_ingested(tmp_path: Path, capsys, data: bytes, reason: str):
    good = (FIXTURES / "city_government.txt").read_bytes()
    raw, out = project(tmp_path, {"bad.txt": data, "good.txt": good})
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        status = cli.main(["ingest"])
    finally:
        os.chdir(cwd)
    assert status == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"content/raw/bad.txt: error: {reason}"]
    assert [p.name for p in out.glob("*.md")] == ["2020-zhejiang-jinhua-zhengfu.md"]
    assert not list(out.glob(".*.tmp"))


def test_second_ingest_writes_nothing(tmp_path: Path):
    raw, out = project(tmp_path, {p.name: p.read_bytes() for p in SEEDS})
    run_ingest(raw, out)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}
    problems, written = run_ingest(raw, out)
    assert written == 0
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()} == before


def test_hand_corrections_survive_reingest(tmp_path: Path):
    seed = next(p for p in SEEDS if p.name.startswith("000"))
    raw, out = project(tmp_path, {seed.name: seed.read_bytes()})
    run_ingest(raw, out)
    (md,) = out.glob("*.md")
    text = md.read_text(encoding="utf-8")
    text = text.replace("title_inferred: true", "title_inferred: false")
    text = text.replace("title: 重庆市江北区司法局2021年法治政府建设工作情况", "title: 江北区司法局2021年法治政府建设情况报告")
    text = text.replace("published: ''", "published: '2022-01-20'")
    text = text.replace("## 四、严格履行法治建设第一责任人职责", "## 四、严格履行法治建设第一责任人职责（编者校对）")
    md.write_text(text, encoding="utf-8")
    problems, written = run_ingest(raw, out)
    assert written == 0
    report, _ = parse_report(md, md.read_text(encoding="utf-8"))
    assert report.title == "江北区司法局2021年法治政府建设情况报告" and not report.title_inferred
    assert report.published == "2022-01-20"
    assert "（编者校对）" in report.body
    assert report.district == "江北区" and report.adcode == "500105"


def test_section_topics_survive_reingest_and_the_reports_topics_follow_them(tmp_path: Path):
    """An editor files s2-3 (the report's one 规范性文件 section) under nothing and s1-2 under 疫情防控
    too: ingest keeps the correction and refreshes ``topics`` from it, then writes nothing more;
    undone, the classifier's filing is back. A hand-edited ``topics`` still wins over both."""
    seed = next(p for p in SEEDS if p.name.startswith("000"))
    raw, out = project(tmp_path, {seed.name: seed.read_bytes()})
    run_ingest(raw, out)
    (md,) = out.glob("*.md")
    original = md.read_text(encoding="utf-8")
    before = parse_report(md, original)[0].topics
    assert "guifanxing-wenjian" in before and "yiqing-yingji" not in before and "section_topics: {}\n" in original
    md.write_text(original.replace("section_topics: {}", "section_topics:\n  s2-3: []\n  s1-2: [ducha-kaohe, yiqing-yingji]"),
                  encoding="utf-8")
    assert run_ingest(raw, out)[1] == 1
    report, _ = parse_report(md, md.read_text(encoding="utf-8"))
    assert report.topic_corrections == {"s2-3": (), "s1-2": ("ducha-kaohe", "yiqing-yingji")}
    assert set(report.topics) == set(before) - {"guifanxing-wenjian"} | {"yiqing-yingji"}
    assert run_ingest(raw, out)[1] == 0
    md.write_text(re.sub(r"^topics:\n(?:- .*\n)+", "topics:\n- pufa\n", md.read_text(encoding="utf-8"), count=1, flags=re.M),
                  encoding="utf-8")
    run_ingest(raw, out)
    assert parse_report(md, md.read_text(encoding="utf-8"))[0].topics == ("pufa",)  # corrected by hand: kept
    md.write_text(original, encoding="utf-8")
    run_ingest(raw, out)
    assert md.read_text(encoding="utf-8") == original


def added(md: Path) -> str:
    report, _ = parse_report(md, md.read_text(encoding="utf-8"))
    return report.added


def ingested_on(tmp_path: Path, day: str) -> tuple[Path, Path, Path, Path]:
    """江北's original ingested on ``day``: (the original, content/raw, content/reports, its report)."""
    seed = next(p for p in SEEDS if p.name.startswith("000"))
    raw, out = project(tmp_path, {seed.name: seed.read_bytes()})
    run_ingest(raw, out, today=day)
    (md,) = out.glob("*.md")
    return seed, raw, out, md


def test_added_is_the_day_of_the_first_ingest_and_never_moves(tmp_path: Path):
    """最新收录 is ordered by it, and the build must give the same bytes from the same content:
    a later ingest (a new generator, a changed original) keeps the first day."""
    seed, raw, out, md = ingested_on(tmp_path, "2026-03-01")
    assert added(md) == "2026-03-01"
    (out / ".ingest-cache.json").unlink()  # read the original again, as a new generator would
    (raw / seed.name).write_bytes(seed.read_bytes() + "补记一段。\n".encode())
    problems, written = run_ingest(raw, out, today="2026-04-15")
    assert written == 1 and added(md) == "2026-03-01"


def test_an_editors_added_date_is_kept_and_a_deleted_one_comes_back(tmp_path: Path):
    _, raw, out, md = ingested_on(tmp_path, "2026-03-01")
    md.write_text(md.read_text(encoding="utf-8").replace("added: '2026-03-01'", "added: '2019-06-30'"), encoding="utf-8")
    run_ingest(raw, out, today="2026-04-15")
    assert added(md) == "2019-06-30"
    md.write_text(md.read_text(encoding="utf-8").replace("added: '2019-06-30'\n", ""), encoding="utf-8")
    run_ingest(raw, out, today="2026-05-20")
    assert added(md) == "2019-06-30"  # what ingest last wrote (.machine.json), not the day of this run


def test_a_report_from_before_ingest_recorded_the_day_gets_the_day_it_is_next_ingested(tmp_path: Path):
    _, raw, out, md = ingested_on(tmp_path, "2026-03-01")
    md.write_text(md.read_text(encoding="utf-8").replace("added: '2026-03-01'\n", ""), encoding="utf-8")
    (out / ".machine.json").unlink()
    (out / ".ingest-cache.json").unlink()
    run_ingest(raw, out, today="2026-04-15")
    assert added(md) == "2026-04-15"


def test_a_corrected_place_keeps_the_url(tmp_path: Path):
    seed = next(p for p in SEEDS if p.name.startswith("004"))
    raw, out = project(tmp_path, {seed.name: seed.read_bytes()})
    run_ingest(raw, out)
    (md,) = out.glob("*.md")
    md.write_text(md.read_text(encoding="utf-8").replace("publisher: 昌江区人民政府", "publisher: 昌江区司法局"), encoding="utf-8")
    run_ingest(raw, out)
    assert [p.name for p in out.glob("*.md")] == [md.name]


def test_slug_collisions_get_a_suffix_and_keep_their_files(tmp_path: Path):
    text = (FIXTURES / "city_government.txt").read_bytes()
    raw, out = project(tmp_path, {"a.txt": text, "b.txt": text + "补充。\n".encode()})
    run_ingest(raw, out)
    assert sorted(p.name for p in out.glob("*.md")) == ["2020-zhejiang-jinhua-zhengfu-2.md", "2020-zhejiang-jinhua-zhengfu.md"]
    (raw / "0.txt").write_bytes(text + "另一份。\n".encode())
    run_ingest(raw, out)
    reports, _ = load_reports(out)
    assert {r.slug: Path(r.raw).name for r in reports} == {
        "2020-zhejiang-jinhua-zhengfu": "a.txt",
        "2020-zhejiang-jinhua-zhengfu-2": "b.txt",
        "2020-zhejiang-jinhua-zhengfu-3": "0.txt",
    }


def fixture(name: str):
    return ingest_one((FIXTURES / name).read_text(encoding="utf-8"), name)


def test_city_government_report_is_city_level():
    r, problems = fixture("city_government.txt")
    assert problems == []
    f = r.fields
    assert (f["city"], f["province"], f["district"], f["adcode"], f["level"], f["publisher"]) == ("金华市", "浙江省", "", "330700", "city", "金华市人民政府")
    assert f["title"] == "金华市人民政府关于2020年法治政府建设情况的报告" and f["year"] == 2020


def test_title_split_over_two_lines_is_joined():
    r, _ = fixture("city_sifaju_split_title.txt")
    assert r.fields["title"] == "常州市司法局2019年法治政府建设工作总结"
    assert r.fields["level"] == "city" and r.fields["publisher"] == "常州市司法局"
    assert "常州市司法局" not in r.body.split("\n")[0]


def test_speech_with_doc_number():
    r, problems = fixture("speech_doc_number.txt")
    f = r.fields
    assert f["doc_number"] == "长朝委〔2024〕7号"
    assert f["title"] == "关于朝阳区2023年法治政府建设情况的报告"
    assert (f["district"], f["city"], f["adcode"]) == ("朝阳区", "长春市", "220104")
    assert f["publisher"] == "朝阳区人民政府" and problems == []
    assert "长朝委" not in r.body
    assert r.body.startswith("——在长春市朝阳区第十八届人大常委会第十五次会议上\n\n主任、各位副主任、秘书长、各位委员：")


def test_ambiguous_place_is_left_empty_with_a_warning():
    r, problems = fixture("ambiguous_place.txt")
    assert (r.fields["district"], r.fields["province"], r.fields["adcode"]) == ("", "", "")
    assert problems == [
        "ambiguous_place.txt: warning: place not settled: 朝阳区 is ambiguous (北京市朝阳区、吉林省长春市朝阳区) "
        "and the text does not say which; district, city, province left empty"
    ]


def test_old_county_name_is_the_name_of_its_year():
    r, _ = fixture("old_county_name.txt")
    assert (r.fields["district"], r.fields["province"], r.fields["adcode"], r.fields["year"]) == ("密云县", "北京市", "110228", 2016)


def test_missing_year_is_a_warning_naming_the_field():
    r, problems = ingest_one("江北区司法局工作总结\n重庆市江北区司法局全面推进法治建设。\n")
    assert r.fields["year"] is None
    assert "x.txt: warning: year not found in the title or first sentence: year left empty" in problems


def test_markup_and_template_syntax_stay_text():
    r, _ = fixture("markup_in_text.txt")
    text = "\n".join(s.text for s in sections_of(r.body))
    assert '<script>alert("x")</script>' in text and "{{ title }}" in text and "{% if %}" in text
    headings = [s.heading for s in sections_of(r.body)]
    assert "1. 全年接待群众* 来访 *_ 3800余件_。" in headings
    assert "# 这一行以井号开头" in text and "- 这一行以横线开头" in text


def test_page_chrome_leaves_the_body_and_its_facts_go_to_front_matter():
    seed = next(p for p in SEEDS if p.name.startswith("002"))
    r, _ = ingest_one(decode(seed.read_bytes()))
    for chrome in ("信息索引号", "分享", "朗读", "浏览量", "公开方式", "成文日期"):
        assert chrome not in r.body
    f = r.fields
    assert (f["doc_index"], f["published"], f["title"]) == ("11330702002599061N/2022-13717", "2022-05-02", "婺城区司法局2021年度年终总结")
    assert r.body.startswith("今年以来,婺城区司法局")


# --- real pages: one fixture per pattern, tests/fixtures/ingest/pages/<name>.txt and .yml ----------
#
# Each .txt is a page opening written to show one pattern seen on government sites (not a copy of
# one); its .yml says which rule it shows, the front-matter fields it must give, how the body
# starts, chrome that must have left the body, and the warnings expected (none if not listed).


def test_every_page_fixture_has_its_expectations():
    assert PAGES and {p.stem for p in PAGES} == {p.stem for p in (FIXTURES / "pages").glob("*.yml")}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_fixture(page: Path):
    expected = yaml.safe_load(page.with_suffix(".yml").read_text(encoding="utf-8"))
    r, problems = ingest_one(page.read_text(encoding="utf-8"), page.name)
    assert {key: r.fields[key] for key in expected["fields"]} == expected["fields"], expected["rule"]
    assert r.body.startswith(expected.get("body_starts", "")), r.body[:200]
    assert [chrome for chrome in expected.get("body_lacks", []) if chrome in r.body] == []
    assert [p.split(": ", 2)[2] for p in problems] == expected.get("warnings", [])


@settings(max_examples=300)
@given(st.sampled_from(PAGES), st.data())
def test_a_page_cut_off_anywhere_is_ingested_or_reported_in_one_line(page: Path, data):
    """A crawler keeps the first N bytes of a page: cut mid-sentence, mid-line, mid-date."""
    text = page.read_text(encoding="utf-8")
    cut = text[: data.draw(st.integers(0, len(text)))]
    try:
        r, _ = ingest_one(cut)
    except Unusable as exc:
        assert str(exc) == "no report text after removing the page's chrome and title"
    else:
        assert r.body.strip()


def visible_text(body: str) -> str:
    """All text a reader sees, headings and paragraphs, in order, no separators."""
    return "".join(s.heading + s.text.replace("\n", "") for s in sections_of(body))


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_no_report_text_is_lost_from_the_seeds(seed: Path):
    text = decode(seed.read_bytes())
    r, _ = ingest_one(text)
    shown = squeeze(visible_text(r.body))
    kept = squeeze(text)
    # What ingest moves to front-matter, in the seeds: the page's chrome, title and 来源 line.
    for removed in ("来源:区政府网站",):
        kept = kept.replace(removed, "")
    assert shown in kept  # the body is the original minus a prefix of chrome/title
    assert kept.endswith(shown)


_PARAGRAPH = st.text(
    alphabet=st.sampled_from(list("法治政府建设工作推进行政复议人民调解，。、“”（）()《》%1234567890. *_#<>&[]`\\{}-+!~|：；APP")),
    min_size=1,
    max_size=60,
)
_LINE = st.one_of(
    _PARAGRAPH,
    st.builds(lambda n, t: f"{n}、{t}", st.sampled_from("一二三四五六七八九十"), _PARAGRAPH),
    st.builds(lambda n, t: f"（{n}）{t}", st.sampled_from("一二三四五六七"), _PARAGRAPH),
    st.builds(lambda n, t: f"{n}.{t}", st.integers(1, 12), _PARAGRAPH),
    st.builds(lambda t: f"<script>{t}</script>", _PARAGRAPH),
    st.builds(lambda t: "{{ " + t + " }}", _PARAGRAPH),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=12))
def test_no_text_is_lost_property(lines):
    lead = "2021年，重庆市江北区司法局扎实推进各项工作。"
    text = "\n".join([lead, *lines]) + "\n"
    r, _ = ingest_one(text)
    assert squeeze(visible_text(r.body)) == squeeze(text)


# --- at scale: parallel, incremental ---------------------------------------------------------


def _tree(out: Path) -> dict[str, bytes]:
    """The report folder, but the stamps file: this copy's mtimes and inodes."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != ingest_run.STAMPS_FILE}


def test_a_second_ingest_reads_no_file_that_kept_its_size_mtime_and_inode(tmp_path: Path, monkeypatch):
    """Hashing every original and report again was most of an ingest with one new original.
    A file touched (a new mtime) is read again; one whose bytes changed is ingested again."""
    files = _corpus(tmp_path, "synth", count=6)
    raw, out = project(tmp_path, files)
    run_ingest(raw, out)
    read: list[str] = []
    real = ingest_run._digest

    def reading(path: Path):
        if path.parent in (raw, out):  # not the configuration, hashed every run (two small files)
            read.append(path.name)
        return real(path)

    monkeypatch.setattr(ingest_run, "_digest", reading)
    assert run_ingest(raw, out)[1] == 0 and read == []
    original = sorted(raw.iterdir())[0]
    os.utime(original, ns=(original.stat().st_atime_ns, original.stat().st_mtime_ns + 10**9))
    assert run_ingest(raw, out)[1] == 0 and read == [original.name]
    read.clear()
    original.write_bytes(original.read_bytes().replace("法治".encode(), "法制".encode(), 1))
    assert run_ingest(raw, out)[1] == 1 and original.name in read


@pytest.mark.parametrize("damage", ["not JSON", "not an object", "entries of the wrong shape"])
def test_a_damaged_stamps_file_costs_only_a_rehash(tmp_path: Path, damage: str):
    """Every file is read and hashed again, nothing is ingested again, and the file is written anew."""
    raw, out = project(tmp_path, _corpus(tmp_path, "synth", count=4))
    problems, _ = run_ingest(raw, out)
    stamps = out / ingest_run.STAMPS_FILE
    good = stamps.read_bytes()
    stamps.write_text({"not JSON": "{not json", "not an object": "[1, 2]",
                       "entries of the wrong shape": json.dumps({k: [*v[:3], 7] for k, v in json.loads(good).items()})}[damage],
                      encoding="utf-8")
    assert run_ingest(raw, out) == (problems, 0)
    assert stamps.read_bytes() == good


def test_originals_added_later_give_the_files_of_one_ingest_of_them_all(tmp_path: Path):
    """Adding originals re-encodes only their entries of .machine.json, and takes the others'
    from the file as the last run wrote it: the same bytes as ingesting everything at once."""
    files = _corpus(tmp_path / "corpus", "synth", 8)
    later = {name: files.pop(name) for name in ("00002.txt", "00006.txt")}
    raw, out = project(tmp_path / "grown", files)
    run_ingest(raw, out, jobs=2)
    for name, data in later.items():
        (raw / name).write_bytes(data)
    run_ingest(raw, out, jobs=2)
    raw_all, out_all = project(tmp_path / "whole", files | later)
    run_ingest(raw_all, out_all, jobs=2)
    assert _tree(out) == _tree(out_all)


def _corpus(tmp_path: Path, name: str, count: int = 40) -> dict[str, bytes]:
    from benchmarks.synth import synthesize

    synthesize(tmp_path / name, count)
    files = {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}
    files.update({p.name: p.read_bytes() for p in SEEDS})
    # Collisions (the same report twice) and an unusable file, to be handled alike in parallel.
    files["dup-a.txt"] = files["dup-b.txt"] = (FIXTURES / "city_government.txt").read_bytes()
    files["empty.txt"] = b""
    return files


@pytest.mark.slow
def test_parallel_ingest_writes_the_same_bytes_as_one_process(tmp_path: Path):
    files = _corpus(tmp_path, "synth")
    raw1, out1 = project(tmp_path / "one", files)
    raw2, out2 = project(tmp_path / "two", files)
    problems1, written1 = run_ingest(raw1, out1, jobs=1)
    problems2, written2 = run_ingest(raw2, out2, jobs=2)
    assert written1 == written2 == len(files) - 1
    assert sorted(problems1) == sorted(problems2) and any(p.severity == "error" for p in problems1)
    assert _tree(out1) == _tree(out2)


def _ingest_counting(raw: Path, out: Path, monkeypatch) -> tuple[list[str], list]:
    """Ingest in this process, recording which originals were read."""
    from generator.ingest import run as ingest

    read: list[str] = []
    real = ingest._ingest_file

    def spy(job, topics, indicators, today):
        read.append(job.path.name)
        return real(job, topics, indicators, today)

    monkeypatch.setattr(ingest, "_ingest_file", spy)
    problems, _ = run_ingest(raw, out, jobs=1)
    monkeypatch.setattr(ingest, "_ingest_file", real)
    return read, sorted(str(p) for p in problems)


@pytest.mark.slow
def test_reingest_reads_only_what_changed(tmp_path: Path, monkeypatch):
    from generator.ingest import run as ingest

    files = _corpus(tmp_path, "synth", 12)
    raw, out = project(tmp_path, files)
    first, problems = _ingest_counting(raw, out, monkeypatch)
    assert len(first) == len(files)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}

    again, same_problems = _ingest_counting(raw, out, monkeypatch)
    assert again == [] and same_problems == problems  # unusable files and warnings are still reported
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()} == before

    (raw / "00003.txt").write_bytes((raw / "00003.txt").read_bytes() + "补充一段。\n".encode())
    md = next(p for p in out.glob("*.md") if "raw: content/raw/00005.txt\n" in p.read_text(encoding="utf-8"))
    md.write_text(md.read_text(encoding="utf-8").replace("period: annual", "period: H1"), encoding="utf-8")
    changed, _ = _ingest_counting(raw, out, monkeypatch)
    assert changed == ["00003.txt", "00005.txt"]
    assert "period: H1" in md.read_text(encoding="utf-8")  # the hand correction wins

    monkeypatch.setattr(ingest, "ingest_version", lambda: "a newer generator")
    bumped, _ = _ingest_counting(raw, out, monkeypatch)
    assert len(bumped) == len(files)


@pytest.mark.slow
def test_reingest_after_the_cache_is_lost_changes_nothing(tmp_path: Path):
    files = _corpus(tmp_path, "synth", 8)
    raw, out = project(tmp_path, files)
    run_ingest(raw, out, jobs=2)
    before = _tree(out)
    (out / ".ingest-cache.json").unlink()
    problems, written = run_ingest(raw, out, jobs=2)
    assert written == 0 and _tree(out) == before


_YAML_TEXT = st.text(alphabet=st.sampled_from(list("法治 政府：:#'\"-?!&*[]{}|>%@`,.0123456789aZ\u3000\u00a0\uff01\ufeff\u2028\U00020000\x85\t\n")), max_size=30)


@pytest.mark.slow
@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["title", "publisher", "source", "doc_number", "year", "topics", "figures"]),
                       st.one_of(_YAML_TEXT, st.integers(), st.none(), st.booleans(), st.lists(_YAML_TEXT, max_size=3),
                                 st.lists(st.dictionaries(_YAML_TEXT, _YAML_TEXT, max_size=2), max_size=2))))
def test_front_matter_is_written_as_the_pure_python_emitter_writes_it(fields):
    """dump() uses libyaml where it writes the same bytes, PyYAML's own emitter elsewhere."""
    from generator.ingest.report_file import dump
    from generator.model.schema import FRONT_MATTER_KEYS, PROVENANCE_KEYS

    ordered = {k: fields.get(k) for k in FRONT_MATTER_KEYS if k not in PROVENANCE_KEYS or fields.get(k)}  # only when known
    expected = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)
    assert dump(fields, "正文\n") == f"---\n{expected}---\n正文\n"
