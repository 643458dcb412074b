"""Figures on the site: report tables that link to the sentence, indicator pages with
their table and chart, place pages over the years, data/figures/<year>.csv and .json."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import dataclasses

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.domain.figures import Indicator, load_indicators, stated_text
from generator.model.reading import load_reports
from generator.model.report import Figure
from generator.site import figure_pages, records, urls
from generator.site.build import build
from generator.site.figure_pages import CHART_ROWS, chart_svg, source_anchor

ROOT = Path(__file__).resolve().parents[2]
REPORTS, _ = load_reports(ROOT / "content" / "reports")
INDICATORS, _ = load_indicators(ROOT / "content" / "indicators.yml")
NS = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def site(seed_site: Path) -> Path:
    return seed_site


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=True)


def text(el) -> str:
    return "".join(el.itertext())


FIGURE = st.builds(Figure, st.text(max_size=12), st.floats(allow_nan=False), st.text(max_size=3), st.text(max_size=6),
                   st.text(max_size=40), st.text(max_size=2), st.none() | st.floats(allow_nan=False), st.text(max_size=8),
                   st.none() | st.integers(1, 10_000))


@given(st.lists(FIGURE, min_size=1, max_size=6))
def test_a_records_figures_come_back_from_their_packing_field_for_field(figures):
    """Records keep figures as rows of values (records._packed_figures): every field comes back,
    ``line`` too, which equality leaves out."""
    back = records._unpacked_figures.__wrapped__(records._packed_figures(tuple(figures)))
    assert [dataclasses.astuple(f) for f in back] == [dataclasses.astuple(f) for f in figures]
    assert all(type(f) is Figure for f in back)


def test_every_seed_figure_is_in_a_section_with_an_anchor():
    assert sum(len(r.figures) for r in REPORTS) == 49
    for r in REPORTS:
        for f in r.figures:
            anchor = source_anchor(r, f)
            assert anchor, (r.slug, f.quote)
            assert f.quote in next(s.text for s in r.sections if s.anchor == anchor)


def test_report_figures_table_links_to_the_anchor_holding_the_sentence(site: Path):
    for r in REPORTS:
        doc = parse(site / urls.report_page(r.slug))
        ids = {el.get("id") for el in doc.iter() if el.get("id")}
        rows = doc.findall(".//h:section[@class='figures']//h:tbody/h:tr", NS)
        assert len(rows) == len(r.figures)
        # A table per period, the whole year first, each in the report's order.
        for row, f in zip(rows, sorted(r.figures, key=lambda f: figure_pages.period_order(f.period))):
            cells = row.findall("h:td", NS)
            assert text(cells[1].find("h:span[@class='stated']", NS)) == stated_text(f)
            link = cells[2].find(".//h:a", NS)
            anchor = link.get("href").lstrip("#")
            assert anchor in ids and anchor == source_anchor(r, f)
            section = next(s for s in r.sections if s.anchor == anchor)
            assert f.quote in section.text
            name_link = cells[0].find("h:a", NS)
            assert name_link.get("href") == urls.href(urls.report_page(r.slug), urls.indicator_page(f.indicator))


def indicator_tables(doc) -> list:
    """An indicator page's tables, one per period."""
    return doc.findall(".//h:table[@class='sortable figures-table stack']", NS)


def test_indicator_pages_show_every_value_in_table_and_chart(site: Path):
    assert (site / urls.INDICATORS).is_file()
    for indicator in INDICATORS:
        page = site / urls.indicator_page(indicator.key)
        doc = parse(page)
        figures = [(r, f) for r in REPORTS for f in r.figures if f.indicator == indicator.key]
        tables = indicator_tables(doc)
        charts = list(doc.iter("{http://www.w3.org/2000/svg}svg"))
        assert len(tables) == len(charts) == len({f.period for _, f in figures})
        shown_all = []
        for table, svg in zip(tables, charts):
            rows = table.findall("h:tbody/h:tr", NS)
            values = [float(row.findall("h:td", NS)[2].get("data-value")) for row in rows]
            assert values == sorted(values, reverse=True)  # server-sorted, largest first
            shown = sorted(text(row.findall("h:td", NS)[2].find("h:span[@class='stated']", NS)) for row in rows)
            assert svg.get("role") == "img"
            assert svg.find("{http://www.w3.org/2000/svg}title") is not None
            labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if "chart-value" in t.get("class")]
            assert sorted(labels) == shown
            assert len(list(svg.iter("{http://www.w3.org/2000/svg}rect"))) == len(rows)
            shown_all += shown
        assert sorted(shown_all) == sorted(stated_text(f) for _, f in figures)
        assert "未按人口折算" in text(doc.find(".//h:p[@class='meta']", NS))  # totals, not per head


def test_a_year_and_a_part_of_one_are_never_in_one_table_or_chart(site: Path):
    """湘桥 2017 states 排查矛盾纠纷 for the year (1161起) and to the end of October (6065起): each
    in its own table and chart, each saying which period it holds, the year's first."""
    doc = parse(site / urls.indicator_page("disputes-screened"))
    tables = indicator_tables(doc)
    captions = [text(t.find("h:caption", NS)) for t in tables]
    assert [c.split("：")[1].split("，")[0] for c in captions] == ["全年数据", "截至10月底数据"]
    assert tables[0].get("id") == "indicator-table"
    cells = [[text(td.find("h:span[@class='stated']", NS)) for td in t.findall("h:tbody/h:tr/h:td[3]", NS)] for t in tables]
    assert "1161起" in cells[0] and "6065起" not in cells[0] and cells[1] == ["6065起"]
    titles = [text(svg.find("{http://www.w3.org/2000/svg}title")) for svg in doc.iter("{http://www.w3.org/2000/svg}svg")]
    assert ["全年数据" in titles[0], "截至10月底数据" in titles[1]] == [True, True]
    headings = [text(h) for h in doc.findall(".//h:main//h:h2", NS)]
    assert headings == ["全年数据", "部分期间数据：截至10月底"]
    report = parse(site / urls.report_page("2017-guangdong-xiangqiao-sifaju"))
    captions = [text(c) for c in report.findall(".//h:section[@class='figures']//h:caption", NS)]
    assert captions[0] == "全年数据" and all(c.startswith("部分期间数据：") for c in captions[1:]) and len(captions) > 1


@pytest.mark.slow
def test_an_indicator_with_more_values_than_a_page_holds_lists_them_by_province(tmp_path: Path, monkeypatch):
    """At scale an indicator's page shows its largest values and links to a page per province
    with all of that province's; every value is on one province page (the build checks links)."""
    monkeypatch.setattr(figure_pages, "TABLE_ROWS", 1)
    monkeypatch.setattr(figure_pages, "CHART_ROWS", 1)
    problems, _ = build(ROOT / "content", tmp_path / "site", "https://fazhi.example.org/")
    assert not [p for p in problems if p.severity == "error"]
    site = tmp_path / "site"
    split = 0
    for indicator in INDICATORS:
        figures = [f for r in REPORTS for f in r.figures if f.indicator == indicator.key]
        doc = parse(site / urls.indicator_page(indicator.key))
        tables = indicator_tables(doc)
        chips = doc.findall(".//h:section[@aria-labelledby='by-province']//h:li", NS)
        if len(figures) <= 1:
            assert sum(len(t.findall("h:tbody/h:tr", NS)) for t in tables) == len(figures) and not chips
            continue
        split += 1
        periods = {f.period for f in figures}
        assert [len(t.findall("h:tbody/h:tr", NS)) for t in tables] == [1] * len(periods)  # one shown of each period
        big = [p for p in periods if sum(f.period == p for f in figures) > 1]
        assert sum(f"（共 {sum(f.period == p for f in figures)} 项" in text(t.find("h:caption", NS))
                   for p in big for t in tables) >= len(big)
        assert "图中为最大的 1 项" in text(doc.find(".//h:figcaption", NS)) or not big
        shown = []
        for chip in chips:
            page = urls.resolve(urls.indicator_page(indicator.key), chip.find("h:a", NS).get("href"))
            assert page.startswith(f"indicators/{indicator.key}/") and page.count("/") == 3
            province = parse(site / page)
            cells = [row.findall("h:td", NS)[2] for t in indicator_tables(province) for row in t.findall("h:tbody/h:tr", NS)]
            assert int(text(chip.find("h:span", NS))) == len(cells)
            shown += [text(c.find("h:span[@class='stated']", NS)) for c in cells]
        assert sorted(shown) == sorted(stated_text(f) for f in figures)
    assert split >= 5


def grid(doc) -> tuple[list[str], dict[str, list[str]]]:
    """A place page's figures as (the years heading the columns, indicator → each year's cell)."""
    table = doc.find(".//h:table[@class='figures-table figures-grid stack']", NS)
    years = [text(th) for th in table.findall("h:thead/h:tr/h:th", NS)[1:]]
    return years, {text(tr.find("h:th", NS)): [text(td) for td in tr.findall("h:td", NS)] for tr in table.findall("h:tbody/h:tr", NS)}


def test_place_page_shows_its_figures_over_the_years(site: Path):
    r = next(r for r in REPORTS if r.slug == "2021-chongqing-jiangbei-sifaju")
    doc = parse(site / urls.place_page(r.adcode, r.district))
    years, rows = grid(doc)
    assert years == ["2021年"] and len(rows) == len({f.indicator for f in r.figures})
    assert rows["调解矛盾纠纷"] == ["5589件"] and rows["人民调解涉及金额"] == ["1.8亿元"]
    assert text(doc.find(".//h:title", NS)) == "江北区 · 法治报告档案"
    assert [el.get("id") for el in doc.iter() if el.get("id") == "figures-h"] == ["figures-h"]


def test_data_files_parse_and_match_the_front_matter(site: Path):
    """A CSV and a JSON file per year the reports cover, together holding every figure."""
    rows, data = [], []
    for year in ("2017", "2021", "2022"):
        raw = (site / urls.data_part("figures", year)).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        rows += csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
        part = json.loads((site / urls.data_part("figures", year, "json")).read_text(encoding="utf-8"))
        assert {d["year"] for d in part} == {int(year)}
        assert [(d["indicator"], d["adcode"]) for d in part] == sorted((d["indicator"], d["adcode"]) for d in part)
        data += part
    expected = sorted(
        (r.slug, r.place, r.year, f.indicator, f.value, f.unit, f.period, f.approx, f.quote) for r in REPORTS for f in r.figures
    )
    from_json = sorted((d["report"], d["place"], d["year"], d["indicator"], d["value"], d["unit"], d["period"], d["approx"], d["quote"]) for d in data)
    from_csv = sorted(
        (d["report"], d["place"], int(d["year"]), d["indicator"], float(d["value"]), d["unit"], d["period"], d["approx"], d["quote"]) for d in rows
    )
    assert from_json == expected
    assert from_csv == [(*e[:4], float(e[4]), *e[5:]) for e in expected]
    assert list(data[0]) == sorted(data[0])  # keys sorted
    assert "812.44" in (site / urls.data_part("figures", "2021")).read_text(encoding="utf-8-sig")
    about = (site / urls.ABOUT).read_text(encoding="utf-8")
    assert 'href="../data/figures/2021.csv"' in about and 'href="../data/figures/2021.json"' in about
    assert 'href="../data/fazhi-2021.sqlite"' in about and 'href="../data/sections/2017.csv"' in about


@pytest.mark.slow
def test_quotes_and_names_are_escaped_everywhere(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    md = content / "reports" / "2021-zhejiang-wucheng-sifaju.md"
    text_ = md.read_text(encoding="utf-8")
    evil = "全区共调解纠纷3800余件<script>alert(1)</script>。"
    text_ = text_.replace("quote: 全区共调解纠纷3800余件,调解涉案金额21827万元,保障了基层社会稳定。", f"quote: '{evil}'", 1)
    md.write_text(text_, encoding="utf-8")
    problems, _ = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert [p for p in problems if p.severity == "error"] == []
    for page in (urls.report_page(md.stem), urls.indicator_page("mediation-disputes")):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert evil in (tmp_path / "site" / urls.data_part("figures", "2021", "json")).read_text(encoding="utf-8")
    svg = chart_svg(Indicator("x", "<b>名</b>", "件", ("件",), (), (), ("{n}",)), [])
    assert "<b>" not in svg and "&lt;b&gt;" in svg


@pytest.mark.slow
def test_unknown_indicator_warns_and_the_build_goes_on(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    md = content / "reports" / "2021-zhejiang-wucheng-sifaju.md"
    md.write_text(md.read_text(encoding="utf-8").replace("indicator: pufa-activities", "indicator: pufa-events", 1), encoding="utf-8")
    problems, summary = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert [str(p) for p in problems] and all(p.severity == "warning" for p in problems)
    (warning,) = [str(p) for p in problems]
    assert re.fullmatch(r"content/reports/2021-zhejiang-wucheng-sifaju\.md:\d+: warning: figures: unknown indicator 'pufa-events' .*", warning)
    assert summary["reports"] == 5


def test_chart_is_deterministic_and_accessible():
    indicator = next(i for i in INDICATORS if i.key == "mediation-disputes")
    from types import SimpleNamespace

    from generator.site.figure_pages import indicator_rows

    class A:  # the little of an Archive the rows need: records with their figures' anchors
        records = [SimpleNamespace(report=r, slug=r.slug, figures=lambda r=r: r.figures,
                                   figure_anchors=tuple(source_anchor(r, f) for f in r.figures))
                   for r in REPORTS]
        places = {}
        indicators = INDICATORS

    rows = indicator_rows(A, indicator, A.records)
    first, second = chart_svg(indicator, rows), chart_svg(indicator, rows)
    assert first == second
    assert 'role="img"' in first and "<title" in first and "<desc" in first
    assert "5589件" in first and "3800余件" in first
    # Thousands of rows at scale: the chart draws the largest CHART_ROWS and says so.
    many = sorted(rows * 40, key=lambda row: -row.figure.value)
    svg = chart_svg(indicator, many)
    assert svg.count("<rect") == CHART_ROWS < len(many)
    assert f"共{len(many)}项数据，图中为数值最大的{CHART_ROWS}项" in svg


RANKED = st.lists(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["annual", "Q1", "H1", "截至10月底"]),
                                      st.integers(0, 4)), max_size=5),
                   min_size=1, max_size=12)


@given(RANKED, st.lists(st.integers(0, 2), min_size=12, max_size=12), st.integers(1, 4))
def test_an_indicators_own_page_shows_the_largest_figures_found_from_their_values_alone(ranked, years, rows):
    """``_largest`` picks, from the records' ``figure_values``, the figures ``indicator_rows``
    ranks first in each period (ties of value, year and place broken as the records come), and
    counts each period's, without unpacking a figure."""
    from types import SimpleNamespace
    from unittest import mock

    from generator.site.figure_pages import _largest, _ranked, by_period, indicator_rows

    base = REPORTS[0]
    made = []
    for n, values in enumerate(ranked):
        report = dataclasses.replace(base, slug=f"r{n % 5}", year=years[n] or None, adcode=["", "445102", "500105"][n % 3])
        figures = tuple(Figure(k, v, "件", p, "") for k, p, v in values)
        made.append(SimpleNamespace(report=report, slug=report.slug, figures=lambda f=figures: f,
                                    figure_anchors=(None,) * len(figures), figure_values=tuple((k, p, v) for k, p, v in values),
                                    figures_shown=(("", "all"), ("a", f"a of {n}"), ("b", f"b of {n}"))))

    class A:
        records, places, indicators = made, {}, ()

    with mock.patch.object(figure_pages, "TABLE_ROWS", rows), mock.patch.object(figure_pages, "PART_ROWS", 1):
        for key in ("a", "b"):
            groups = by_period(indicator_rows(A, SimpleNamespace(key=key), made))
            parts = sum(not g.annual for g in groups)
            expected = [(g.period, len(g.rows), [id(row.figure) for row in g.rows[:rows if g.annual else max(1, rows // parts)]])
                        for g in groups]
            found = _largest(key, _ranked(made).get(key, {}), made)
            assert [(g.period, g.total, [id(f.record.figures()[f.index]) for f in g.shown]) for g in found] == expected
            assert all(f.digest == f"{key} of {made.index(f.record)}" for g in found for f in g.shown)


def test_an_indicators_own_page_is_rendered_again_only_for_a_report_it_shows(tmp_path: Path, monkeypatch):
    """It is keyed on the figures it shows (its TABLE_ROWS largest of each period) and on counts, not
    on every report stating the indicator: correcting the title of a report below them leaves it as
    it was and renders that report's province page (all of its values) again; correcting the
    title of the report it shows renders it again."""
    monkeypatch.setattr(figure_pages, "TABLE_ROWS", 1)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    site = tmp_path / "site"
    assert not [p for p in build(content, site, "https://fazhi.example.org/")[0] if p.severity == "error"]
    stating = sorted((f.value, r.slug) for r in REPORTS for f in r.figures
                     if f.indicator == "mediation-disputes" and f.period == "annual")
    (_, below), (_, shown) = stating[0], stating[-1]
    page = site / urls.indicator_page("mediation-disputes")

    def stamp(path: Path) -> tuple[int, int]:
        return path.stat().st_ino, path.stat().st_mtime_ns

    def correct(slug: str, title: str) -> None:
        md = content / "reports" / f"{slug}.md"
        md.write_text(re.sub(r"^title: .*$", f"title: {title}", md.read_text(encoding="utf-8"), count=1, flags=re.M),
                      encoding="utf-8")
        assert not [p for p in build(content, site, "https://fazhi.example.org/")[0] if p.severity == "error"]

    before = stamp(page)
    correct(below, "更正后的标题甲")
    assert stamp(page) == before and "更正后的标题甲" not in page.read_text(encoding="utf-8")
    assert [p for p in page.parent.glob("*/index.html") if "更正后的标题甲" in p.read_text(encoding="utf-8")]
    correct(shown, "更正后的标题乙")
    assert stamp(page) != before and "更正后的标题乙" in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_places_figures_are_a_grid_of_indicators_by_years(tmp_path: Path):
    """One row per indicator, one column per year: two years of 江北 read across, where one row
    per figure repeated the report's title in every line."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    source = (content / "reports" / "2021-chongqing-jiangbei-sifaju.md").read_text(encoding="utf-8")
    later = (source.replace("year: 2021", "year: 2022").replace("调解各类矛盾纠纷5589件", "调解各类矛盾纠纷6120件")
             .replace("  value: 5589\n", "  value: 6120\n").replace("  stated: 5589件\n", "  stated: 6120件\n"))
    later = re.sub(r"- indicator: legal-aid-cases\n(?:  .*\n)+", "", later)  # not stated in 2022
    (content / "reports" / "2022-chongqing-jiangbei-sifaju.md").write_text(later, encoding="utf-8")
    problems, _ = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert [p for p in problems if p.severity == "error"] == []
    doc = parse(tmp_path / "site" / "places/500105-jiangbei/index.html")
    years, rows = grid(doc)
    assert years == ["2021年", "2022年"]
    assert rows["调解矛盾纠纷"] == ["5589件", "6120件"]
    assert rows["法律援助案件"] == ["439件", ""]
    cell = doc.findall(".//h:table[@class='figures-table figures-grid stack']/h:tbody/h:tr", NS)[0].findall("h:td", NS)[1]
    assert cell.get("data-label") == "2022年"  # what the cell says on a phone, where the columns stack
    link = cell.find(".//h:a", NS).get("href")
    assert link.startswith("../../reports/2022-chongqing-jiangbei-sifaju/index.html#s")


def test_amounts_are_shown_as_stated_with_the_value_they_are_compared_by(site: Path):
    """1.8亿元 is shown as the report wrote it; 18000 万元, what tables sort by, is said to be that."""
    report = (site / "reports/2021-chongqing-jiangbei-sifaju/index.html").read_text(encoding="utf-8")
    assert '<span class="stated">1.8亿元</span> <span class="normalised">折合 18000万元</span>' in report
    assert "<mark>1.8亿元</mark>" in report  # the figure marked in its sentence, under 原文
    page = parse(site / urls.indicator_page("mediation-amount"))
    cells = {text(td.find("h:span[@class='stated']", NS)): td.get("data-value")
             for t in indicator_tables(page) for td in t.findall("h:tbody/h:tr/h:td[3]", NS)}
    assert cells["1.8亿元"] == "18000" and cells["21827万元"] == "21827"
    rows = list(csv.DictReader(io.StringIO((site / urls.data_part("figures", "2021")).read_bytes().decode("utf-8-sig"))))
    row = next(r for r in rows if r["stated"] == "1.8亿元")
    assert (row["value"], row["unit"]) == ("18000", "万元")
    assert "未经换算" not in (site / urls.INDICATORS).read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_figure_an_editor_added_without_its_words_shows_its_value(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    md = content / "reports" / "2021-chongqing-jiangbei-sifaju.md"
    md.write_text(md.read_text(encoding="utf-8").replace("  stated: 1.8亿元\n", ""), encoding="utf-8")
    problems, _ = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert [p for p in problems if p.severity == "error"] == []
    page = (tmp_path / "site/reports/2021-chongqing-jiangbei-sifaju/index.html").read_text(encoding="utf-8")
    assert '<span class="stated">18000万元</span></td>' in page and "<mark>1.8亿元</mark>" not in page


def test_a_places_whole_year_and_part_year_figures_are_in_separate_grids(site: Path):
    """湘桥 2017: 1161起 for the year, 6065起 to the end of October; never in one cell of one grid."""
    doc = parse(site / "places/445102-xiangqiao/index.html")
    annual, part = (doc.find(f".//h:table[@id='{i}']", NS) for i in ("figures-annual", "figures-part"))
    assert "全年数据" in text(annual.find("h:caption", NS)) and "部分期间数据" in text(part.find("h:caption", NS))
    assert "1161起" in text(annual) and "6065起" not in text(annual)
    assert "6065起 截至10月底" in text(part) and "1161起" not in text(part)


def test_a_province_page_sums_up_and_each_year_has_a_page_of_its_figures(site: Path):
    """The province page counts its districts' figures by indicator and year and links to a page per
    year, which holds them, a table and a chart per period, largest first."""
    page = "places/440000-guangdong/index.html"
    doc = parse(site / page)
    summary = doc.find(".//h:table[@id='area-summary']", NS)
    assert [text(th) for th in summary.findall("h:thead/h:tr/h:th", NS)] == ["指标", "2017年"]
    row = next(tr for tr in summary.findall("h:tbody/h:tr", NS) if "排查矛盾纠纷" in text(tr.find("h:th", NS)))
    link = row.find("h:td/h:a", NS)
    assert text(link) == "2 项"
    year_page = urls.resolve(page, link.get("href").split("#")[0])
    assert year_page == urls.area_figures_page(page, 2017) == "places/440000-guangdong/figures/2017/index.html"
    assert link.get("href").endswith("#area-disputes-screened")
    assert not doc.findall(".//h:table[@class='figures-table stack area-table']", NS)  # the tables are on the year's page
    year = parse(site / year_page)
    section = year.find(".//h:section[@aria-labelledby='area-disputes-screened']", NS)
    captions = [text(c) for c in section.findall(".//h:caption", NS)]
    assert captions == ["2017年全年数据", "2017年部分期间数据：截至10月底"]
    assert len(section.findall(".//{http://www.w3.org/2000/svg}svg")) == 1  # the whole year's alone
    tables = section.findall(".//h:table", NS)
    assert "1161起" in text(tables[0]) and "6065起" not in text(tables[0]) and "6065起" in text(tables[1])


@pytest.mark.slow
def test_a_province_page_stays_small_however_many_districts_report(tmp_path: Path):
    """Forty districts of 广东 over four years: the province page holds a count per indicator and
    year, not their figures, so it grows by a column a year and a row an indicator, never by a
    district; each year's page holds every figure of that year."""
    from generator.domain.places import divisions

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    source = (content / "reports" / "2017-guangdong-xiangqiao-sifaju.md").read_text(encoding="utf-8")
    counties = [d for d in divisions() if d.province == "广东省" and d.kind == "county" and not d.historical][:40]
    for n, d in enumerate(counties):
        year = 2017 + n % 4
        text_ = (source.replace("district: 湘桥区", f"district: {d.name}").replace("city: 潮州市", f"city: {d.city}")
                 .replace("adcode: '445102'", f"adcode: '{d.code}'").replace("year: 2017", f"year: {year}")
                 .replace("value: 1161\n", f"value: {1000 + n}\n").replace("stated: 1161起", f"stated: {1000 + n}起"))
        (content / "reports" / f"{year}-guangdong-x{n}.md").write_text(text_, encoding="utf-8")
    problems, _ = build(content, tmp_path / "site", "https://fazhi.example.org/")
    assert [p for p in problems if p.severity == "error"] == []
    site = tmp_path / "site"
    page = "places/440000-guangdong/index.html"
    doc = parse(site / page)
    # No table or chart of the districts' figures: those are on the years' pages.
    assert not doc.findall(".//h:table[@class='figures-table stack area-table']", NS)
    assert not list(doc.iter("{http://www.w3.org/2000/svg}svg"))
    summary = doc.find(".//h:table[@id='area-summary']", NS)
    assert [text(th) for th in summary.findall("h:thead/h:tr/h:th", NS)][1:] == ["2020年", "2019年", "2018年", "2017年"]
    row = next(tr for tr in summary.findall("h:tbody/h:tr", NS) if "排查矛盾纠纷" in text(tr.find("h:th", NS)))
    assert [text(td) for td in row.findall("h:td", NS)] == ["20 项", "20 项", "20 项", "22 项"]  # 湘桥 itself in 2017
    shown = []
    for year in (2017, 2018, 2019, 2020):
        doc = parse(site / urls.area_figures_page(page, year))
        table = doc.find(".//h:section[@aria-labelledby='area-disputes-screened']//h:table", NS)
        assert text(table.find("h:caption", NS)) == f"{year}年全年数据"
        values = [int(text(a).rstrip("起")) for a in table.findall("h:tbody/h:tr/h:td[2]/h:a", NS)]
        assert values == sorted(values, reverse=True)
        shown += values
        others = [urls.resolve(urls.area_figures_page(page, year), a.get("href"))
                  for a in doc.findall(".//h:nav[@aria-label='其他年份']//h:a", NS)]
        assert others == [urls.area_figures_page(page, y) for y in (2020, 2019, 2018, 2017) if y != year]
    assert sorted(shown) == sorted([1161] + [1000 + n for n in range(len(counties))])


def test_a_new_place_rewrites_its_own_provinces_indicator_pages_only(tmp_path: Path, monkeypatch):
    """Indicator pages are keyed on their own province's places (their rows link to them): a
    report from a new place re-renders that province's pages and the indicators' own, where a
    digest of every place re-rendered every province's page of every indicator."""
    monkeypatch.setattr(figure_pages, "TABLE_ROWS", 1)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    site = tmp_path / "site"
    problems, _ = build(content, site, "https://fazhi.example.org/")
    assert not [p for p in problems if p.severity == "error"]
    def pages() -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(site)): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in (site / "indicators").glob("*/*/index.html")}
    before = pages()
    original = (content / "reports" / "2017-guangdong-xiangqiao-sifaju.md").read_text(encoding="utf-8")
    copy = original.replace("district: 湘桥区", "district: 饶平县").replace("adcode: '445102'", "adcode: '445122'")
    (content / "reports" / "2017-guangdong-raoping-sifaju.md").write_text(copy, encoding="utf-8")
    problems, _ = build(content, site, "https://fazhi.example.org/")
    assert not [p for p in problems if p.severity == "error"]
    after = pages()
    rewritten = {p for p in before if after.get(p) != before[p]}
    assert rewritten and all("440000-guangdong" in p for p in rewritten)
    assert any("440000-guangdong" not in p for p in before.keys() - rewritten)
