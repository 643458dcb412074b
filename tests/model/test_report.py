"""The shared model: front-matter validation, sections and their anchors."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.model.reading import load_reports, parse_report
from generator.model.report import Report
from generator.model.schema import FRONT_MATTER_KEYS, front_matter
from generator.model.sections import chinese_number, heading_anchors, heading_number, sections_of

GOOD = """---
title: 重庆市江北区司法局2021年法治政府建设工作情况
title_inferred: true
district: 江北区
city: ''
province: 重庆市
adcode: '500105'
level: county
year: 2021
period: annual
publisher: 江北区司法局
published: '2022-01-10'
doc_index: ''
doc_number: ''
source: ''
raw: content/raw/a.txt
raw_sha256: ''
added: '2026-11-22'
topics: []
section_topics: {}
figures: []
---
导语。

## 一、推动依法治区

正文一。

### （一）统筹协调

正文二。
"""


def parse(text: str, name: str = "2021-chongqing-jiangbei-sifaju.md"):
    return parse_report(Path(name), text)


def test_good_report_parses_with_no_problems():
    report, problems = parse(GOOD)
    assert problems == []
    assert report.slug == "2021-chongqing-jiangbei-sifaju"
    assert report.year == 2021 and report.adcode == "500105" and report.place == "江北区"
    assert [s.anchor for s in report.sections] == ["lead", "s1", "s1-1"]
    assert report.sections[2].path == ("一、推动依法治区", "（一）统筹协调")
    assert report.sections[2].text == "正文二。"
    assert list(front_matter(report)) == list(FRONT_MATTER_KEYS)


@pytest.mark.parametrize(
    "change, message, line",
    [
        (("year: 2021", "year: twenty"), "year: 'twenty' is not a year", 9),
        (("year: 2021", "year: 1066"), "year: 1066 is not a plausible year", 9),
        (("adcode: '500105'", "adcode: '5001'"), "adcode: '5001' is not a 6-digit division code", 7),
        (("level: county", "level: town"), "level: 'town' is not one of county, city, province", 8),
        (("period: annual", "period: Q5"), "period: 'Q5' is not one of annual, H1, Q1, Q2, Q3, Q4", 10),
        (("published: '2022-01-10'", "published: 2022-13-01"), "published: '2022-13-01' is not an ISO date (YYYY-MM-DD)", 12),
        (("title_inferred: true", "title_inferred: maybe"), "title_inferred: expected true or false", 3),
        (("added: '2026-11-22'", "added: 2026-02-30"), "added: '2026-02-30' is not an ISO date (YYYY-MM-DD)", 18),
        (("added: '2026-11-22'", "added: 22.11.2026"), "added: '22.11.2026' is not an ISO date (YYYY-MM-DD)", 18),
        (("topics: []", "topics: 7"), "topics: expected a list of topic slugs", 19),
        (("figures: []", "figures: [{value: 3}]"), "figures: item 1: needs an indicator key", 21),
        (("figures: []", "figures: [{indicator: x, value: many}]"), "figures: item 1: value 'many' is not a number", 21),
        (("figures: []", "figures: [{indicator: x, value: 3, unit: 件, stated: [3件], quote: 三件}]"),
         "figures: item 1: unit, stated and quote must be text", 21),
        (("section_topics: {}", "section_topics: [s1]"),
         "section_topics: expected a mapping of section anchors to lists of topic slugs ({s2-1: [falv-yuanzhu]})", 20),
        (("section_topics: {}", "section_topics:\n  s1: [pufa]\n  s9: [pufa]"), "section_topics: 's9' names no section of this report", 22),
        (("section_topics: {}", "section_topics:\n  s1: pufa"), "section_topics: s1: expected a list of topic slugs, got 'pufa'", 21),
        (("section_topics: {}", "section_topics:\n  s1: [普法]"), "section_topics: s1: expected a list of topic slugs, got ['普法']", 21),
    ],
)
def test_bad_field_is_one_error_naming_file_line_and_reason(change, message, line):
    report, problems = parse(GOOD.replace(*change))
    assert report is None
    assert [str(p) for p in problems] == [f"2021-chongqing-jiangbei-sifaju.md:{line}: error: {message}"]


def test_an_editors_section_topics_are_read_and_written_back():
    report, problems = parse(GOOD.replace("section_topics: {}", "section_topics:\n  s1-1: [yifa-zhili, ducha-kaohe]\n  lead: []"))
    assert problems == []
    assert report.topic_corrections == {"s1-1": ("yifa-zhili", "ducha-kaohe"), "lead": ()}
    assert [c.line for c in report.section_topics] == [21, 22]
    assert front_matter(report)["section_topics"] == {"s1-1": ["yifa-zhili", "ducha-kaohe"], "lead": []}
    assert parse(GOOD.replace("section_topics: {}\n", ""))[0].section_topics == ()  # files written before it


def test_missing_front_matter():
    report, problems = parse("no front matter here\n")
    assert report is None
    assert str(problems[0]) == (
        "2021-chongqing-jiangbei-sifaju.md:1: error: no front-matter: the file must start with a '---' line and close it with another"
    )


def test_broken_yaml_names_the_line():
    report, problems = parse(GOOD.replace("district: 江北区", "district: [江北区"))
    assert report is None
    assert len(problems) == 1 and problems[0].line is not None
    assert "front-matter is not valid YAML" in problems[0].message


def test_unknown_key_is_a_warning_and_the_report_still_loads():
    report, problems = parse(GOOD.replace("topics: []", "topics: []\nauthor: 张三"))
    assert report is not None
    assert [str(p) for p in problems] == ["2021-chongqing-jiangbei-sifaju.md:20: warning: unknown front-matter key 'author' is ignored"]


def test_file_name_must_be_a_url_slug():
    report, problems = parse(GOOD, name="江北 2021.md")
    assert report is None
    assert "is not a URL slug" in problems[0].message


def test_load_reports_skips_bad_files_and_keeps_the_rest(tmp_path: Path):
    reports_dir = tmp_path / "content" / "reports"
    reports_dir.mkdir(parents=True)
    (reports_dir / "2021-a.md").write_text(GOOD, encoding="utf-8")
    (reports_dir / "2021-b.md").write_text("oops", encoding="utf-8")
    (reports_dir / "2021-c.md").write_bytes(b"---\ntitle: \xff\n---\n")
    (reports_dir / "2021-d.md").mkdir()
    reports, problems = load_reports(reports_dir, root=tmp_path)
    assert [r.slug for r in reports] == ["2021-a"]
    assert sorted(str(p) for p in problems) == [
        "content/reports/2021-b.md:1: error: no front-matter: the file must start with a '---' line and close it with another",
        "content/reports/2021-c.md:2: error: not UTF-8 (byte 11: 0xff); save it as UTF-8",
        "content/reports/2021-d.md: error: is a folder, not a report file",
    ]


@pytest.mark.parametrize(
    "text, number",
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零三", 103), ("九十九", 99), ("甲", None), ("", None)],
)
def test_chinese_numerals(text, number):
    assert chinese_number(text) == number


@pytest.mark.parametrize(
    "heading, number",
    [
        ("一、推动依法治区", 1),
        ("四、严格履行", 4),
        ("(三)加强行政规范性文件管理", 3),
        ("（十一）其他", 11),
        ("1.统筹谋划", 1),
        ("12、完善", 12),
        ("１．全角", 1),
        ("（2）小项", 2),
        ("第二部分 工作打算", 2),
        ("2021年工作思路", None),
        ("1.8亿元", None),
        ("加强落实,履行部门依法行政职责", None),
    ],
)
def test_heading_numbers(heading, number):
    assert heading_number(heading) == number


def test_anchors_follow_the_reports_own_numbering_gaps_included():
    headings = [(2, "一、甲"), (4, "1.乙"), (2, "二、丙"), (3, "(一)丁"), (2, "四、戊"), (3, "(一)己")]
    assert heading_anchors(headings) == ["s1", "s1-1", "s2", "s2-1", "s4", "s4-1"]


def test_unnumbered_and_repeated_headings_get_distinct_anchors():
    headings = [(2, "总体情况"), (2, "一、甲"), (2, "一、甲"), (2, "存在问题")]
    assert heading_anchors(headings) == ["su1", "s1", "s1-2", "su4"]


def test_editing_one_part_keeps_the_other_parts_anchors():
    before = heading_anchors([(2, "一、甲"), (3, "(一)乙"), (2, "二、丙"), (3, "(一)丁")])
    after = heading_anchors([(2, "一、甲"), (3, "(一)乙"), (3, "(二)新"), (2, "二、丙"), (3, "(一)丁")])
    assert before[2:] == after[3:]


def test_markdown_escapes_are_not_part_of_section_text():
    sections = sections_of("## 一、标题\n\n1\\. 不是列表 \\*强调\\* <script>alert(1)</script>\n")
    assert sections[0].text == "1. 不是列表 *强调* <script>alert(1)</script>"


headings_strategy = st.lists(
    st.tuples(st.integers(2, 4), st.sampled_from(["一、甲", "二、乙", "(一)丙", "(二)丁", "1.戊", "2、己", "无号", "三、庚"])),
    max_size=30,
)


@given(headings_strategy)
def test_anchors_are_unique_and_html_safe(headings):
    anchors = heading_anchors(headings)
    assert len(anchors) == len(headings) == len(set(anchors))
    assert all(a.replace("-", "").isalnum() and a.isascii() and a[0] == "s" for a in anchors)


def test_the_readme_lists_the_schemas_keys_in_its_order():
    """The README's table of report keys is read from the schema: the same keys, in the same order."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The report files", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    listed = [key for row in table.splitlines()[2:] for key in re.findall(r"`([a-z_0-9]+)`", row.split("|")[1])]
    assert listed == list(FRONT_MATTER_KEYS)


def test_every_schema_key_is_a_report_field_and_is_written_back_as_read():
    fields = [f.name for f in dataclasses.fields(Report)]
    assert [key for key in fields if key in FRONT_MATTER_KEYS] == list(FRONT_MATTER_KEYS)
    text = GOOD.replace("section_topics: {}", "section_topics: {s1: [yifa-zhili]}").replace(
        "figures: []", "figures:\n- {indicator: xingzheng-fuyi, value: 96, unit: 件, period: annual, approx: 余, quote: 受理96余件}")
    report, problems = parse(text)
    again, _ = parse("---\n" + yaml.safe_dump(front_matter(report), allow_unicode=True, sort_keys=False) + "---\n" + report.body)
    assert problems == [] and report.figures and report.section_topics and again == report
