"""The package's layout is the pipeline: each stage imports only the stages above it (README, Layout)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
# core, then model, then domain; ingest and search stand side by side; the site may use all of them.
ORDER = {"core": 0, "model": 1, "domain": 2, "ingest": 3, "search": 3, "site": 4}


def imported_stages(path: Path) -> set[str]:
    stages = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            parts = name.split(".")
            if parts[0] == "generator" and len(parts) > 1:
                stages.add(parts[1])
            if isinstance(node, ast.ImportFrom) and name == "generator":  # from generator import site
                stages.update(a.name for a in node.names)
    return stages & ORDER.keys()


@pytest.mark.parametrize("stage", sorted(ORDER))
def test_a_stage_imports_only_the_stages_above_it(stage: str):
    wrong = {str(p.relative_to(PACKAGE)): sorted(s for s in imported_stages(p) if s != stage and ORDER[s] >= ORDER[stage])
             for p in sorted((PACKAGE / stage).rglob("*.py"))}
    assert {path: stages for path, stages in wrong.items() if stages} == {}


def test_every_module_is_in_a_stage_but_the_commands():
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "check.py", "cli.py"]
