"""A small index over documents written for one test, with the fake embedder (fast, offline)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from index.answer import Weights, build_answer
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


# The fake embedder's cosines are not e5's: its answers are read with the cosine floors open.
OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)


def answered_figure(searcher: Searcher, question: str, weights: Weights = OPEN) -> str | None:
    """The figure the answer gives, or None when the question is refused or the answer holds no figure."""
    a = build_answer(question, searcher, weights=weights)
    return a.figure.text if a.answered and a.figure is not None else None
