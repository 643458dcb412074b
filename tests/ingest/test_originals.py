"""Originals as governments publish them (generator/ingest/originals/): a web page, a PDF, a Word
document and a WARC file give the report a text original gives, and what cannot be read is one
line naming the file, its original kept."""

from __future__ import annotations

import gzip
import re

import pytest
import report_forms as forms
import yaml
from test_ingest import project

from generator.ingest.fetch import Exchange, warc_file
from generator.ingest.originals import read_original
from generator.ingest.originals.html import decode_page
from generator.ingest.run import ingest_all

FETCHED = "2026-11-30T08:00:00Z"
PAGE_URL = "https://www.yw.gov.cn/art/2024/3/15/art_1229_1.html"
# What differs between the forms of one report by nature: which file it came from, and for a
# fetched page where and when.
OWN = {"raw", "raw_sha256", "source_url", "fetched"}


def exchange(url: str, body: bytes, content_type: str, status: int = 200, reason: str = "OK", headers=()) -> Exchange:
    return Exchange(url, FETCHED, (("Host", "www.yw.gov.cn"), ("User-Agent", "test")), status, reason,
                    (("Content-Type", content_type), *headers), body)


def page_warc(page: bytes, *more: Exchange) -> bytes:
    return warc_file([exchange(PAGE_URL, page, "text/html; charset=utf-8"), *more])


def ingested(tmp_path, files: dict[str, bytes]) -> tuple[dict[str, tuple[dict, str]], list[str]]:
    """Each original's report (front-matter, body), by the original's name, and the problems as lines."""
    raw, out = project(tmp_path, files)
    outcome = ingest_all(raw, out, today="2026-12-01")
    reports = {}
    for md in out.glob("*.md"):
        head, body = md.read_text(encoding="utf-8").split("---\n", 2)[1:]
        fields = yaml.safe_load(head)
        reports[fields["raw"].rsplit("/", 1)[1]] = (fields, body)
    return reports, [str(p) for p in outcome.problems]


def plain(markdown: str) -> str:
    """A body's text without Markdown's escapes and marks and without white space: what a reader reads."""
    return re.sub(r"\s|\\(?=[\\`*_\[\]<>&~!#|])|^#+ |\|", "", re.sub(r"^#+ ", "", markdown, flags=re.M))


def test_a_report_saved_as_text_html_gbk_page_word_and_warc_gives_the_same_front_matter_and_body(tmp_path):
    files = {"a.txt": forms.as_text(), "b.html": forms.as_html(), "c.htm": forms.as_html("gbk", "gb2312"),
             "d.docx": forms.as_docx(), "e.warc.gz": page_warc(forms.as_html())}
    reports, problems = ingested(tmp_path, files)
    assert problems == []
    fields, body = reports["a.txt"]
    assert fields["title"] == forms.TITLE and fields["published"] == forms.PUBLISHED and fields["district"] == "义乌市"
    assert "| 办理法律援助案件 | 1520件 |" in body
    for name in files:
        other_fields, other_body = reports[name]
        assert {k: v for k, v in other_fields.items() if k not in OWN} == {k: v for k, v in fields.items() if k not in OWN}, name
        assert other_body == body, name
    assert "source_url" not in fields and "fetched" not in fields  # a text original has neither: the seeds' files stay as they were
    assert reports["e.warc.gz"][0]["source_url"] == PAGE_URL and reports["e.warc.gz"][0]["fetched"] == FETCHED


def test_a_report_saved_as_pdf_gives_the_same_front_matter_and_body_as_its_text(tmp_path):
    """The PDF's lines, wrapped by the page and indented, are joined back into its paragraphs."""
    reports, problems = ingested(tmp_path, {"a.txt": forms.as_text(table=False), "e.pdf": forms.as_pdf()})
    assert problems == []
    (fields, body), (pdf_fields, pdf_body) = reports["a.txt"], reports["e.pdf"]
    assert pdf_body == body
    assert {k: v for k, v in pdf_fields.items() if k not in OWN} == {k: v for k, v in fields.items() if k not in OWN}


@pytest.mark.parametrize("name, data", [
    ("a.txt", forms.as_text()), ("b.html", forms.as_html()), ("c.html", forms.as_html("gbk", "gb2312")),
    ("d.docx", forms.as_docx()), ("e.pdf", forms.as_pdf(table=True)), ("f.warc", gzip.decompress(page_warc(forms.as_html()))),
], ids=lambda v: v if isinstance(v, str) else "")
def test_fidelity_no_body_text_is_lost(name, data):
    """Every paragraph and every table cell of the report is in the text ingest reads of each form."""
    text = plain(read_original(name, data).text)
    for piece in (*forms.PARAGRAPHS, *(c for row in forms.TABLE for c in row)):
        assert plain(piece) in text, (name, piece)


def test_a_table_becomes_a_markdown_table_whose_figures_are_extracted(tmp_path):
    reports, _ = ingested(tmp_path, {"b.html": forms.as_html()})
    fields, body = reports["b.html"]
    assert "| 项目 | 数量 |\n| --- | --- |\n| 办理法律援助案件 | 1520件 |\n| 开展普法活动 | 436场 |" in body
    assert {"indicator": "legal-aid-cases", "value": 1520} in [{k: f[k] for k in ("indicator", "value")} for f in fields["figures"]]


def test_a_page_declaring_gb2312_is_read_as_gb18030():
    """喆 is in GBK and GB18030, not in GB2312: a page declaring gb2312 that uses it is still read."""
    data = forms.as_html("gbk", "gb2312").replace("义乌市司法局".encode("gbk"), "义乌市司法局喆".encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    assert "义乌市司法局喆" in decode_page(data)


def test_the_http_header_charset_wins_over_the_page_declaration_and_a_bom_over_both():
    data = forms.as_html("gbk", "utf-8")
    assert forms.TITLE in decode_page(data, "GBK")
    assert forms.TITLE in decode_page(b"\xef\xbb\xbf" + forms.as_html("utf-8", "gbk"), "GBK")


def test_a_declaration_the_bytes_do_not_fit_falls_back_to_the_strict_order():
    assert forms.TITLE in decode_page(forms.as_html("utf-8", "no-such-charset"))
    assert forms.TITLE in decode_page(forms.as_html("gbk", "utf-8"))  # not UTF-8: GB18030, as for a text original


def test_the_page_tags_fill_what_the_text_leaves_and_article_title_loses_its_site_name(tmp_path):
    """The extractor drops the page's h1 and info line; ArticleTitle, PubDate and ContentSource give them."""
    page = forms.as_html().replace(b"<h1>", b"<h1 hidden>")
    reports, _ = ingested(tmp_path, {"b.html": page})
    fields, _ = reports["b.html"]
    assert (fields["title"], fields["published"], fields["source"]) == (forms.TITLE, forms.PUBLISHED, forms.SOURCE)
    assert "义乌市人民政府网" not in fields["title"]


def test_the_index_table_gives_doc_index_and_doc_number(tmp_path):
    table = ("<table class='xxgk'><tr><td>索引号：</td><td>11330782002609525X/2024-00123</td><td>发文字号：</td>"
             "<td>义政发〔2024〕5号</td></tr><tr><td>发布机构：</td><td>义乌市人民政府</td><td>成文日期：</td><td>2024-03-10</td></tr></table>")
    # in a layout table, as sites put it: the outer row's cell holds all of the index table's text
    page = forms.as_html().replace(b'<div class="article">', ('<table><tr><td>' + table + '</td></tr></table><div class="article">').encode())
    reports, _ = ingested(tmp_path, {"b.html": page})
    fields, body = reports["b.html"]
    assert fields["doc_index"] == "11330782002609525X/2024-00123" and fields["doc_number"] == "义政发〔2024〕5号"
    assert "索引号" not in body


def test_site_id_code_settles_a_place_whose_name_is_shared(tmp_path):
    """西湖区 is in 杭州 and in 南昌; the text names neither city, the site's code (330106…) does."""
    page = (forms.as_html().decode().replace("义乌市", "西湖区").replace("3307820001", "3301060001")
            .replace("世界“小商品之都”", "美丽西湖")).encode()
    reports, problems = ingested(tmp_path, {"b.html": page})
    fields, _ = reports["b.html"]
    assert (fields["district"], fields["city"], fields["adcode"]) == ("西湖区", "杭州市", "330106"), problems
    ambiguous, problems = ingested(tmp_path / "no-code", {"b.html": page.replace(b"3301060001", b"")})
    assert ambiguous["b.html"][0]["adcode"] == "" and any("place not settled" in p for p in problems)


def test_scripts_and_page_chrome_are_not_report_text():
    text = read_original("b.html", forms.as_html()).text
    for chrome in ("不属于正文的脚本", "当前位置", "政务服务", "浙ICP备", "网站标识码"):
        assert chrome not in text


@pytest.mark.parametrize("name, data, reason", [
    ("a.html", b"<html><body><ul><li><a href='/1'>1</a></li></ul></body></html>", "no report text found in the page"),
    ("u.pdf", forms.unmapped_font_pdf(), "its text layer is garbled (60 glyphs map to no character"),
    ("l.pdf", forms.latin_pdf(), "its text layer is garbled (only 0% of its letters are Chinese characters)"),
    ("s.pdf", forms.scanned_pdf(), "a PDF with no text layer (a scan?)"),
    ("b.pdf", b"%PDF-1.4 not really", "not a readable PDF"),
    ("r.doc", b"\xd0\xcf\x11\xe0 an old Word file", "an old Word/WPS document (doc), which ingest cannot read: convert it with LibreOffice"),
    ("r.wps", b"\xd0\xcf\x11\xe0 a WPS file", "an old Word/WPS document (wps)"),
    ("b.docx", b"PK not a zip", "not a readable .docx document"),
    ("e.docx", None, "a .docx document with no text"),
    ("n.warc.gz", b"not a warc", "not a readable WARC file"),
    ("m.warc.gz", warc_file([exchange(PAGE_URL, b"gone", "text/html", 404, "Not Found")]), "holds no successful HTML response"),
], ids=lambda v: v if isinstance(v, str) and "." in v else "")
def test_an_original_that_gives_no_report_is_one_line_kept_and_the_rest_is_ingested(tmp_path, name, data, reason):
    if data is None:
        import io

        import docx

        out = io.BytesIO()
        docx.Document().save(out)
        data = out.getvalue()
    reports, problems = ingested(tmp_path, {name: data, "a.txt": forms.as_text()})
    assert list(reports) == ["a.txt"]
    mine = [p for p in problems if name in p]
    assert len(mine) == 1 and reason in mine[0], problems
    assert (tmp_path / "content" / "raw" / name).read_bytes() == data  # the original stays, as it was


def test_a_warc_whose_page_only_links_its_report_gives_the_attachments_report(tmp_path):
    listing = b"<html><head><meta charset=utf-8></head><body><p><a href='/files/report.docx'>report</a></p></body></html>"
    attachment = exchange("https://www.yw.gov.cn/files/report.docx", forms.as_docx(),
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    reports, problems = ingested(tmp_path, {"p.warc.gz": page_warc(listing, attachment), "a.txt": forms.as_text()})
    assert problems == []
    fields, body = reports["p.warc.gz"]
    assert body == reports["a.txt"][1] and fields["source_url"] == PAGE_URL and fields["fetched"] == FETCHED


def test_a_warc_page_is_decoded_by_its_http_header():
    data = warc_file([exchange(PAGE_URL, forms.as_html("gbk", "utf-8"), "text/html; charset=GBK")])
    assert forms.TITLE in read_original("p.warc.gz", data).text


def test_a_real_government_page_structure_keeps_its_paragraphs(tmp_path):
    """The layout of 保定市人民政府网's article pages (shared/realworld/html/01.html), rebuilt here with
    our own words: the article is a cell of nested layout tables, its paragraphs <p> in that cell,
    and a widget row ([打印本页] [关闭窗口]) in a table of its own. The cells are read as text,
    not as a one-cell Markdown table, and the widget row is not kept as a table."""
    paragraphs = "".join(f"<p>{p}</p>" for p in forms.PARAGRAPHS)
    page = f"""<html><head><META http-equiv="Content-Type" content="text/html; charset=utf-8">
<META content="义乌市人民政府网——{forms.TITLE}" name="ArticleTitle"><META content="{forms.PUBLISHED} 10:21" name="PubDate">
<META content="义乌市人民政府网" name="SiteName"><META content="3307820001" name="SiteIDCode"></head><body>
<table width=1000><tr><td>当前位置：首页 &gt;&gt; 法治政府建设</td></tr></table>
<table width=1000><tr><td><table><tr><td>{forms.TITLE}</td></tr></table>
<table><tr><td>发布时间：{forms.PUBLISHED} 信息发布人：管理员</td></tr></table>
<table><tr><td>{paragraphs}</td></tr></table>
<table><tr><td></td><td>[打印本页]</td><td>[关闭窗口]</td></tr></table></td></tr></table></body></html>""".encode()
    text = read_original("p.html", page).text
    for p in forms.PARAGRAPHS:
        assert f"\n{p}\n" in text
    assert "| " not in text
    reports, problems = ingested(tmp_path, {"p.html": page})
    assert reports["p.html"][0]["title"] == forms.TITLE and reports["p.html"][0]["published"] == forms.PUBLISHED


@pytest.mark.slow
def test_the_report_page_links_the_governments_page_and_offers_each_original_in_its_own_safe_format(tmp_path):
    import csv
    import json
    import shutil

    from test_ingest import ROOT

    from generator.site.build import build

    warc = page_warc(forms.as_html())
    raw, out = project(tmp_path, {"b.html": forms.as_html(), "e.warc.gz": warc, "d.docx": forms.as_docx()})
    shutil.copy(ROOT / "content" / "site.yml", tmp_path / "content" / "site.yml")
    assert [str(p) for p in ingest_all(raw, out, today="2026-12-01").problems] == []
    problems, _ = build(tmp_path / "content", tmp_path / "site", "https://fazhi.example.org/")
    assert [str(p) for p in problems if p.severity == "error"] == []
    site = tmp_path / "site"
    rows = {r["raw"].rsplit("/", 1)[1]: r for r in json.loads((site / "data" / "reports.json").read_text(encoding="utf-8"))}
    assert (rows["e.warc.gz"]["source_url"], rows["e.warc.gz"]["fetched"]) == (PAGE_URL, FETCHED)
    assert (rows["b.html"]["source_url"], rows["b.html"]["fetched"]) == ("", "")
    fetched_page = (site / "reports" / rows["e.warc.gz"]["slug"] / "index.html").read_text(encoding="utf-8")
    assert f'<a class="source-url" href="{PAGE_URL}" rel="nofollow noopener">{PAGE_URL}</a>' in fetched_page
    assert 'href="original.warc.gz" download>下载存档原件（WARC 网页存档）' in fetched_page
    assert (site / "reports" / rows["e.warc.gz"]["slug"] / "original.warc.gz").read_bytes() == warc
    page_dir = site / "reports" / rows["b.html"]["slug"]
    # A saved web page is published as text (served text/plain): its scripts never run on our origin.
    assert (page_dir / "original.html.txt").read_bytes() == forms.as_html() and not list(page_dir.glob("original.htm*[!t]"))
    assert "下载存档原件（网页源码，以纯文本提供）" in (page_dir / "index.html").read_text(encoding="utf-8")
    shown = (page_dir / "index.html").read_text(encoding="utf-8")
    assert "source-url" not in shown and "<td>办理法律援助案件</td>" in shown and "<table>" in shown
    assert (site / "reports" / rows["d.docx"]["slug"] / "original.docx").read_bytes() == (raw / "d.docx").read_bytes()
    figures = []
    for part in sorted((site / "data" / "figures").glob("*.csv")):  # a file per year
        with open(part, encoding="utf-8-sig", newline="") as f:
            figures += csv.DictReader(f)
    assert {(r["report"], r["source_url"], r["fetched"]) for r in figures} >= {(rows["e.warc.gz"]["slug"], PAGE_URL, FETCHED)}


def test_a_source_url_that_is_not_an_http_address_is_refused():
    """A link the report page would show: a javascript: address would run on our origin."""
    from pathlib import Path

    from generator.model.reading import parse_report

    report = "---\ntitle: 报告\nsource_url: 'javascript:alert(1)'\n---\n正文。\n"
    found, problems = parse_report(Path("content/reports/x.md"), report)
    assert found is None and any("source_url: 'javascript:alert(1)' is not an http(s) address" in str(p) for p in problems)




@pytest.mark.browser
def test_a_page_printed_to_pdf_by_chromium_loses_no_text_and_gives_the_same_labels(browser, tmp_path):
    """Chromium's print, as a reader saves a page: its fonts map many ideographs to radicals
    (一 as ⼀ U+2F00), its paragraphs are set apart by space, not indents."""
    page = browser.new_page()
    page.set_content(forms.as_html().decode("utf-8"))
    printed = page.pdf(format="A4")
    page.close()
    text = read_original("p.pdf", printed).text
    assert not re.search("[\u2e80-\u2fdf]", text)
    for piece in (*forms.PARAGRAPHS, *(c for row in forms.TABLE for c in row)):
        assert f"\n{piece}\n" in f"\n{text}\n" or piece in forms.TABLE[1] + forms.TABLE[2], piece
    reports, problems = ingested(tmp_path, {"a.txt": forms.as_text(), "p.pdf": printed})
    keys = ("title", "published", "district", "city", "province", "year", "publisher", "source")
    assert [reports["p.pdf"][0][k] for k in keys] == [reports["a.txt"][0][k] for k in keys], problems


def test_a_page_decoded_by_its_declaration_is_normalised_like_any_original():
    """A page read by its declared charset gets ingest's one decoding: line breaks made \\n and
    control characters dropped (they would make the feed invalid XML), a UTF-8 BOM winning over
    a wrong declaration."""
    from generator.ingest.originals.html import decode_page

    page = '<meta charset="gb2312"><p>发文字号：\x0b江北司发〔2022〕1号\r\n第二行\x01</p>'
    assert decode_page(page.encode("gb18030")) == '<meta charset="gb2312"><p>发文字号：\n江北司发〔2022〕1号\n第二行</p>'
    assert decode_page(b"\xef\xbb\xbf" + page.encode("utf-8")).endswith("第二行</p>")
