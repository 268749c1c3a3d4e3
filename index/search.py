"""Hybrid retrieval: dense FAISS search and BM25, fused by reciprocal rank."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index import store
from index.embed import Embedder
from index.lexical import Lexical
from index.records import Briefing, Sentence
from index.tokenize import query_tokens

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60  # the usual constant; measured against 10 and 30 in docs/quality.md


@dataclass(frozen=True)
class Hit:
    """One retrieved sentence with the evidence for it."""

    row: int
    file: str
    sentence: int
    fused: float
    dense: float = 0.0  # cosine similarity, 0 when not among the dense candidates
    lexical: float = 0.0  # BM25 score, 0 when not among the lexical candidates


class Searcher:
    """Retrieval over one loaded snapshot; immutable, so safe to share between threads."""

    def __init__(self, snapshot: store.Snapshot, embedder: Embedder) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.lexical = Lexical([u.tokens for u in snapshot.units])
        self.row_of = {(u.file, u.sentence): i for i, u in enumerate(snapshot.units)}
        self._last_query: tuple[str, np.ndarray] | None = None
        df: Counter[str] = Counter()
        for u in snapshot.units:
            df.update(set(u.tokens_own))
        n = max(len(snapshot.units), 1)
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self._idf_unknown = math.log(1 + n)

        self._sections: dict[tuple[str, tuple[str, ...]], str] = {}
        for b in snapshot.briefings.values():
            parts: dict[tuple[str, ...], list[str]] = {}
            for sent in b.sentences:
                parts.setdefault(sent.section, []).append(sent.text)
            for section, texts in parts.items():
                self._sections[(b.file, section)] = "".join("".join(texts).split())

    def section_text(self, file: str, section: tuple[str, ...]) -> str:
        """All the text of one section, without spaces: where a figure's subject is usually named."""
        return self._sections.get((file, section), "")

    def idf(self, token: str) -> float:
        """Inverse document frequency over the indexed units; rare words weigh more."""
        return self._idf.get(token, self._idf_unknown)

    def sentence(self, row: int) -> tuple[Briefing, Sentence]:
        unit = self.snapshot.units[row]
        briefing = self.snapshot.briefings[unit.file]
        return briefing, briefing.sentences[unit.sentence]

    def query_vector(self, question: str) -> np.ndarray:
        # Re-scoring asks for the same question's vector again: encoding is the costly step.
        cached = self._last_query
        if cached is not None and cached[0] == question:
            return cached[1]
        vector: np.ndarray = np.asarray(self.embedder.encode_queries([question])[0], dtype="float32")
        self._last_query = (question, vector)
        return vector

    def dense(self, question: str, k: int) -> list[tuple[int, float]]:
        if not self.snapshot.units:
            return []
        query = self.query_vector(question)[None, :]
        scores, rows = store.search_vectors(self.snapshot.vectors, query, k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def search(self, question: str, k: int = 30, mode: Mode = "hybrid", pool: int = 100) -> list[Hit]:
        """The k best sentences for a question, best first."""
        dense = self.dense(question, pool) if mode != "lexical" else []
        lexical = self.lexical.top(query_tokens(question), pool) if mode != "dense" else []
        fused: dict[int, float] = {}
        for ranked in (dense, lexical):
            for rank, (row, _) in enumerate(ranked):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        dense_of, lexical_of = dict(dense), dict(lexical)
        best = sorted(fused, key=lambda r: -fused[r])[:k]
        return [
            Hit(
                row=r, file=self.snapshot.units[r].file, sentence=self.snapshot.units[r].sentence,
                fused=fused[r], dense=dense_of.get(r, 0.0), lexical=lexical_of.get(r, 0.0),
            )
            for r in best
        ]

    def dense_scores(self, question: str, rows: list[int]) -> np.ndarray:
        """Cosine similarity of the question with given rows (for rows outside the candidate pool)."""
        if not rows:
            return np.zeros(0, dtype="float32")
        query = self.query_vector(question)
        vecs = np.stack([self.snapshot.vectors.reconstruct(int(r)) for r in rows])
        return np.asarray(vecs @ query, dtype="float32")
