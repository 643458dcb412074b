"""A hand-edited report is published faithfully or named in one line; nothing outside content/raw
is published as an original; no report ever vanishes silently (issue 15, items 3, 4, 6, 9).

The fuzz tests at the end generate hand-edited bodies and front-matter with hypothesis."""

from __future__ import annotations

import html
import os
import re
import shutil
import xml.dom.minidom
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ingest.decode import decode
from generator.model import reading as model
from generator.model.reading import parse_report
from generator.site import records
from generator.site.build import build
from generator.site.render import body_html

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://fazhi.example.org/"
JIANGBEI = "2021-chongqing-jiangbei-sifaju"
WUCHENG = "2021-zhejiang-wucheng-sifaju"


def two_reports(tmp: Path) -> Path:
    """content/ with two of the seeds (a build of them takes about a second)."""
    content = tmp / "content"
    (content / "reports").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "raw", content / "raw")
    for name in ("site.yml", "topics.yml", "indicators.yml"):
        shutil.copy(ROOT / "content" / name, content / name)
    for slug in (JIANGBEI, WUCHENG):
        shutil.copy(ROOT / "content" / "reports" / f"{slug}.md", content / "reports" / f"{slug}.md")
    return content


def edit(md: Path, old: str, new: str) -> None:
    text = md.read_text(encoding="utf-8")
    assert old in text, old
    md.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(md: Path, start: str) -> int:
    return next(i for i, line in enumerate(md.read_text(encoding="utf-8").split("\n"), 1) if line.startswith(start))


def lines(problems, severity: str = "error") -> list[str]:
    return sorted(str(p) for p in problems if p.severity == severity)


def published(site: Path) -> set[str]:
    return {p.name for p in (site / "reports").iterdir()} if (site / "reports").is_dir() else set()


# --- item 4: a level-1 heading -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("heading", ["# 编者按\n\n本文经编辑整理。\n\n", "编者按\n===\n\n本文经编辑整理。\n\n"])
def test_a_level_1_heading_keeps_every_report(tmp_path: Path, heading: str):
    content = two_reports(tmp_path)
    md = content / "reports" / f"{JIANGBEI}.md"
    text = md.read_text(encoding="utf-8")
    fence = text.index("\n---\n", 4) + 5
    md.write_text(text[:fence] + heading + text[fence:], encoding="utf-8")
    problems, summary = build(content, tmp_path / "site", BASE)
    assert lines(problems) == []
    assert summary["reports"] == 2
    assert published(tmp_path / "site") == {JIANGBEI, WUCHENG}
    page = (tmp_path / "site" / "reports" / JIANGBEI / "index.html").read_text(encoding="utf-8")
    # Shown as a top-level heading (the page's one <h1> is the title), listed in the contents,
    # and the anchors of the report's own headings do not move.
    assert '<h2 id="su1">编者按</h2>' in page
    assert page.count("<h1") == 1
    assert 'href="#su1"' in page and 'id="s1"' in page


def test_level_1_and_setext_headings_pair_with_their_sections():
    text = "---\ntitle: 标题\n---\n导语。\n\n# 编者按\n\n一\n\n## 一、总体\n\n二\n\n小结\n===\n\n三\n\n## 二、下一步\n"
    report, problems = parse_report(Path("2021-a.md"), text)
    assert problems == []
    assert [(s.anchor, s.level, s.heading) for s in report.sections] == [
        ("lead", 1, ""), ("su1", 2, "编者按"), ("s1", 2, "一、总体"), ("su3", 2, "小结"), ("s2", 2, "二、下一步")]
    shown = str(body_html(report))
    assert re.findall(r'<h(\d) id="([^"]+)"', shown) == [("2", "su1"), ("2", "s1"), ("2", "su3"), ("2", "s2")]


def test_a_report_whose_analysis_fails_is_named_not_dropped(tmp_path: Path, monkeypatch):
    """Whatever goes wrong analysing one report (a defect of ours), it is one error naming it,
    and every report sorted after it is still read."""
    content = two_reports(tmp_path)
    real = records.classify_known

    def failing(known, sections, *rest):
        if any("江北" in s.text for s in sections):
            raise StopIteration  # what once ended the map over the reports without a word
        return real(known, sections, *rest)

    monkeypatch.setattr(records, "classify_known", failing)
    problems, _ = build(content, tmp_path / "site", BASE)
    assert lines(problems) == [f"content/reports/{JIANGBEI}.md: error: could not be analysed (StopIteration: ); please report this"]
    assert not (tmp_path / "site").exists()


# --- item 3: only originals inside content/raw are published ----------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("raw", ["/etc/passwd", "../../../../etc/passwd", "content/raw/../../../etc/passwd", "content/reports/x.md"])
def test_raw_outside_content_raw_is_refused(tmp_path: Path, raw: str):
    content = two_reports(tmp_path)
    md = content / "reports" / f"{JIANGBEI}.md"
    old = re.search(r"^raw: .*$", md.read_text(encoding="utf-8"), re.M).group()
    edit(md, old, f"raw: {raw}")
    problems, _ = build(content, tmp_path / "site", BASE)
    [line] = lines(problems)
    assert line.startswith(f"content/reports/{JIANGBEI}.md:{line_of(md, 'raw:')}: error: raw: ")
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_a_symlink_leaving_content_raw_is_refused(tmp_path: Path):
    content = two_reports(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("密码", encoding="utf-8")
    (content / "raw" / "link.txt").symlink_to(secret)
    md = content / "reports" / f"{JIANGBEI}.md"
    old = re.search(r"^raw: .*$", md.read_text(encoding="utf-8"), re.M).group()
    edit(md, old, "raw: content/raw/link.txt")
    problems, _ = build(content, tmp_path / "site", BASE)
    assert lines(problems) == [
        f"content/reports/{JIANGBEI}.md:{line_of(md, 'raw:')}: error: raw: 'content/raw/link.txt' is not a file inside raw/ "
        "(symbolic links are followed): only originals there are published"]
    # a link that stays inside content/raw is an original like any other
    (content / "raw" / "link.txt").unlink()
    (content / "raw" / "link.txt").symlink_to(content / "raw" / sorted(os.listdir(content / "raw"))[0])
    problems, _ = build(content, tmp_path / "site", BASE)
    assert lines(problems) == []


def test_raw_naming_a_folder_is_refused(tmp_path: Path):
    originals = tmp_path / "content" / "raw"
    (originals / "sub").mkdir(parents=True)
    assert model.original_path("content/raw/sub", tmp_path, originals) == (None, "'content/raw/sub' is not a file")
    assert model.original_path("content/raw", tmp_path, originals)[0] is None
    assert model.original_path("content/raw/new.txt", tmp_path, originals)[1] == ""  # missing: warned at build


@pytest.mark.slow
def test_a_missing_or_unreadable_original_is_one_line(tmp_path: Path, monkeypatch):
    content = two_reports(tmp_path)
    md = content / "reports" / f"{JIANGBEI}.md"
    raw = re.search(r"^raw: (.*)$", md.read_text(encoding="utf-8"), re.M).group(1)
    (tmp_path / raw).unlink()
    problems, _ = build(content, tmp_path / "site", BASE)
    assert lines(problems) == []
    assert lines(problems, "warning") == [f"content/reports/{JIANGBEI}.md: warning: original {raw} is missing: the page is published without it"]
    assert not (tmp_path / "site" / "reports" / JIANGBEI / "original.txt").exists()

    # Tests run as root, where mode 000 does not stop a read: the read is made to fail instead.
    shutil.copy(ROOT / raw, tmp_path / raw)
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if self.name == Path(raw).name else real(self))
    problems, _ = build(content, tmp_path / "site2", BASE)
    assert lines(problems) == [f"content/reports/{JIANGBEI}.md: error: original {raw} cannot be read: Permission denied"]


# --- items 6 and 9: silent wrong output and tracebacks ------------------------------------------


def test_duplicate_keys_are_an_error_naming_both_lines():
    text = "---\ntitle: 标题\nyear: 2021\nfigures:\n- indicator: a\n  value: 1\n  value: 2\nyear: 2019\n---\n正文\n"
    report, problems = parse_report(Path("2021-a.md"), text)
    assert report is None
    assert [str(p) for p in problems] == [
        "2021-a.md:7: error: key 'value' is given twice (first at line 6): which one is meant?",
        "2021-a.md:8: error: key 'year' is given twice (first at line 3): which one is meant?",
    ]


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x7f", "\x85"])
def test_a_control_character_is_an_error_at_its_line(char: str):
    report, problems = parse_report(Path("2021-a.md"), f"---\ntitle: 标{char}题\n---\n正文\n")
    assert report is None
    assert [str(p) for p in problems] == [
        f"2021-a.md:2: error: control character U+{ord(char):04X} at column 9: invisible, and it breaks the feed; delete it"]
    report, problems = parse_report(Path("2021-a.md"), f"---\ntitle: 标题\n---\n正文\n\n第二{char}段\n")
    assert [p.line for p in problems] == [6]


def test_ingest_drops_control_characters_from_an_original():
    assert decode("某区\x01司法局\x0b2021年工作总结\x0c正文".encode("gb18030")) == "某区司法局\n2021年工作总结\n正文"


@pytest.mark.slow
def test_control_characters_in_a_raw_title_give_a_valid_feed(tmp_path: Path):
    from generator.ingest.run import run_ingest

    content = tmp_path / "content"
    (content / "raw").mkdir(parents=True)
    for name in ("topics.yml", "indicators.yml"):
        shutil.copy(ROOT / "content" / name, content / name)
    seed = sorted((ROOT / "content" / "raw").iterdir())[1].read_bytes().decode("utf-8")
    (content / "raw" / "a.txt").write_bytes(("\x01" + seed.replace("\n", "\x0b\n", 1)).encode("utf-8"))
    problems, _ = run_ingest(content / "raw", content / "reports")
    assert lines(problems) == []
    problems, _ = build(content, tmp_path / "site", BASE)
    assert lines(problems) == []
    xml.dom.minidom.parse(str(tmp_path / "site" / "feed.xml"))
    xml.dom.minidom.parse(str(tmp_path / "site" / "sitemap.xml"))


@pytest.mark.slow
def test_unreadable_report_files_are_one_line_each(tmp_path: Path):
    content = two_reports(tmp_path)
    (content / "reports" / "2019-bad-bytes.md").write_bytes(b"---\ntitle: ok\n---\n\xe4\xb8\n")
    (content / "reports" / "2019-folder.md").mkdir()
    problems, _ = build(content, tmp_path / "site", BASE)
    assert lines(problems) == [
        "content/reports/2019-bad-bytes.md:4: error: not UTF-8 (byte 18: 0xe4); save it as UTF-8",
        "content/reports/2019-folder.md: error: is a folder, not a report file",
    ]


def test_limits_of_a_sane_report(tmp_path: Path, monkeypatch):
    report, problems = parse_report(Path("2021-a.md"), "---\ntitle: " + "长" * 10_000 + "\n---\n正文\n")
    assert [str(p) for p in problems] == ["2021-a.md:2: error: title: 10,000 characters long; at most 300 (is it a paragraph pasted in the wrong place?)"]
    report, problems = parse_report(Path("2021-a.md"), "---\ntitle: 标题\n---\n导语\n\n## " + "长" * 301 + "\n\n正文\n")
    assert [str(p) for p in problems] == ["2021-a.md:6: error: heading of 301 characters; at most 300 (a paragraph marked as a heading?)"]
    quote = "长" * 2001
    report, problems = parse_report(Path("2021-a.md"), f"---\ntitle: 标题\nfigures:\n- indicator: a\n  value: 1\n  unit: 件\n  quote: {quote}\n---\n正文\n")
    assert [str(p) for p in problems] == ["2021-a.md:4: error: figures: item 1: quote is 2,001 characters long; at most 2000 "
                                          "(the sentence that states the figure)"]
    report, problems = parse_report(Path("2021-a.md"), "---\ntitle: 标题\n---\n见[网站](//www.gov.cn/a)\n")
    assert [str(p) for p in problems] == ["2021-a.md:4: error: link '//www.gov.cn/a' names no page of the archive: give the full address (https://…)"]
    monkeypatch.setattr(model, "MAX_FILE", 100)
    (tmp_path / "2021-a.md").write_text("---\ntitle: 标题\n---\n" + "正文" * 100, encoding="utf-8")
    report, problems, _ = model.read_report_file(tmp_path / "2021-a.md", tmp_path)
    assert [str(p) for p in problems] == ["2021-a.md: error: 622 bytes; a report file is at most 100"]


def test_an_image_is_a_link_never_fetched():
    report, problems = parse_report(Path("2021-a.md"), "---\ntitle: 标题\n---\n图：![现场照片](https://img.example.gov.cn/a.jpg)\n")
    assert problems == []
    shown = str(body_html(report))
    assert "<img" not in shown
    assert '<a class="image-link" href="https://img.example.gov.cn/a.jpg" rel="nofollow noopener">图片：现场照片</a>' in shown


# --- fuzz: hand-edited bodies and front-matter ---------------------------------------------------

HAN = st.text(alphabet="法治政府建设年度报告司法局行政复议人民调解", min_size=1, max_size=12)
INLINE = st.one_of(
    HAN,
    HAN.map(lambda t: f"**{t}**"),
    HAN.map(lambda t: f"`{t}`"),
    HAN.map(lambda t: f"[{t}](https://www.gov.cn/{len(t)})"),
    HAN.map(lambda t: f"[{t}](附件{len(t)}.pdf)"),
    HAN.map(lambda t: f"[{t}](#s{len(t)})"),
    HAN.map(lambda t: f"![{t}](https://img.gov.cn/{len(t)}.png)"),
    st.sampled_from(["<script>alert(1)</script>", "{{ site }}", "{% raw %}", "&amp;", "<b>粗</b>", "\\*", "_x_",
                     "\x01", "\x0b", "\u200b", "\u3000", "１．", "\ufeff"]),
)
LINE = st.lists(INLINE, min_size=1, max_size=4).map("".join)
BLOCK = st.one_of(
    LINE,
    st.tuples(st.integers(1, 6), st.sampled_from(["", "一、", "（二）", "3.", "第一部分 "]), LINE).map(lambda h: f"{'#' * h[0]} {h[1]}{h[2]}"),
    st.tuples(LINE, st.sampled_from(["===", "---"])).map(lambda s: f"{s[0]}\n{s[1]}"),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
    LINE.map(lambda t: f"> {t}"),
    LINE.map(lambda t: f"```\n{t}\n```"),
    LINE.map(lambda t: f"<div>{t}</div>"),
    st.tuples(HAN, HAN).map(lambda c: f"| 指标 | 数值 |\n| --- | --- |\n| {c[0]} | {c[1]} |"),
    st.just("    缩进的代码"),
)
BODY = st.lists(BLOCK, max_size=8).map("\n\n".join)
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.slow
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(BODY)
def test_fuzz_a_body_is_published_faithfully_or_named(body: str):
    text = f"---\ntitle: 标题\nyear: 2021\n---\n{body}\n"
    report, problems = parse_report(Path("2021-a.md"), text)
    if report is None:
        assert problems and all(p.path == "2021-a.md" and p.severity == "error" for p in problems)
        assert all(p.line is not None and 1 <= p.line <= text.count("\n") + 1 for p in problems)
        return
    shown = str(body_html(report))
    # every heading has its section's anchor, and the page's one <h1> stays the title
    assert re.findall(r'<h\d id="([^"]+)"', shown) == [s.anchor for s in report.sections if not s.is_lead]
    assert "<h1" not in shown and "<script" not in shown and "<img" not in shown
    # no text is lost: every run of Han characters written in the body is on the page
    visible = _visible(shown)
    for run in HAN_RUN.findall(body):
        assert run in visible


FIELD = st.one_of(HAN, st.integers(), st.booleans(), st.none(), st.lists(HAN, max_size=2),
                  st.dictionaries(HAN, HAN, max_size=2), st.text(max_size=40), st.just("长" * 301))
FRONT_KEYS = ("title", "publisher", "source", "doc_number", "period", "published", "topics", "figures", "title_inferred")


def _seed_front_matter() -> dict:
    import yaml

    text = (ROOT / "content" / "reports" / f"{JIANGBEI}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:])


@st.composite
def front_matters(draw) -> str:
    """A report placed where no seed is (北京市东城区, 2019), with some fields replaced by values
    of any type or size, and keys added: unknown ones, or known ones a second time."""
    import yaml

    fields = {**_seed_front_matter(), "district": "东城区", "city": "", "province": "北京市", "adcode": "110101",
              "year": 2019, "raw": "", "raw_sha256": ""}
    fields.update(draw(st.dictionaries(st.sampled_from(FRONT_KEYS), FIELD, max_size=3)))
    extra = draw(st.lists(st.tuples(st.sampled_from([*FRONT_KEYS, "titel", "备注"]), FIELD), max_size=2))
    dump = lambda k, v: yaml.safe_dump({k: v}, allow_unicode=True, width=10_000, sort_keys=False).rstrip("\n")
    return "\n".join([dump(k, v) for k, v in fields.items()] + [dump(k, v) for k, v in extra])


FUZZED = "2019-beijing-dongcheng-fuzz"


def _pages_of_others(site: Path) -> dict[str, bytes]:
    return {slug: (site / "reports" / slug / "index.html").read_bytes() for slug in (JIANGBEI, WUCHENG)}


_BASELINE: dict[str, bytes] = {}


@pytest.mark.slow
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(front=front_matters(), body=BODY)
def test_fuzz_a_hand_edited_report_never_changes_another_reports_page(tmp_path_factory, front: str, body: str):
    """The build publishes the edited report or names it (and only it) in its errors; the other
    reports' pages are the same bytes as in a build without it."""
    if not _BASELINE:
        tmp = tmp_path_factory.mktemp("baseline")
        problems, _ = build(two_reports(tmp), tmp / "site", BASE)
        assert lines(problems) == []
        _BASELINE.update(_pages_of_others(tmp / "site"))
    tmp = tmp_path_factory.mktemp("fuzz")
    content = two_reports(tmp)
    (content / "reports" / f"{FUZZED}.md").write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    problems, summary = build(content, tmp / "site", BASE)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        assert {p.path for p in errors} == {f"content/reports/{FUZZED}.md"}, errors
        assert not (tmp / "site").exists()
        return
    assert summary["reports"] == 3
    assert published(tmp / "site") == {JIANGBEI, WUCHENG, FUZZED}
    assert _pages_of_others(tmp / "site") == _BASELINE
    for name in ("feed.xml", "sitemap.xml"):
        xml.dom.minidom.parse(str(tmp / "site" / name))
