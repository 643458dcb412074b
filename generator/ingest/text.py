"""One original's text → a report's fields and body: the stages in order."""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.core.problems import Problem, warning
from generator.domain.figures import Indicator, extract_sections, quoted_topics
from generator.domain.topics import KnownFiling, Topic, classify_to_keep
from generator.ingest.chrome import Facts, clean_lines, strip_chrome
from generator.ingest.decode import Unusable
from generator.ingest.metadata import Clues, compose_title, find_period, find_publisher_and_place, find_year, opening, simplified
from generator.ingest.originals.base import Original
from generator.ingest.structure import structure, take_title
from generator.model.report import Section
from generator.model.schema import figures_from
from generator.model.sections import sections_of

# --- one report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ingested:
    fields: dict
    body: str
    filing: KnownFiling  # how its sections were filed (the front-matter's ``topics``), for the build to take


def ingest_text(
    text: str, path: str, raw: str, sha256: str, problems: list[Problem], topics: tuple[Topic, ...] = (),
    indicators: tuple[Indicator, ...] = (), original: Original | None = None,
) -> Ingested:
    facts = Facts()
    lines = clean_lines(text)
    lines = strip_chrome(lines, facts)
    lines = take_title(lines, facts)
    if not lines:
        raise Unusable("no report text after removing the page's chrome and title")
    body = structure(lines)
    start = opening(lines)
    year = find_year(facts.title, start.lead, facts.published)
    period = find_period(facts.title, start.lead)
    clues = Clues.of(facts.title, start, "\n".join(lines), facts)
    if original is not None:  # a web page's SiteIDCode and site tags: clues where the text gives none
        clues = replace(clues, text=f"{clues.text}\n{simplified()(original.site_clues)}", doc_index=clues.doc_index or original.site_code)
    publisher, place = find_publisher_and_place(clues, start.addressed, path, problems)
    if year is None:
        problems.append(warning(path, "year not found in the title or first sentence: year left empty"))
    if not publisher:
        problems.append(warning(path, "publisher not found: publisher left empty"))
    sections = sections_of(body)
    figures = extract_sections(sections, indicators, period, year)
    filed, filing = file_sections(sections, figures, {}, topics, indicators)
    title = facts.title
    if not title:
        title = compose_title(place, publisher, year, period)
        facts.title_inferred = True
    fields = {
        "title": title,
        "title_inferred": facts.title_inferred,
        "district": place.district,
        "city": place.city,
        "province": place.province,
        "adcode": place.adcode,
        "level": place.level,
        "year": year,
        "period": period,
        "publisher": publisher,
        "published": facts.published,
        "doc_index": facts.doc_index,
        "doc_number": facts.doc_number,
        "source": facts.source,
        "raw": raw,
        "raw_sha256": sha256,
        "added": "",  # the run sets it (added_date): ingest_text does not know the day
        "topics": filed,
        "section_topics": {},
        "figures": figures,
    }
    if original is not None and original.source_url:
        fields.update(source_url=original.source_url, fetched=original.fetched)
    return Ingested(fields, body, filing)


def file_sections(sections: tuple[Section, ...], figures: list, corrections: object, topics: tuple[Topic, ...],
                  indicators: tuple[Indicator, ...]) -> tuple[list[str], KnownFiling]:
    """The report's topics: those its sections are filed under, by the figures they state and by
    an editor's ``section_topics`` too (front-matter values as read: a malformed entry is the
    build's to report, and counts for nothing here); and the filing, kept for the build."""
    corrected = {str(a): v for a, v in corrections.items() if isinstance(v, list)} if isinstance(corrections, dict) else {}
    found, filing = classify_to_keep(sections, topics, quoted_topics(figures_from(figures), indicators), corrected)
    return list(found.topics), filing
