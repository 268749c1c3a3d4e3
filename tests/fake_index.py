"""A small index over documents written for one test, with the fake embedder (fast, offline)."""

from __future__ import annotations

from pathlib import Path

from index.build import build_index
from index.embed import FakeEmbedder
from index.search import Searcher
from index.store import load


def searcher_over(tmp_path: Path, files: dict[str, str]) -> Searcher:
    """Write each `name → text` under tmp_path/docs (names may hold folders), index them, open a searcher."""
    folder = tmp_path / "docs"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    embedder = FakeEmbedder()
    build_index(folder, tmp_path / "idx", embedder)
    return Searcher(load(tmp_path / "idx"), embedder)
