"""BM25 over jieba tokens (the only importer of bm25s)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

_EMPTY = "\x00"  # bm25s rejects an empty document; this placeholder token keeps rows aligned


class Lexical:
    """Okapi BM25 over pre-tokenised units; row i scores unit i.

    The rows come as token ids into `vocab` and are read one at a time: given as one list of string lists,
    a million rows were one of the largest holders while bm25s indexed them (docs/quality.md "Scale").
    """

    def __init__(self, rows: Sequence[Sequence[int]], vocab: Sequence[str]) -> None:
        import bm25s
        from bm25s.tokenization import Tokenized

        # bm25s sets its own logger to DEBUG, which would print through the CLI's handler.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._size = len(rows)
        self._bm25: Any = bm25s.BM25()
        if self._size:
            ids = {t: i for i, t in enumerate(vocab)}
            placeholder = ids.setdefault(_EMPTY, len(ids))
            self._bm25.index(Tokenized(ids=_Filled(rows, placeholder), vocab=ids), show_progress=False)

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


class _Filled(Sequence[list[int]]):
    """The rows as lists, an empty one as the placeholder alone."""

    def __init__(self, rows: Sequence[Sequence[int]], placeholder: int) -> None:
        self._rows, self._placeholder = rows, placeholder

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        return list(self._rows[i]) or [self._placeholder]

    def __iter__(self) -> Iterator[list[int]]:
        return (list(row) or [self._placeholder] for row in self._rows)
