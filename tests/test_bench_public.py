"""The measuring scripts reach the library through its public names only, so a refactor inside index/ is free."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from paths import ROOT

SCRIPTS = sorted((ROOT / "bench").glob("*.py"))


def _private_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "index":
            found += [f"from {node.module} import {a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            found.append(f".{node.attr} (line {node.lineno})")
    return found


def test_there_are_scripts() -> None:
    assert len(SCRIPTS) >= 10


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_bench_scripts_use_public_names_only(script: Path) -> None:
    assert _private_uses(ast.parse(script.read_text(encoding="utf-8"))) == []
