"""Topics (专题): the taxonomy in content/topics.yml and the filing of sections under topics.

A topic page lists the sections filed under it, so a filing must be one a reader could
defend (README, "Topics", gives the measured precision and recall and the reasons):

- Both sides are read in NFKC and without quotation marks: 村（社区）法律顾问 and
  村(社区)法律顾问 are one spelling, and “七五”普法 is 七五普法.
- Terms are found longest first, and a term inside a longer one counts only as the longer:
  one 疫情防控 is one hit, not three (疫情, 防控); 律师 in 公职律师 is 公职律师's, which is
  重大行政决策's; 监督 in 执法监督 is 执法监督's. A topic's ``exclude`` terms are the longer
  terms in which its words mean something else (监督 in 监督管理); they count for no topic.
- A topic's ``words`` count in the heading (``HEADING_WEIGHT``) and in the text (1 each); its
  ``heading_words`` (队伍, 监督, 考核: too common in running text to mean the topic) only in the
  heading. A section is filed at ``THRESHOLD``: its heading naming the topic, or two hits in
  its text, or, in a short section (``SHORT_SECTION`` sentences at most; not the lead), one
  sentence whose terms name that topic alone (县政府法律顾问列席常务会议15次。): in a few
  sentences, each is work of its own, while in a long one a single mention is often in passing.
- A topic's ``pairs`` are two terms in one clause, the first before the second, that together
  say its work where neither does alone: 执法人员 beside 培训 (组织执法人员参加法律知识培训) is
  队伍建设's training, 调解 before 纠纷 (调解物业纠纷93起) 人民调解's, though 培训 and 调解 alone
  count in headings only. A pair counts ``PAIR_WEIGHT`` for its topic, and its two terms count
  for nothing else.
- An enumeration naming three topics or more (整合法律援助、公证、人民调解等服务窗口),
  or two with 等, is a list of areas, and its terms count for none.
- A section stating a figure of an indicator whose ``topic`` is T is filed under T: the
  figures table cites that section for T, and the topic page must agree.
- Problem, plan and summary sections (存在的问题, 下一步, 2022年工作打算, 总结, or any section
  under such a heading) name most topics in passing: they are filed only under what their
  own heading names, and topic pages mark them. In other sections, a paragraph from its
  下一步 / 还存在…问题 on is plans or problems too and is not counted.
- An editor's ``section_topics`` (front-matter) replace the verdict for the sections they name.
- A report's topics are those of its sections.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from generator.core.digests import key_of
from generator.core.problems import Problem, error, load_entries
from generator.model.report import SLUG_RE, Section

THRESHOLD = 2
HEADING_WEIGHT = 2
PAIR_WEIGHT = 2  # a pair in one clause (培训 beside 执法人员) is a sentence of its own on the topic: as telling as a heading
SHORT_SECTION = 3  # sentences: in a section this short, a sentence on one topic alone is that topic's work

WORK, PROBLEMS, PLANS, SUMMARY = "", "problems", "plans", "summary"
KIND_NAMES = {PROBLEMS: "存在的问题", PLANS: "工作打算", SUMMARY: "总结"}


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str  # the topic's scope in one sentence, shown on its page
    words: tuple[str, ...]
    heading_words: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()  # two terms in one clause (培训, 执法人员): this topic's work, not theirs


@dataclass(frozen=True)
class Filing:
    """Where one section is filed: its topics, and whether it reports work or plans, problems, a summary."""

    anchor: str
    topics: tuple[str, ...]
    kind: str  # WORK, PROBLEMS, PLANS or SUMMARY


@dataclass(frozen=True)
class Classification:
    sections: tuple[Filing, ...]  # one per section, in order
    topics: tuple[str, ...]  # the report's: every topic a section is filed under, in taxonomy order


def load_topics(path: Path) -> tuple[tuple[Topic, ...], list[Problem]]:
    """Read the taxonomy; every malformed entry is one line (with its line), the rest are kept."""
    entries, problems = load_entries(path, "topic taxonomy", "topic", ("slug", "name", "description", "words", "heading_words", "exclude", "pairs"), 2,
                                    SLUG_RE)
    topics = []
    for entry in entries:
        item = entry.data
        words = item.get("words") or []
        if not isinstance(words, list) or not words or not all(isinstance(w, (str, int)) and str(w) for w in words):
            problems.append(error(path, f"topic {item['slug']}: words must be a non-empty list of words", entry.line_of("words")))
            continue
        more = {}
        for key in ("heading_words", "exclude"):
            value = item.get(key) or []
            if not isinstance(value, list) or not all(isinstance(w, (str, int)) for w in value):
                problems.append(error(path, f"topic {item['slug']}: {key} must be a list"))
                break
            more[key] = tuple(str(w) for w in value)
        else:
            pairs = _pairs(item.get("pairs") or [])
            if pairs is None:
                problems.append(error(path, f"topic {item['slug']}: pairs must be a list of [term or terms, term or terms]",
                                      entry.line_of("pairs")))
                continue
            topics.append(Topic(item["slug"], item["name"], str(item.get("description") or ""), tuple(str(w) for w in words),
                                pairs=pairs, **more))
    return tuple(topics), problems


def _pairs(value: object) -> tuple[tuple[str, str], ...] | None:
    """``[[培训, 轮训], 执法人员]`` is the pairs (培训, 执法人员) and (轮训, 执法人员); None if malformed."""
    def side(terms: object) -> list[str] | None:
        terms = terms if isinstance(terms, list) else [terms]
        return [str(w) for w in terms] if terms and all(isinstance(w, (str, int)) and str(w) for w in terms) else None

    if not isinstance(value, list):
        return None
    out = []
    for pair in value:
        sides = [side(s) for s in pair] if isinstance(pair, list) and len(pair) == 2 else [None]
        if None in sides:
            return None
        out.extend((a, b) for a in sides[0] for b in sides[1])
    return tuple(out)


_QUOTES = re.compile("[“”‘’\"'「」『』]")


def _nfkc(text: str) -> str:
    """NFKC (（社区） is (社区)) without quotation marks (“七五”普法 is 七五普法): how both the
    taxonomy's terms and the reports are read."""
    return _QUOTES.sub("", unicodedata.normalize("NFKC", text))


# --- finding terms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Every term of the taxonomy, found in one regex pass, and what each counts for."""

    topics: tuple[Topic, ...]
    pattern: re.Pattern  # the terms as a trie: at a position, the longest term starting there
    overlapping: dict[str, tuple[int, ...]]  # term → where inside it another term may begin (行政执法: 执法监督 at 2)
    counts: dict[str, tuple[tuple[int, bool], ...]]  # term → (topic's index, counts in the text too)
    pairs: dict[str, tuple[tuple[str, int], ...]]  # a pair's first term → (its second, the pair's topic's index)


@lru_cache(maxsize=8)
def vocabulary_of(topics: tuple[Topic, ...]) -> Vocabulary:
    roles: dict[str, dict[int, bool]] = {}
    pairs: dict[str, list[tuple[str, int]]] = {}
    for i, t in enumerate(topics):
        for w in t.exclude:
            roles.setdefault(_nfkc(w), {})
        for a, b in t.pairs:
            a, b = _nfkc(a), _nfkc(b)
            roles.setdefault(a, {})
            roles.setdefault(b, {})
            pairs.setdefault(a, []).append((b, i))
        for w in t.heading_words:
            roles.setdefault(_nfkc(w), {}).setdefault(i, False)
        for w in t.words:
            roles.setdefault(_nfkc(w), {})[i] = True
    terms = sorted(w for w in roles if w)
    prefixes = {w[:n] for w in terms for n in range(1, len(w))}
    overlapping = {w: at for w in terms if (at := tuple(n for n in range(1, len(w)) if w[n:] in prefixes))}
    return Vocabulary(topics, re.compile(_trie_pattern(terms) if terms else "(?!)"), overlapping,
                      {w: tuple(sorted(r.items())) for w, r in roles.items()}, {w: tuple(p) for w, p in pairs.items()})


def _trie_pattern(words: list[str]) -> str:
    """A regex of the words as a trie (行政(?:复议|执法)…), longest match first; Python's re
    would otherwise try every word at every position."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie)


class Term(NamedTuple):
    """A term of the taxonomy where it stands in a text."""

    term: str
    start: int


def terms_in(text: str, vocabulary: Vocabulary) -> list[Term]:
    """The taxonomy's terms in ``text`` (NFKC) that count: longest first, none inside another
    term found there, none overlapping one counted before it.

    The regex finds the leftmost longest term and goes on after it (in C); where a counted term
    may run into another (行政执法监督: 行政执法, 执法监督), the terms starting inside it are looked
    at too, since one found later inside such a longer term (监督) does not count."""
    found: list[Term] = []
    covered = pos = 0  # the furthest end of any term found so far; where to look from
    while pos is not None:
        scan, pos = vocabulary.pattern.finditer(text, pos), None
        for m in scan:
            start, end = m.span()
            if end <= covered:  # inside a term that overlapped the last one counted: look on from here
                pos = start + 1
                break
            term = m.group()
            found.append(Term(term, start))
            covered = end
            for offset in vocabulary.overlapping.get(term, ()):
                if later := vocabulary.pattern.match(text, start + offset):
                    covered = max(covered, later.end())
    return found


# What ends a sentence (the text's lines too), and what ends a clause (an enumeration's 、 does not).
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?()\n]")


def _clauses(text: str, found: list[Term]) -> tuple[list[int], dict[int, list[Term]]]:
    """Where the text's clauses end, and the terms by clause (a term's own brackets, as in
    村(社区)法律顾问, end none)."""
    inside = {i for f in found for i in range(f.start + 1, f.start + len(f.term))}
    ends = [m.start() for m in _CLAUSE_END.finditer(text) if m.start() not in inside]
    clauses: dict[int, list[Term]] = {}
    for f in found:
        clauses.setdefault(bisect.bisect(ends, f.start), []).append(f)
    return ends, clauses


def counted_in_text(text: str, vocabulary: Vocabulary) -> list[Term]:
    """The terms of ``text`` that count towards topics. An enumeration whose items name three
    or more topics (整合法律援助、公证、人民调解等服务窗口), or two with 等 (引导政府法律顾问、
    村(社区)法律顾问等), is a list of areas: its terms count for none. Two topics without 等 are
    one piece of work on both (审查重大行政决策、规范性文件); items naming a single topic's terms
    (公众参与、专家论证、风险评估) are that topic's content, and items that are not terms
    (通过网络、微信公众号等发布普法资讯) no list of areas."""
    found = terms_in(text, vocabulary)
    if len(found) < 2 or "、" not in text:
        return found
    counts = vocabulary.counts
    ends, clauses = _clauses(text, found)
    kept = []
    for n, mine in clauses.items():
        start = ends[n - 1] + 1 if n else 0
        clause = text[start:ends[n] if n < len(ends) else len(text)]
        if len(mine) > 1 and "、" in clause:
            named: dict[int, set[int]] = {}  # item of the enumeration → the topics its terms name
            for f in mine:
                topics_named = {topic for topic, in_text in counts[f.term] if in_text}
                if topics_named:
                    named.setdefault(clause.count("、", 0, f.start - start), set()).update(topics_named)
            across = len(set().union(*named.values())) if len(named) > 1 else 0
            if across > 2 or (across == 2 and "等" in clause):
                continue
        kept.extend(mine)
    return kept


def paired(sentence: str, found: list[Term], vocabulary: Vocabulary) -> tuple[list[int], set[int]]:
    """The topics of the pairs standing in one clause of the sentence, first term before second
    (调解 before 纠纷: 调解物业纠纷93起, not a list's 纠纷调解), one per pair, and where their terms
    start: those count for the pair only (执法人员 being trained is 队伍建设's, not 执法监督's)."""
    pairs, terms = vocabulary.pairs, {f.term for f in found}
    if not any(other in terms for term in terms & pairs.keys() for other, _ in pairs[term]):
        return [], set()  # nearly every sentence: no pair's two terms in it
    topics, used = [], set()
    for mine in _clauses(sentence, found)[1].values():
        for n, f in enumerate(mine):
            for other, topic in pairs.get(f.term, ()):
                partner = next((g for g in mine[n + 1:] if g.term == other and g.start not in used), None)
                if partner and f.start not in used:
                    topics.append(topic)
                    used.update((f.start, partner.start))
    return topics, used


# --- what kind of section -----------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^[\s(（]*[一二三四五六七八九十百零〇两\d]*[)）、.．\s]*")
_PROBLEMS = re.compile(r"存在(?:的)?(?:主要)?(?:问题|不足|困难|短板|差距)|不足之处|(?:问题|困难)(?:和|与|及)(?:不足|差距|建议)"
                       r"|^(?:主要)?(?:问题|不足|困难)")
_PLANS = re.compile(r"下一步|下步|(?:工作|努力)(?:打算|计划|思路|安排|方向|设想)|改进措施|今后|明年|下半年"
                    r"|20\d\d年度?(?:工作)?(?:打算|计划|思路|安排|设想)")
_SUMMARY = re.compile(r"^(?:总结|结语|结束语|小结)")
# Where a paragraph turns to plans (a sentence opening with 下一步) or problems (还存在…问题).
_END = "。；;！!？?"
_TURN = re.compile(rf"(?:^|(?<=[{_END}]))(?:\s*(?:下一步|下步|下一年|今后|明年|新的一年)"
                   rf"|[^{_END}]*?(?:(?:还|仍|也)(?:存在|面临)着?(?:一些|以下|不少|诸多|许多)?(?:问题|不足|困难|短板|薄弱环节)"
                   rf"|认识到[^{_END}]*?(?:不足|问题|差距|薄弱环节)|不足之处))")


def heading_kind(heading: str) -> str:
    """PROBLEMS, PLANS or SUMMARY when the heading (NFKC) announces one, else WORK."""
    bare = _LEADING_NUMBER.sub("", heading)
    if _PROBLEMS.search(bare):
        return PROBLEMS
    if _PLANS.search(bare):
        return PLANS
    if _SUMMARY.match(bare):
        return SUMMARY
    return WORK


def section_kind(section: Section) -> str:
    """The kind its own heading announces, else the nearest enclosing heading's."""
    for heading in reversed(section.path):
        kind = heading_kind(_nfkc(heading))
        if kind:
            return kind
    return WORK


def reported_work(text: str) -> str:
    """The text without what each paragraph says from its turn to plans or problems on."""
    if not any(mark in text for mark in ("下一步", "下步", "下一年", "今后", "明年", "新的一年", "存在", "面临", "认识到", "不足之处")):
        return text  # nearly every section: no turn to look for
    kept = []
    for paragraph in text.split("\n"):
        m = _TURN.search(paragraph)
        kept.append(paragraph[: m.start()] if m else paragraph)
    return "\n".join(kept)


# --- filing ------------------------------------------------------------------------------------


def _points(section: Section, kind: str, vocabulary: Vocabulary) -> list[int]:
    """Each topic's score: HEADING_WEIGHT per term in the heading, 1 per word in the text that counts,
    and in a short section 1 more for each sentence whose terms name that topic alone."""
    counts = vocabulary.counts
    points = [0] * len(vocabulary.topics)
    for found in terms_in(_nfkc(section.heading), vocabulary):
        for i, _ in counts[found.term]:
            points[i] += HEADING_WEIGHT
    if kind == WORK and section.text:
        sentences = [s for s in _SENTENCE_END.split(reported_work(_nfkc(section.text))) if s.strip()]
        short = bool(section.heading) and len(sentences) <= SHORT_SECTION
        for sentence in sentences:
            found = counted_in_text(sentence, vocabulary)
            pair_topics, used = paired(sentence, found, vocabulary)
            named = set(pair_topics)
            for i in pair_topics:
                points[i] += PAIR_WEIGHT
            for f in found:
                if f.start in used:
                    continue
                for i, in_text in counts[f.term]:
                    points[i] += in_text
                    if in_text:
                        named.add(i)
            if short and len(named) == 1:  # a sentence of its own on one topic, in a section of a few
                points[named.pop()] += 1
    return points


def classify(sections: tuple[Section, ...], topics: tuple[Topic, ...], quoted: Mapping[str, Collection[str]] | None = None,
             corrected: Mapping[str, Collection[str]] | None = None) -> Classification:
    """File each section under its topics (see the module's docstring).

    ``quoted`` maps the sentence of each figure the report states to its indicator's topics;
    ``corrected`` maps a section's anchor to the topics an editor filed it under."""
    slugs = [t.slug for t in topics]
    vocabulary = vocabulary_of(topics)  # looked up once: hashing the taxonomy per section was a tenth of the time
    filings = []
    for section in sections:
        kind = section_kind(section)
        if corrected and section.anchor in corrected:
            mine = set(corrected[section.anchor])
        else:
            mine = {slug for slug, p in zip(slugs, _points(section, kind, vocabulary)) if p >= THRESHOLD}
            for quote, stated in (quoted or {}).items():
                if quote and quote in section.text:
                    mine.update(stated)
        filings.append(Filing(section.anchor, tuple(s for s in slugs if s in mine), kind))
    filed = {t for f in filings for t in f.topics}
    return Classification(tuple(filings), tuple(s for s in slugs if s in filed))


# --- filings made once ---------------------------------------------------------------------------
# Ingest files every report's sections (the front-matter's ``topics``), and the build, reading the
# file ingest wrote, files them again for its topic pages: the same 11 ms a report twice, a fifth of
# a 10,000-report build. Ingest leaves its filings in KNOWN_FILINGS, each under a digest of all that
# ``classify`` reads, and the build takes one whose digest its own inputs give, else files anew.

KNOWN_FILINGS = ".ingest-filings.json"  # in content/reports, beside ingest's cache; not committed
_KINDS = (WORK, PROBLEMS, PLANS, SUMMARY)


@lru_cache(maxsize=8)
def _classifier_version(topics: tuple[Topic, ...]) -> str:
    """This module's and the taxonomy's digest: made once, not for every report."""
    return key_of(Path(__file__).read_bytes(), topics)


def classification_key(sections: tuple[Section, ...], topics: tuple[Topic, ...], quoted: Mapping[str, Collection[str]] | None,
                       corrected: Mapping[str, Collection[str]] | None) -> str:
    """A digest of everything ``classify`` reads of its arguments, and of this module: equal keys, equal filings."""
    return key_of(_classifier_version(topics), [(s.anchor, s.heading, s.path, s.text) for s in sections],
                  sorted((q, sorted(t)) for q, t in (quoted or {}).items()),
                  sorted((a, sorted(t)) for a, t in (corrected or {}).items()))


def encode_filing(c: Classification, topics: tuple[Topic, ...]) -> str:
    """A classification as one short string: per section, its kind's number and its topics' positions
    in the taxonomy ("0:1,4;2:"); the anchors are the sections' own."""
    position = {t.slug: n for n, t in enumerate(topics)}
    return ";".join(f"{_KINDS.index(f.kind)}:{','.join(str(position[t]) for t in f.topics)}" for f in c.sections)


def decode_filing(encoded: str, sections: tuple[Section, ...], topics: tuple[Topic, ...]) -> Classification | None:
    """``encode_filing``'s classification of ``sections``, or None when the string is not one of them."""
    parts = encoded.split(";") if sections else []
    if len(parts) != len(sections):
        return None
    filings = []
    try:
        for section, part in zip(sections, parts):
            kind, _, named = part.partition(":")
            filings.append(Filing(section.anchor, tuple(topics[int(n)].slug for n in named.split(",")) if named else (), _KINDS[int(kind)]))
    except (ValueError, IndexError):
        return None
    filed = {t for f in filings for t in f.topics}
    return Classification(tuple(filings), tuple(t.slug for t in topics if t.slug in filed))


def classify_known(known: Mapping[str, str], sections: tuple[Section, ...], topics: tuple[Topic, ...],
                   quoted: Mapping[str, Collection[str]] | None = None, corrected: Mapping[str, Collection[str]] | None = None) -> Classification:
    """``classify``, taken from ``known`` (classification key → ``encode_filing``) when it holds these inputs' filing."""
    encoded = known.get(classification_key(sections, topics, quoted, corrected)) if known else None
    found = decode_filing(encoded, sections, topics) if encoded is not None else None
    return found if found is not None else classify(sections, topics, quoted, corrected)


class KnownFiling(NamedTuple):
    """A classification as KNOWN_FILINGS keeps it: under ``classification_key``, ``encode_filing``."""

    key: str
    encoded: str


def classify_to_keep(sections: tuple[Section, ...], topics: tuple[Topic, ...], quoted: Mapping[str, Collection[str]] | None = None,
                     corrected: Mapping[str, Collection[str]] | None = None) -> tuple[Classification, KnownFiling]:
    """``classify``, and the classification as the build may take it from ingest."""
    found = classify(sections, topics, quoted, corrected)
    return found, KnownFiling(classification_key(sections, topics, quoted, corrected), encode_filing(found, topics))


def load_known_filings(path: Path) -> dict[str, str]:
    """The filings ingest left at ``path``; none when it is missing or damaged (the build files anew)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}
