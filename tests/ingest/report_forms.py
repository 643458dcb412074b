"""One report, written by hand for the tests (no real text), saved in each form a government
publishes it in: plain text, a web page (UTF-8 or GBK), a Word document and a PDF.

The PDF is written by reportlab with one of the CID fonts every PDF reader knows (STSong-Light,
so nothing needs installing), its paragraphs wrapped into lines as a printed page wraps them.
"""

from __future__ import annotations

import io
from html import escape

TITLE = "义乌市2023年法治政府建设年度报告"
PUBLISHED = "2024-03-15"
SOURCE = "义乌市司法局"
# The body: paragraphs and numbered headings, then a table with figures in it.
BEFORE_TABLE = (
    "2023年，我市坚持以习近平法治思想为指导，深入推进法治政府建设，各项工作取得新成效。现将有关情况报告如下。",
    "一、主要举措和成效",
    "（一）加强党对法治政府建设的领导。市政府常务会议专题研究法治政府建设工作4次，及时研究解决法治政府建设中的重大问题，"
    "把法治政府建设纳入全市经济社会发展总体规划和年度工作计划，与经济社会发展同部署、同推进、同督促、同考核、同奖惩。",
    "（二）推进行政复议体制改革。全年收到行政复议申请312件，依法受理286件，审结271件，行政复议案件调解和解率达到35.2%，"
    "行政复议决定履行率保持100%，行政复议化解行政争议主渠道作用进一步发挥。",
    "主要数据如下：",
)
TABLE = (("项目", "数量"), ("办理法律援助案件", "1520件"), ("开展普法活动", "436场"))
AFTER_TABLE = (
    "二、存在的问题",
    "一是部分行政执法人员法治意识有待进一步提升。二是基层法治建设力量仍然薄弱，专业人才不足。",
    "三、下一步工作打算",
    "2024年，我市将继续深化法治政府建设，为高水平建设世界“小商品之都”提供坚实法治保障。",
)
PARAGRAPHS = BEFORE_TABLE + AFTER_TABLE


def table_rows() -> list[str]:
    rows = ["| " + " | ".join(r) + " |" for r in TABLE]
    return rows[:1] + ["|" + " --- |" * len(TABLE[0])] + rows[1:]


def as_text(table: bool = True) -> bytes:
    lines = [TITLE, f"发布日期：{PUBLISHED}", f"来源：{SOURCE}", *BEFORE_TABLE, *(table_rows() if table else ()), *AFTER_TABLE]
    return ("\n".join(lines) + "\n").encode("utf-8")


def as_html(encoding: str = "utf-8", declared: str | None = None, tags: bool = True) -> bytes:
    """A 政府网站 article page: navigation, breadcrumb, the CMS's meta tags, the article with its
    heading, info line and a data table, a footer. ``declared`` is the charset the page names."""
    paragraphs = lambda ps: "".join(f"<p>{escape(p)}</p>\n" if not p.endswith("成效") and "、" not in p[:2]
                                    else f"<p><strong>{escape(p)}</strong></p>\n" for p in ps)
    cells = lambda r, tag: "".join(f"<{tag}>{escape(c)}</{tag}>" for c in r)
    table = "<table border=1><tr>" + cells(TABLE[0], "th") + "</tr>" + "".join(
        f"<tr>{cells(r, 'td')}</tr>" for r in TABLE[1:]) + "</table>\n"
    meta = (f'<META content="义乌市人民政府网——{TITLE}" name="ArticleTitle">\n'
            f'<META content="{PUBLISHED} 09:30" name="PubDate">\n<META content="{SOURCE}" name="ContentSource">\n'
            '<META content="义乌市人民政府网" name="SiteName">\n<META content="3307820001" name="SiteIDCode">\n'
            '<META content="法治政府建设年度报告" name="ColumnName">\n<meta name="Keywords" content="法治政府建设">\n') if tags else ""
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared or encoding}">
{meta}<title>{escape(TITLE)}_义乌市人民政府网</title>
<script>var tracker = "不属于正文的脚本";</script></head>
<body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 法治政府建设年度报告</div>
<div class="article">
<h1>{escape(TITLE)}</h1>
<div class="info">发布日期：{PUBLISHED}　来源：{SOURCE}</div>
<div class="content">
{paragraphs(BEFORE_TABLE)}{table}{paragraphs(AFTER_TABLE)}</div>
</div>
<div class="footer"><p>主办：义乌市人民政府办公室　网站标识码：3307820001</p><p>浙ICP备00000000号</p></div>
</body></html>
"""
    return page.encode(encoding)


def as_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(f"发布日期：{PUBLISHED}")
    document.add_paragraph(f"来源：{SOURCE}")
    for p in BEFORE_TABLE:
        document.add_paragraph(p)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for row, values in zip(table.rows, TABLE):
        for cell, value in zip(row.cells, values):
            cell.text = value
    for p in AFTER_TABLE:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(paragraphs=PARAGRAPHS, table: bool = False) -> bytes:
    """The report as a printed page: title, info lines and paragraphs, wrapped, first lines
    indented (as Chinese documents are); the table, when asked for, drawn after them (a PDF keeps
    its cells' text, not that they were a table)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, firstLineIndent=0, fontSize=16, leading=28)
    out = io.BytesIO()
    story = [Paragraph(escape(TITLE), head), Paragraph(f"发布日期：{PUBLISHED}", head), Paragraph(f"来源：{SOURCE}", head)]
    story += [Paragraph(escape(p), body) for p in paragraphs]
    if table:
        story.append(Table([[Paragraph(c, body) for c in row] for row in TABLE]))
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    return out.getvalue()


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def unmapped_font_pdf() -> bytes:
    """A PDF whose text is drawn in a CID font without a Unicode map (no ToUnicode, Identity
    ordering): its glyphs are there, their characters are not (pdfminer reads (cid:…))."""
    glyphs = b"<" + b"".join(b"%04X" % (0x0100 + i) for i in range(60)) + b">"
    content = b"BT /F1 12 Tf 72 700 Td " + glyphs + b" Tj ET"
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Unmapped /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unmapped /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        b"/Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /Unmapped /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 "
        b"/Descent -120 /CapHeight 700 /StemV 80 >>",
    ])


def scanned_pdf() -> bytes:
    """A page with an image and no text layer, as a scanner makes it."""
    image = b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\n" \
            b"stream\n\x00\xff\xff\x00\nendstream"
    content = b"q 400 0 0 600 100 100 cm /Im1 Do Q"
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        image,
    ])


def latin_pdf() -> bytes:
    """A PDF whose text layer is not Chinese: what a report read with the wrong encoding gives."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)
    for i, line in enumerate(["Ê¸ÎÞÐ¡ÊÂ ÖÎÀí·¨ÖÎ Õþ¸®½¨Éè ¹¤×÷±¨¸æ"] * 6):
        c.drawString(72, 700 - 20 * i, line)
    c.save()
    return out.getvalue()
