"""The archive's model: what a report in ``content/reports/*.md`` is.

Every later stage (topics, render, search index, data exports) reads these
frozen dataclasses and nothing else, so they all agree on a report's fields,
its sections and each section's anchor. Which keys a report file holds and how
each is checked is model/schema.py; reading a file is model/reading.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LEVELS = ("county", "city", "province")
PERIODS = ("annual", "H1", "Q1", "Q2", "Q3", "Q4")
# A period (a report's, or a figure's) as pages name it, and as a title ingest composes does.
PERIOD_NAMES = {"annual": "全年", "H1": "上半年", "H2": "下半年", "Q1": "第一季度", "Q2": "第二季度",
                "Q3": "第三季度", "Q4": "第四季度", "Q1-Q3": "前三季度"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEAD_ANCHOR = "lead"
UNPLACED = "未定位"  # what pages call a report whose place is not known
# Limits of a sane archive, far beyond any real report (the longest seed title has 33 characters,
# the largest report 60 KB): past them a value is a mistake, and a 10 MB title made a 1.9 GB site,
# as it is repeated on every page that lists the report.
MAX_FIELD = 300  # characters of a title, place, publisher … or a heading
MAX_QUOTE = 2000  # characters of a figure's sentence
MAX_FILE = 20 * 1024 * 1024  # bytes of a report file
# C0 and C1 control characters but tab and line feed: invisible, never typed on purpose, and they
# make the feed and sitemap invalid XML. Ingest removes them from originals (ingest.decode).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def period_name(period: str) -> str:
    """全年, 第一季度 …; a period of no such name (1-10月, 截至目前) as written."""
    return PERIOD_NAMES.get(period, period)


@dataclass(frozen=True)
class Figure:
    """A figure the report states (数据): 受理行政复议案件 96件, with the sentence it came from."""

    indicator: str
    value: float
    unit: str
    period: str
    quote: str
    approx: str = ""  # 余, 多, 近, 约, 以上 as stated (3800余件 → value 3800, approx 余)
    upper: float | None = None  # the upper end of a stated range (80-100场 → value 80, upper 100)
    stated: str = ""  # the number as the quote writes it (1.8亿元 where value is 18000 万元); '' when not recorded
    line: int | None = field(default=None, compare=False, repr=False)  # of the item in the file


@dataclass(frozen=True)
class SectionTopics:
    """An editor's filing of one section (front-matter ``section_topics: {s2-1: [falv-yuanzhu]}``):
    these topics and no others, whatever the classifier finds (``[]``: none)."""

    anchor: str
    topics: tuple[str, ...]
    line: int | None = field(default=None, compare=False, repr=False)  # of the entry in the file


@dataclass(frozen=True)
class Section:
    """A heading and the paragraphs under it up to the next heading (of any level).

    ``level`` is the Markdown heading level (2 for 一、, 3 for (一), 4 for 1.; a level-1
    heading counts as 2); the lead, the text before the first heading, has level 1 and no heading.
    ``path`` holds the enclosing headings from the top down, ending with this one.
    """

    anchor: str
    level: int
    heading: str
    path: tuple[str, ...]
    text: str

    @property
    def is_lead(self) -> bool:
        """The text before the first heading. Told by its anchor, not its level: an editor's
        ``# 编者按`` is a heading of level 1 too."""
        return self.anchor == LEAD_ANCHOR


@dataclass(frozen=True)
class Report:
    """One report (法治政府建设年度报告, 司法局工作总结 …) as the archive holds it."""

    slug: str
    file: str
    title: str
    title_inferred: bool
    district: str
    city: str
    province: str
    adcode: str
    level: str
    year: int | None
    period: str
    publisher: str
    published: str
    doc_index: str
    doc_number: str
    source: str
    raw: str
    raw_sha256: str
    source_url: str  # the government's address of the page the original was fetched from ('' when not fetched)
    fetched: str  # when it was fetched, ISO 8601 UTC ('' when not fetched)
    added: str  # the ISO date the report entered the archive: its original's first ingest ('' when unknown)
    topics: tuple[str, ...]
    section_topics: tuple[SectionTopics, ...]
    figures: tuple[Figure, ...]
    body: str
    sections: tuple[Section, ...] = field(repr=False)

    @property
    def topic_corrections(self) -> dict[str, tuple[str, ...]]:
        """Section anchor → the topics an editor filed it under."""
        return {c.anchor: c.topics for c in self.section_topics}

    @property
    def place(self) -> str:
        """The most specific place name known: district, else city, else province."""
        return self.district or self.city or self.province

    @property
    def distinct_city(self) -> str:
        """The city as a level of its own below the province: '' for a 直辖市's district, whose
        city is the municipality itself (重庆市 is its province and its city)."""
        return self.city if self.city != self.province else ""

    @property
    def full_place(self) -> str:
        """The place from the province down, each name once: 重庆市江北区, 浙江省金华市婺城区."""
        return self.province + self.distinct_city + self.district
