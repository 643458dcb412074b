"""Search index (检索): the files the search page loads, built from the archive."""

from __future__ import annotations


def search_assets(archive) -> dict[str, bytes]:
    """Site path → file bytes for everything the search page needs (filled in by issue 4)."""
    return {}
