"""The site build: links, HTML, determinism, atomic writes, escaping, failure paths.

Golden fragments (tests/golden/site/) hold one seed's report page in parts (head,
metadata panel, contents, the body's first heading, figures, citation); refresh with
``make golden`` after an intended change.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import html5lib
import pytest

from generator.site import build as builder
from generator.search.index import SearchIndex
from generator.site.build import build, check_links
from generator.site.planned import Planned

pytestmark = pytest.mark.slow  # every test here builds a site, or starts a server or a process

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "site"
UPDATE = bool(os.environ.get("FAZHI_UPDATE_GOLDEN"))
BASE = "https://fazhi.example.org/"
# A long step prints progress lines on stderr (`build: rendering: files 1345/1936 (69%), 266/s`).
PROGRESS = re.compile(r"^build: \w+: \w+ \d+/\d+ ")


def copy_content(tmp: Path) -> Path:
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def build_ok(content: Path, out: Path, **kw) -> dict:
    problems, summary = build(content, out, BASE, **kw)
    assert [str(p) for p in problems if p.severity == "error"] == []
    return summary


@pytest.fixture(scope="module")
def site(seed_site: Path) -> Path:
    return seed_site


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_type_is_there(site: Path):
    for path in [
        "index.html", "about/index.html", "404.html", "search/index.html", "places/index.html", "topics/index.html",
        "years/index.html", "years/2021/index.html", "reports/2021-chongqing-jiangbei-sifaju/index.html",
        "reports/2021-chongqing-jiangbei-sifaju/original.txt", "places/500000-chongqing/index.html",
        "places/500105-jiangbei/index.html", "places/360200-jingdezhen/index.html", "topics/pufa/index.html",
        "sitemap.xml", "feed.xml", "robots.txt", "data/reports.json",
    ]:
        assert (site / path).is_file(), path


def test_every_internal_link_and_anchor_resolves(site: Path):
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert check_links(files) == []
    assert sum(1 for p in files if p.endswith(".html")) >= 30


def test_pages_parse_as_html_and_declare_chinese(site: Path):
    parser = html5lib.HTMLParser(strict=True)
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        parser.parse(text)  # raises on any parse error
        assert '<html lang="zh-CN">' in text


def test_no_inline_scripts_or_styles_and_nothing_from_outside(site: Path):
    """Nothing is loaded from elsewhere; the only addresses outside the site are the canonical
    link and links a reader may follow that content/site.yml names (the licence)."""
    from generator.site.site_config import load_site_config

    config, _ = load_site_config(ROOT / "content" / "site.yml")
    followed = {config.licence_url, config.repository, config.contact_href} - {""}
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), page
        assert "<style" not in text and " style=" not in text, page
        for tag, attr, url in re.findall(r'<(\w+)[^>]*?\s(src|href)="([^"]+)"', text):
            if url.startswith(("http://", "https://", "//")):
                assert (tag == "link" and 'rel="canonical"' in text and url.startswith(BASE)
                        or tag == "a" and attr == "href" and url in followed), (page, tag, url)


def test_original_is_archived_byte_for_byte(site: Path):
    raw = next((ROOT / "content" / "raw").glob("000_*"))
    assert (site / "reports/2021-chongqing-jiangbei-sifaju/original.txt").read_bytes() == raw.read_bytes()


def test_report_page_has_toc_anchors_topics_and_citation(site: Path):
    text = (site / "reports/2021-chongqing-jiangbei-sifaju/index.html").read_text(encoding="utf-8")
    assert '<h2 id="s1">一、推动依法治区工作全面提升</h2>' in text
    assert '<a href="#s3-5">(五)法治宣传工作加快推进。</a>' in text
    assert "重庆市江北区司法局2021年法治政府建设工作情况[EB/OL]" in text
    assert 'href="../../topics/pufa/index.html"' in text


def test_topic_page_leads_by_province_to_section_anchors(site: Path):
    """A topic page lists provinces (bounded at any archive size); each province page links to the sections."""
    overview = (site / "topics/shequ-jiaozheng/index.html").read_text(encoding="utf-8")
    assert 'href="500000-chongqing/index.html">重庆市</a>' in overview
    text = (site / "topics/shequ-jiaozheng/500000-chongqing/index.html").read_text(encoding="utf-8")
    assert "../../../reports/2021-chongqing-jiangbei-sifaju/index.html#s3-4" in text
    assert "<h2" in text and "2021年" in text


@pytest.mark.slow
def test_an_editors_section_topics_decide_the_topic_pages(tmp_path: Path):
    """s3-4 (社区矫正) filed by hand under 法律援助 alone: it leaves the one topic's page for the
    other's; a slug the taxonomy lacks is one warning at its line, and the build goes on."""
    content = copy_content(tmp_path)
    md = content / "reports" / "2021-chongqing-jiangbei-sifaju.md"
    text = md.read_text(encoding="utf-8")
    md.write_text(text.replace("section_topics: {}", "section_topics:\n  s3-4: [falv-yuanzhu]\n  s1-1: [yifa-zhili, nowhere]"),
                  encoding="utf-8")
    line = text.splitlines().index("section_topics: {}") + 3
    problems, _ = build(content, tmp_path / "site", BASE)
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert [str(p) for p in problems if "section_topics" in p.message] == [
        f"{md.relative_to(tmp_path)}:{line}: warning: section_topics: s1-1: unknown topic 'nowhere' (not in content/topics.yml)"]
    aid = (tmp_path / "site/topics/falv-yuanzhu/500000-chongqing/index.html").read_text(encoding="utf-8")
    assert "2021-chongqing-jiangbei-sifaju/index.html#s3-4" in aid
    correction = tmp_path / "site/topics/shequ-jiaozheng/500000-chongqing/index.html"
    assert not correction.exists() or "#s3-4" not in correction.read_text(encoding="utf-8")


@pytest.mark.parametrize("fragment, pattern", [
    ("head", r'<header class="report-head">.*?</header>'),
    ("metadata", r'<section class="metadata".*?</section>'),
    ("toc", r'<details class="toc-box">.*?</details>'),
    ("body-opening", r'<section class="body".*?</div>\n<p>'),
    ("figures", r'<section class="figures".*?</section>'),
    ("citation", r'<section class="citation".*?</section>'),
])
def test_golden_report_fragments(site: Path, fragment: str, pattern: str):
    text = (site / "reports/2021-zhejiang-wucheng-sifaju/index.html").read_text(encoding="utf-8")
    actual = re.search(pattern, text, re.S).group(0) + "\n"
    golden = GOLDEN / f"wucheng-{fragment}.html"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_two_builds_are_byte_identical(tmp_path: Path, site: Path):
    content = copy_content(tmp_path)
    build_ok(content, tmp_path / "again")
    a = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in (tmp_path / "again").rglob("*") if p.is_file()}
    assert a == b


def test_second_build_writes_nothing(tmp_path: Path):
    content = copy_content(tmp_path)
    out = tmp_path / "site"
    build_ok(content, out)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    cache = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / ".site-cache").rglob("*") if p.is_file()}
    summary = build_ok(content, out)
    assert summary["written"] == 0 and summary["unchanged"] == len(before) - 1  # all but the marker, .fazhi-site
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()} == before
    # Nor is the cache written (the search index's postings above all).
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / ".site-cache").rglob("*") if p.is_file()} == cache


def test_removed_report_disappears(tmp_path: Path):
    content = copy_content(tmp_path)
    out = tmp_path / "site"
    build_ok(content, out)
    (content / "reports" / "2017-guangdong-xiangqiao-sifaju.md").unlink()
    summary = build_ok(content, out)
    assert summary["removed"] > 0
    assert not (out / "reports/2017-guangdong-xiangqiao-sifaju").exists()
    assert not (out / "places/440000-guangdong").exists()


def test_failing_template_leaves_the_old_site_and_names_the_template(tmp_path: Path, monkeypatch, capsys):
    content = copy_content(tmp_path)
    out = tmp_path / "site"
    build_ok(content, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    templates = tmp_path / "templates"
    shutil.copytree(builder.TEMPLATES, templates)
    text = (templates / "year.html").read_text(encoding="utf-8")
    (templates / "year.html").write_text(text.replace("{{ count }}", "{{ count.nope.missing }}"), encoding="utf-8")
    monkeypatch.setattr(builder, "TEMPLATES", templates)
    from generator import cli

    status = cli.main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE])
    err = [line for line in capsys.readouterr().err.strip().splitlines() if not PROGRESS.match(line)]
    assert status == 1
    assert re.match(r"^.*templates/year\.html:\d+: error: while rendering years: UndefinedError: .*nope", err[0]), err
    assert err[-1].startswith("build failed: 1 error(s)")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".site-staging*"))


def test_pages_are_made_while_the_search_index_is_updated(tmp_path: Path, monkeypatch):
    """The index's update runs in the build's own process, one core: the render workers make the
    pages meanwhile, and the search page, which carries the index's first characters, after it."""
    content = copy_content(tmp_path)
    staging = tmp_path / ".site-staging"
    staged_meanwhile: list[set[str]] = []
    update = SearchIndex.update

    def waiting_for_pages(self, *args):
        deadline = time.monotonic() + 60  # not a timing: the pages come whenever the workers get to them
        while not any(staging.rglob("*.html")) and time.monotonic() < deadline:
            time.sleep(0.05)
        staged_meanwhile.append({p.relative_to(staging).as_posix() for p in staging.rglob("*.html")})
        return update(self, *args)

    monkeypatch.setattr(SearchIndex, "update", waiting_for_pages)
    build_ok(content, tmp_path / "site", jobs=2)
    assert len(staged_meanwhile) == 1 and staged_meanwhile[0]
    assert "search/index.html" not in staged_meanwhile[0]
    assert (tmp_path / "site" / "search" / "index.html").is_file()


def test_a_page_planned_where_a_search_file_goes_stops_the_build_begun_and_leaves_the_old_site(tmp_path: Path, monkeypatch):
    """The clash is found when the index is planned, after the pages began: they are thrown away."""
    content = copy_content(tmp_path)
    out = tmp_path / "site"
    build_ok(content, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    plan_pages = builder.plan_pages

    def clashing(*args):
        steps, problems = plan_pages(*args)
        steps["search/dir.js"] = builder.Step("about", Planned("search/dir.js", "clash", lambda: "// 无"))
        return steps, problems

    monkeypatch.setattr(builder, "plan_pages", clashing)
    problems, summary = build(content, out, BASE, jobs=2)
    assert [str(p) for p in problems] == ["site/search/dir.js: error: written by both about and search"]
    assert summary == {}
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".site-staging*"))


def test_template_syntax_error_names_file_and_line(tmp_path: Path, monkeypatch):
    content = copy_content(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(builder.TEMPLATES, templates)
    (templates / "about.html").write_text("{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n", encoding="utf-8")
    monkeypatch.setattr(builder, "TEMPLATES", templates)
    problems, _ = build(content, tmp_path / "site", BASE)
    assert [str(p) for p in problems] == ["templates/about.html:3: error: template syntax: Expected an expression, got 'end of statement block'"]
    assert not (tmp_path / "site").exists()


def test_broken_link_in_a_report_fails_the_build(tmp_path: Path):
    content = copy_content(tmp_path)
    md = content / "reports" / "2017-guangdong-xiangqiao-sifaju.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n见[附件](附件一.pdf)与[第二部分](#s99)。\n", encoding="utf-8")
    problems, _ = build(content, tmp_path / "site", BASE)
    line = md.read_text(encoding="utf-8").count("\n")  # the added paragraph is the file's last line
    # Named at the report's own file and line, where the editor must fix it, not at the site page.
    assert sorted(str(p) for p in problems) == [
        f"content/reports/2017-guangdong-xiangqiao-sifaju.md:{line}: error: link '#s99' names no section of this report",
        f"content/reports/2017-guangdong-xiangqiao-sifaju.md:{line}: error: link '附件一.pdf' names no page of the archive: "
        "give the full address (https://…)",
    ]
    assert not (tmp_path / "site").exists()


def test_bad_report_stops_the_build_with_one_line(tmp_path: Path):
    content = copy_content(tmp_path)
    (content / "reports" / "2020-x.md").write_text("---\nyear: soon\n---\n正文\n", encoding="utf-8")
    problems, summary = build(content, tmp_path / "site", BASE)
    assert [str(p) for p in problems] == ["content/reports/2020-x.md:2: error: year: 'soon' is not a year"]
    assert summary == {} and not (tmp_path / "site").exists()


def test_report_text_is_escaped(tmp_path: Path):
    content = copy_content(tmp_path)
    md = content / "reports" / "2017-guangdong-xiangqiao-sifaju.md"
    text = md.read_text(encoding="utf-8").replace("title: 湘桥区", "title: <script>alert(1)</script>湘桥区")
    md.write_text(text + "\n\\<script\\>alert(2)\\</script\\> {{ 7*7 }} <img src=x onerror=alert(3)>\n", encoding="utf-8")
    build_ok(content, tmp_path / "site")
    page = (tmp_path / "site/reports/2017-guangdong-xiangqiao-sifaju/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in home


def test_offline_zip_is_deterministic_and_complete(tmp_path: Path, site: Path):
    content = copy_content(tmp_path)
    build_ok(content, tmp_path / "a", zip_path=tmp_path / "a.zip")
    build_ok(content, tmp_path / "b", zip_path=tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        names = set(z.namelist())
    assert {f"fazhi-site/{p.relative_to(site).as_posix()}" for p in site.rglob("*") if p.is_file() and p.name != ".fazhi-site"} == names


def test_data_and_feeds(site: Path):
    import json
    import xml.dom.minidom

    rows = json.loads((site / "data/reports.json").read_text(encoding="utf-8"))
    assert [r["slug"] for r in rows] == sorted(r["slug"] for r in rows) and len(rows) == 5
    assert rows[0]["url"].startswith(BASE + "reports/")
    assert all("figures" not in r for r in rows) and all(r["title"] and r["raw_sha256"] for r in rows)
    feed = xml.dom.minidom.parse(str(site / "feed.xml"))
    assert len(feed.getElementsByTagName("entry")) == 5
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}reports/2021-chongqing-jiangbei-sifaju/</loc>" in sitemap and "404" not in sitemap
    assert "Sitemap: https://fazhi.example.org/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_build_closes_with_one_summary_line(tmp_path: Path, capsys):
    from generator import cli

    content = copy_content(tmp_path)
    assert cli.main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--base-url", BASE]) == 0
    out = capsys.readouterr()
    assert re.fullmatch(r"build: 5 reports, \d+ pages, \d+ written, [\d.]+ MB, [\d.]+ s, 0 errors, 0 warnings; "
                        r"5 reports read anew, 0 files unchanged, 0 removed; base URL https://fazhi.example.org/ \(--base-url\)\n",
                        out.out), out.out
    assert all(PROGRESS.match(line) for line in out.err.splitlines())  # on a slow machine, progress lines only


def test_a_c_library_without_malloc_trim_builds_all_the_same(tmp_path: Path, monkeypatch):
    # glibc has malloc_trim; musl and macOS's libc do not, and the build must not care.
    class NoTrim:
        def __init__(self, name):
            pass

    monkeypatch.setattr(builder.ctypes, "CDLL", NoTrim)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    problems, summary = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert [p for p in problems if p.severity == "error"] == [] and summary["reports"] == 5


def test_a_municipalitys_district_has_it_as_city_and_is_shown_under_it_once(site: Path):
    """江北区's city is 重庆市 in the data (so grouping by city keeps it), while its place pages
    go 重庆市 → 江北区: no city page that would repeat the province's."""
    import json

    rows = {r["slug"]: r for r in json.loads((site / "data/reports.json").read_text(encoding="utf-8"))}
    row = rows["2021-chongqing-jiangbei-sifaju"]
    assert (row["province"], row["city"], row["district"]) == ("重庆市", "重庆市", "江北区")
    assert not list((site / "places").glob("500100-*"))
    province = (site / "places/500000-chongqing/index.html").read_text(encoding="utf-8")
    assert "500105-jiangbei/index.html" in province
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "重庆市江北区" in home and "重庆市重庆市" not in home


# --- the public address ---------------------------------------------------------------------------

DEPLOY = "https://fazhi-demo.netlify.app/"
# Netlify's build environment for a production deploy (docs.netlify.com, "Environment variables").
NETLIFY_PRODUCTION = {"NETLIFY": "true", "CONTEXT": "production", "URL": DEPLOY.rstrip("/"),
                      "DEPLOY_PRIME_URL": "https://main--fazhi-demo.netlify.app",
                      "DEPLOY_URL": "https://6752a1b2c3--fazhi-demo.netlify.app"}


def absolute_links(site: Path) -> dict[str, list[str]]:
    """Where a site names its own absolute address: canonical links, citations, the sitemap,
    feed, robots.txt and the data files' url column (what a placeholder domain used to fill)."""
    import csv
    import json

    found: dict[str, list[str]] = {}
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found[page.relative_to(site).as_posix()] = (re.findall(r'<link rel="canonical" href="([^"]+)"', text)
                                                    + re.findall(r'\[引用日期\]\. (\S+)\.<', text))
    for name in ("sitemap.xml", "feed.xml"):
        if (site / name).exists():
            found[name] = re.findall(r'<(?:loc|id)>([^<]+)<|href="([^"]+)"', (site / name).read_text(encoding="utf-8"))
            found[name] = [a or b for a, b in found[name]]
    found["robots.txt"] = re.findall(r"Sitemap: (\S+)", (site / "robots.txt").read_text(encoding="utf-8"))
    found["data/reports.json"] = [r["url"] for r in json.loads((site / "data/reports.json").read_text(encoding="utf-8"))]
    found["data/figures"] = []
    for part in sorted((site / "data" / "figures").glob("*.csv")):
        with open(part, encoding="utf-8-sig", newline="") as f:
            found["data/figures"] += [row["url"] for row in csv.DictReader(f)]
    return found


@pytest.mark.slow
def test_a_netlify_deploy_gives_every_absolute_address_as_its_own(tmp_path: Path):
    """What netlify.toml's `make site` runs, in Netlify's environment: no placeholder domain anywhere,
    and every address the site gives of itself is the deploy's."""
    import subprocess
    import sys

    content = copy_content(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("FAZHI_BASE_URL", "CF_PAGES_URL")} | NETLIFY_PRODUCTION
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(tmp_path / "site")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith(f"; base URL {DEPLOY} ($URL)")
    site = tmp_path / "site"
    assert [p for p in site.rglob("*") if p.is_file() and b"example.org" in p.read_bytes()] == []
    links = absolute_links(site)
    assert sum(map(len, links.values())) > 100 and links["sitemap.xml"] and links["feed.xml"]
    assert len(links["reports/2021-chongqing-jiangbei-sifaju/index.html"]) == 2  # canonical and citation
    assert {page: [u for u in urls if not u.startswith(DEPLOY)] for page, urls in links.items()} == {page: [] for page in links}


def test_netlify_builds_with_make_site_which_leaves_the_address_to_the_environment():
    import tomllib

    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["command"] == "make site" and config["build"]["publish"] == "site"
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nsite:", 1)[1].split("\n\n", 1)[0]
    assert "-m generator build" in recipe and "--base-url" not in recipe


@pytest.mark.slow
def test_without_a_base_url_nothing_absolute_is_made_up(tmp_path: Path):
    content = copy_content(tmp_path)
    out = tmp_path / "site"
    problems, summary = build(content, out)
    assert [str(p) for p in problems] == [
        f"{content / 'site.yml'}: warning: no base URL (--base-url, FAZHI_BASE_URL, a host's own address or base_url here): "
        "the sitemap, the feed, canonical links and the citations' address are left out, and data files give each "
        "report's path in the site"]
    assert not (out / "sitemap.xml").exists() and not (out / "feed.xml").exists()
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    assert [p for p in out.rglob("*") if p.is_file() and re.search(rb"https?://[^\"<]*(?:example|/reports/)", p.read_bytes())] == []
    links = absolute_links(out)
    assert links["data/reports.json"][0] == "reports/2017-guangdong-xiangqiao-sifaju/index.html"
    assert all((out / u).is_file() for u in links["data/reports.json"] + links["data/figures"])
    assert not [u for page, urls in links.items() if not page.startswith("data/") for u in urls]
    page = (out / "reports/2021-chongqing-jiangbei-sifaju/index.html").read_text(encoding="utf-8")
    assert "重庆市江北区司法局2021年法治政府建设工作情况[EB/OL]. [引用日期]." in page and "feed.xml" not in page


def test_newest_are_the_reports_added_last_and_the_about_page_says_when(tmp_path: Path):
    """最新收录 and the feed follow ``added`` (the day ingest first read the original), not the
    year covered: a 2017 report added yesterday is news to the archive's readers."""
    import xml.dom.minidom

    content = copy_content(tmp_path)
    for slug, day in (("2017-guangdong-xiangqiao-sifaju", "2026-11-30"), ("2021-zhejiang-wucheng-sifaju", "2026-11-25")):
        md = content / "reports" / f"{slug}.md"
        md.write_text(md.read_text(encoding="utf-8").replace("added: '2026-11-22'", f"added: '{day}'"), encoding="utf-8")
    out = tmp_path / "site"
    build_ok(content, out)
    home = (out / "index.html").read_text(encoding="utf-8")
    newest = re.search(r'<h2 id="newest">.*?</ul>', home, re.S).group(0)
    slugs = re.findall(r'href="reports/([^/]+)/index.html"', newest)
    assert slugs[:2] == ["2017-guangdong-xiangqiao-sifaju", "2021-zhejiang-wucheng-sifaju"] and len(slugs) == 5
    assert "2026-11-30 收录" in newest
    feed = xml.dom.minidom.parse(str(out / "feed.xml"))
    entries = feed.getElementsByTagName("entry")
    assert entries[0].getElementsByTagName("updated")[0].firstChild.data == "2026-11-30T00:00:00Z"
    assert '<dt>最近更新</dt><dd><time datetime="2026-11-30">2026-11-30</time>' in (out / "about/index.html").read_text(encoding="utf-8")
