"""What a reader sees, in real headless Chromium: from disk and over HTTP.

Home → province → district → report → a section anchor → a topic page with no
failed request and no console error; no horizontal scrolling at 360 px and
1280 px, no element wider than the screen; a report's text within the first
screen; copy-link and copy-citation, with and without the clipboard API; the
print sheet; axe-core finds no serious or critical accessibility violation.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests.search.search_table import QUERIES, case_arg, check

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.browser

PAGE_TYPES = [
    "index.html",
    "reports/2021-chongqing-jiangbei-sifaju/index.html",
    "places/500105-jiangbei/index.html",
    "places/index.html",
    "topics/renmin-tiaojie/index.html",
    "topics/renmin-tiaojie/500000-chongqing/index.html",
    "years/2021/index.html",
    "about/index.html",
    "search/index.html",
    "indicators/index.html",
    "indicators/mediation-disputes/index.html",
    "places/330700-jinhua/index.html",
    "places/440000-guangdong/figures/2017/index.html",
    "evaluation/index.html",
    "evaluation/2021/index.html",
    "compare/index.html",
]


@pytest.fixture(scope="module")
def site(seed_site: Path) -> Path:
    return seed_site


@pytest.fixture(scope="module")
def http_root(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(params=["file", "http"])
def root(request, site: Path) -> str:
    return site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("http_root")


@pytest.fixture(scope="module")
def many_site(tmp_path_factory) -> Path:
    """The seeds three times over (15 reports): more reports than a page of results shows."""
    from generator.site.build import build

    tmp = tmp_path_factory.mktemp("many-site")
    shutil.copytree(ROOT / "content", tmp / "content")
    for md in sorted((tmp / "content" / "reports").glob("*.md")):
        for k in (2, 3):
            shutil.copy(md, md.with_name(f"{md.stem}-{k}.md"))
    problems, _ = build(tmp / "content", tmp / "site", "https://fazhi.example.org/")
    assert [str(p) for p in problems if p.severity == "error"] == []
    return tmp / "site"


def _serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(params=["file", "http"])
def many_root(request, many_site: Path):
    if request.param == "file":
        yield many_site.as_uri() + "/"
        return
    server = _serve(many_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class Watched:
    """A page that records failed requests, console errors and uncaught exceptions."""

    def __init__(self, browser, width: int = 1280, height: int = 900, **options):
        self.context = browser.new_context(viewport={"width": width, "height": height}, **options)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        # ERR_ABORTED is a load cancelled by the next navigation (the favicon, mostly), not a missing file.
        self.page.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "")
                     and self.problems.append(f"failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))
        self.page.on("request", lambda r: r.url.startswith(("http://", "https://")) and "127.0.0.1" not in r.url
                     and self.problems.append(f"external request: {r.url}"))

    def close(self):
        self.context.close()


def test_reader_walks_from_home_to_a_section_and_a_topic(browser, root: str):
    w = Watched(browser)
    page = w.page
    page.goto(root + "index.html")
    page.get_by_role("link", name="重庆市", exact=True).first.click()
    assert page.locator("h1").inner_text() == "重庆市"
    page.get_by_role("link", name="江北区", exact=True).first.click()
    assert page.locator("h1").inner_text() == "江北区"
    page.get_by_role("link", name="重庆市江北区司法局2021年法治政府建设工作情况", exact=True).first.click()
    assert "重庆市江北区司法局2021年法治政府建设工作情况" in page.locator("h1").inner_text()
    page.locator("nav.toc").get_by_role("link", name="(四)社区矫正和安置帮教工作全面强化。", exact=True).click()
    assert page.url.endswith("#s3-4")
    assert page.evaluate("document.getElementById('s3-4').getBoundingClientRect().top") < 200
    page.locator(".metadata").get_by_role("link", name="社区矫正与安置帮教", exact=True).click()
    assert page.locator("h1").inner_text() == "社区矫正与安置帮教"
    page.get_by_role("link", name="重庆市", exact=True).first.click()
    assert page.locator("h1").inner_text() == "社区矫正与安置帮教：重庆市"
    page.get_by_role("link", name="(四)社区矫正和安置帮教工作全面强化。", exact=True).first.click()
    assert page.url.endswith("reports/2021-chongqing-jiangbei-sifaju/index.html#s3-4")
    assert w.problems == []
    w.close()


def test_search_box_on_every_page_leads_to_the_search_page(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "years/2021/index.html")
    w.page.locator("#site-q").fill("行政复议")
    w.page.locator("#site-q").press("Enter")
    w.page.wait_for_load_state()
    assert "search/index.html?q=" in w.page.url
    w.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_no_horizontal_scrolling(browser, site: Path, width: int):
    w = Watched(browser, width)
    for path in PAGE_TYPES:
        w.page.goto((site / path).as_uri())
        overflow = w.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    assert w.problems == []
    w.close()


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(browser, site: Path):
    w = Watched(browser)
    w.page.goto((site / "index.html").as_uri())
    w.page.keyboard.press("Tab")
    assert w.page.evaluate("document.activeElement.textContent") == "跳到正文"
    w.page.keyboard.press("Enter")
    assert w.page.evaluate("document.activeElement.id") == "main"
    w.close()


def serious_violations(page) -> list:
    """axe-core's serious and critical violations on the page, with the first few elements of each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_serious_accessibility_violations(browser, site: Path, path: str):
    w = Watched(browser)
    w.page.goto((site / path).as_uri())
    assert serious_violations(w.page) == []
    w.close()


@pytest.mark.parametrize("path", ["reports/2021-chongqing-jiangbei-sifaju/index.html",
                                  "places/500105-jiangbei/index.html", "indicators/mediation-amount/index.html"])
def test_no_serious_accessibility_violations_on_a_phone_with_every_quote_open(browser, site: Path, path: str):
    """The stacked tables and the collapsed contents are what a phone shows: axe checks them too."""
    w = Watched(browser, 360, 740)
    w.page.goto((site / path).as_uri())
    w.page.evaluate("document.querySelectorAll('.figures details').forEach(d => { d.open = true; })")
    assert serious_violations(w.page) == []
    w.close()


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_text_contrast_holds_in_both_colour_schemes(browser, site: Path, scheme: str):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto((site / "reports/2021-chongqing-jiangbei-sifaju/index.html").as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['color-contrast']})")
    assert [v["id"] for v in result["violations"]] == []
    context.close()


def _values(page) -> list[str]:
    return page.locator("#indicator-table tbody tr td:nth-child(3) .stated").all_inner_texts()


def test_sort_buttons_reorder_the_indicator_table_with_the_keyboard(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "indicators/mediation-disputes/index.html")
    assert _values(w.page) == ["5589件", "3800余件", "1181件"]  # server order: largest first
    value_header = w.page.locator("#indicator-table thead th").nth(2)
    assert value_header.get_attribute("aria-sort") == "descending"
    button = value_header.locator("button")
    button.focus()
    w.page.keyboard.press("Enter")
    assert _values(w.page) == ["1181件", "3800余件", "5589件"]
    assert value_header.get_attribute("aria-sort") == "ascending"
    w.page.keyboard.press("Space")
    assert _values(w.page) == ["5589件", "3800余件", "1181件"]
    assert value_header.get_attribute("aria-sort") == "descending"
    year_header = w.page.locator("#indicator-table thead th").nth(1)
    year_header.locator("button").focus()
    w.page.keyboard.press("Enter")
    assert year_header.get_attribute("aria-sort") == "ascending" and value_header.get_attribute("aria-sort") is None
    years = w.page.locator("#indicator-table tbody tr td:nth-child(2)").all_inner_texts()
    assert years == sorted(years)
    assert w.problems == []
    w.close()


def test_indicator_table_is_sorted_without_javascript(browser, site: Path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "indicators/mediation-disputes/index.html").as_uri())
    assert _values(page) == ["5589件", "3800余件", "1181件"]
    assert page.locator("#indicator-table thead button").count() == 0
    context.close()


def results(page) -> list[str]:
    page.wait_for_selector('#search-results[aria-busy="false"]', state="attached", timeout=15000)
    return page.locator("#search-results > li").all_inner_texts()


def test_search_from_the_url_shows_sections_with_highlights(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=" + "行政复议")
    found = results(w.page)
    assert len(found) >= 5
    assert "找到" in w.page.locator("#search-count").inner_text()
    marks = w.page.locator("#search-results mark").all_inner_texts()
    assert marks and set(marks) == {"行政复议"}
    w.page.locator("#search-results a").first.click()
    # The link carries the words; the report page opens at the section and marks them there alone.
    w.page.wait_for_url(re.compile(r".*/reports/2021-chongqing-jiangbei-sifaju/index\.html\?hl=[^#]+#s2-6$"))
    w.page.wait_for_selector(".body mark")
    section = w.page.evaluate("""() => [...document.querySelectorAll('.body mark')].map(m => {
      let e = m; while (e.parentNode !== document.querySelector('.body')) e = e.parentNode;
      while (e && !e.classList.contains('section-heading')) e = e.previousElementSibling;
      return [m.textContent, e && e.querySelector('[id]').id]; })""")
    assert section and all(s == ["行政复议", "s2-6"] for s in section), section
    text = w.page.locator("#s2-6").evaluate("h => h.closest('.section-heading').nextElementSibling.textContent")
    assert len(section) >= text.count("行政复议") >= 1
    assert w.page.evaluate("document.getElementById('s2-6').getBoundingClientRect().top") < 900  # in view
    assert "本节标出检索词“行政复议”" in w.page.locator(".copy-status").inner_text()
    assert w.problems == []
    w.close()


@pytest.fixture(scope="module")
def recent_site(tmp_path_factory) -> Path:
    """The seeds and a copy of one of them added on a later day: a recent addition, whose postings
    are in the r/ files (generator/search/recent.py)."""
    from generator.site.build import build

    tmp = tmp_path_factory.mktemp("recent-site")
    shutil.copytree(ROOT / "content", tmp / "content")
    source = tmp / "content" / "reports" / "2021-chongqing-jiangbei-sifaju.md"
    text = source.read_text(encoding="utf-8").replace("year: 2021", "year: 2022").replace("added: '2026-11-22'", "added: '2026-11-30'")
    source.with_name("2022-chongqing-jiangbei-sifaju.md").write_text(text, encoding="utf-8")
    problems, _ = build(tmp / "content", tmp / "site", "https://fazhi.example.org/")
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert list((tmp / "site" / "search" / "r").glob("*.js"))
    return tmp / "site"


@pytest.mark.parametrize("served", [False, True])
def test_a_recent_addition_is_found_beside_the_reports_it_copies(browser, recent_site: Path, served: bool):
    server = _serve(recent_site) if served else None
    root = f"http://127.0.0.1:{server.server_address[1]}/" if server else recent_site.as_uri() + "/"
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=" + "行政复议 社区矫正")
    results(w.page)
    links = w.page.locator("#search-results a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    found = {re.search(r"reports/([^/]+)/", h)[1] for h in links if "reports/" in h}
    assert {"2021-chongqing-jiangbei-sifaju", "2022-chongqing-jiangbei-sifaju"} <= found
    assert set(w.page.locator("#search-results mark").all_inner_texts()) <= {"行政复议", "社区矫正"}
    assert w.problems == []
    w.close()
    if server:
        server.shutdown()


def test_a_phrase_jieba_does_not_cut_as_a_word_is_found_and_marked_whole(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=" + "医调委")
    found = results(w.page)
    assert found and all("湘桥" in f for f in found)
    assert set(w.page.locator("#search-results mark").all_inner_texts()) == {"医调委"}
    assert w.problems == []
    w.close()


def test_results_are_reports_with_their_best_sections(browser, root: str):
    """法律援助 is in 12 sections of the 5 seeds, 5 of them 湘桥's: one result a report."""
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=法律援助")
    found = results(w.page)
    assert len(found) == 5
    assert w.page.locator("#search-count").inner_text() == "找到 5 份报告中的 12 个章节"
    xiangqiao = w.page.locator("#search-results > li", has_text="湘桥区")
    assert "5 个章节" in xiangqiao.locator(".meta").inner_text()
    assert xiangqiao.locator("a.result-section").count() == 2
    assert set(xiangqiao.locator("mark").all_inner_texts()) == {"法律援助"}
    xiangqiao.locator("a.result-section").nth(1).click()
    assert re.search(r"/reports/2017-guangdong-xiangqiao-sifaju/index\.html\?hl=%E6%B3%95%E5%BE%8B%E6%8F%B4%E5%8A%A9#s", w.page.url)
    assert w.problems == []
    w.close()


def test_query_table_in_chromium(browser, root: str):
    """Every case of the query table, answered by the page's own code in the browser."""
    w = Watched(browser)
    w.page.goto(root + "search/index.html")
    w.page.wait_for_function("window.FAZHI_SEARCH && window.FAZHI_SEARCH.dir()")
    answers = w.page.evaluate("""async (cases) => {
      const S = window.FAZHI_SEARCH, out = [];
      for (const c of cases) {
        const want = c.startsWith('{') ? JSON.parse(c) : { q: c };
        const r = await S.search(want.q, want);
        const docs = await Promise.all(r.hits.map(S.section));
        out.push({ hits: docs.map((d) => d.slug + '#' + d.section[0]), approximate: r.approximate });
      }
      return out;
    }""", [case_arg(c) for c in QUERIES])
    wrong = []
    for case, answer in zip(QUERIES, answers):
        try:
            check(case, answer["hits"], answer["approximate"])
        except AssertionError:
            wrong.append((case_arg(case), answer["hits"]))
    assert wrong == []
    assert w.problems == []
    w.close()


def test_typing_a_query_and_using_the_keyboard(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html")
    w.page.locator("#q").fill("援法议事")
    w.page.locator("#q").press("Enter")
    found = results(w.page)
    assert "search/index.html?q=" in w.page.url and len(found) == 1 and "2 个章节" in found[0]
    assert "江苏省常州市武进区司法局2022年第一季度法治政府建设工作情况" in found[0]
    w.page.locator("#q").focus()
    for _ in range(12):
        w.page.keyboard.press("Tab")
        if w.page.evaluate("document.activeElement.className") == "result-title":
            break
    assert w.page.evaluate("document.activeElement.className") == "result-title"
    w.page.keyboard.press("Enter")
    w.page.wait_for_url(re.compile(r".*/reports/2022-jiangsu-wujin-sifaju-q1/index\.html\?hl=[^#]+#s4-1$"))
    assert w.problems == []
    w.close()


def test_a_search_on_the_search_page_runs_in_place_and_back_restores_the_last(browser, root: str):
    """The search page answers its own form without reloading (the index files it loaded stay
    loaded), puts each search in the URL and the history, and Back shows the previous one."""
    w = Watched(browser)
    w.page.goto(root + "search/index.html")
    results(w.page)
    bare_title = w.page.title()
    w.page.evaluate("window.__samePage = true")
    for query in ("行政复议", "援法议事"):
        w.page.locator("#q").fill(query)
        w.page.locator("#q").press("Enter")
        w.page.wait_for_function(f"decodeURIComponent(location.search) === '?q={query}'")
        found = results(w.page)
        assert w.page.title() == f"{query} · {bare_title}"
    assert len(found) == 1 and w.page.evaluate("window.__samePage") is True
    w.page.go_back()
    w.page.wait_for_function("document.getElementById('q').value === '行政复议'")
    assert len(results(w.page)) >= 5 and w.page.title() == f"行政复议 · {bare_title}"
    w.page.go_back()
    w.page.wait_for_function("document.getElementById('q').value === ''")
    assert results(w.page) == [] and w.page.title() == bare_title
    assert w.page.locator("#search-count").inner_text() == ""
    assert w.page.evaluate("window.__samePage") is True
    assert w.problems == []
    w.close()


def test_an_incomplete_copy_says_which_index_file_is_missing(browser, site: Path, tmp_path: Path):
    """A copy of the site missing an index file (a half-finished download or unzip) must say so,
    not answer as if the archive held no such words."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "search" / "v" / "884c.js").unlink()  # the terms starting with 行
    w = Watched(browser)
    w.page.goto(copy.as_uri() + "/search/index.html?q=行政复议")
    assert results(w.page) == []
    message = w.page.locator("#search-count").inner_text()
    assert "检索出错" in message and "search/v/884c.js" in message and "不完整" in message
    w.page.locator("#q").fill("援法议事")  # the rest of the index still answers
    w.page.locator("#q").press("Enter")
    w.page.wait_for_function("document.getElementById('search-count').textContent.indexOf('找到') >= 0")
    assert len(results(w.page)) == 1
    w.close()


def test_a_copy_without_the_search_pages_head_script_says_so(browser, site: Path, tmp_path: Path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    [head] = (copy / "assets").glob("search-head.*.js")
    head.unlink()
    w = Watched(browser)
    w.page.goto(copy.as_uri() + "/search/index.html?q=行政复议")
    assert results(w.page) == []
    message = w.page.locator("#search-count").inner_text()
    assert "检索出错" in message and "search-head.js" in message and "不完整" in message
    w.close()


def test_the_place_list_offers_the_chosen_provinces_places(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html")
    results(w.page)
    place = w.page.locator("select[name=place]")
    assert place.locator("option").all_inner_texts() == ["全部（先选省份）"]
    w.page.locator("select[name=province]").select_option("重庆市")
    assert place.locator("option").all_inner_texts() == ["全部", "江北区"]
    place.select_option("重庆市江北区")
    w.page.locator("#q").fill("行政复议")
    w.page.locator("#q").press("Enter")
    found = results(w.page)
    assert found and all("江北区" in text for text in found)
    assert "place=%E9%87%8D%E5%BA%86%E5%B8%82%E6%B1%9F%E5%8C%97%E5%8C%BA" in w.page.url
    # Opened from the URL, a place shows its province's places with it chosen.
    w.page.goto(root + "search/index.html?q=行政复议&place=重庆市江北区")
    results(w.page)
    assert place.input_value() == "重庆市江北区"
    assert w.problems == []
    w.close()


def test_filters_narrow_the_results_and_stay_in_the_url(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=行政复议&province=江西省")
    found = results(w.page)
    assert found and all("江西省" in text for text in found)
    assert w.page.locator("select[name=province]").input_value() == "江西省"
    w.close()


def test_a_query_no_report_answers_shows_no_results(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=量子计算机")
    assert results(w.page) == []
    assert "没有找到" in w.page.locator("#search-count").inner_text()
    assert w.problems == []
    w.close()


def test_changing_a_filter_runs_the_search_again(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=行政复议")
    assert len(results(w.page)) == 5
    w.page.locator("select[name=year]").select_option("2022")
    w.page.wait_for_function("location.search.indexOf('year=2022') >= 0")
    found = results(w.page)
    assert len(found) == 1 and "武进区" in found[0]
    w.page.locator("select[name=province]").select_option("江西省")
    w.page.wait_for_function("location.search.indexOf('province=') >= 0")
    assert results(w.page) == []
    assert w.problems == []
    w.close()


def test_focus_moves_to_the_results_after_a_search(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html")
    results(w.page)
    w.page.locator("#q").fill("行政复议")
    w.page.locator("#q").press("Enter")
    w.page.wait_for_function("document.activeElement.className === 'result-title'")
    assert w.page.evaluate("document.activeElement.closest('li') === document.querySelector('#search-results > li')")
    w.page.locator("#q").fill("量子计算机")
    w.page.locator("#q").press("Enter")
    w.page.wait_for_function("document.activeElement.id === 'search-count'")
    assert w.problems == []
    w.close()


def test_a_query_without_results_suggests_shorter_words_and_no_filter(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=后陈经验")
    assert results(w.page) == []
    suggest = w.page.locator("#search-suggest a")
    assert suggest.all_inner_texts() == ["后陈", "经验"]
    suggest.first.click()
    found = results(w.page)
    assert found and all("婺城区" in f for f in found)
    w.page.goto(root + "search/index.html?q=行政复议&province=江西省&year=2017")
    assert results(w.page) == []
    unfiltered = w.page.locator("#search-suggest a", has_text="不加筛选")
    assert unfiltered.get_attribute("href") == "?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE"
    unfiltered.click()
    assert len(results(w.page)) == 5
    assert w.problems == []
    w.close()


def test_more_results_loads_the_next_page_and_moves_focus(browser, many_root: str):
    w = Watched(browser)
    w.page.goto(many_root + "search/index.html?q=法治")
    assert len(results(w.page)) == 10
    assert "显示前 10 份报告" in w.page.locator("#search-count").inner_text()
    w.page.locator("#search-more").focus()
    w.page.keyboard.press("Enter")
    w.page.wait_for_function("document.querySelectorAll('#search-results > li').length > 10")
    found = results(w.page)
    assert len(found) == 15
    assert w.page.evaluate("document.activeElement.className") == "result-title"
    assert w.problems == []
    w.close()


def test_more_results_from_an_incomplete_copy_say_which_file_is_missing(browser, many_site: Path, tmp_path: Path):
    """The excerpt files of the next page are gone (a half-finished copy): the page says so and
    is no longer busy, and nothing fails unhandled (the first page's files were prefetched)."""
    copy = tmp_path / "site"
    shutil.copytree(many_site, copy)
    w = Watched(browser)
    w.page.goto(copy.as_uri() + "/search/index.html?q=法治")
    assert len(results(w.page)) == 10
    shutil.rmtree(copy / "search" / "c")
    w.page.locator("#search-more").click()
    w.page.wait_for_function("document.getElementById('search-count').textContent.indexOf('检索出错') >= 0")
    assert w.page.locator("#search-results").get_attribute("aria-busy") == "false"
    assert "search/c/" in w.page.locator("#search-count").inner_text()
    # The missing files are reported by the browser; no promise is left rejected unhandled.
    assert w.problems and not [p for p in w.problems if "Uncaught" in p or p.startswith("pageerror")], w.problems
    w.close()


def test_a_place_in_the_query_is_a_filter(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=" + "江北 行政复议")
    found = results(w.page)
    assert found and all("江北区" in text for text in found)
    assert set(w.page.locator("#search-results mark").all_inner_texts()) == {"行政复议"}
    w.page.goto(root + "search/index.html?q=婺城")
    found = results(w.page)
    assert len(found) == 1 and "婺城区" in found[0]
    assert w.problems == []
    w.close()


def test_search_loads_no_index_before_the_first_query(browser, root: str):
    w = Watched(browser)
    loaded: list[str] = []
    w.page.on("request", lambda r: loaded.append(r.url))
    w.page.goto(root + "search/index.html")
    results(w.page)
    assert not [u for u in loaded if "/search/" in u and not u.endswith(("/search/index.html", "/search/dir.js"))]
    # dir.js is asked for by the page's head, before search.js, and once: search.js's own request takes the preloaded copy
    asked = [u for u in loaded if u.endswith("/search/dir.js") or "/assets/search." in u]
    assert len(asked) == 2 and asked[0].endswith("/search/dir.js"), asked
    w.close()


def test_the_answer_by_place_lists_places_with_their_reports_and_links_on(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html?q=法律援助")
    results(w.page)
    views = w.page.locator("#search-views a")
    assert views.all_inner_texts() == ["按报告", "按地区"] and views.first.get_attribute("aria-current") == "true"
    views.nth(1).click()
    w.page.wait_for_function("location.search.indexOf('view=place') >= 0")
    assert results(w.page) == []
    assert w.page.locator("#search-count").inner_text() == "找到 5 份报告，分属 5 个地区"
    rows = w.page.locator("#search-places > li").all_inner_texts()
    assert len(rows) == 5 and all(" 1 份" in r for r in rows), rows
    assert w.page.locator("#search-views a[aria-current]").inner_text() == "按地区"
    assert w.page.evaluate("document.activeElement.textContent") == w.page.locator("#search-places a").first.inner_text()
    w.page.locator("#search-places a", has_text="江北区").click()
    w.page.wait_for_function("location.search.indexOf('view=') < 0 && location.search.indexOf('place=') >= 0")
    found = results(w.page)
    assert len(found) == 1 and "江北区" in found[0]
    assert w.page.locator("select[name=place]").input_value() == "重庆市江北区"
    assert w.page.locator("#q").input_value() == "法律援助"
    w.page.go_back()
    w.page.wait_for_function("document.querySelectorAll('#search-places > li').length === 5")
    assert w.problems == []
    w.close()


def test_opened_in_the_view_by_place_it_loads_no_excerpt_and_fits_a_phone(browser, root: str):
    w = Watched(browser, 360, 740)
    loaded: list[str] = []
    w.page.on("request", lambda r: loaded.append(r.url))
    w.page.goto(root + "search/index.html?q=行政复议&view=place")
    results(w.page)
    assert w.page.locator("#search-places > li").count() == 5
    assert not [u for u in loaded if "/search/c/" in u]
    assert any(u.endswith("/search/f/places.js") for u in loaded)
    assert w.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert w.page.locator("input[type=search]").count() == 1
    assert w.problems == []  # before axe, which reads the style sheets (refused from file://)
    assert serious_violations(w.page) == []
    w.close()


def test_a_year_or_place_typed_into_the_query_shows_in_the_filters(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "search/index.html")
    results(w.page)
    w.page.locator("#q").fill("江北区 行政复议 2021")
    w.page.locator("#q").press("Enter")
    w.page.wait_for_function("location.search.indexOf('year=2021') >= 0")
    found = results(w.page)
    assert found and all("江北区" in f for f in found)
    assert w.page.locator("#q").input_value() == "行政复议"
    assert [w.page.locator(f"select[name={n}]").input_value() for n in ("province", "place", "year")] == ["重庆市", "重庆市江北区", "2021"]
    assert w.page.evaluate("new URLSearchParams(location.search).get('q')") == "行政复议"
    # The reader removes the place in its list: the query answers without it.
    w.page.locator("select[name=place]").select_option("")
    w.page.locator("select[name=province]").select_option("")
    w.page.wait_for_function("location.search.indexOf('province=') < 0 && location.search.indexOf('place=') < 0")
    found = results(w.page)
    assert len(found) == 3 and "江北区" in " ".join(found)  # the three reports of 2021
    # A place alone lists its reports, shown in the lists too.
    w.page.locator("#q").fill("婺城")
    w.page.locator("#q").press("Enter")
    w.page.wait_for_function("location.search.indexOf('place=') >= 0")
    found = results(w.page)
    assert len(found) == 1 and "婺城区" in found[0]
    assert w.page.locator("#search-count").inner_text() == "共 1 份报告"
    assert w.page.locator("select[name=place]").input_value() == "浙江省金华市婺城区"
    assert w.problems == []
    w.close()


def test_opened_as_a_link_the_querys_vocabulary_is_asked_for_by_the_head(root: str, browser):
    """With ?q=, search-head.js (parser-blocking, in the head) asks for the vocabulary file of each
    query character that has one, before search.js runs; search.js takes those copies (one request
    a file), a character with no file (龘) is not asked for, and the page loads no search engine:
    its only scripts are its own and the index's."""
    w = Watched(browser)
    loaded: list[str] = []
    w.page.on("request", lambda r: loaded.append(r.url.removeprefix(root)))
    w.page.goto(root + "search/index.html?q=行政复议 龘")
    results(w.page)
    vocabulary = [u for u in loaded if u.startswith("search/v/")]
    query = ["search/v/884c.js", "search/v/653f.js", "search/v/590d.js", "search/v/8bae.js"]
    assert vocabulary[:4] == query and len(set(vocabulary)) == len(vocabulary), loaded
    assert "search/v/9f98.js" not in loaded
    if root.startswith("http"):  # who asked: resource timing has no entries for file://
        by = dict(w.page.evaluate("""(root) => performance.getEntriesByType('resource')
          .map((e) => [e.name.slice(root.length), e.initiatorType])""", root))
        assert [by[u] for u in query] == ["link"] * 4, by  # a preload, not search.js's script element
    others = [u for u in loaded if u.endswith(".js")
              and not re.fullmatch(r"search/(dir|[a-z]/[^/]+)\.js|assets/search(-places|-head)?\.[0-9a-f]+\.js", u)]
    assert others == [], loaded
    assert w.problems == []
    w.close()


def test_the_report_page_marks_only_words_in_the_section_it_opens_at(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + REPORT + "?hl=区司法局")  # no section named: the lead
    w.page.wait_for_selector(".body mark")
    assert w.page.evaluate("[...document.querySelectorAll('.body mark')].every(m => m.compareDocumentPosition("
                           "document.querySelector('.body .section-heading')) & Node.DOCUMENT_POSITION_FOLLOWING)")
    assert w.page.evaluate("document.querySelector('.body > p').querySelectorAll('mark').length") >= 1
    # A fragment naming no section marks nothing; words are text, never read as HTML.
    w.page.goto(root + REPORT + "?hl=司法#info")
    assert w.page.locator(".body mark").count() == 0
    w.page.goto(root + REPORT + "?hl=%3Cb%3E司法%3C/b%3E#s1")
    assert w.page.locator(".body mark").count() == 0 and w.page.locator(".body b").count() == 0
    assert w.problems == []
    w.close()


# --- the report page, as a document ---------------------------------------------------------------

REPORT = "reports/2021-chongqing-jiangbei-sifaju/index.html"
# Every page type a reader meets tables or long text on, as the issue of phones' clipping listed them.
WIDE_CONTENT = [REPORT, "places/500105-jiangbei/index.html", "places/500000-chongqing/index.html",
                "topics/renmin-tiaojie/index.html", "topics/renmin-tiaojie/500000-chongqing/index.html",
                "indicators/index.html", "indicators/mediation-disputes/index.html", "indicators/mediation-amount/index.html",
                "indicators/disputes-screened/index.html", "places/445102-xiangqiao/index.html",
                "places/440000-guangdong/figures/2017/index.html"]
SCREENS = [(1280, 800), (360, 740)]


@pytest.mark.parametrize("width, height", SCREENS)
def test_a_reports_text_begins_within_the_first_screen(browser, site: Path, width: int, height: int):
    """Title, one summary line, then the text: the metadata, contents and figures no longer come first."""
    w = Watched(browser, width, height)
    for slug in (p.stem for p in sorted((ROOT / "content" / "reports").glob("*.md"))):
        w.page.goto((site / "reports" / slug / "index.html").as_uri())
        top, line = w.page.evaluate("(() => { const p = document.querySelector('.body p'); "
                                    "return [p.getBoundingClientRect().top, parseFloat(getComputedStyle(p).lineHeight)]; })()")
        assert top + 2 * line <= height, f"{slug}: the text begins at {top:.0f}px on a {width}×{height} screen"
        assert w.page.locator(".report-head .summary").is_visible()
    assert w.problems == []
    w.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_no_element_is_wider_than_the_screen(browser, site: Path, width: int):
    """Every element inside the screen's width, with each quote opened too: tables stack on a
    phone instead of clipping (the figures table was 683 px wide in a 328 px box)."""
    w = Watched(browser, width)
    for path in WIDE_CONTENT:
        w.page.goto((site / path).as_uri())
        for opened in (False, True):
            if opened:
                w.page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            wider = w.page.evaluate("""(() => [...document.body.querySelectorAll('*')]
                .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 0.5; })
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right)))()""")
            assert wider == [], f"{path} at {width}px{' with quotes open' if opened else ''}: {wider[:5]}"
            overflow = w.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    assert w.problems == []
    w.close()


def test_on_a_phone_the_contents_are_a_collapsed_list_above_the_text(browser, site: Path):
    w = Watched(browser, 360, 740)
    w.page.goto((site / REPORT).as_uri())
    toc = w.page.locator("details.toc-box")
    assert toc.get_attribute("open") is None and w.page.locator("nav.toc").is_hidden()
    w.page.locator("details.toc-box summary").click()
    w.page.locator("nav.toc").get_by_role("link", name="(四)社区矫正和安置帮教工作全面强化。", exact=True).click()
    assert w.page.url.endswith("#s3-4")
    assert w.problems == []
    w.close()


def test_on_a_wide_screen_the_contents_stay_beside_the_text(browser, site: Path):
    w = Watched(browser, 1280, 800)
    w.page.goto((site / REPORT).as_uri())
    assert w.page.locator("details.toc-box").get_attribute("open") is not None
    box = w.page.locator("details.toc-box").bounding_box()
    text = w.page.locator(".report > .body").bounding_box()
    aside = w.page.locator(".report-aside").bounding_box()
    assert box["x"] + box["width"] <= text["x"] and text["x"] + text["width"] <= aside["x"]  # contents | text | information
    w.page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    top = w.page.evaluate("document.querySelector('details.toc-box').getBoundingClientRect().top")
    assert 0 <= top < 40  # sticky: still in view halfway down the report
    assert w.problems == []
    w.close()


def test_keyboard_reaches_the_original_through_a_skip_link(browser, site: Path):
    """86 Tabs reached 原件 before; now Tab, Tab, Enter and Tab."""
    w = Watched(browser)
    w.page.goto((site / REPORT).as_uri())
    w.page.keyboard.press("Tab")
    w.page.keyboard.press("Tab")
    assert w.page.evaluate("document.activeElement.textContent") == "跳到原件与引用"
    w.page.keyboard.press("Enter")
    assert w.page.evaluate("document.activeElement.id") == "original"
    w.page.keyboard.press("Tab")
    assert w.page.evaluate("document.activeElement.textContent") == "下载存档原件（文本）"
    w.close()


def clipboard_context(browser, **options) -> Watched:
    w = Watched(browser, **options)
    w.context.grant_permissions(["clipboard-read", "clipboard-write"])
    return w


def status(page, text: str) -> None:
    page.wait_for_function("t => document.querySelector('.copy-status').textContent.indexOf(t) >= 0", arg=text)


def test_a_headings_link_copies_the_address_of_its_section(browser, root: str):
    w = clipboard_context(browser)
    w.page.goto(root + REPORT)
    heading = w.page.locator("#s3-4")
    link = w.page.locator(".section-heading", has=heading).locator(".heading-link")
    assert link.get_attribute("aria-label") == "本节链接：(四)社区矫正和安置帮教工作全面强化。"
    link.click()
    status(w.page, "已复制本节链接")
    assert w.page.evaluate("navigator.clipboard.readText()") == root + REPORT + "#s3-4"
    assert w.page.url == root + REPORT + "#s3-4"
    assert w.problems == []
    w.close()


def test_copy_citation_copies_it_with_todays_date(browser, root: str):
    w = clipboard_context(browser)
    w.page.goto(root + REPORT)
    shown = w.page.locator("#citation-text").inner_text()
    assert "[引用日期]" in shown and "https://fazhi.example.org/reports/2021-chongqing-jiangbei-sifaju/" in shown
    w.page.get_by_role("button", name="复制引用").click()
    status(w.page, "已复制引用")
    today = w.page.evaluate("(() => { const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') "
                            "+ '-' + String(d.getDate()).padStart(2, '0'); })()")
    assert w.page.evaluate("navigator.clipboard.readText()") == shown.replace("[引用日期]", f"[{today}]")
    assert w.problems == []
    w.close()


# Where the clipboard API is missing (a page that is not a secure context) or refuses.
NO_CLIPBOARD = {
    "missing": "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});",
    "refused": "navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));",
}


@pytest.mark.parametrize("how", sorted(NO_CLIPBOARD))
def test_without_the_clipboard_the_text_is_selected_to_copy(browser, root: str, how: str):
    w = Watched(browser)
    w.context.add_init_script(NO_CLIPBOARD[how])
    w.page.goto(root + REPORT)
    w.page.get_by_role("button", name="复制引用").click()
    status(w.page, "请按 Ctrl+C")
    assert w.page.evaluate("getSelection().toString()") == w.page.locator("#citation-text").inner_text()
    w.page.locator(".section-heading", has=w.page.locator("#s1")).locator(".heading-link").click()
    status(w.page, "本节链接已选中")
    box = w.page.evaluate("(() => { const e = document.activeElement; "
                          "return [e.className, e.value, e.selectionStart, e.selectionEnd]; })()")
    address = root + REPORT + "#s1"
    assert box == ["copy-box", address, 0, len(address)]
    assert w.problems == []
    w.close()


def test_without_javascript_the_report_reads_and_no_dead_button_shows(browser, site: Path):
    w = Watched(browser, 1280, 800, java_script_enabled=False)
    w.page.goto((site / REPORT).as_uri())
    assert w.page.locator("button.copy-citation").is_hidden()
    assert w.page.locator(".body p").first.is_visible() and w.page.locator("#citation-text").is_visible()
    w.close()


def test_the_print_sheet_keeps_the_information_and_the_citation_and_drops_navigation(browser, site: Path):
    w = Watched(browser)
    w.page.emulate_media(media="print")
    w.page.goto((site / REPORT).as_uri())
    for kept in (".report-head h1", ".body", ".metadata", "#citation-text", ".original code"):
        assert w.page.locator(kept).first.is_visible(), kept
    assert "https://fazhi.example.org/reports/2021-chongqing-jiangbei-sifaju/" in w.page.locator("#citation-text").inner_text()
    for dropped in (".site-header", ".site-footer", ".breadcrumb", "details.toc-box", ".heading-link", ".related", "button"):
        assert w.page.locator(dropped).first.is_hidden(), dropped
    w.close()


# --- tables on a phone -----------------------------------------------------------------------------


def test_on_a_phone_each_figure_stands_next_to_its_indicator_and_its_quote_opens(browser, site: Path):
    w = Watched(browser, 360, 740)
    w.page.goto((site / REPORT).as_uri())
    rows = w.page.locator(".figures tbody tr")
    assert rows.count() == 18
    for i in range(rows.count()):
        name, value = (rows.nth(i).locator(f"td.{c}").bounding_box() for c in ("name", "num"))
        assert abs(name["y"] - value["y"]) < 4 and name["x"] + name["width"] <= value["x"] + 1 and value["x"] + value["width"] <= 360
    amount = rows.filter(has_text="人民调解涉及金额")
    assert amount.locator(".stated").inner_text() == "1.8亿元" and "折合 18000万元" in amount.inner_text()
    quote = amount.locator("details")
    assert quote.locator(".quote").is_hidden()
    quote.locator("summary").click()
    assert quote.locator(".quote mark").inner_text() == "1.8亿元"
    assert w.problems == []
    w.close()


def test_chips_are_links_and_the_topics_years_are_counts(browser, site: Path):
    """What looks like a link (a chip) is one; 按年份 on a topic page counts reports and links nowhere."""
    w = Watched(browser)
    for path in PAGE_TYPES:
        w.page.goto((site / path).as_uri())
        assert w.page.locator(".chips li").count() == w.page.locator(".chips li:has(a)").count(), path
    w.page.goto((site / "topics/renmin-tiaojie/index.html").as_uri())
    years = w.page.locator("section[aria-labelledby=by-year] li")
    assert years.count() >= 2 and years.locator("a").count() == 0
    assert w.page.evaluate("getComputedStyle(document.querySelector('section[aria-labelledby=by-year] li')).backgroundColor") == "rgba(0, 0, 0, 0)"
    w.close()


def test_one_search_box_a_page_and_the_menu_says_where_the_reader_is(browser, site: Path):
    w = Watched(browser)
    current = {"index.html": ("首页", "page"), "places/index.html": ("地区", "page"), "places/500105-jiangbei/index.html": ("地区", "true"),
               "search/index.html": ("检索", "page"), "indicators/mediation-disputes/index.html": ("数据", "true"), REPORT: None}
    for path in PAGE_TYPES:
        w.page.goto((site / path).as_uri())
        assert w.page.locator("input[type=search]").count() == 1, path
        marked = w.page.evaluate("[...document.querySelectorAll('nav[aria-label=主导航] a[aria-current]')]"
                                 ".map(a => [a.textContent, a.getAttribute('aria-current')])")
        if path in current:
            assert marked == ([list(current[path])] if current[path] else []), path
        else:
            assert len(marked) <= 1, path
    w.close()


COMPARED = "compare/index.html?places=500105,330702&year=2021"


def test_compare_puts_two_places_side_by_side_from_its_address(browser, root: str):
    """江北区 and 婺城区 for 2021, from disk and over HTTP: their reports, a figures table with a
    column each (whole-year and part-year figures never in one table), and each topic's sections."""
    w = Watched(browser)
    w.page.goto(root + COMPARED)
    w.page.wait_for_function("document.querySelectorAll('.compare-reports tbody tr').length > 0")
    assert "重庆市江北区、浙江省金华市婺城区，2021年" in w.page.locator("#compare-status").inner_text()
    reports = w.page.locator(".compare-reports tbody tr")
    assert reports.count() == 2
    assert "重庆市江北区司法局2021年法治政府建设工作情况" in reports.nth(0).inner_text()
    assert "婺城区司法局2021年度年终总结" in reports.nth(1).inner_text()
    table = w.page.locator("table.compare-figures").first
    assert table.locator("caption").inner_text() == "2021年全年数据"
    assert table.locator("thead th").all_inner_texts() == ["指标", "江北区", "婺城区"]
    captions = w.page.locator("table.compare-figures caption").all_inner_texts()
    assert all(c.startswith("2021年") for c in captions)
    legal_aid = table.locator("tr", has=w.page.locator("th", has_text="法律援助案件"))
    assert "1333件" in legal_aid.inner_text()  # 婺城's whole year
    topic = w.page.locator(".compare-topic", has=w.page.locator("h3", has_text="人民调解"))
    assert topic.locator(".compare-column").count() == 2
    link = topic.locator(".compare-column").first.locator("a").first
    href = link.get_attribute("href")
    assert href.startswith("../reports/2021-chongqing-jiangbei-sifaju/index.html#")
    link.click()
    assert "reports/2021-chongqing-jiangbei-sifaju/index.html#" in w.page.url
    assert w.problems == []
    w.close()


def test_compare_is_reached_from_a_place_page_and_its_choice_is_made_in_the_form(browser, root: str):
    w = Watched(browser)
    w.page.goto(root + "places/500105-jiangbei/index.html")
    with w.page.expect_navigation():
        w.page.get_by_role("link", name="对比", exact=True).click()
    assert w.page.url.endswith("compare/index.html?places=500105")
    w.page.wait_for_function("document.getElementById('compare-status').textContent !== ''")
    assert "再添加至少一个地区" in w.page.locator("#compare-status").inner_text()
    w.page.locator("#compare-add").fill("浙江省金华市婺城区")
    w.page.locator("#compare-add").press("Enter")
    w.page.locator("#compare-from").select_option("2021")
    w.page.locator("#compare-to").select_option("2021")
    with w.page.expect_navigation():
        w.page.locator("#compare-form button[type=submit]").click()
    assert w.page.url.endswith(COMPARED)
    w.page.wait_for_function("document.querySelectorAll('.compare-reports tbody tr').length > 0")
    assert w.page.locator(".compare-reports tbody tr").count() == 2
    w.page.locator("#compare-add").fill("不存在的地方")
    w.page.locator("#compare-add-button").click()
    assert "没有找到" in w.page.locator("#compare-status").inner_text()
    assert w.problems == []
    w.close()


def test_a_shared_compare_link_naming_places_it_cannot_show_says_so(browser, root: str):
    """A mistyped or stale link: an unknown code, a repeat and a non-code are left out, and the
    page names what it left out instead of dropping it silently."""
    w = Watched(browser)
    w.page.goto(root + "compare/index.html?places=999999,500105,500105,abc&year=2021")
    w.page.wait_for_function("document.querySelectorAll('.compare-reports tbody tr').length > 0")
    status = w.page.locator("#compare-status").inner_text()
    assert "999999、abc 未列入对比" in status and "再添加至少一个地区" in status
    assert w.page.locator(".compare-reports tbody tr").count() == 1
    assert w.problems == []
    w.close()


def test_compare_reads_on_a_phone_without_sideways_scrolling(browser, site: Path):
    w = Watched(browser, 360, 740)
    w.page.goto(site.as_uri() + "/" + COMPARED)
    w.page.wait_for_function("document.querySelectorAll('table.compare-figures').length > 0")
    overflow = w.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert w.problems == []
    w.close()
