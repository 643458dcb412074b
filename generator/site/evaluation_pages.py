"""The evaluation pages (报告评估): evaluation/ (the years, with what share of each year's reports
has each part and was published on time) and evaluation/<year>/ (every report of the year × the
criteria of ``domain/evaluation.py``, sortable, downloadable as data/evaluation.csv), and the
evaluation box of a report page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator

from generator.core.digests import key_of
from generator.domain.evaluation import HOW_NAMES, ON_TIME, PARTS, TIMELINESS_NAMES, Evaluation
from generator.domain.figures import CONFLICT_NAMES
from generator.model.report import UNPLACED, period_name
from generator.site import urls
from generator.site.planned import Planned


@dataclass(frozen=True)
class EvaluatedReport:
    """One row of an evaluation page: the report as listed, its evaluation, and whether its original is archived."""

    slug: str
    title: str
    place: str
    full_place: str
    place_page: str | None
    period: str
    published: str
    evaluation: Evaluation
    has_original: bool


def _row(a, record) -> EvaluatedReport:
    r = record.report
    return EvaluatedReport(r.slug, r.title, r.place or UNPLACED, r.full_place, record.places[-1].page if record.places else None,
                           r.period, r.published, record.evaluation, bool(record.original_sha256))


def _summary(rows: list[EvaluatedReport]) -> dict:
    """Counts over a year's reports: each part found (as a section or in the text), on time, annual."""
    annual = [r for r in rows if r.period == "annual"]
    return {
        "reports": len(rows),
        "annual": len(annual),
        "parts": {p.key: sum(1 for r in annual if r.evaluation.part(p.key).found) for p in PARTS},
        "sections": {p.key: sum(1 for r in annual if r.evaluation.part(p.key).how == "heading") for p in PARTS},
        "on_time": sum(1 for r in annual if r.evaluation.timeliness == ON_TIME),
        "dated": sum(1 for r in annual if r.published),
    }


def evaluation_pages(a, render) -> Iterator[Planned]:
    years = []
    for year, slugs in a.years.items():
        rows = sorted((_row(a, a.by_slug[s]) for s in slugs), key=lambda r: (r.full_place, r.period, r.slug))
        page = urls.evaluation_page(year)
        summary = _summary(rows)
        years.append((year, summary))
        # The rows, each evaluation by its digest (Record.evaluation_digest): a nested dataclass's repr is slow.
        shown = [replace(r, evaluation=a.by_slug[r.slug].evaluation_digest) for r in rows]
        yield Planned(page, key_of("evaluation", year, shown),
                      lambda year=year, rows=rows, page=page, summary=summary:
                      render.page("evaluation.html", page, year=year, rows=rows, summary=summary, parts=PARTS,
                                  how_names=HOW_NAMES, timeliness_names=TIMELINESS_NAMES))
    yield Planned(urls.EVALUATION, key_of("evaluations", years),
                  lambda: render.page("evaluations.html", urls.EVALUATION, years=years, parts=PARTS))


@dataclass(frozen=True)
class ShownConflict:
    """A conflict as the report page states it: the indicator's name, why, and each value with its period."""

    name: str
    reason: str
    stated: tuple[tuple[str, str], ...]  # (period as named, value with unit)


def report_evaluation(a, record) -> dict:
    """What the report page shows of its evaluation and its conflicting figures."""
    known = {i.key: i for i in a.indicators}
    shown = []
    for c in record.conflicts:
        unit = known[c.indicator].unit if c.indicator in known else ""
        shown.append(ShownConflict(known[c.indicator].name if c.indicator in known else c.indicator, CONFLICT_NAMES[c.reason],
                                   tuple((period_name(p), f"{_number(v)}{unit}") for p, v in c.stated)))
    return {"evaluation": record.evaluation, "parts": PARTS, "how_names": HOW_NAMES, "timeliness_names": TIMELINESS_NAMES,
            "conflicts": shown, "conflicting": {(c.indicator, p, v) for c in record.conflicts for p, v in c.stated},
            "has_original": bool(record.original_sha256)}


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
