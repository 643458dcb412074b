"""What the text says of itself: year, period, publisher and place (年度, 期间, 发布机关, 地区)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from generator.core.problems import Problem, warning
from generator.domain import places
from generator.ingest.chrome import Facts
from generator.ingest.lines import SENTENCE_END
from generator.ingest.structure import ADDRESSEE, head_end
from generator.model.report import period_name

# --- metadata -----------------------------------------------------------------------------

_PERIODS = (
    (re.compile(r"(第?一|1)季度"), "Q1"),
    (re.compile(r"(第?二|2)季度"), "Q2"),
    (re.compile(r"(第?三|3|前三)季度"), "Q3"),
    (re.compile(r"(第?四|4)季度"), "Q4"),
    (re.compile(r"上半年"), "H1"),
)
# A body that reports, right after the place that names it (杭州市西湖区|人民政府).
_ORG = re.compile(r"司法局|司法厅|人民政府(?!网)|政府(?!网)|[\u4e00-\u9fff]{2,8}?(?:局|委员会|办公室)")
# A department named without its place (区司法局在…, 我受区人民政府委托, 区政府坚持…): the report's
# own place's; 区政府 is short for 区人民政府.
_BARE_ORG = re.compile(r"(?:区|县|市|旗)(司法局|人民政府|政府)")
# What may open a clause before its subject (2022年一季度,武进区司法局… / 我受区人民政府委托).
_CLAUSE_OPENER = re.compile(r"(?:(?:19|20)\d{2}年(?:度|以来)?|今年以来|一年来|近年来)?(?:我受|受|由)?")
# The text speaking of itself: 我局 (a department), 我区/我县/我市/我旗 (its place).
_SELF = re.compile(r"我(局|区|县|市|旗)")


@dataclass(frozen=True)
class Opening:
    """How the text proper begins."""

    lead: str  # from its first sentence (past an addressee, salutation, occasion), up to 200 characters
    addressed: bool  # a letter's addressee or a speech's salutation comes first (县委: / 主任、各位副主任…:)


def opening(lines: list[str]) -> Opening:
    start = head_end(lines)
    return Opening("".join(lines[start:start + 3])[:200], any(ADDRESSEE.match(line) for line in lines[:start]))


def find_year(title: str, lead: str, published: str) -> int | None:
    for text in (title, lead[:80]):
        m = re.search(r"((?:19|20)\d{2})\s*年", text)
        if m:
            return int(m.group(1))
    if published and re.search(r"今年|本年度", lead[:80]):
        return int(published[:4])
    return None


def find_period(title: str, lead: str) -> str:
    for text in (title, lead[:40]):
        for pattern, period in _PERIODS:
            if pattern.search(text):
                return period
    return "annual"


@dataclass(frozen=True)
class Place:
    district: str = ""
    city: str = ""
    province: str = ""
    adcode: str = ""
    level: str = ""


@dataclass(frozen=True)
class Named:
    """A reporting body as the text names it (杭州市西湖区人民政府), with the place it names."""

    name: str
    place: places.NamedPlace


@dataclass(frozen=True)
class Subject:
    """Who the first sentence is about: a body named with its place, a department named without
    it (区司法局: its org, 司法局), a place (西安市新城区坚持…), or the text itself (我区, 我局)."""

    named: Named | None = None
    bare_org: str = ""
    place: places.NamedPlace | None = None
    self_word: str = ""


def _named_body(text: str) -> Named | None:
    """The first body the text names with its place (a title's, a 发布机构's, a 来源's)."""
    for place in places.named_places(text):
        org = _ORG.match(text, place.end)
        if org:
            return Named(text[place.start:org.end()], place)
    return None


def subject_of(lead: str) -> Subject:
    """The subject of the lead's first sentence: what opens one of its first clauses (not a
    clause 在…的领导下, which names a superior)."""
    sentence = re.split(f"[{SENTENCE_END}]", lead, maxsplit=1)[0]
    for clause in re.split(r"[,，]", sentence)[:4]:
        if clause.startswith("在"):
            continue
        at = _CLAUSE_OPENER.match(clause).end()
        named = next((p for p in places.named_places(clause) if p.start == at), None)
        if named:
            org = _ORG.match(clause, named.end)
            return Subject(named=Named(clause[named.start:org.end()], named)) if org else Subject(place=named)
        bare = _BARE_ORG.match(clause, at)
        if bare:
            return Subject(bare_org="人民政府" if bare.group(1) == "政府" else bare.group(1))
        itself = _SELF.match(clause, at)
        if itself:
            return Subject(self_word=itself.group(0))
    return Subject()


@dataclass(frozen=True)
class Clues:
    """What ingest reads a report's place and publisher from, in simplified script: the division
    list is, while mirrors repost reports in traditional script (朝陽區人民政府)."""

    title: str
    headings: tuple[str, ...]
    source_org: str  # 发布机构
    source: str  # 来源
    lead: str
    text: str  # title, headings, 发布机构, 来源 and the body: where a city or province may be named
    doc_index: str
    doc_number: str

    @classmethod
    def of(cls, title: str, start: Opening, body: str, facts: Facts) -> Clues:
        simple = simplified()
        headings = tuple(simple(h) for h in facts.headings)
        text = simple("\n".join([title, *facts.headings, facts.source_org, facts.source, body]))
        return cls(simple(title), headings, simple(facts.source_org), simple(facts.source), simple(start.lead), text,
                   facts.doc_index, simple(facts.doc_number))


@lru_cache(maxsize=1)
def simplified():
    """OpenCC's traditional → simplified conversion (a well-kept dictionary, phrase-aware; it leaves
    simplified text as it is), loaded once."""
    import opencc

    return opencc.OpenCC("t2s").convert


def _place_name(clues: Clues, subject: Subject) -> str:
    """The name of the report's place, from the strongest clue that names one: the title (its body's
    place, else the first place it names), the document's other headings, the first sentence's
    subject, the 发布机构, 我区/我县/我市 (the place of that kind the text names most), and last the
    place the text names most."""
    for source in (clues.title, *clues.headings):
        named = _named_body(source)
        found = named.place if named else next(iter(places.named_places(source)), None)
        if found:
            return found.name
    if subject.named or subject.place:
        return (subject.named.place if subject.named else subject.place).name
    named = _named_body(clues.source_org)
    if named:
        return named.place.name
    itself = next((m for m in _SELF.finditer(clues.text) if m.group(1) != "局"), None)
    if itself:
        kinds = ("county", "city") if itself.group(1) == "市" else ("county",)
        name = places.subject_name(clues.text, suffix=itself.group(1), kinds=kinds, near=itself.start())
        if name:
            return name
    return places.subject_name(clues.text) or ""


def find_publisher_and_place(clues: Clues, addressed: bool, path: str, problems: list[Problem]) -> tuple[str, Place]:
    """Who published the report and which place it is about (``addressed``: see ``Opening``)."""
    subject = subject_of(clues.lead)
    place_name = _place_name(clues, subject)
    named = next((n for n in map(_named_body, (clues.title, *clues.headings)) if n), None) or subject.named
    if not place_name:
        problems.append(warning(path, "no place name found in the text: district, city, province left empty"))
        return named.name if named else "", Place()
    res = places.resolve(place_name, clues.text, clues.doc_index, clues.doc_number)
    if res.division is None:
        problems.append(warning(path, f"place not settled: {res.reason}; district, city, province left empty"))
        return named.name if named else "", Place()
    d = res.division
    place = Place(
        district=d.name if d.kind == "county" else "",
        city=d.city if d.kind != "province" else "",
        province=d.province,
        adcode=d.code,
        level=d.kind,
    )
    return _publisher(named, subject, d, addressed, clues), place


def _publisher(named: Named | None, subject: Subject, d: places.Division, addressed: bool, clues: Clues) -> str:
    """The body that reports, as the text names it: in the title or a heading, as the first
    sentence's subject (区司法局 completed with the place: 江北区司法局), as the 发布机构 or 来源
    when it is a body of the report's own place (叶城县司法局; not a reposting office), or, when the
    text speaks as 我区/我县 and is not a letter whose sender signs at its end, the government.
    Never the addressee of a line ending in ':'."""
    if named:
        return named.name
    if subject.bare_org:
        return d.name + subject.bare_org
    for stated in (clues.source_org, clues.source):
        body = _named_body(stated)
        if body and places.resolve(body.place.name, clues.text, clues.doc_index, clues.doc_number).division == d:
            return body.name
    if subject.self_word[1:] in ("区", "县", "市", "旗") and not addressed:
        return d.name + "人民政府"
    return ""


def compose_title(place: Place, publisher: str, year: int | None, period: str) -> str:
    """A title for a text that has none: 重庆市江北区司法局2021年法治政府建设工作情况.

    The places above the one the publisher names go first, each once (a municipality is its
    province and its city): 河北省 + 保定市人民政府, not 河北省保定市保定市人民政府."""
    who = publisher or place.district or place.city or place.province
    chain = [n for n in dict.fromkeys((place.province, place.city, place.district)) if n]
    at = next((k for k, name in enumerate(chain) if who.startswith(name)), max(len(chain) - 1, 0))
    when = f"{year}年" if year else ""
    return f"{''.join(chain[:at])}{who}{when}{'' if period in ('', 'annual') else period_name(period)}法治政府建设工作情况"
