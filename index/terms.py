"""Which documents contain given strings, without scanning every document: character-bigram postings.

A string occurs in a text only if each of its bigrams does, so the postings (the documents holding each
bigram) narrow the documents to the few that can hold it; only those are searched for the exact string.
The cost per question follows the question's length and the matching documents, not the collection's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

__all__ = ["TermIndex"]

_CODES = 0x110000  # Unicode code points: a bigram (a, b) is numbered a * _CODES + b


class TermIndex:
    """Exact substring lookup over a fixed set of texts; immutable once built.

    The postings are two aligned arrays sorted by bigram number (bigram, document), built with numpy: on the
    135-file evaluation collection a first version, a dict of Python sets, took three times as long to build,
    and the index is built each time an index is opened.
    """

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._names = list(texts)
        self._texts = list(texts.values())
        grams = [np.unique(_bigrams(text)) for text in self._texts]
        docs = [np.full(len(g), i, dtype=np.int32) for i, g in enumerate(grams)]
        all_grams = np.concatenate(grams) if grams else np.zeros(0, np.int64)
        all_docs = np.concatenate(docs) if docs else np.zeros(0, np.int32)
        order = np.argsort(all_grams, kind="stable")  # stable: each bigram's documents stay in order
        self._grams, self._docs = all_grams[order], all_docs[order]

    def containing(self, terms: Iterable[str]) -> list[str]:
        """The names of the texts that contain every term, in the order the texts were given."""
        wanted = [t for t in terms if t]
        candidates: set[int] | None = None
        for gram in {int(g) for t in wanted for g in _bigrams(t)}:
            lo, hi = np.searchsorted(self._grams, [gram, gram + 1])
            found = set(self._docs[lo:hi].tolist())
            candidates = found if candidates is None else candidates & found
            if not candidates:
                return []
        order = range(len(self._texts)) if candidates is None else sorted(candidates)
        return [self._names[i] for i in order if all(t in self._texts[i] for t in wanted)]


def _bigrams(text: str) -> np.ndarray:
    """The text's bigram numbers: none for one character, which then narrows nothing and is checked exactly."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    return codes[:-1] * _CODES + codes[1:]
