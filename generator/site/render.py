"""Rendering: templates and report bodies to strings. No I/O beyond loading templates.

Every template gets ``rel(path, anchor=None)`` (a relative link from the page
being rendered, so the site works from file://), ``asset(name)`` (the
fingerprinted copy of templates/assets/<name>), ``period_label`` (model.period_name), ``page_path`` and ``config``
(content/site.yml with the build's base URL, see generator/site/site_config.py). Archive-wide
figures (``site``) go only to the pages that show them, so that adding a report
does not change every page.
Autoescape is on for .html and .xml: report text is always escaped; the only
markup inserted unescaped is markdown-it's output, whose HTML input is disabled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it.token import Token
from markupsafe import Markup, escape

from generator.model.markdown import parser, tokens_of
from generator.model.report import Report, period_name
from generator.site import urls
from generator.site.site_config import SiteConfig


def fingerprint(name: str, data: bytes) -> str:
    """assets/site.css → assets/site.1a2b3c4d.css: the name changes when the bytes do."""
    stem, dot, ext = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:8]
    return f"assets/{stem}.{digest}.{ext}" if dot else f"assets/{name}.{digest}"


class Renderer:
    def __init__(self, templates: Path, assets: dict[str, str], config: SiteConfig):
        self.env = Environment(
            loader=FileSystemLoader(str(templates)),
            autoescape=select_autoescape(["html", "xml"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["period_label"] = period_name
        self.assets = assets
        self.config = config

    def page(self, template: str, page_path: str, **context) -> str:
        def rel(path: str, anchor: str | None = None) -> str:
            return urls.href(page_path, path, anchor)

        def asset(name: str) -> str:
            return rel(self.assets[name])

        return self.env.get_template(template).render(
            rel=rel, asset=asset, page_path=page_path, urls=urls, config=self.config, **context
        )


def json_rows(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array with one object per line (readable, diff-friendly, and written by json's
    C encoder: ``indent`` would switch to its pure-Python one, seconds at 10,000 reports), in
    pieces: the build writes them as they come, never holding the whole file (96 MB at 10,000)."""
    return json_lines(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)


def json_lines(lines: Iterable[str]) -> Iterator[str]:
    """A JSON array of values already serialised, one a line, in pieces (see ``json_rows``)."""
    first = True
    for line in lines:
        yield ("[\n" if first else ",\n") + line
        first = False
    yield "[]\n" if first else "\n]\n"


def body_html(report: Report) -> Markup:
    """The report body as HTML, each heading carrying its section's stable anchor and, beside it,
    a link to that anchor (``#``: templates/assets/report.js copies the section's address). A
    level-1 heading (an editor's ``# 编者按``) is shown as ``<h2>``: the page's one ``<h1>`` is its
    title. The link stands outside the heading, so the heading's name stays its own text."""
    tokens = list(tokens_of(report.body))
    headings = [i for i, tok in enumerate(tokens) if tok.type == "heading_open"]
    # strict: sections and headings come from the same parse, so they pair one to one
    for i, section in zip(headings, (s for s in report.sections if not s.is_lead), strict=True):
        tag = "h2" if tokens[i].tag == "h1" else tokens[i].tag
        tokens[i] = tokens[i].copy(attrs={**tokens[i].attrs, "id": section.anchor}, tag=tag)
        close = next(j for j in range(i + 1, len(tokens)) if tokens[j].type == "heading_close")
        tokens[close] = tokens[close].copy(tag=tag)
    out = []
    sections = iter(s for s in report.sections if not s.is_lead)
    for tok in tokens:
        if tok.type == "heading_open":
            section = next(sections)
            out.append(Token("html_block", "", 0, content='<div class="section-heading">'))
        out.append(tok)
        if tok.type == "heading_close":
            link = (f'<a class="heading-link" href="#{escape(section.anchor)}" '
                    f'aria-label="{escape("本节链接：" + section.heading)}">#</a></div>\n')
            out.append(Token("html_block", "", 0, content=link))
    return Markup(parser().renderer.render(out, parser().options, {}))
