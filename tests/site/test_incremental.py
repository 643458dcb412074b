"""Incremental builds: a rebuild costs what changed, and gives the same bytes as a full build.

Each scenario changes the content (or templates, or taxonomy), rebuilds the
site incrementally, and compares every file with a full build from scratch of
the same content into another folder.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core import pool
from generator.domain import topics
from generator.ingest.run import run_ingest
from generator.search import index as search_index
from generator.search.index import SearchIndex
from generator.site import build as builder
from generator.site.build import build

pytestmark = pytest.mark.slow  # every test here builds a site, or starts a server or a process

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://fazhi.example.org/"
JIANGBEI = "2021-chongqing-jiangbei-sifaju"
XIANGQIAO = "2017-guangdong-xiangqiao-sifaju"
JIANGBEI_PLACE = "places/500105-jiangbei/index.html"


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


def ok(content: Path, out: Path, **kw) -> dict:
    problems, summary = build(content, out, BASE, **kw)
    assert [str(p) for p in problems if p.severity == "error"] == []
    return summary


def full(content: Path, tmp: Path) -> dict[str, bytes]:
    """A build from scratch, with no cache, for comparison."""
    out = tmp / f"full-{len(list(tmp.glob('full-*')))}"
    ok(content, out)
    return files(out)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    c = tmp_path / "content"
    shutil.copytree(ROOT / "content", c)
    return c


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_editing_one_report_rebuilds_its_pages_only_and_matches_a_full_build(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    ok(content, out)
    before = stamps(out)
    postings = stamps(tmp_path / ".site-cache" / "search")
    postings = {p: s for p, s in postings.items() if p.startswith("base-")}
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发工作文件31份", "起草印发工作文件32份")
    summary = ok(content, out)
    # The search index's saved postings are not rewritten for one edit (see search.LOG_REPORTS).
    assert {p: s for p, s in stamps(tmp_path / ".site-cache" / "search").items() if p.startswith("base-")} == postings
    after = stamps(out)
    changed = {p for p in after if after[p] != before.get(p)}
    assert summary["analysed"] == 1
    assert f"reports/{JIANGBEI}/index.html" in changed
    # A report of another province and year that does not list this one is not touched.
    assert f"reports/{XIANGQIAO}/index.html" not in changed
    # Pages that list the report show its title, place and year, none of which changed; topic
    # pages show sections' opening words, and the edit is further into its section.
    assert not changed & {JIANGBEI_PLACE, "places/500000-chongqing/index.html", "years/2021/index.html"}, changed
    assert not any(p.startswith("topics/") for p in changed), changed
    assert "about/index.html" not in changed and not any(p.startswith("assets/") for p in changed)
    # The edit changes no stated figure: the (large, at scale) indicator pages and figure data stay.
    assert not any(p.startswith("indicators/") or p.startswith("data/figures") for p in changed), changed
    # Nor the report's row in the data file of all reports.
    assert "data/reports.json" not in changed
    assert files(out) == full(content, tmp_path)


def test_producers_whose_inputs_are_unchanged_are_not_planned_again(content: Path, tmp_path: Path, monkeypatch):
    """Topic and indicator pages keep the last plan after an edit they do not show; a damaged
    page of theirs is still made again, by planning them then (in a render worker, so the plans
    are counted in a file: a list in this process would not see them)."""
    log = tmp_path / "planned.txt"
    log.touch()

    def counted(producer):
        def plan(a, render):
            with open(log, "a", encoding="utf-8") as f:
                f.write(producer.name + "\n")
            return producer.plan(a, render)
        return dataclasses.replace(producer, plan=plan)

    def planned() -> list[str]:
        names = log.read_text(encoding="utf-8").split()
        log.write_text("", encoding="utf-8")
        return names

    monkeypatch.setattr(builder, "PRODUCERS", [counted(p) for p in builder.PRODUCERS])
    out = tmp_path / "site"
    ok(content, out)
    assert {"topics", "indicators", "reports"} <= set(planned())
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发工作文件31份", "起草印发工作文件32份")
    ok(content, out)
    names = planned()
    assert "reports" in names and not {"topics", "indicators"} & set(names), names
    topic_page = next(p for p in files(out) if p.startswith("topics/") and p.count("/") == 3)
    (out / topic_page).unlink()
    (out / "indicators/normative-docs-reviewed/index.html").write_text("changed by hand", encoding="utf-8")
    ok(content, out)
    assert sorted(p for p in planned() if p in {"topics", "indicators"}) == ["indicators", "topics"]
    assert files(out) == full(content, tmp_path)


def test_reading_an_edited_report_of_a_known_place_loads_no_pinyin(content: Path, tmp_path: Path):
    """Place pages come from the records of the last build: pypinyin's 0.3 s load is not paid."""
    out = tmp_path / "site"
    ok(content, out)
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发工作文件31份", "起草印发工作文件32份")
    script = ("import sys; from generator.site.build import build; "
              f"problems, summary = build(__import__('pathlib').Path({str(content)!r}), __import__('pathlib').Path({str(out)!r}), {BASE!r}); "
              "print(summary['analysed'], 'pypinyin' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["1", "False"], run.stderr
    assert files(out) == full(content, tmp_path)


def test_a_build_keeps_no_unpacked_figures_once_done(content: Path, tmp_path: Path):
    """``fazhi serve`` builds again and again in one process: what a build unpacked is dropped."""
    from generator.site import records

    ok(content, tmp_path / "site", jobs=1)
    assert records._unpacked_figures.cache_info().currsize == 0


def changed_by_edit(content: Path, out: Path, old: str, new: str) -> set[str]:
    """Build, edit the 江北 report, build again: the published files that changed."""
    ok(content, out)
    before = stamps(out)
    edit(content / "reports" / f"{JIANGBEI}.md", old, new)
    ok(content, out)
    after = stamps(out)
    return {p for p in after if after[p] != before.get(p)}


def test_editing_a_sections_opening_rebuilds_its_topic_pages(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    changed = changed_by_edit(content, out, "切实担负起区委依法治区办统筹协调", "切实担负起区委依法治区办全面统筹协调")
    pages = {p for p in changed if p.startswith("topics/") and p.count("/") == 3}
    assert pages and all("/500000-chongqing/" in p for p in pages), changed
    assert all("全面统筹协调" in (out / p).read_text(encoding="utf-8") for p in pages)
    assert files(out) == full(content, tmp_path)


def test_retitling_a_report_rebuilds_the_pages_that_list_it(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    changed = changed_by_edit(content, out, "title: ", "title: 修订 ")
    assert {f"reports/{JIANGBEI}/index.html", JIANGBEI_PLACE, "years/2021/index.html", "data/reports.json"} <= changed
    assert "修订" in (out / JIANGBEI_PLACE).read_text(encoding="utf-8")
    # Its figures' table shows the title; their data files do not, and are left alone.
    assert "indicators/normative-docs-reviewed/index.html" in changed
    assert not {"data/figures/2021.csv", "data/figures/2021.json"} & changed, changed
    assert files(out) == full(content, tmp_path)


def test_a_title_correction_unpacks_the_sections_of_no_other_report(content: Path, tmp_path: Path, monkeypatch):
    """Topic pages are planned from each record's digests (``Record.topic_digests``); only the pages
    made unpack their reports' sections: unpacking every record's for the plan was 0.5 s of a
    correction at 10,000 reports. Counted in a file, since render workers unpack them too."""
    log = tmp_path / "unpacked.txt"
    log.touch()
    unpack = builder.rec_mod.Record.by_topic

    def counted(record):
        with open(log, "a", encoding="utf-8") as f:
            f.write(record.slug + "\n")
        return unpack(record)

    monkeypatch.setattr(builder.rec_mod.Record, "by_topic", counted)
    out = tmp_path / "site"
    ok(content, out)
    log.write_text("", encoding="utf-8")
    edit(content / "reports" / f"{JIANGBEI}.md", "title: ", "title: 修订 ")
    ok(content, out)
    assert set(log.read_text(encoding="utf-8").split()) == {JIANGBEI}
    assert "修订" in (out / "topics/shequ-jiaozheng/500000-chongqing/index.html").read_text(encoding="utf-8")
    assert files(out) == full(content, tmp_path)


def test_a_report_page_follows_the_titles_of_the_reports_it_lists(content: Path, tmp_path: Path):
    """The 2022 page lists 江北's 2021 report (same place): a retitle reaches it, a body edit does not."""
    sibling = "2022-chongqing-jiangbei-sifaju"
    text = (content / "reports" / f"{JIANGBEI}.md").read_text(encoding="utf-8")
    (content / "reports" / f"{sibling}.md").write_text(
        text.replace("year: 2021", "year: 2022").replace("2021年", "2022年", 1), encoding="utf-8")
    out = tmp_path / "site"
    page = f"reports/{sibling}/index.html"
    assert page not in changed_by_edit(content, out, "起草印发工作文件31份", "起草印发工作文件32份")
    assert page in changed_by_edit(content, out, "title: ", "title: 修订 ")
    assert "修订" in (out / page).read_text(encoding="utf-8")
    assert files(out) == full(content, tmp_path)


def test_correcting_a_figure_rebuilds_its_indicator_page_and_the_figure_data(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    changed = changed_by_edit(content, out, "  value: 47\n", "  value: 48\n")
    # The place page's table of figures over the years too.
    assert {"indicators/normative-docs-reviewed/index.html", "data/figures/2021.csv", "data/figures/2021.json", JIANGBEI_PLACE} <= changed
    assert "data/reports.json" not in changed  # it holds no figures: data/figures/<year>.json does
    assert "indicators/normative-docs-filed/index.html" not in changed
    assert files(out) == full(content, tmp_path)


def test_adding_and_removing_reports_match_a_full_build(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    ok(content, out)
    source = content / "reports" / f"{JIANGBEI}.md"
    twin = content / "reports" / "2022-chongqing-jiangbei-sifaju.md"
    twin.write_text(source.read_text(encoding="utf-8").replace("year: 2021", "year: 2022"), encoding="utf-8")
    summary = ok(content, out)
    assert summary["analysed"] == 1
    assert (out / "reports/2022-chongqing-jiangbei-sifaju/index.html").is_file()
    assert files(out) == full(content, tmp_path)
    (content / "reports" / f"{XIANGQIAO}.md").unlink()
    summary = ok(content, out)
    assert summary["removed"] > 0 and not (out / f"reports/{XIANGQIAO}").exists()
    assert not (out / "places/440000-guangdong").exists()
    assert files(out) == full(content, tmp_path)


def test_a_report_added_on_a_later_day_is_searchable_and_rewrites_no_postings_file(content: Path, tmp_path: Path):
    """The day's addition is indexed apart (generator/search/recent.py): the build writes its r/
    files and the v/ entries of its terms, not the main index's p/ or t/ files, and its pages."""
    out = tmp_path / "site"
    ok(content, out)
    before = stamps(out)
    source = content / "reports" / f"{JIANGBEI}.md"
    twin = content / "reports" / "2022-chongqing-jiangbei-sifaju.md"
    text = source.read_text(encoding="utf-8").replace("year: 2021", "year: 2022")
    twin.write_text(text.replace("added: '2026-11-22'", "added: '2026-11-30'"), encoding="utf-8")
    ok(content, out)
    after = stamps(out)
    written = {p for p in after if before.get(p) != after[p]}
    search = {p.split("/")[1] for p in written if p.startswith("search/")}
    assert "r" in search and "v" in search and not search & {"p", "t"}, search
    assert "reports/2022-chongqing-jiangbei-sifaju/index.html" in written
    assert files(out) == full(content, tmp_path)
    # A recent addition's file lost from the site is made again, in a build that did not make it:
    # from the saved state, its report's terms read back.
    lost = sorted((out / "search" / "r").glob("*.js"))[0]
    lost.unlink()
    ok(content, out)
    assert lost.is_file()
    assert files(out) == full(content, tmp_path)


def test_a_template_change_rerenders_without_reading_reports_again(content: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "site"
    ok(content, out)
    templates = tmp_path / "templates"
    shutil.copytree(builder.TEMPLATES, templates)
    edit(templates / "year.html", "份报告", "份报告（共计）")
    monkeypatch.setattr(builder, "TEMPLATES", templates)
    summary = ok(content, out)
    assert summary["analysed"] == 0 and summary["written"] > 0
    assert "份报告（共计）" in (out / "years/2021/index.html").read_text(encoding="utf-8")
    assert files(out) == full(content, tmp_path)


def test_a_taxonomy_change_reads_every_report_again(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    ok(content, out)
    edit(content / "topics.yml", "name: 人民调解", "name: 人民调解工作")
    summary = ok(content, out)
    assert summary["analysed"] == 5
    assert files(out) == full(content, tmp_path)


@pytest.mark.parametrize("jobs", [None, 1])  # the published files checked in a forked process, or inline
def test_a_damaged_cache_or_site_is_rebuilt_correctly(content: Path, tmp_path: Path, jobs):
    out = tmp_path / "site"
    ok(content, out)
    cache = tmp_path / ".site-cache"
    # A body edit, so that topic and indicator pages come from the saved plan, then damage.
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发工作文件31份", "起草印发工作文件32份")
    ok(content, out, jobs=jobs)
    (out / "topics/index.html").write_text("tampered", encoding="utf-8")
    (out / f"reports/{JIANGBEI}/index.html").write_text("tampered", encoding="utf-8")
    (out / "index.html").unlink()
    ok(content, out, jobs=jobs)
    assert files(out) == full(content, tmp_path)
    next((cache / "records").glob("*.pickle")).write_bytes(b"not a pickle")
    next((cache / "manifest").glob("*.pickle")).write_bytes(b"")
    next((cache / "plan").glob("*.pickle")).write_bytes(b"not a pickle")
    (out / "index.html").unlink()
    ok(content, out, jobs=jobs)
    assert files(out) == full(content, tmp_path)
    # The saved links of kept pages, read when a removal makes every page be checked again.
    for shard in (cache / "links").glob("*.pickle"):
        shard.write_bytes(b"not a pickle")
    (content / "reports" / f"{XIANGQIAO}.md").unlink()
    ok(content, out)
    assert files(out) == full(content, tmp_path)


def test_a_removal_checks_the_links_of_kept_pages(content: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "site"
    ok(content, out)
    checked: list[set[str]] = []
    check = builder.check_table
    monkeypatch.setattr(builder, "check_table", lambda outputs, links: (checked.append(set(links)), check(outputs, links))[1])
    lost: list[set[str]] = []
    lost_targets = builder._lost_targets
    monkeypatch.setattr(builder, "_lost_targets", lambda *a: (lost.append(lost_targets(*a)), lost[-1])[1])
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发工作文件31份", "起草印发工作文件32份")
    ok(content, out)
    assert "about/index.html" not in checked[-1]  # only the pages rendered again
    written = stamps(out)
    (content / "reports" / f"{XIANGQIAO}.md").unlink()
    ok(content, out)
    now = stamps(out)
    assert set(written) - set(now) <= lost[-1]  # every file that vanished

    def resolved(page: str) -> set[str]:
        table = builder.link_table(page, (out / page).read_text(encoding="utf-8"))[0]
        return {row.split("\t")[1] for row in table.split("\n") if row}

    # The pages kept are checked again exactly when they link to a vanished file or a page that lost an id.
    kept = {p for p in now if p.endswith(".html") and now[p] == written.get(p)}
    linking = {p for p in kept if resolved(p) & lost[-1]}
    assert linking and kept - linking
    assert kept & checked[-1] == linking


def test_a_kept_page_linking_to_a_vanished_file_is_found_broken(tmp_path: Path):
    """Only the kept pages whose saved links name a vanished file (or a page that lost an id) are
    checked again: found by the resolved paths their rows hold, exactly, never by a prefix."""
    stamp = builder.Stamp(1, 0)
    outputs = {p: builder.Output("k", stamp, "") for p in ("a/index.html", "b/index.html", "gone-too/index.html")}
    kept = {"a/index.html": "../gone/\tgone/index.html\t", "b/index.html": "../gone-too/\tgone-too/index.html\t",
            "gone-too/index.html": ""}
    links = builder._links_to({"gone/index.html"}, outputs, {}, kept, tmp_path)
    assert set(links) == {"a/index.html"}
    assert [p.message for p in builder.check_table(outputs, links)] == [
        "broken link '../gone/': gone/index.html is not in the site"]


def test_a_failed_build_leaves_site_and_cache_consistent(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    ok(content, out)
    md = content / "reports" / f"{JIANGBEI}.md"
    good = md.read_text(encoding="utf-8")
    md.write_text(good + "\n见[第九部分](#s99)。\n", encoding="utf-8")
    problems, _ = build(content, out, BASE)
    assert any("link '#s99' names no section" in str(p) for p in problems)
    md.write_text(good, encoding="utf-8")  # back to the published version
    ok(content, out)
    assert files(out) == full(content, tmp_path)


def test_the_pool_gives_the_same_bytes_as_one_process(content: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pool, "POOL_MIN", 1)
    ok(content, tmp_path / "pooled", jobs=2)
    ok(content, tmp_path / "single", jobs=1)
    assert files(tmp_path / "pooled") == files(tmp_path / "single")


def test_a_lost_search_state_is_made_once_again(content: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "site"
    ok(content, out)
    shutil.rmtree(tmp_path / ".site-cache" / "search")
    ok(content, out)  # the index is rebuilt from the reports' cached terms ...
    fed: list[str] = []
    update = SearchIndex.update
    monkeypatch.setattr(SearchIndex, "update",
                        lambda self, entries, names, load: update(self, entries, names, lambda e: (fed.append(e.slug), load(e))[1]))
    ok(content, out)  # ... and saved, so the next build reads no report's terms at all
    assert fed == []
    assert files(out) == full(content, tmp_path)


def test_a_template_error_in_a_pool_worker_names_the_template_and_keeps_the_site(content: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "site"
    ok(content, out)
    before = files(out)
    templates = tmp_path / "templates"
    shutil.copytree(builder.TEMPLATES, templates)
    edit(templates / "report.html", "{{ citation }}", "{{ citation.nope.missing }}")
    monkeypatch.setattr(builder, "TEMPLATES", templates)
    monkeypatch.setattr(pool, "POOL_MIN", 1)
    problems, summary = build(content, out, BASE, jobs=2)
    assert summary == {}
    assert [p.path for p in problems] == ["templates/report.html"]  # once, though five pages failed
    assert "while rendering reports: UndefinedError" in problems[0].message and problems[0].line
    assert files(out) == before and not list(tmp_path.glob(".site-staging"))


def test_render_workers_replaced_by_fresh_forks_give_the_same_bytes(content: Path, tmp_path: Path, monkeypatch):
    # A worker copies the parent's pages it touches; replacing it bounds what it holds.
    monkeypatch.setattr(pool, "POOL_MIN", 1)
    monkeypatch.setattr(builder, "RENDER_ITEMS_PER_WORKER", 4)
    pids = tmp_path / "pids"
    write_file = builder.write_file

    def noting(*args):
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        return write_file(*args)

    monkeypatch.setattr(builder, "write_file", noting)
    ok(content, tmp_path / "pooled", jobs=2)
    assert len(set(pids.read_text().split())) > 2  # more workers than the pool's two, one after another
    monkeypatch.setattr(builder, "write_file", write_file)
    ok(content, tmp_path / "single", jobs=1)
    assert files(tmp_path / "pooled") == files(tmp_path / "single")


def test_the_search_state_links_the_terms_the_reports_were_read_into(content: Path, tmp_path: Path):
    ok(content, tmp_path / "site")
    cache = tmp_path / ".site-cache"
    state = {p.name: p.stat() for p in (cache / "search" / "reports").iterdir()}
    terms = {p.name.replace(".terms.pickle", ".pickle"): p.stat() for p in (cache / "blobs").glob("*.terms.pickle")}
    assert state and state.keys() == terms.keys()
    assert all(state[name].st_ino == terms[name].st_ino for name in state)


def test_where_links_fail_the_search_state_writes_the_terms(content: Path, tmp_path: Path, monkeypatch):
    def refuse(src, dst):
        raise OSError("links not supported")

    monkeypatch.setattr(search_index.os, "link", refuse)
    out = tmp_path / "site"
    ok(content, out)
    reports = list((tmp_path / ".site-cache" / "search" / "reports").iterdir())
    assert reports and all(p.stat().st_nlink == 1 for p in reports)
    # An edit replays from the written terms, and matches a full build.
    edit(content / "reports" / f"{JIANGBEI}.md", "加强", "切实加强")
    ok(content, out)
    assert files(out) == full(content, tmp_path)


def test_a_lost_blob_or_terms_file_reads_its_report_again(content: Path, tmp_path: Path):
    out = tmp_path / "site"
    ok(content, out)
    blobs = tmp_path / ".site-cache" / "blobs"
    # The index must read the report's terms again (its state is lost), and they are gone.
    next(blobs.glob(f"{JIANGBEI}.*.terms.pickle")).unlink()
    shutil.rmtree(tmp_path / ".site-cache" / "search")
    assert ok(content, out)["analysed"] == 1
    # The report page must be made again (its published copy is gone), and its blob is gone.
    next(p for p in blobs.glob(f"{JIANGBEI}.*.pickle") if not p.name.endswith(".terms.pickle")).unlink()
    (out / "reports" / JIANGBEI / "index.html").unlink()
    assert ok(content, out)["analysed"] == 1
    shutil.rmtree(blobs)
    assert ok(content, out)["analysed"] == 5
    assert files(out) == full(content, tmp_path)


def test_a_new_base_url_rebuilds_what_shows_it(content: Path, tmp_path: Path):
    """The cache is keyed on the address too: the deploy of a preview, then of production, into
    one folder leaves nothing of the preview's address."""
    out = tmp_path / "site"
    problems, _ = build(content, out, "https://deploy-preview-7--fazhi-demo.netlify.app/")
    assert not [p for p in problems if p.severity == "error"]
    ok(content, out)
    assert not [p for p, data in files(out).items() if b"deploy-preview-7" in data]
    assert files(out) == full(content, tmp_path)
    problems, _ = build(content, out)  # and with none, none is left
    assert not [p for p, data in files(out).items() if BASE.encode() in data]


def test_the_build_takes_the_filings_ingest_made_and_makes_the_same_site(content: Path, tmp_path: Path, monkeypatch):
    """Ingest leaves its filing of each report's sections (topics.KNOWN_FILINGS); a build reading
    the files it wrote files none of them again, and makes the site it makes filing them itself
    (no filings kept), or when the kept ones are of other inputs (an edited text)."""
    problems, _ = run_ingest(content / "raw", content / "reports")
    assert [str(p) for p in problems if p.severity == "error"] == []
    log = tmp_path / "filed.txt"
    log.touch()
    classify = topics.classify

    def counted(sections, *args, **kwargs):
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{len(sections)}\n")
        return classify(sections, *args, **kwargs)

    monkeypatch.setattr(topics, "classify", counted)
    ok(content, tmp_path / "site")
    assert log.read_text(encoding="utf-8") == ""
    kept = content / "reports" / topics.KNOWN_FILINGS
    filings = kept.read_bytes()
    kept.unlink()
    assert files(tmp_path / "site") == full(content, tmp_path)
    assert len(log.read_text(encoding="utf-8").split()) == len(list((content / "reports").glob("*.md")))
    kept.write_bytes(filings)
    edit(content / "reports" / f"{JIANGBEI}.md", "。", "。本段经编辑，增加了人民调解工作。")
    log.write_text("", encoding="utf-8")
    ok(content, tmp_path / "site")
    assert len(log.read_text(encoding="utf-8").split()) == 1
    assert files(tmp_path / "site") == full(content, tmp_path)
    # Ingest again: the edited report is filed as kept, the others' filings are the last run's.
    problems, _ = run_ingest(content / "raw", content / "reports")
    assert [str(p) for p in problems if p.severity == "error"] == []
    log.write_text("", encoding="utf-8")
    ok(content, tmp_path / "again")
    assert log.read_text(encoding="utf-8") == ""
    assert files(tmp_path / "again") == files(tmp_path / "site")

