"""The one Markdown parser every stage shares, so the model, the pages and the
search index agree on what a heading and a paragraph are."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    # html=False: report text such as "<script>" is text, never markup.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")  # a report's tables
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("link_open", _link_open)
    return md


def _image_as_link(self, tokens, idx, options, env) -> str:
    """An image in a report body is shown as a link to it, never loaded: the site fetches nothing
    from outside (the offline copy would reach out to the image's host). Only addresses with a
    scheme reach here (model._body_problems refuses the others)."""
    tok = tokens[idx]
    alt = self.renderInlineAsText(tok.children or [], options, env) or tok.attrGet("src")
    return (f'<a class="image-link" href="{escapeHtml(str(tok.attrGet("src")))}" rel="nofollow noopener">'
            f'图片：{escapeHtml(alt)}</a>')


def _link_open(self, tokens, idx, options, env) -> str:
    """A link leaving the archive (any address with a scheme) carries rel="nofollow noopener"."""
    tok = tokens[idx]
    if not str(tok.attrGet("href") or "").startswith("#"):
        tok = tok.copy(attrs={**tok.attrs, "rel": "nofollow noopener"})
    return self.renderToken([tok], 0, options, env)


@lru_cache(maxsize=4)
def tokens_of(body: str) -> tuple:
    """The parsed tokens of a body; the model's sections and the page's HTML share one parse.

    Callers must not change the tokens (render.body_html copies the ones it marks)."""
    return tuple(parser().parse(body))
