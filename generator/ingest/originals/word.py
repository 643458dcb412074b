"""A Word document (.docx) → the report's text, through python-docx.

The body is read in document order, paragraphs and tables alike (python-docx's
``iter_inner_content``): a paragraph is a line (its manual line breaks too), a table becomes a
Markdown table, or, when it has a single column (a layout frame around text), its cells' lines.
Headings need nothing of their own: Chinese reports number theirs (一、, (一)), and ingest's text
rules read those numbers.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.table import Table

from generator.ingest.decode import Unusable
from generator.ingest.originals.base import Original, table_lines


def _table(table: Table) -> list[str]:
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    # Merged cells come back once per grid column: a cell is counted once per row.
    rows = [[c for i, c in enumerate(r) if i == 0 or row.cells[i]._tc is not row.cells[i - 1]._tc]
            for r, row in zip(rows, table.rows)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return [line for r in rows for c in r for line in c.split("\n")]
    return table_lines(rows)


def read_docx(data: bytes) -> Original:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unusable(f"not a readable .docx document ({type(exc).__name__}); the original is kept") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        lines += _table(block) if isinstance(block, Table) else block.text.split("\n")
    text = "\n".join(lines)
    if not text.strip():
        raise Unusable("a .docx document with no text (only images?): not ingested; the original is kept")
    return Original(text)
