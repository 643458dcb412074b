"""Report evaluation (domain/evaluation.py) and conflicting figures (domain/figures.conflicts)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.domain.evaluation import LATE, NO_DEADLINE, ON_TIME, RULE_2015, RULE_2019, UNDATED, deadline, evaluate, find_parts
from generator.domain.figures import PART_EXCEEDS_YEAR, SAME_PERIOD, conflicts
from generator.model.report import Figure, Report, Section


def report(sections, year=2021, period="annual", published="", figures=()) -> Report:
    made = tuple(Section(anchor, 2 if anchor != "lead" else 1, heading, (heading,) if heading else (), text)
                 for anchor, heading, text in sections)
    return Report("x", "x.md", "t", False, "", "", "", "", "county", year, period, "", published, "", "", "", "", "", "", "",
                  "", (), (), tuple(figures), "", made)


def parts(r: Report) -> dict[str, tuple[str, str]]:
    return {p.part: (p.anchor, p.how) for p in find_parts(r)}


def test_parts_named_by_headings_are_sections_of_their_own():
    r = report([("s1", "一、主要工作", "开展工作。"), ("s2", "二、党政主要负责人履行第一责任人职责情况", "带头。"),
                ("s3", "三、存在的不足和原因", "还有差距。"), ("s4", "四、2022年工作安排", "继续推进。")])
    assert parts(r) == {"measures": ("s1", "heading"), "first_responsible": ("s2", "heading"),
                        "shortcomings": ("s3", "heading"), "next_year": ("s4", "heading")}


def test_one_heading_may_hold_two_parts_and_a_part_only_stated_is_text():
    r = report([("s1", "一、工作成效", "落实第一责任人职责。"), ("s2", "二、存在问题及下步工作打算", "一是……")])
    assert parts(r) == {"measures": ("s1", "heading"), "first_responsible": ("s1", "text"),
                        "shortcomings": ("s2", "heading"), "next_year": ("s2", "heading")}


def test_shortcomings_and_plans_in_the_text_are_sought_from_the_end():
    r = report([("s1", "一、工作", "对存在问题的案卷进行整改。"), ("s2", "二、其他", "服务有待进一步提升。下一步，将继续努力。")])
    assert parts(r)["shortcomings"] == ("s2", "text")
    assert parts(r)["next_year"] == ("s2", "text")


def test_a_missing_part_is_said_to_be_missing():
    r = report([("s1", "一、工作", "开展工作。")])
    assert parts(r)["first_responsible"] == ("", "") and parts(r)["next_year"] == ("", "")


def test_deadline_by_year_and_period():
    assert deadline(report([], 2021)) == ("2022-03-31", RULE_2019)
    assert deadline(report([], 2019)) == ("2020-03-31", RULE_2019)
    assert deadline(report([], 2017)) == ("2018-03-31", RULE_2015)
    assert deadline(report([], 2015)) == ("", "")
    assert deadline(report([], 2022, "Q1")) == ("", "")


def test_timeliness():
    assert evaluate(report([], 2021, published="2022-03-31"), 0).timeliness == ON_TIME
    late = evaluate(report([], 2021, published="2022-05-02"), 0)
    assert (late.timeliness, late.days_late) == (LATE, 32)
    assert evaluate(report([], 2021), 0).timeliness == UNDATED
    assert evaluate(report([], 2022, "Q1", "2022-04-10"), 0).timeliness == NO_DEADLINE


def fig(value, period="annual", indicator="disputes", unit="件", upper=None) -> Figure:
    return Figure(indicator, value, unit, period, "q", upper=upper)


def test_conflicts():
    assert conflicts([fig(6065, "截至10月底"), fig(1161)])[0].reason == PART_EXCEEDS_YEAR
    assert conflicts([fig(10), fig(12)])[0].reason == SAME_PERIOD
    assert conflicts([fig(10), fig(10)]) == ()
    assert conflicts([fig(80, upper=100), fig(80, upper=90)])[0].stated == (("annual", 80),)
    assert conflicts([fig(500, "1-10月"), fig(900)]) == ()  # a part below the whole year holds
    assert conflicts([fig(99, "Q1", unit="%"), fig(90, unit="%")]) == ()  # a rate may differ either way
    assert conflicts([fig(10), fig(12, indicator="other")]) == ()


@given(st.lists(st.tuples(st.integers(0, 50), st.sampled_from(["annual", "Q1", "1-10月"])), max_size=8))
def test_stating_a_figure_again_never_makes_a_conflict(stated):
    figures = [fig(v, p) for v, p in stated]
    assert conflicts(figures + figures[:1]) == conflicts(figures)
