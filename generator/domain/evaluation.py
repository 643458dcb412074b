"""Evaluating a report (报告评估) on what the rules ask of it, computed for every report.

The rules (README "Report evaluation"):
- 《法治政府建设与责任落实督察工作规定》 (中共中央办公厅、国务院办公厅, 厅字〔2019〕28号, in force
  2019-04-15) asks of an annual report four parts: the year's main measures and results
  (主要举措和成效), its shortcomings and their causes (存在的不足和原因), how the party and government
  heads fulfilled their duty as first responsible persons (党政主要负责人履行推进法治建设第一责任人职责情况),
  and next year's plan (下一年度工作安排); and that governments at county level and above and their
  departments report on the past year in the first quarter and publish the report before 1 April.
- Before it, the 法治政府建设实施纲要（2015—2020年） asked the same first-quarter report, to be made
  public, with no date for publishing; its first year was 2016.

A part is found by a heading that names it (``heading``: the report gives it a section), else by
the text that states it (``text``: mentioned, not given a section), else it is missing. The
deadline, for an annual report, is 31 March of the next year at every level (provinces may set
earlier dates for their departments; the national rule is the one applied). Part-year reports
have no deadline. Pure functions of the report: the build calls ``evaluate`` once per report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from generator.model.report import LEAD_ANCHOR, Report


@dataclass(frozen=True)
class Part:
    """One part the 2019 规定 asks of a report."""

    key: str
    name: str


PARTS = (
    Part("measures", "主要举措和成效"),
    Part("shortcomings", "存在的不足和原因"),
    Part("first_responsible", "第一责任人职责情况"),
    Part("next_year", "下一年度工作安排"),
)

RULE_2019 = "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）：每年第一季度报告上一年度情况，4月1日之前向社会公开"
RULE_2015 = "《法治政府建设实施纲要（2015—2020年）》：每年第一季度报告上一年度情况，并向社会公开"
FIRST_RULE_YEAR = 2016  # the 2015 纲要's first year covered
RULE_2019_YEAR = 2019  # the first year whose report fell due after the 2019 规定 took effect (2019-04-15)

ON_TIME, LATE, UNDATED, NO_DEADLINE = "on_time", "late", "undated", "no_deadline"
TIMELINESS_NAMES = {ON_TIME: "按时", LATE: "逾期", UNDATED: "发布日期不详", NO_DEADLINE: "无期限要求"}
HOW_NAMES = {"heading": "专节", "text": "文中提及", "": "未见"}

_NUMBER = re.compile(r"^[\s(（]*[一二三四五六七八九十百零〇两\d]*[)）、.．\s]*")
_SHORTCOMINGS = re.compile(r"问题|不足|短板|差距|困难|薄弱")
_SHORTCOMINGS_TEXT = re.compile(r"(?:存在|面临)[^。；]{0,30}?(?:问题|不足|短板|差距|薄弱环节)|不足之处|有待(?:进一步)?(?:提升|提高|加强|完善)"
                                r"|(?:还|仍)(?:不够|不足|较弱|欠缺)")
_FIRST_RESPONSIBLE = re.compile(r"第一责任人|主要负责人")
_FIRST_RESPONSIBLE_TEXT = re.compile(r"第一责任人")
_PLAN_WORDS = r"下一步|下步|下一年|明年|今后|新的一年|(?:工作|努力)(?:打算|计划|思路|安排|方向|设想|重点)|改进措施"
_PLAN_TEXT = re.compile(r"(?:^|(?<=[。；！？\n]))\s*(?:下一步|下步|下一年|明年|今后|新的一年)")


@dataclass(frozen=True)
class PartFound:
    """Where a report holds one part: the section (anchor and heading; '' when missing) and how.
    The lead (``lead``: the text before the first heading) has no heading and no id on the page."""

    part: str
    anchor: str
    heading: str
    how: str  # heading | text | '' (missing)

    @property
    def found(self) -> bool:
        return bool(self.how)


@dataclass(frozen=True)
class Evaluation:
    """A report against the rules: its parts, its publication against the deadline, its size."""

    parts: tuple[PartFound, ...]  # in PARTS order
    deadline: str  # ISO date; '' when no rule sets one (a part-year report, a year before 2016)
    rule: str  # the rule the deadline comes from ('' with no deadline)
    timeliness: str  # ON_TIME, LATE, UNDATED, NO_DEADLINE
    days_late: int | None  # days after the deadline, when late
    characters: int  # of the text, whitespace left out
    figures: int
    conflicts: int  # indicators stated with different values for one period (see figures.conflicts)
    has_source_url: bool

    def part(self, key: str) -> PartFound:
        return next(p for p in self.parts if p.part == key)

    @property
    def parts_found(self) -> int:
        return sum(1 for p in self.parts if p.found)


def _bare(heading: str) -> str:
    return _NUMBER.sub("", unicodedata.normalize("NFKC", heading))


def _plans(year: int | None) -> re.Pattern:
    following = rf"|{year + 1}年" if year else ""
    return re.compile(_PLAN_WORDS + following)


def find_parts(report: Report) -> tuple[PartFound, ...]:
    """Each of PARTS: the first section whose own heading names it, else a section whose text states
    it: the first for the 第一责任人, the last for shortcomings and plans, which reports state at their end
    (a 存在问题的案卷 in the middle of 江北's is a case file's problem, not the report's)."""
    sections = [s for s in report.sections if s.text or not s.is_lead]
    plans = _plans(report.year)
    heading_rules = {
        "shortcomings": lambda h: bool(_SHORTCOMINGS.search(h)),
        "first_responsible": lambda h: bool(_FIRST_RESPONSIBLE.search(h)),
        "next_year": lambda h: bool(plans.search(h)),
    }
    text_rules = {
        "shortcomings": _SHORTCOMINGS_TEXT,
        "first_responsible": _FIRST_RESPONSIBLE_TEXT,
        "next_year": _PLAN_TEXT,
    }

    def kinds(heading: str) -> set[str]:
        bare = _bare(heading)
        return {key for key, rule in heading_rules.items() if rule(bare)}

    # A section reports measures when neither it nor a heading above it is of another part.
    def is_work(s) -> bool:
        return not s.is_lead and not any(kinds(h) for h in s.path)

    found = []
    for part in PARTS:
        if part.key == "measures":
            hit = next((s for s in sections if is_work(s)), None)
            how = "heading" if hit else ""
            if hit is None and any(s.text for s in sections):  # a report without headings reports in its text
                hit, how = sections[0], "text"
        else:
            hit = next((s for s in sections if not s.is_lead and part.key in kinds(s.heading)), None)
            how = "heading" if hit else ""
            if hit is None:
                order = sections if part.key == "first_responsible" else sections[::-1]
                hit = next((s for s in order if text_rules[part.key].search(unicodedata.normalize("NFKC", s.text))), None)
                how = "text" if hit else ""
        anchor = "" if hit is None else hit.anchor
        found.append(PartFound(part.key, anchor, "" if hit is None or hit.anchor == LEAD_ANCHOR else hit.heading, how))
    return tuple(found)


def deadline(report: Report) -> tuple[str, str]:
    """(the ISO date an annual report was due, the rule setting it), or ('', '') when none applies."""
    if report.period != "annual" or not report.year or report.year < FIRST_RULE_YEAR:
        return "", ""
    return f"{report.year + 1}-03-31", RULE_2019 if report.year >= RULE_2019_YEAR else RULE_2015


def evaluate(report: Report, conflicts: int) -> Evaluation:
    due, rule = deadline(report)
    days_late = None
    if not due:
        timeliness = NO_DEADLINE
    elif not report.published:
        timeliness = UNDATED
    elif report.published <= due:
        timeliness = ON_TIME
    else:
        timeliness = LATE
        days_late = _days(report.published) - _days(due)
    characters = sum(len("".join(s.text.split())) for s in report.sections)
    return Evaluation(find_parts(report), due, rule, timeliness, days_late, characters, len(report.figures), conflicts,
                      bool(report.source_url))


def _days(iso: str) -> int:
    return date.fromisoformat(iso[:10]).toordinal()
