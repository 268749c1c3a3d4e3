"""Hybrid retrieval: dense FAISS search and BM25, fused by reciprocal rank."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index import store
from index.doc_profiles import evidence_label
from index.embed import Embedder
from index.evidence import squash
from index.lexical import Lexical
from index.profile import stage
from index.query import Query
from index.records import Briefing, Sentence
from index.terms import TermIndex

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60  # the usual constant; measured against 10 and 30 in docs/quality.md


@dataclass(frozen=True)
class Hit:
    """One retrieved sentence with the evidence for it."""

    row: int
    file: str
    sentence: int
    fused: float
    dense: float | None = None  # cosine similarity; None when not among the dense candidates
    lexical: float = 0.0  # BM25 score, 0 when not among the lexical candidates


class Searcher:
    """Retrieval over one loaded snapshot; immutable, so safe to share between threads."""

    def __init__(self, snapshot: store.Snapshot, embedder: Embedder) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.lexical = Lexical([u.tokens for u in snapshot.units])
        self.row_of = {(u.file, u.sentence): i for i, u in enumerate(snapshot.units)}
        df: Counter[str] = Counter()
        for u in snapshot.units:
            df.update(set(u.tokens_own))
        n = max(len(snapshot.units), 1)
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self._idf_unknown = math.log(1 + n)

        by_file: dict[str, list[int]] = {}
        for i, u in enumerate(snapshot.units):
            by_file.setdefault(u.file, []).append(i)
        self._rows_of_file = {f: np.asarray(r, dtype=np.int64) for f, r in by_file.items()}
        # A key term counts when it is in the document's name as evidence or in its text ("\x00" keeps them apart).
        self._terms = TermIndex(
            {f: squash(evidence_label(b)) + "\x00" + squash(b.text) for f, b in snapshot.briefings.items()}
        )
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

    def encode_query(self, text: str) -> np.ndarray:
        """The question's vector; index.query.Query calls this once per question and keeps it."""
        with stage("encode"):
            return np.asarray(self.embedder.encode_queries([text])[0], dtype="float32")

    def dense(self, query: Query, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k rows by cosine: FAISS over everything, or an exact scan of the given rows."""
        if not self.snapshot.units:
            return []
        vector = query.vector
        with stage("dense"):
            if rows is not None:
                return _top(rows, self.snapshot.rows(rows) @ vector, k)
            scores, found = store.search_vectors(self.snapshot.vectors, vector[None, :], k)
            return [(int(r), float(s)) for r, s in zip(found[0], scores[0], strict=True) if r >= 0]

    def rows_of(self, files: Iterable[str]) -> np.ndarray:
        return np.concatenate([self._rows_of_file[f] for f in files] or [np.zeros(0, dtype=np.int64)])

    def files_naming(self, terms: Iterable[str]) -> list[str]:
        """The documents whose evidence name or text (without spaces) holds every term."""
        return self._terms.containing(terms)

    def search(
        self, query: Query, k: int = 30, mode: Mode = "hybrid", pool: int = 100, files: Iterable[str] | None = None
    ) -> list[Hit]:
        """The k best sentences for a question, best first; within the given documents when named."""
        rows = self.rows_of(files) if files is not None else None
        dense = self.dense(query, pool, rows) if mode != "lexical" else []
        with stage("lexical"):
            if mode == "dense":
                lexical: list[tuple[int, float]] = []
            elif rows is not None:
                scores = self.lexical.scores(query.tokens)[rows]
                lexical = [(r, s) for r, s in _top(rows, scores, pool) if s > 0]
            else:
                lexical = self.lexical.top(query.tokens, pool)
        fused: dict[int, float] = {}
        for ranked in (dense, lexical):
            for rank, (row, _) in enumerate(ranked):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        dense_of, lexical_of = dict(dense), dict(lexical)
        best = sorted(fused, key=lambda r: -fused[r])[:k]
        return [
            Hit(
                row=r, file=self.snapshot.units[r].file, sentence=self.snapshot.units[r].sentence,
                fused=fused[r], dense=dense_of.get(r), lexical=lexical_of.get(r, 0.0),
            )
            for r in best
        ]

    def dense_scores(self, query: Query, rows: list[int]) -> np.ndarray:
        """Cosine similarity of the question with given rows (for rows outside the candidate pool)."""
        if not rows:
            return np.zeros(0, dtype="float32")
        vector = query.vector
        with stage("dense"):
            return np.asarray(self.snapshot.rows(np.asarray(rows)) @ vector, dtype="float32")


def _top(rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    if not len(rows):
        return []
    k = min(k, len(rows))
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(int(rows[i]), float(scores[i])) for i in best]
