"""The one Markdown parser every stage shares, so the model, the pages and the
search index agree on what a heading and a paragraph are."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    # html=False: report text such as "<script>" is text, never markup.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@lru_cache(maxsize=4)
def tokens_of(body: str) -> tuple:
    """The parsed tokens of a body; the model's sections and the page's HTML share one parse.

    Callers must not change the tokens (render.body_html copies the ones it marks)."""
    return tuple(parser().parse(body))
