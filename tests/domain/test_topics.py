"""Topic filing: each rule of generator/domain/topics.py on sections written for it, the one-pass term
finder against its definition, and precision and recall on the labelled set against a bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import topics as measured
from generator.core.problems import Problem
from generator.domain.figures import load_indicators
from generator.domain.topics import (PLANS, PROBLEMS, WORK, Topic, classification_key, classify, classify_known, classify_to_keep,
                                     encode_filing, load_known_filings, load_topics, terms_in, vocabulary_of)
from generator.model.report import Section

ROOT = Path(__file__).resolve().parents[2]
TOPICS, _ = load_topics(ROOT / "content" / "topics.yml")


def section(heading: str, text: str, anchor: str = "s1", path: tuple[str, ...] | None = None) -> Section:
    return Section(anchor, 2, heading, path if path is not None else (heading,), text)


def filed(heading: str, text: str, **kwargs) -> tuple[str, ...]:
    return classify((section(heading, text),), TOPICS, **kwargs).sections[0].topics


# --- the term finder ----------------------------------------------------------------------------

SMALL = (Topic("a", "甲", "", ("行政复议", "复议", "疫情防控", "疫情", "防控")),
         Topic("b", "乙", "", ("公职律师", "执法监督", "行政执法")),
         Topic("c", "丙", "", ("律师", "监督", "法律顾问"), exclude=("监督管理",)),
         Topic("d", "丁", "", ("村(社区)法律顾问",)))
SMALL_TERMS = sorted({w for t in SMALL for w in t.words + t.exclude})


def counted_by_definition(text: str) -> list[str]:
    """Every occurrence of every term; those inside another (longer) occurrence do not count;
    of the rest, from the left, one overlapping a counted one does not count either."""
    found = [(i, i + len(w), w) for w in SMALL_TERMS for i in range(len(text)) if text.startswith(w, i)]
    outer = [o for o in found if not any(p != o and p[0] <= o[0] and o[1] <= p[1] for p in found)]
    counted, end = [], 0
    for start, stop, term in sorted(outer):
        if start >= end:
            counted.append(term)
            end = stop
    return counted


@pytest.mark.slow
@settings(max_examples=300)
@given(st.lists(st.sampled_from(SMALL_TERMS + [w[:2] for w in SMALL_TERMS] + [w[-2:] for w in SMALL_TERMS] + ["，", "工作", "。"]),
                max_size=12))
def test_the_one_pass_finder_counts_what_the_definition_counts(pieces):
    text = "".join(pieces)
    assert [f.term for f in terms_in(text, vocabulary_of(SMALL))] == counted_by_definition(text)


def test_a_term_inside_a_longer_one_counts_only_as_the_longer():
    assert [f.term for f in terms_in("全县疫情防控工作", vocabulary_of(SMALL))] == ["疫情防控"]  # not 疫情 + 防控 + 疫情防控
    assert [f.term for f in terms_in("配备公职律师", vocabulary_of(SMALL))] == ["公职律师"]  # not 律师
    assert [f.term for f in terms_in("开展行政执法监督", vocabulary_of(SMALL))] == ["行政执法"]  # 监督 is inside 执法监督
    assert [f.term for f in terms_in("加强监督管理", vocabulary_of(SMALL))] == ["监督管理"]  # an exclude, counting for no topic


# --- filing, rule by rule, with the real taxonomy ---------------------------------------------------


def test_embedded_words_file_under_the_longer_terms_topic():
    assert filed("（一）配齐公职律师", "全县26个部门设立公职律师。") == ("zhongda-juece",)
    assert filed("（二）严格执法监督", "开展执法监督检查。") == ("zhifa-jiandu",)
    assert filed("（三）社区矫正", "对社区矫正对象的监督管理，违反监督管理规定的依法处理。") == ("shequ-jiaozheng",)


def test_full_width_and_ascii_brackets_are_one_spelling():
    for text in ("实现村（社区）法律顾问全覆盖，村(社区)法律顾问值班。", "实现村(社区)法律顾问全覆盖，村（社区）法律顾问值班。"):
        assert filed("二、基层工作", text) == ("gonggong-falv-fuwu",)


LONG = "召开会议3次。制定工作方案。完成年度任务。"  # three sentences of no topic: with one more, a section is no longer short


def test_one_word_in_the_heading_files_a_section_one_in_a_long_sections_text_does_not():
    assert filed("（四）加强行政复议工作", "依法办理。") == ("xingzheng-fuyi-yingsu",)
    assert filed("（四）其他工作", LONG + "依法办理行政复议。") == ()
    assert filed("（四）其他工作", LONG + "依法办理行政复议，推进复议体制改革。") == ("xingzheng-fuyi-yingsu",)


def test_in_a_short_section_a_sentence_on_one_topic_alone_files_it():
    assert filed("（四）其他工作", "依法办理行政复议案件31件。") == ("xingzheng-fuyi-yingsu",)
    assert filed("（四）其他工作", "召开会议3次。制定工作方案。依法办理行政复议案件31件。") == ("xingzheng-fuyi-yingsu",)
    # a sentence naming two topics is neither's alone, and the lead is no short section
    assert filed("（四）其他工作", "社区法律顾问开展法治讲座310场。") == ()
    assert classify((section("", "依法办理行政复议案件31件。", "lead", ()),), TOPICS).sections[0].topics == ()


def test_one_overlapping_phrase_is_one_hit():
    assert filed("（五）其他工作", LONG + "做好疫情防控。") == ()  # once: 疫情防控, not 疫情 + 防控 + 疫情防控
    assert filed("（五）其他工作", LONG + "做好疫情防控，落实应急预案。") == ("yiqing-yingji",)


def test_broad_words_count_in_headings_only():
    assert filed("（六）锻造过硬干部队伍", "开展岗位练兵。") == ("duiwu-jianshe",)
    assert filed("（六）其他工作", "组织干部参加培训，提升干部队伍素质，加强队伍建设。") == ("duiwu-jianshe",)  # words
    assert filed("（六）其他工作", "组织干部参加培训，干部培训全覆盖，培训干部500人次。") == ()


def test_a_pair_in_one_clause_counts_for_its_topic_and_not_for_its_terms():
    # 培训 and 调解 count in headings only; beside 执法人员 / before 纠纷 in one clause they are work
    assert filed("（一）其他工作", LONG + "组织执法人员参加法律知识培训2次。") == ("duiwu-jianshe",)  # not 执法监督's too
    assert filed("（一）其他工作", LONG + "依法处理信访件218件，调解物业纠纷93起。") == ("renmin-tiaojie",)
    assert filed("（一）规范执法行为", "重大执法决定均经法制审核。组织执法人员参加培训。") == ("zhifa-jiandu", "duiwu-jianshe")
    # in two clauses, or in the other order (a list's 纠纷调解), the terms are no pair
    assert filed("（一）其他工作", LONG + "执法人员全部持证，培训覆盖率100%。") == ()
    assert filed("（一）其他工作", LONG + "法律顾问解答咨询4392件次，参与纠纷调解996件次。") == ()


def test_the_li_of_a_verb_begins_no_term():
    # 建立/设立 are read first, so 立法 (a heading word) does not swallow the 法律援助 after them
    assert filed("（一）其他工作", LONG + "在看守所设立法律援助工作站，建立法律援助值班制度。") == ("falv-yuanzhu",)


def test_an_enumeration_of_areas_counts_for_none_of_them():
    assert filed("三、其他", "整合法律援助、公证、人民调解等服务窗口，确定了法律援助、人民调解、社区矫正等工作重点。") == ()
    assert filed("三、其他", "严格落实公众参与、专家论证、风险评估、合法性审查、集体讨论五大程序。") == ("zhongda-juece",)
    assert filed("三、其他", "通过网络、微信公众号等发布普法资讯，普法阅读量8万次。") == ("pufa",)
    # a term's own brackets do not end the enumeration it stands in
    assert filed("三、其他", "整合公职律师、村(社区)法律顾问、值班律师、法律援助律师等力量。") == ()


def test_two_topics_listed_without_deng_are_work_on_both():
    both = "对重大行政决策、规范性文件开展合法性审查，审查规范性文件30件。"
    assert filed("三、其他", both) == ("zhongda-juece", "guifanxing-wenjian")
    assert filed("三、其他", LONG + both.replace("规范性文件开展", "规范性文件等开展")) == ()


def test_a_plan_or_problem_section_is_filed_by_its_own_heading_only():
    plans = "一是深化行政复议体制改革。二是加强人民调解。三是推进法律援助。四是落实谁执法谁普法普法责任制。"
    (whole,) = classify((section("三、下一步工作打算", plans),), TOPICS).sections
    assert (whole.topics, whole.kind) == ((), PLANS)
    item = section("（一）深化行政复议体制改革", plans, path=("三、2022年工作思路", "（一）深化行政复议体制改革"))
    (one,) = classify((item,), TOPICS).sections
    assert (one.topics, one.kind) == (("xingzheng-fuyi-yingsu",), PLANS)
    (problem,) = classify((section("二、存在的问题", "公职律师配备不足，公职律师覆盖率低。"),), TOPICS).sections
    assert (problem.topics, problem.kind) == ((), PROBLEMS)


def test_a_paragraphs_turn_to_plans_or_problems_does_not_count():
    work = "全年召开党委会22次。"
    assert filed("四、其他工作", work + "下一步，将深化行政复议体制改革，推进复议规范化建设。") == ()
    assert filed("四、其他工作", work + "同时也认识到，行政复议和人民调解工作还存在不足，复议人员紧缺。") == ()
    assert filed("四、其他工作", "办理行政复议案件，推进复议体制改革。\n下一步，加强人民调解。") == ("xingzheng-fuyi-yingsu",)
    (done,) = classify((section("四、其他工作", work),), TOPICS).sections
    assert done.kind == WORK


def test_a_section_stating_an_indicators_figure_is_filed_under_its_topic():
    text = LONG + "全年办理法律援助案件439件，办结443件。"
    assert filed("（三）其他工作", text) == ()
    assert filed("（三）其他工作", text, quoted={"全年办理法律援助案件439件，办结443件。": {"falv-yuanzhu"}}) == ("falv-yuanzhu",)


def test_an_editors_filing_replaces_the_classifiers_for_that_section_only():
    sections = (section("（一）行政复议", "办理复议案件。", "s1"), section("（二）人民调解", "调解纠纷。", "s2"))
    result = classify(sections, TOPICS, corrected={"s1": ["falv-yuanzhu", "not-a-topic"], "s2": []})
    assert [f.topics for f in result.sections] == [("falv-yuanzhu",), ()]
    assert result.topics == ("falv-yuanzhu",)
    assert [f.topics for f in classify(sections, TOPICS, corrected={"s2": []}).sections] == [("xingzheng-fuyi-yingsu",), ()]


def test_a_reports_topics_are_its_sections_in_taxonomy_order():
    sections = (section("（一）人民调解", "调解纠纷。", "s1"), section("（二）行政复议", "复议。", "s2"), section("", "导语。", "lead", ()))
    assert classify(sections, TOPICS).topics == ("xingzheng-fuyi-yingsu", "renmin-tiaojie")


# --- the taxonomy ----------------------------------------------------------------------------------


def test_every_indicator_names_a_topic_of_the_taxonomy():
    indicators, problems = load_indicators(ROOT / "content" / "indicators.yml")
    assert problems == []
    assert {i.key: i.topic for i in indicators if i.topic not in {t.slug for t in TOPICS}} == {}


@pytest.mark.parametrize("entry, message", [
    ("  heading_words: 队伍\n", "topic x: heading_words must be a list"),
    ("  exclude: {a: b}\n", "topic x: exclude must be a list"),
])
def test_a_malformed_word_list_is_one_line(tmp_path: Path, entry: str, message: str):
    path = tmp_path / "topics.yml"
    path.write_text(f"- slug: x\n  name: 甲\n  words: [甲]\n{entry}- slug: y\n  name: 乙\n  words: [乙]\n", encoding="utf-8")
    topics, problems = load_topics(path)
    assert [t.slug for t in topics] == ["y"]
    assert [str(p) for p in problems] == [str(Problem(str(path), None, "error", message))]


def test_a_malformed_pair_is_one_line_with_its_line(tmp_path: Path):
    path = tmp_path / "topics.yml"
    path.write_text("- slug: x\n  name: 甲\n  words: [甲]\n  pairs: [[甲]]\n- slug: y\n  name: 乙\n  words: [乙]\n"
                    "  pairs: [[[乙, 丙], 丁]]\n", encoding="utf-8")
    topics, problems = load_topics(path)
    assert [(t.slug, t.pairs) for t in topics] == [("y", (("乙", "丁"), ("丙", "丁")))]
    assert [str(p) for p in problems] == [str(Problem(str(path), 4, "error", "topic x: pairs must be a list of [term or terms, term or terms]"))]


# --- the labelled set ----------------------------------------------------------------------------

# Each part's bar is a little below what was measured (README, "Topics"): a change that loses filings fails.
TUNING_BAR = (0.96, 0.95)  # overall precision and recall on the tuning part (measured 0.973, 0.962)
ALL_BAR = (0.95, 0.95)  # on the whole set (measured 0.964, 0.962)
HELDOUT_BAR = (0.91, 0.95)  # on the held-out part, heldout7: reports by another hand, not tuned on (measured 0.924, 0.960)
TOPIC_BAR = (0.92, 0.9)  # each topic's, on the tuning part, with MIN_LABELLED examples (lowest 0.933, 0.909)
HELDOUT_TOPIC_BAR = (0.9, 0.85)  # each topic's on the held-out part, where it has MIN_LABELLED (lowest 0.909, 0.875)
MIN_LABELLED = 10


def _below(per_topic: dict, bar: tuple[float, float]) -> dict:
    return {t: (round(s.precision, 3), round(s.recall, 3)) for t, s in per_topic.items()
            if s.labelled >= MIN_LABELLED and (s.precision < bar[0] or s.recall < bar[1])}


@pytest.mark.slow
def test_labelled_set_precision_and_recall(capsys):
    """Precision and recall of topic pages' sections against the hand labels (benchmarks/topics.py),
    printed, and held to the bar: the README gives the numbers and why the held-out part's differ."""
    tuning, heldout = measured.pairs("tuning"), measured.pairs("heldout")
    with capsys.disabled():
        print()
        for title, found in (("tuning", tuning), ("held-out", heldout), ("all", tuning + heldout)):
            print(measured.table(found, f"topics, {title}").splitlines()[0])
    for found, bar in ((tuning, TUNING_BAR), (tuning + heldout, ALL_BAR), (heldout, HELDOUT_BAR)):
        total, _ = measured.scores(found)
        assert total.precision >= bar[0] and total.recall >= bar[1]
    assert _below(measured.scores(tuning)[1], TOPIC_BAR) == {}
    assert _below(measured.scores(heldout)[1], HELDOUT_TOPIC_BAR) == {}


# --- filings made once (ingest's, taken by the build) ------------------------------------------------

SECTIONS_TEXTS = ["依法开展行政复议工作，办理行政复议案件12件。", "聘请法律顾问，公职律师参与重大行政决策合法性审查。",
                  "下一步，我们将加强执法监督。", "开展疫情防控普法宣传。", ""]


@st.composite
def filed_report(draw):
    """Sections of taxonomy words, under headings that may announce plans or problems, and an
    editor's filing of some of them."""
    n = draw(st.integers(0, 5))
    sections = tuple(section(draw(st.sampled_from(["", "一、行政复议", "二、存在的问题", "三、下一步工作打算", "四、法律顾问"])),
                             draw(st.sampled_from(SECTIONS_TEXTS)), f"s{i}") for i in range(n))
    corrected = {s.anchor: draw(st.lists(st.sampled_from([t.slug for t in TOPICS]), max_size=2, unique=True))
                 for s in sections if draw(st.booleans())}
    return sections, corrected


@settings(max_examples=60)
@given(filed_report())
def test_a_kept_filing_is_taken_as_the_classifier_makes_it(report):
    sections, corrected = report
    made, kept = classify_to_keep(sections, TOPICS, corrected=corrected)
    assert made == classify(sections, TOPICS, corrected=corrected)
    assert classify_known({kept.key: kept.encoded}, sections, TOPICS, corrected=corrected) == made


def test_a_filing_of_other_inputs_is_not_taken():
    """The key names each input: another text, heading, taxonomy, figure or editor's filing files anew."""
    sections = (section("一、行政复议", SECTIONS_TEXTS[0]), section("二、法律顾问", SECTIONS_TEXTS[1], "s2"))
    _, kept = classify_to_keep(sections, TOPICS)
    none_filed = encode_filing(classify(sections, ()), ())  # every section under no topic
    assert none_filed != kept.encoded
    assert classify_known({"another key": none_filed}, sections, TOPICS) == classify(sections, TOPICS)
    others = [((section("一、行政复议", SECTIONS_TEXTS[3]), sections[1]), TOPICS, None, None),
              ((section("一、法律顾问", SECTIONS_TEXTS[0]), sections[1]), TOPICS, None, None),
              (sections, TOPICS[:-1], None, None),
              (sections, TOPICS, {SECTIONS_TEXTS[0][:10]: {"xingzheng-fuyi-yingsu"}}, None),
              (sections, TOPICS, None, {"s1": ["falv-yuanzhu"]})]
    for inputs in others:
        assert classification_key(*inputs) != kept.key


@pytest.mark.parametrize("encoded", ["", "0:", "0:;0:;0:", "9:;0:", "0:99;0:", "x:;0:", "0:a;0:"])
def test_a_damaged_filing_is_made_anew(encoded: str):
    sections = (section("一、行政复议", SECTIONS_TEXTS[0]), section("二、法律顾问", SECTIONS_TEXTS[1], "s2"))
    key = classification_key(sections, TOPICS, None, None)
    assert classify_known({key: encoded}, sections, TOPICS) == classify(sections, TOPICS)


def test_known_filings_missing_or_damaged_are_none(tmp_path: Path):
    assert load_known_filings(tmp_path / "none.json") == {}
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert load_known_filings(tmp_path / "bad.json") == {}
    (tmp_path / "odd.json").write_text('{"k": 1, "j": "0:"}', encoding="utf-8")
    assert load_known_filings(tmp_path / "odd.json") == {"j": "0:"}
