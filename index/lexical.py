"""BM25 over jieba tokens (the only importer of bm25s)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_EMPTY = "\x00"  # bm25s rejects an empty document; this placeholder token keeps rows aligned


class Lexical:
    """Okapi BM25 over pre-tokenised units; row i scores unit i.

    The rows come as token ids into `vocab` and are read one at a time: given as one list of string lists,
    a million rows were one of the largest holders while bm25s indexed them (docs/quality.md "Scale").
    """

    def __init__(self, rows: Sequence[Sequence[int]], vocab: Sequence[str]) -> None:
        from bm25s.tokenization import Tokenized

        self._size = len(rows)
        self._bm25: Any = _bm25s().BM25()
        if self._size:
            ids = _ids(vocab)
            self._bm25.index(Tokenized(ids=_Filled(rows, ids[_EMPTY]), vocab=ids), show_progress=False)

    def save(self, folder: Path) -> None:
        """bm25s's own files (its matrix as .npy arrays), so that opening need not index again."""
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int, vocab: Sequence[str]) -> Lexical:
        """The index `save` wrote, its arrays mapped from the files; ValueError unless it is one over `size`
        rows of these words with this briefbot's parameters."""
        bm25s = _bm25s()
        try:
            bm25: Any = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        except (OSError, TypeError, KeyError, AttributeError, ImportError) as exc:
            raise ValueError(f"the BM25 files are unreadable ({exc})") from None
        _check_loaded(bm25, bm25s.BM25(), size, vocab)
        lexical = cls.__new__(cls)
        lexical._size, lexical._bm25 = size, bm25
        return lexical

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


def _bm25s() -> Any:
    import bm25s

    # bm25s sets its own logger to DEBUG, which would print through the CLI's handler.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _ids(vocab: Sequence[str]) -> dict[str, int]:
    """The vocabulary bm25s is given: the words, then the placeholder (unless it is a word)."""
    ids = {t: i for i, t in enumerate(vocab)}
    ids.setdefault(_EMPTY, len(ids))
    return ids


_PARAMS = ("k1", "b", "delta", "method", "idf_method", "dtype", "int_dtype", "backend")


def _check_loaded(bm25: Any, stock: Any, size: int, vocab: Sequence[str]) -> None:
    """Shapes, types and parameters: the arrays' bytes are checked against the manifest's digests before, so
    their values are not scanned here (that would read the whole matrix into memory at every open)."""
    if any(getattr(bm25, p, None) != getattr(stock, p) for p in _PARAMS):
        raise ValueError("the BM25 files were written with other parameters")
    expected = _ids(vocab)
    words = len(expected)
    expected.setdefault("", words)  # bm25s's own empty token, added after indexing
    if bm25.vocab_dict != expected or bm25.scores.get("num_docs") != size:
        raise ValueError("the BM25 files are for other rows or another vocabulary")
    data, indices, indptr = (bm25.scores.get(k) for k in ("data", "indices", "indptr"))
    arrays = (data, indices, indptr)
    if not all(isinstance(a, np.ndarray) and a.ndim == 1 for a in arrays) or data.dtype != np.float32 \
            or indices.dtype.kind not in "iu" or indptr.dtype.kind not in "iu":
        raise ValueError("the BM25 arrays have the wrong shape or type")
    if len(indices) != len(data) or len(indptr) != words + 1 or indptr[0] != 0 or indptr[-1] != len(data) \
            or bool(np.any(np.diff(indptr) < 0)):
        raise ValueError("the BM25 arrays do not fit together")


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
