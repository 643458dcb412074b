"""The query table (tests/fixtures/search/queries.yml) and how an answer is checked against it,
shared by the Node run (test_search.py) and the Chromium run (test_browser.py)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

QUERIES = yaml.safe_load((Path(__file__).resolve().parents[1] / "fixtures" / "search" / "queries.yml")
                         .read_text(encoding="utf-8"))


def case_arg(case) -> str:
    """A case as query.js takes it: the query, or a JSON object with its filters."""
    filters = {k: str(case[k]) for k in ("province", "place", "year", "topic") if k in case}
    return json.dumps({"q": str(case["query"]), **filters}, ensure_ascii=False) if filters else str(case["query"])


def check(case, hits: list[str], approximate: bool) -> None:
    """``hits`` (slug#anchor, best first) answer ``case`` right."""
    if case.get("none"):
        assert hits == []
        return
    assert hits, case["query"]
    if "first" in case:
        assert hits[0] == case["first"]
    for expected in case.get("includes", []):
        assert expected in hits
    if "only_reports" in case:
        assert {h.split("#")[0] for h in hits} <= set(case["only_reports"])
    if "exactly" in case:
        assert hits == case["exactly"]
    assert approximate is False  # the seeds prune nothing
