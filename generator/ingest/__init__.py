"""``fazhi ingest``: content/raw originals → content/reports Markdown, faithful and labelled."""
