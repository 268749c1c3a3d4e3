"""Hybrid retrieval: dense FAISS search and BM25, fused by reciprocal rank."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index import store
from index.columns import UNITS_CACHED, SentenceTable, UnitTable
from index.embed import Embedder
from index.evidence import evidence_labels, squash, term_texts
from index.lexical import Lexical
from index.profile import stage
from index.query import Query
from index.records import Briefing, Sentence
from index.terms import TermIndex

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60  # the usual constant; measured against 10 and 30 in docs/quality.md
_NO_ROWS = np.zeros(0, dtype=np.int64)
_SECTIONS_CACHED = 4096  # sections whose squashed text is kept; not tuned: many questions' candidates fit


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
        units = snapshot.units
        self.lexical = snapshot.lexical or Lexical(units.token_rows(), units.vocab)
        self._ivf = snapshot.plan.kind == "ivf"
        self._word_ids = {t: i for i, t in enumerate(units.vocab)}
        self._idf, self._idf_unknown = _idf(units)
        order = np.lexsort((units.sentences, units.file_ids))  # rows by file, then by sentence
        bounds = np.searchsorted(units.file_ids[order], np.arange(len(units.files) + 1))
        self._rows_of_file = {f: order[bounds[i]:bounds[i + 1]] for i, f in enumerate(units.files)}
        self.row_of = _RowOf(self._rows_of_file, units.sentences)
        # A question's features read each candidate's sentence several times: made once while in use.
        self._sentence = functools.lru_cache(maxsize=UNITS_CACHED)(self._make_sentence)
        # Per searcher, so a swapped-in index never answers from the old one's sections.
        self._section_text = functools.lru_cache(maxsize=_SECTIONS_CACHED)(
            functools.partial(_section_text, snapshot.briefings))
        # Each question reads the labels of the documents its key terms name: made once, not per question.
        self._labels = evidence_labels(snapshot.briefings)
        # A key term counts when it is in the document's name as evidence or in its text.
        self._terms = TermIndex(term_texts(snapshot.briefings, self._labels), snapshot.terms)

    def evidence_label(self, file: str) -> str:
        """A document's name as evidence (index.doc_profiles.evidence_label), without spaces."""
        return self._labels[file]

    def section_text(self, file: str, section: tuple[str, ...]) -> str:
        """All the text of one section, without spaces: where a figure's subject is usually named."""
        return self._section_text(file, section)

    def idf(self, token: str) -> float:
        """Inverse document frequency over the indexed units; rare words weigh more."""
        i = self._word_ids.get(token)
        value = math.nan if i is None else float(self._idf[i])
        return self._idf_unknown if math.isnan(value) else value

    def holds(self, token: str) -> bool:
        """Whether any indexed unit has this token."""
        i = self._word_ids.get(token)
        return i is not None and not math.isnan(float(self._idf[i]))

    def sentence(self, row: int) -> tuple[Briefing, Sentence]:
        return self._sentence(row)

    def _make_sentence(self, row: int) -> tuple[Briefing, Sentence]:
        units = self.snapshot.units
        briefing = self.snapshot.briefings[units.file(row)]
        return briefing, briefing.sentences[units.sentence(row)]

    def encode_query(self, text: str) -> np.ndarray:
        """The question's vector; index.query.Query calls this once per question and keeps it."""
        with stage("encode"):
            return np.asarray(self.embedder.encode_queries([text])[0], dtype="float32")

    def dense(self, query: Query, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k rows by cosine: FAISS over everything, or exactly over the given rows."""
        if not self.snapshot.units:
            return []
        vector = query.vector
        with stage("dense"):
            if rows is not None and not self._select(rows):
                return _top(rows, self.snapshot.scores(rows, vector), k)
            if rows is not None:
                scores, found = store.search_within(self.snapshot.vectors, vector, rows, k)
            else:
                scores, found = store.search_vectors(self.snapshot.vectors, vector[None, :], k)
            return [(int(r), float(s)) for r, s in zip(found[0], scores[0], strict=True) if r >= 0]

    def _select(self, rows: np.ndarray) -> bool:
        """Many rows of an IVF: one pass with them as a selector beats reading each back (store.SELECT_FROM_SHARE)."""
        return self._ivf and len(rows) >= store.SELECT_FROM_SHARE * len(self.snapshot.units)

    def rows_of(self, files: Iterable[str]) -> np.ndarray:
        return np.concatenate([self._rows_of_file[f] for f in files] or [_NO_ROWS])

    def files_naming(self, terms: Iterable[str]) -> list[str]:
        """The documents whose evidence name or text (without spaces) holds every term."""
        return self._terms.containing(terms)

    def search(
        self, query: Query, k: int = 30, mode: Mode = "hybrid", pool: int = 100, files: Iterable[str] | None = None,
        each: int = 0, lexical_weight: float = 1.0,
    ) -> list[Hit]:
        """The k best sentences for a question, best first; within the given documents when named.

        The `each` best of either list join them whatever their fused rank: a short sentence the words single out
        ("城镇新增就业17.78万人。") can rank past 200th by cosine among a report's long ones, and fusion alone
        would leave it out.
        """
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
        for ranked, weight in ((dense, 1.0), (lexical, lexical_weight)):
            for rank, (row, _) in enumerate(ranked):
                fused[row] = fused.get(row, 0.0) + weight / (RRF_K + rank + 1)
        dense_of, lexical_of = dict(dense), dict(lexical)
        best = sorted(fused, key=lambda r: -fused[r])[:k]
        for ranked in (dense, lexical):
            best += [r for r, _ in ranked[:each] if r not in best]
        units = self.snapshot.units
        return [
            Hit(
                row=r, file=units.file(r), sentence=units.sentence(r),
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
            return self.snapshot.scores(np.asarray(rows), vector)


def _idf(units: UnitTable) -> tuple[np.ndarray, float]:
    """Each vocabulary id's inverse document frequency over the units' own tokens (NaN where none holds it)."""
    df = units.document_frequencies()
    n = max(len(units), 1)
    # math.log, one word at a time, as before: the same weights to the last bit.
    return np.array([math.log(1 + n / c) if c else math.nan for c in df.tolist()]), math.log(1 + n)


class _RowOf(Mapping[tuple[str, int], int]):
    """(file, sentence) → row, from each file's rows in sentence order."""

    def __init__(self, rows_of_file: dict[str, np.ndarray], sentences: np.ndarray) -> None:
        self._rows_of_file, self._sentences = rows_of_file, sentences

    def __getitem__(self, key: tuple[str, int]) -> int:
        rows = self._rows_of_file.get(key[0], _NO_ROWS)
        i = int(np.searchsorted(self._sentences[rows], key[1]))
        if i == len(rows) or self._sentences[rows[i]] != key[1]:
            raise KeyError(key)
        return int(rows[i])

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return ((f, int(self._sentences[r])) for f, rows in self._rows_of_file.items() for r in rows)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows_of_file.values())


def _section_text(briefings: Mapping[str, Briefing], file: str, section: tuple[str, ...]) -> str:
    b = briefings.get(file)
    if b is None:
        return ""
    sentences = b.sentences
    texts = (sentences.texts_in(section) if isinstance(sentences, SentenceTable)
             else [s.text for s in sentences if s.section == section])
    return squash("".join(texts))


def _top(rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    if not len(rows):
        return []
    k = min(k, len(rows))
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(int(rows[i]), float(scores[i])) for i in best]
