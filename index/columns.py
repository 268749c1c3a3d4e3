"""Loaded records held as columns of numbers: a row's object is made only when it is asked for.

At a million sentences, one frozen Unit and one Sentence object per row (with their token tuples, section
tuples and clause tuples) were the largest holders of the answering process's memory, whose peak RSS went from
6,216 MB to 2,021 MB with these tables and the mapped vectors (bench/scale.py, docs/quality.md "Scale").
Both tables are read-only sequences of the dataclasses the rest of the code knows, so nothing downstream
changes: `units[i]` is a Unit, `b.sentences[i]` a Sentence.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, overload

import numpy as np

from index.records import Sentence, Unit, UnitKind

__all__ = [
    "UNITS_CACHED", "SentenceTable", "SentencesBuilder", "TokenRows", "UnitTable", "UnitsBuilder", "sentence_table",
    "sentence_texts",
]

_DF_BLOCK = 100_000  # units counted at a time; not tuned: the temporaries stay bounded whatever the size
UNITS_CACHED = 8192  # units (and sentences) kept made; not tuned: a question reads a few dozen rows and neighbours

T = TypeVar("T")
_KINDS: tuple[UnitKind, ...] = ("sentence", "heading", "meta")
_KIND_CODE = {k: i for i, k in enumerate(_KINDS)}


def _narrow(values: array[int]) -> np.ndarray:
    """Counts or offsets (never negative) in the smallest unsigned type that holds the largest."""
    numbers = np.frombuffer(values, dtype=np.int64)
    return numbers.astype(np.min_scalar_type(int(numbers.max(initial=0))))


def _ids(values: array[int], limit: int) -> np.ndarray:
    """The collected ids in the smallest unsigned type that holds them: a vocabulary under 65,536 takes 2 bytes."""
    return np.frombuffer(values, dtype=np.int32).astype(np.min_scalar_type(max(limit - 1, 0)))


class _Rows(Sequence[T]):
    """A read-only sequence whose rows are made on demand by `_row` from columns (negative indexes and slices
    as for a tuple)."""

    def _row(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[T, ...]: ...
    def __getitem__(self, i: int | slice) -> T | tuple[T, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._row(i % len(self))


class SentenceTable(_Rows[Sentence]):
    """One briefing's sentences: offsets, kinds and sections as arrays over the briefing's text."""

    def __init__(self, text: str, spans: np.ndarray, kinds: np.ndarray, sections: np.ndarray,
                 section_names: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...], clause_starts: np.ndarray,
                 clauses: np.ndarray) -> None:
        self._text = text
        self._spans = spans  # (n, 2) start, end
        self._kinds = kinds
        self._sections = sections  # row → index into section_names
        self._section_names = section_names  # (labels, titles), each distinct pair once
        self._clause_starts = clause_starts  # row i's clauses are clauses[clause_starts[i]:clause_starts[i + 1]]
        self._clauses = clauses  # (m, 2) start, end

    def __len__(self) -> int:
        return len(self._spans)

    def _row(self, i: int) -> Sentence:
        start, end = self._spans[i].tolist()
        section, titles = self._section_names[self._sections[i]]
        lo, hi = self._clause_starts[i], self._clause_starts[i + 1]
        clauses = tuple(map(tuple, self._clauses[lo:hi].tolist()))
        return Sentence(index=i, text=self._text[start:end], start=start, end=end, kind=_KINDS[self._kinds[i]],
                        section=section, section_titles=titles, clauses=clauses)

    def __iter__(self) -> Iterator[Sentence]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))  # as a tuple of the same sentences hashes: equal values, equal hashes

    def __repr__(self) -> str:
        return f"SentenceTable({len(self)} sentences)"

    def texts_in(self, section: tuple[str, ...]) -> list[str]:
        """The texts of the sentences under one section, in order (without making their Sentence objects)."""
        wanted = [i for i, (labels, _) in enumerate(self._section_names) if labels == section]
        rows = np.flatnonzero(np.isin(self._sections, wanted))
        return [self._text[int(a):int(b)] for a, b in self._spans[rows]]

    def texts(self) -> list[str]:
        """Every sentence's text, in order (without making their Sentence objects)."""
        return [self._text[a:b] for a, b in self._spans.tolist()]

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...],
                               np.ndarray, np.ndarray]:
        """spans, kinds, sections, section names, clause starts, clauses: what the constructor takes after the text."""
        return (self._spans, self._kinds, self._sections, self._section_names, self._clause_starts, self._clauses)


def sentence_table(text: str, sentences: Sequence[Sentence]) -> SentenceTable:
    """A briefing's sentences as a table, whether parsed (a tuple) or loaded (a table already)."""
    if isinstance(sentences, SentenceTable):
        return sentences
    builder = SentencesBuilder(text)
    for s in sentences:
        builder.add(s.start, s.end, s.kind, s.section, s.section_titles, s.clauses)
    return builder.table()


def sentence_texts(sentences: Sequence[Sentence]) -> list[str]:
    """The texts of a briefing's sentences, cheaply when they are held as columns."""
    return sentences.texts() if isinstance(sentences, SentenceTable) else [s.text for s in sentences]


class SentencesBuilder:
    """Collects one briefing's sentences, row by row, into a SentenceTable."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: array[int] = array("q")
        self._kinds: array[int] = array("b")
        self._sections: array[int] = array("i")
        self._names: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
        self._clause_starts: array[int] = array("q", [0])
        self._clauses: array[int] = array("q")

    def add(self, start: int, end: int, kind: UnitKind, section: tuple[str, ...], titles: tuple[str, ...],
            clauses: Sequence[tuple[int, int]]) -> None:
        self._spans.extend((start, end))
        self._kinds.append(_KIND_CODE[kind])
        self._sections.append(self._names.setdefault((section, titles), len(self._names)))
        for a, b in clauses:
            self._clauses.extend((a, b))
        self._clause_starts.append(len(self._clauses) // 2)

    def table(self) -> SentenceTable:
        return SentenceTable(self._text, _narrow(self._spans).reshape(-1, 2),
                             np.frombuffer(self._kinds, dtype=np.int8).copy(),
                             _ids(self._sections, len(self._names)), tuple(self._names),
                             _narrow(self._clause_starts), _narrow(self._clauses).reshape(-1, 2))


class UnitTable(_Rows[Unit]):
    """Every row's unit: file and sentence numbers, content keys, and tokens as ids into one vocabulary."""

    def __init__(self, files: tuple[str, ...], file_ids: np.ndarray, sentences: np.ndarray, keys: bytes | np.ndarray,
                 key_ends: np.ndarray, vocab: tuple[str, ...], token_starts: np.ndarray, tokens: np.ndarray,
                 own: np.ndarray, document_frequencies: np.ndarray | None = None) -> None:
        self.files = files
        self.file_ids = file_ids  # row → index into files
        self.sentences = sentences  # row → sentence index within its file
        # The keys' UTF-8, one after another: bytes, or bytes mapped from a column file (index/column_files.py).
        self._keys, self.key_ends = keys, key_ends
        self.vocab = vocab
        self.token_starts = token_starts  # row i's tokens are tokens[token_starts[i]:token_starts[i + 1]]
        self.tokens = tokens  # ids into vocab: the sentence's own tokens, then its context's
        self.own = own  # how many of row i's tokens are its own
        self._df = document_frequencies  # counted when first asked for, unless stored (index/column_files.py)
        # Answering reads the same candidates' units several times: each is made once while it is in use.
        self._unit = functools.lru_cache(maxsize=UNITS_CACHED)(self._make)

    def __len__(self) -> int:
        return len(self.sentences)

    def _row(self, i: int) -> Unit:
        return self._unit(i)

    def _make(self, i: int) -> Unit:
        lo, hi = int(self.token_starts[i]), int(self.token_starts[i + 1])
        words = [self.vocab[t] for t in self.tokens[lo:hi].tolist()]
        own = int(self.own[i])
        key = bytes(self._keys[(self.key_ends[i - 1] if i else 0):self.key_ends[i]]).decode("utf-8")
        return Unit(self.file(i), self.sentence(i), key, tuple(words[:own]), tuple(words[own:]))

    def __iter__(self) -> Iterator[Unit]:
        return (self[i] for i in range(len(self)))

    def file(self, row: int) -> str:
        file: str = self.files[self.file_ids[row]]
        return file

    def sentence(self, row: int) -> int:
        return int(self.sentences[row])

    def key_bytes(self) -> np.ndarray:
        """Every key's UTF-8, one after another (row i's ends at key_ends[i])."""
        return np.frombuffer(self._keys, dtype=np.uint8)

    def token_rows(self) -> TokenRows:
        return TokenRows(self.token_starts, self.tokens)

    def document_frequencies(self) -> np.ndarray:
        """How many units hold each vocabulary id among their own tokens (a word counts once per unit)."""
        if self._df is None:
            words = len(self.vocab)
            df = np.zeros(words, dtype=np.int64)
            for start in range(0, len(self), _DF_BLOCK):
                rows, tokens = self.own_token_pairs(start, min(start + _DF_BLOCK, len(self)))
                pairs = np.sort(rows.astype(np.int64) * words + tokens)
                pairs = pairs[np.diff(pairs, prepend=-1) != 0]
                df += np.bincount(pairs % words, minlength=words)
            self._df = df
        return self._df

    def own_token_pairs(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """(row, token id) for each own token of rows start..stop-1, for counting document frequencies."""
        lo, hi = self.token_starts[start:stop], self.token_starts[start + 1:stop + 1]
        lengths = (hi - lo).astype(np.int64)
        rows = np.repeat(np.arange(start, stop), lengths)
        position = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        mine = position < np.repeat(self.own[start:stop].astype(np.int64), lengths)
        return rows[mine], self.tokens[int(self.token_starts[start]):int(self.token_starts[stop])][mine]


class TokenRows(Sequence[list[int]]):
    """Each row's token ids as a list, made when read: BM25 indexing sees one row at a time."""

    def __init__(self, starts: np.ndarray, tokens: np.ndarray) -> None:
        self._starts, self._tokens = starts, tokens

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        tokens: list[int] = self._tokens[int(self._starts[i]):int(self._starts[i + 1])].tolist()
        return tokens

    def __iter__(self) -> Iterator[list[int]]:
        return (self[i] for i in range(len(self)))


class UnitsBuilder:
    """Collects units one at a time (as they are read and checked) into a UnitTable."""

    def __init__(self) -> None:
        self._files: dict[str, int] = {}
        self._file_ids: array[int] = array("i")
        self._sentences: array[int] = array("q")
        self._keys = bytearray()
        self._key_ends: array[int] = array("q")
        self._vocab: dict[str, int] = {}
        self._starts: array[int] = array("q", [0])
        self._tokens: array[int] = array("i")
        self._own: array[int] = array("q")

    def add(self, unit: Unit) -> None:
        self._file_ids.append(self._files.setdefault(unit.file, len(self._files)))
        self._sentences.append(unit.sentence)
        self._keys += unit.key.encode("utf-8")
        self._key_ends.append(len(self._keys))
        vocab = self._vocab
        self._tokens.extend(vocab.setdefault(t, len(vocab)) for t in unit.tokens)
        self._starts.append(len(self._tokens))
        self._own.append(len(unit.tokens_own))

    def table(self) -> UnitTable:
        return UnitTable(
            tuple(self._files), _ids(self._file_ids, len(self._files)),
            np.frombuffer(self._sentences, dtype=np.int64).copy(), bytes(self._keys),
            _narrow(self._key_ends), tuple(self._vocab), _narrow(self._starts),
            _ids(self._tokens, len(self._vocab)), _narrow(self._own),
        )
