"""The archive's data as researchers load it (数据集): tables in long form as CSV, a Frictionless
Data Package (v2) describing them, and an SQLite database of the same tables with a full-text
index of the sections that finds Chinese words.

Each table is declared once (``TABLES``: its fields, their types and units, its keys); the CSV
files, ``data/datapackage.json`` and the database are all made from that declaration. Rows carry
stable ids: a report's slug, a section's ``<slug>#<anchor>``, a figure's ``<slug>/<n>`` (its
order in the report), a place's division code. CSV files are UTF-8 with a BOM and CRLF line ends
(Excel opens them; pandas with ``encoding="utf-8-sig"``); the figures' rows are
``figure_pages.data_rows``, also written there as JSON.

Chinese has no spaces, and SQLite's FTS5 tokenizers cut text at spaces and punctuation (unicode61)
or into three-character pieces (trigram: a two-character word such as 调解 finds nothing). So each
section's row in the database carries ``words``, its distinct terms as the search index cuts
them (jieba's search mode: 行政复议 also gives 行政, 复议; and every two-character run, 政复 too),
one space apart; the FTS5 table indexes those with unicode61 (detail=none: one term once, no
positions). A query for 调解 finds every section whose text has it, and the bigrams of a word jieba
does not know, together (医调 调委), find that word's sections and few others.

The tables that grow with the texts (sections, their topics, figures) are split by the year the
reports cover: ``data/<table>/<year>.csv`` (``undated`` for reports of no year), one resource of
several paths in the data package, and ``data/fazhi-<year>.sqlite``, that year's sections with
their full-text index, topics, figures, reports and evaluation; ``data/fazhi.sqlite`` holds the
archive-wide tables (reports, places, evaluation, topics, indicators). Each file is keyed on what
its rows show, so an edit writes its year's files and the small archive-wide ones, never all
(README "Data for researchers": the measurements behind this split).

Everything is written as it is read, one report at a time: the sections come from a file per
report that analysing it left in the cache (``store_sections``), never all at once. Each database
is made in a temporary file in a fixed order with no times in it, and its free pages given back:
the same content gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlite_utils

from generator.core.digests import key_of
from generator.domain import places as divisions
from generator.domain.evaluation import PARTS, TIMELINESS_NAMES
from generator.site import figure_pages, urls
from generator.site.planned import Planned
from generator.site.records import Record, SectionRow, load_sections, sections_file

# --- the tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A column: its name, Frictionless type (string, integer, number, boolean, date), what it is."""

    name: str
    type: str
    description: str
    unit: str = ""
    in_csv: bool = True  # False: the database alone has it (``words``, for the full-text index)


@dataclass(frozen=True)
class ForeignKey:
    fields: str
    table: str
    reference: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: str
    foreign_keys: tuple[ForeignKey, ...] = ()
    by_year: bool = False  # written in parts, one per year (see the module's docstring)

    @property
    def path(self) -> str:
        return urls.data_table(self.name)

    def paths(self, parts) -> list[str]:
        """Its files in the site: one, or one per part (``Archive.data_parts``)."""
        return [urls.data_part(self.name, part) for part in parts] if self.by_year else [self.path]

    @property
    def csv_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_csv)


F = Field  # short, for the declarations below


PLACE_KEY = ForeignKey("place_code", "places", "code")
REPORT_KEY = ForeignKey("report", "reports", "slug")

TOPICS = Table("topics", "专题", "The topics sections are filed under (content/topics.yml).", (
    F("slug", "string", "the topic's id, as in its page's address"),
    F("name", "string", "its name"),
    F("description", "string", "its scope in one sentence"),
), "slug")

INDICATORS = Table("indicators", "数据指标", "The indicators figures are stated for (content/indicators.yml).", (
    F("key", "string", "the indicator's id, as in its page's address"),
    F("name", "string", "its name"),
    F("unit", "string", "the unit every value of it is given in (money in 万元)"),
    F("topic", "string", "the topic a section stating it is filed under"),
), "key")

PLACES = Table("places", "地区", "Every place that has a report at or below it: provinces, cities, county-level divisions.", (
    F("code", "string", "the 6-digit division code (行政区划代码, National Bureau of Statistics 2023)"),
    F("name", "string", "its name"),
    F("kind", "string", "province, city or county"),
    F("parent", "string", "the code of the place it is in ('' for a province)"),
    F("province", "string", "the name of its province"),
    F("reports", "integer", "reports at or below it in the archive"),
    F("counties", "integer", "county-level divisions below it in the 2023 list (0 for a county)"),
    F("url", "string", "its page"),
), "code")

REPORTS = Table("reports", "报告", "One row per report: its front-matter, its place and where its page and original are.", (
    F("slug", "string", "the report's id: its file name and page address, never changed once made"),
    F("url", "string", "its page (absolute with the site's base URL, else the path in the site)"),
    F("title", "string", "its title"),
    F("title_inferred", "boolean", "true when the text stated no title and ingest composed one"),
    F("place_code", "string", "the most specific place of it the archive knows (a row of places)"),
    F("adcode", "string", "the division code its front-matter gives"),
    F("level", "string", "county, city or province"),
    F("province", "string", "province"),
    F("city", "string", "city (a 直辖市's districts have the municipality)"),
    F("district", "string", "county-level division"),
    F("year", "integer", "the year covered"),
    F("period", "string", "annual, H1, Q1–Q4"),
    F("publisher", "string", "who issued it"),
    F("published", "string", "the publication date its text states (ISO 8601; '' when not stated)"),
    F("doc_index", "string", "信息索引号"),
    F("doc_number", "string", "发文字号"),
    F("source", "string", "来源"),
    F("source_url", "string", "the government's address of the page it was fetched from ('' when not fetched)"),
    F("fetched", "string", "when it was fetched (ISO 8601, UTC)"),
    F("added", "string", "the date it entered the archive"),
    F("raw_sha256", "string", "the SHA-256 of the archived original"),
    F("original", "string", "the archived original in the site ('' when missing)"),
    F("topics", "string", "its topics' slugs, separated by ';'"),
), "slug", (PLACE_KEY,))

SECTIONS = Table("sections", "章节", "One row per section of every report, in the report's order; its topics are in section_topics.", (
    F("id", "string", "<report>#<anchor>"),
    F("report", "string", "the report's slug"),
    F("anchor", "string", "the section's anchor on the report's page (lead: the text before the first heading)"),
    F("position", "integer", "its place in the report, from 1"),
    F("level", "integer", "heading level: 2 for 一、, 3 for （一）, 4 for 1.; 1 for the lead"),
    F("heading", "string", "its heading ('' for the lead)"),
    F("path", "string", "the headings above it and its own, separated by ' > '"),
    F("kind", "string", "work, or 存在的问题, 工作打算, 总结 when its heading says so"),
    F("characters", "integer", "characters of its text, whitespace left out"),
    F("url", "string", "the section on the report's page"),
    F("text", "string", "its text as the archive holds it (Markdown)"),
    F("words", "string", "its distinct terms as the search index cuts them (jieba's words and every two-character run), for the full-text index", in_csv=False),
), "id", (REPORT_KEY,), by_year=True)

SECTION_TOPICS = Table("section_topics", "章节专题", "Which topic each section is filed under: one row per section and topic.", (
    F("section", "string", "the section's id"),
    F("report", "string", "the report's slug"),
    F("topic", "string", "the topic's slug"),
), "section,topic", (ForeignKey("section", "sections", "id"), REPORT_KEY, ForeignKey("topic", "topics", "slug")), by_year=True)

FIGURES = Table("figures", "数据", "One row per figure a report states, with its provenance: report, section, sentence, extractor.", (
    F("id", "string", "<report>/<n>: the n-th figure of the report"),
    F("report", "string", "the report's slug"),
    F("url", "string", "the report's page (the section is at #<section>)"),
    F("section", "string", "the anchor of that section ('' for the text before the first heading, or not found)"),
    F("source_url", "string", "the government's page of the report"),
    F("fetched", "string", "when it was fetched"),
    F("place", "string", "the report's place"),
    F("place_code", "string", "its place's division code (a row of places)"),
    F("province", "string", "province"),
    F("city", "string", "city"),
    F("district", "string", "county-level division"),
    F("adcode", "string", "the division code the report's front-matter gives"),
    F("year", "integer", "the year the report covers"),
    F("indicator", "string", "the indicator's key"),
    F("indicator_name", "string", "its name"),
    F("value", "number", "the value, in the indicator's unit (money in 万元), to sort and compare by"),
    F("approx", "string", "the qualifier stated (余, 多, 近, 约, 以上); '' when exact"),
    F("upper", "number", "a stated range's upper end"),
    F("unit", "string", "the unit of value and upper"),
    F("stated", "string", "the number as the report writes it (1.8亿元, 3800余件)"),
    F("period", "string", "the part of the year it covers: annual, H1, Q1–Q4, Q1-Q3, 1-N月, 截至N月底, 截至目前"),
    F("period_kind", "string", "annual (the whole year) or part (part of it): compare like with like"),
    F("conflict", "string", "same_period or part_exceeds_year when the report states this indicator with values that cannot all hold"),
    F("quote", "string", "the sentence stating it"),
    F("extractor", "string", "the version of the extractor and indicator table of this build"),
), "id", (REPORT_KEY, PLACE_KEY, ForeignKey("indicator", "indicators", "key")), by_year=True)

_PART_FIELDS = tuple(field for part in PARTS for field in (
    F(part.key, "string", f"{part.name}: heading (a section of its own), text (stated in a section's text) or '' (not found)"),
    F(f"{part.key}_section", "string", "the anchor of the section holding it"),
))

EVALUATION = Table("evaluation", "报告评估", "Each report against the 2019 规定's requirements and the archive's own criteria (README: Report evaluation).", (
    F("report", "string", "the report's slug"),
    F("place_code", "string", "its place's division code"),
    F("place", "string", "its place"),
    F("year", "integer", "the year covered"),
    F("period", "string", "annual, H1, Q1–Q4"),
    F("level", "string", "county, city or province"),
    *_PART_FIELDS,
    F("parts_found", "integer", f"how many of the {len(PARTS)} required parts were found"),
    F("published", "string", "the publication date its text states"),
    F("deadline", "string", "the date it was due ('' when no rule sets one)"),
    F("timeliness", "string", ", ".join(f"{k} ({v})" for k, v in TIMELINESS_NAMES.items())),
    F("days_late", "integer", "days after the deadline, when late"),
    F("characters", "integer", "characters of its text, whitespace left out"),
    F("figures", "integer", "figures it states"),
    F("conflicts", "integer", "indicators it states with values that cannot all hold"),
    F("has_source_url", "boolean", "the government's address of its page is archived"),
    F("has_original", "boolean", "its original is archived byte for byte"),
    F("rule", "string", "the rule the deadline comes from"),
), "report", (REPORT_KEY, PLACE_KEY))

TABLES = (TOPICS, INDICATORS, PLACES, REPORTS, SECTIONS, SECTION_TOPICS, FIGURES, EVALUATION)
# The databases: data/fazhi.sqlite holds the archive-wide tables, data/fazhi-<year>.sqlite one
# year's sections, their topics and figures, with that year's reports and evaluation beside them
# (so a year's file answers a query joining them) and the topics and indicators their keys name.
WHOLE_DATABASE = (TOPICS, INDICATORS, PLACES, REPORTS, EVALUATION)
YEAR_DATABASE = (TOPICS, INDICATORS, REPORTS, SECTIONS, SECTION_TOPICS, FIGURES, EVALUATION)


# --- rows: each table's rows of some records (a part's, or all), in the archive's order ------------


def topic_rows(a, records) -> Iterator[dict]:
    for t in a.topics:
        yield {"slug": t.slug, "name": t.name, "description": t.description}


def indicator_rows(a, records) -> Iterator[dict]:
    for i in a.indicators:
        yield {"key": i.key, "name": i.name, "unit": i.unit, "topic": i.topic}


def place_rows(a, records) -> Iterator[dict]:
    for code, node in a.places.items():
        yield {"code": code, "name": node.name, "kind": node.kind, "parent": node.parent or "",
               "province": a.chain_of(code)[0].name, "reports": len(node.reports),
               "counties": divisions.counties_in(code) if node.kind != "county" else 0,
               "url": urls.address(a.base_url, node.page)}


def report_rows(a, records) -> Iterator[dict]:
    for record in records:
        r = record.report
        original = urls.report_original(r.slug, r.raw) if record.original_sha256 else ""
        yield {"slug": r.slug, "url": urls.address(a.base_url, urls.report_page(r.slug)), "title": r.title,
               "title_inferred": r.title_inferred, "place_code": record.place_code, "adcode": r.adcode, "level": r.level,
               "province": r.province, "city": r.city, "district": r.district, "year": r.year, "period": r.period,
               "publisher": r.publisher, "published": r.published, "doc_index": r.doc_index, "doc_number": r.doc_number,
               "source": r.source, "source_url": r.source_url, "fetched": r.fetched, "added": r.added,
               "raw_sha256": r.raw_sha256, "original": urls.address(a.base_url, original) if original else "",
               "topics": ";".join(record.topics)}


def _sections_of(a, records) -> Iterator[tuple[Record, tuple[SectionRow, ...]]]:
    for record in records:
        yield record, load_sections(sections_file(a.blobs, record))


def section_rows_of(a, records) -> Iterator[dict]:
    for record, rows in _sections_of(a, records):
        yield from _section_rows(a, record, rows)


def _section_rows(a, record: Record, rows: tuple[SectionRow, ...]) -> Iterator[dict]:
    page = urls.address(a.base_url, urls.report_page(record.slug))
    for n, s in enumerate(rows, 1):
        yield {"id": f"{record.slug}#{s.anchor}", "report": record.slug, "anchor": s.anchor, "position": n,
               "level": s.level, "heading": s.heading, "path": " > ".join(s.path), "kind": s.kind,
               "characters": len("".join(s.text.split())), "url": f"{page}#{s.anchor}", "text": s.text, "words": s.words}


def section_topic_rows(a, records) -> Iterator[dict]:
    known = {t.slug for t in a.topics}
    for record, rows in _sections_of(a, records):
        yield from _section_topic_rows(known, record, rows)


def _section_topic_rows(known: set[str], record: Record, rows: tuple[SectionRow, ...]) -> Iterator[dict]:
    for s in rows:
        for topic in s.topics:
            if topic in known:
                yield {"section": f"{record.slug}#{s.anchor}", "report": record.slug, "topic": topic}


def evaluation_rows(a, records) -> Iterator[dict]:
    for record in records:
        r, e = record.report, record.evaluation
        row = {"report": r.slug, "place_code": record.place_code, "place": r.place, "year": r.year, "period": r.period,
               "level": r.level}
        for p in e.parts:
            row[p.part] = p.how
            row[f"{p.part}_section"] = p.anchor
        row.update({"parts_found": e.parts_found, "published": r.published, "deadline": e.deadline, "timeliness": e.timeliness,
                    "days_late": e.days_late, "characters": e.characters, "figures": e.figures, "conflicts": e.conflicts,
                    "has_source_url": e.has_source_url, "has_original": bool(record.original_sha256), "rule": e.rule})
        yield row


ROWS: dict[str, Callable] = {
    "topics": topic_rows, "indicators": indicator_rows, "places": place_rows, "reports": report_rows,
    "sections": section_rows_of, "section_topics": section_topic_rows, "figures": figure_pages.data_rows,
    "evaluation": evaluation_rows,
}


def keys(a, records) -> dict[str, str]:
    """Per table, a digest of what its rows of ``records`` hold, from what the records keep (no
    section is read). The sections' are of their own rows (``Record.sections_digest``), so a
    correction of a report's front-matter leaves them as they were."""
    texts = [(r.slug, r.sections_digest) for r in records]
    return {
        "topics": key_of([(t.slug, t.name, t.description) for t in a.topics]),
        "indicators": key_of(a.indicators),
        "places": key_of(a.base_url, [(c, n.name, n.kind, n.parent, n.page, len(n.reports)) for c, n in a.places.items()]),
        "reports": key_of(a.base_url, [(r.row_digest, bool(r.original_sha256), r.places[-1:]) for r in records]),
        "sections": key_of(a.base_url, texts),
        "section_topics": key_of([t.slug for t in a.topics], texts),
        "figures": figure_pages.figures_key(a, records),
        "evaluation": key_of([(r.slug, r.evaluation_digest, bool(r.original_sha256), r.report.place, r.places[-1:]) for r in records]),
    }


# --- the files ------------------------------------------------------------------------------------


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_pieces(fields: tuple[str, ...], rows: Iterator[dict]) -> Iterator[str]:
    """A CSV file in pieces of about 1,000 rows: UTF-8 with a BOM, CRLF (see the module's docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(fields)
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_value(row[k]) for k in fields])
        if n % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def descriptor(licence: str, licence_url: str, parts: list[str]) -> dict:
    """data/datapackage.json: a Frictionless Data Package (v2) of every CSV table; a table split
    by year is one resource whose ``path`` lists its parts (each with the header, which readers
    of a multi-file resource skip after the first)."""
    resources = []
    for table in TABLES:
        schema: dict = {
            "fields": [{"name": f.name, "type": f.type, "description": f.description} for f in table.csv_fields],
            "primaryKey": table.primary_key.split(","),
            "missingValues": [""],
        }
        for field in schema["fields"]:
            if field["type"] == "boolean":
                field["trueValues"], field["falseValues"] = ["true"], ["false"]
        if table is FIGURES:
            schema["fields"][[f["name"] for f in schema["fields"]].index("value")]["description"] += " (unit: column unit)"
        if table.foreign_keys:
            schema["foreignKeys"] = [{"fields": [k.fields], "reference": {"resource": k.table, "fields": [k.reference]}}
                                     for k in table.foreign_keys]
        paths = [path.removeprefix("data/") for path in table.paths(parts)]
        resources.append({
            "name": table.name, "title": table.title,
            "description": table.description + (" One file per year the reports cover ('undated': no year)." if table.by_year else ""),
            "path": paths if table.by_year else paths[0],
            "type": "table", "scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"'},
            "schema": schema,
        })
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "fazhi",
        "title": "法治报告档案：报告、章节、数据与评估",
        "description": "Chinese local governments' rule-of-law reports (法治政府建设年度报告) as the archive holds them: "
                       "reports, their sections and topics, the figures they state with their provenance, and each "
                       "report's evaluation. The same tables are in SQLite databases: fazhi.sqlite (reports, places, "
                       "evaluation, topics, indicators) and one fazhi-<year>.sqlite per year (that year's sections, "
                       "with a full-text index, their topics, figures, reports and evaluation).",
        "resources": resources,
    }
    if licence:
        package["licenses"] = [{"title": licence, **({"path": licence_url} if licence_url else {})}]
    return package


SQL_TYPES = {"string": str, "integer": int, "number": float, "boolean": int, "date": str}


def write_database(a, tables: tuple[Table, ...], records, path: Path) -> None:
    """``tables``' rows of ``records`` into a new SQLite file at ``path``, in their order, then
    the full-text index (when it holds the sections): the same content gives the same bytes, as the
    rows go in in the archive's order. sqlite-utils declares the tables and the index as Datasette
    expects them; rows go in by ``executemany`` in one transaction (its own insert costs seconds
    per 1,000 reports in Python); foreign keys name only tables the file holds."""
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    db.execute("PRAGMA journal_mode = OFF")  # a temporary file: no crash to survive
    db.execute("PRAGMA synchronous = OFF")
    # Before any table: the pages the index's merges free are given back at the end by moving the
    # last pages into them, not by a VACUUM copying the whole file (a fifth of a year's 2 s at
    # 10,000 reports; the file is 0.6% larger, for its pointer maps).
    db.execute("PRAGMA auto_vacuum = INCREMENTAL")
    present = {t.name for t in tables}
    for table in tables:
        db[table.name].create({f.name: SQL_TYPES[f.type] for f in table.fields}, pk=tuple(table.primary_key.split(","))
                              if "," in table.primary_key else table.primary_key,
                              foreign_keys=[(k.fields, k.table, k.reference) for k in table.foreign_keys if k.table in present])

    statements = {t.name: f"INSERT INTO [{t.name}] ({', '.join(f'[{f.name}]' for f in t.fields)}) "
                          f"VALUES ({', '.join('?' * len(t.fields))})" for t in tables}

    def insert(table: Table, rows: Iterable[dict]) -> None:
        names = [f.name for f in table.fields]
        db.conn.executemany(statements[table.name], ([int(v) if isinstance(v, bool) else v for v in map(row.get, names)]
                                                     for row in rows))

    # A year's sections and their topics come from one reading of each report's sections file, not
    # one per table.
    together = SECTIONS in tables and SECTION_TOPICS in tables
    known = {t.slug for t in a.topics}
    db.conn.execute("BEGIN")
    for table in tables:
        if together and table is SECTION_TOPICS:
            continue  # inserted with the sections
        if together and table is SECTIONS:
            for record, rows in _sections_of(a, records):
                insert(SECTIONS, _section_rows(a, record, rows))
                insert(SECTION_TOPICS, _section_topic_rows(known, record, rows))
        else:
            insert(table, ROWS[table.name](a, records))
    db.conn.execute("COMMIT")
    if SECTIONS in tables:
        # An external-content FTS5 table as sqlite-utils' enable_fts makes it (Datasette detects it by
        # ``content="sections"``), with detail=none: ``words`` holds each term once, sorted, so
        # positions and counts carry nothing a query can use (MATCH, AND, OR, NOT and bm25 give the
        # same rows; a multi-term phrase or NEAR is refused). At 10,000 reports a year's index is 7
        # instead of 24 MB and made in two thirds of the time. enable_fts has no ``detail`` option.
        db.execute('CREATE VIRTUAL TABLE [sections_fts] USING FTS5 ([words], detail=none, content="sections")')
        db["sections"].populate_fts(["words"])
        db["sections"].optimize()
    give_back_free_pages(db.conn)
    db.conn.close()


def give_back_free_pages(conn: sqlite3.Connection) -> None:
    """Move the last pages of a database made with ``auto_vacuum = INCREMENTAL`` into its free ones
    and cut the file there. Run as a script, so it goes to its end: ``execute`` steps the pragma
    once, freeing one page."""
    conn.executescript("PRAGMA incremental_vacuum;")


def database_pieces(a, tables: tuple[Table, ...], records) -> Iterator[bytes]:
    """A database (``write_database``), made in a temporary file and given in pieces of 1 MB."""
    with tempfile.TemporaryDirectory(prefix="fazhi-data-") as folder:
        path = Path(folder) / "fazhi.sqlite"
        write_database(a, tables, records, path)
        with open(path, "rb") as f:
            while piece := f.read(1 << 20):
                yield piece


def data_package(a, render) -> Iterator[Planned]:
    """The CSV tables, each table split by year in parts, a part
    written only when its year's rows changed; data/datapackage.json; data/fazhi.sqlite and a
    database per year, each keyed on the tables it holds."""
    parts = a.data_parts()
    whole = keys(a, a.records)
    engine = (sqlite3.sqlite_version, version("sqlite-utils"))
    for table in TABLES:
        if not table.by_year:
            fields = tuple(f.name for f in table.csv_fields)
            yield Planned(table.path, key_of("table", table, whole[table.name]),
                          lambda fields=fields, table=table: csv_pieces(fields, ROWS[table.name](a, a.records)))
    yield Planned(urls.DATABASE, key_of("database", engine, WHOLE_DATABASE, [whole[t.name] for t in WHOLE_DATABASE]),
                  lambda: database_pieces(a, WHOLE_DATABASE, a.records))
    for part, records in parts.items():
        part_keys = keys(a, records)
        for table in TABLES:
            if table.by_year:
                fields = tuple(f.name for f in table.csv_fields)
                yield Planned(urls.data_part(table.name, part), key_of("table", table, part, part_keys[table.name]),
                              lambda fields=fields, table=table, records=records: csv_pieces(fields, ROWS[table.name](a, records)))
        yield Planned(urls.database_part(part), key_of("database", engine, YEAR_DATABASE, [part_keys[t.name] for t in YEAR_DATABASE]),
                      lambda records=records: database_pieces(a, YEAR_DATABASE, records))
    licence = (render.config.licence, render.config.licence_url)
    names = list(parts)
    yield Planned(urls.DATA_PACKAGE, key_of("datapackage", TABLES, licence, names),
                  lambda: json.dumps(descriptor(*licence, names), ensure_ascii=False, indent=2) + "\n")
