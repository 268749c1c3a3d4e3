"""BM25 over jieba tokens (the only importer of bm25s)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np


class Lexical:
    """Okapi BM25 over pre-tokenised units; row i scores unit i."""

    def __init__(self, corpus: Sequence[Sequence[str]]) -> None:
        import bm25s

        # bm25s sets its own logger to DEBUG, which would print through the CLI's handler.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._size = len(corpus)
        self._bm25: Any = bm25s.BM25()
        if self._size:
            # bm25s rejects an empty document; a placeholder token keeps rows aligned.
            docs = [list(doc) or ["\x00"] for doc in corpus]
            self._bm25.index(docs, show_progress=False)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        if not self._size or not query:
            return np.zeros(self._size, dtype="float32")
        return np.asarray(self._bm25.get_scores(list(query)), dtype="float32")

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        scores = self.scores(query)
        if not len(scores):
            return []
        k = min(k, len(scores))
        rows = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(((int(r), float(scores[r])) for r in rows), key=lambda x: -x[1])
        return [(r, s) for r, s in ranked if s > 0]
