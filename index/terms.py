"""Which documents contain given strings, without scanning every document: character-bigram postings.

A string occurs in a text only if each of its bigrams does, so the postings (the documents holding each
bigram) narrow the documents to the few that can hold it; only those are searched for the exact string.
The cost per question follows the question's length and the matching documents, not the collection's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["Postings", "TermIndex", "check_postings", "texts_digest"]


@dataclass(frozen=True)
class Postings:
    """A TermIndex's arrays as stored with a generation, and the digest of the texts they were built from."""

    digest: str
    grams: np.ndarray
    starts: np.ndarray
    docs: np.ndarray


def texts_digest(texts: Mapping[str, str]) -> str:
    """What the postings depend on: every name and text, in order (lengths first, so no two lists collide)."""
    h = hashlib.sha256()
    for name, text in texts.items():
        h.update(f"{len(name)},{len(text)};{name}".encode())
        h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()

_CODES = 0x110000  # Unicode code points: a bigram (a, b) is numbered a * _CODES + b


class TermIndex:
    """Exact substring lookup over a fixed set of texts; immutable once built.

    The postings are built with numpy and held as arrays: each distinct bigram once (sorted), and the
    documents holding it as one slice of a document-number array in the smallest integer type that fits.
    On the 135-file evaluation collection a first version, a dict of Python sets, took three times as long
    to build, and the index is built each time an index is opened; at a million sentences, (bigram, document)
    pairs as int64 + int32 held ~12 bytes a posting (bench/scale.py, docs/quality.md "Scale").
    """

    def __init__(self, texts: Mapping[str, str], stored: Postings | None = None) -> None:
        """Built from the texts, or taken from `stored` postings when they were built from these very texts
        (the texts' digest matches): a generation's column files keep them, so opening need not build them."""
        self._names = list(texts)
        self._texts = list(texts.values())
        if stored is not None and stored.digest == texts_digest(texts):
            self._grams, self._starts, self._docs = stored.grams, stored.starts, stored.docs  # checked when read
            return
        n = max(len(self._texts), 1)
        # One sort of (bigram, document) numbers, bigram · n + document: bigrams stay below 2^41 (Unicode
        # pairs), so this fits in int64 up to ~4 million documents.
        grams = [np.unique(_bigrams(text)) * n + i for i, text in enumerate(self._texts)]
        keys = np.concatenate(grams) if grams else np.zeros(0, np.int64)
        del grams
        keys.sort()
        self._docs = (keys % n).astype(np.min_scalar_type(n - 1))
        keys //= n
        first = np.flatnonzero(np.diff(keys, prepend=-1))
        self._grams = keys[first]  # each distinct bigram, sorted
        self._starts = np.append(first, len(keys))  # its documents: _docs[_starts[j]:_starts[j + 1]]

    def postings_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each distinct bigram (sorted), where its documents start, the documents: what Postings stores."""
        return self._grams, self._starts, self._docs

    def containing(self, terms: Iterable[str]) -> list[str]:
        """The names of the texts that contain every term, in the order the texts were given."""
        wanted = [t for t in terms if t]
        candidates: set[int] | None = None
        for gram in {int(g) for t in wanted for g in _bigrams(t)}:
            found = set(self.postings(gram))
            candidates = found if candidates is None else candidates & found
            if not candidates:
                return []
        order = range(len(self._texts)) if candidates is None else sorted(candidates)
        return [self._names[i] for i in order if all(t in self._texts[i] for t in wanted)]

    def postings(self, gram: int) -> list[int]:
        """The numbers of the texts holding one bigram (numbered as `_bigrams` numbers them), in order."""
        j = int(np.searchsorted(self._grams, gram))
        if j == len(self._grams) or self._grams[j] != gram:
            return []
        found: list[int] = self._docs[self._starts[j]:self._starts[j + 1]].tolist()
        return found


def _bigrams(text: str) -> np.ndarray:
    """The text's bigram numbers: none for one character, which then narrows nothing and is checked exactly."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    return codes[:-1] * _CODES + codes[1:]


def check_postings(grams: np.ndarray, starts: np.ndarray, docs: np.ndarray, texts: int) -> None:
    """Stored postings that fit together over `texts` texts: ValueError otherwise (a wrong one would silently
    lose documents)."""
    if grams.ndim != 1 or starts.ndim != 1 or docs.ndim != 1 or grams.dtype != np.int64 \
            or starts.dtype.kind not in "iu" or docs.dtype.kind != "u" or len(starts) != len(grams) + 1:
        raise ValueError("the stored term postings have the wrong shape or type")
    if (len(starts) and (starts[0] != 0 or starts[-1] != len(docs))) or bool(np.any(np.diff(grams) <= 0)) \
            or bool(np.any(np.diff(starts.astype(np.int64)) <= 0)) or (len(docs) and int(docs.max()) >= texts):
        raise ValueError("the stored term postings do not fit together")
