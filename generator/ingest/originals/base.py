"""What ingest reads of an original, whatever its form."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Original:
    """What ingest reads of one original."""

    text: str  # the report's text: metadata lines, title, body (tables as Markdown table rows)
    source_url: str = ""  # where it was taken from (a WARC's target URL)
    fetched: str = ""  # when, ISO 8601 UTC (the WARC record's date)
    site_code: str = ""  # the page's SiteIDCode tag: it opens with the site's division code (1306000033 → 130600)
    site_clues: str = ""  # the page's SiteName, ColumnName and Keywords tags: text that may name its place


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as Markdown table rows, the first row its header: the figures in its cells stay in
    the body, where figure extraction reads them. A cell's own line breaks become spaces and a
    '|' becomes '｜', so that a cell stays one cell."""
    width = max(len(r) for r in rows)
    cells = [[" ".join(c.split()).replace("|", "｜") for c in r] + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(r) + " |" for r in cells]
    return lines[:1] + ["|" + " --- |" * width] + lines[1:]
