"""Which documents contain given strings, without scanning every document: character-bigram postings.

A string occurs in a text only if each of its bigrams does, so the postings (one bitmask of documents per
bigram) narrow the documents to the few that can hold it; only those are searched for the exact string.
The cost per question follows the question's length and the matching documents, not the collection's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["TermIndex"]


class TermIndex:
    """Exact substring lookup over a fixed set of texts; immutable once built."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._names = list(texts)
        self._texts = list(texts.values())
        self._postings: dict[str, int] = {}
        for i, text in enumerate(self._texts):
            bit = 1 << i
            for gram in set(_grams(text)):
                self._postings[gram] = self._postings.get(gram, 0) | bit

    def containing(self, terms: Iterable[str]) -> list[str]:
        """The names of the texts that contain every term, in the order the texts were given."""
        wanted = [t for t in terms if t]
        mask = (1 << len(self._texts)) - 1
        for term in wanted:
            for gram in _grams(term):
                mask &= self._postings.get(gram, 0)
                if not mask:
                    return []
        found = []
        while mask:
            low = mask & -mask
            i = low.bit_length() - 1
            if all(t in self._texts[i] for t in wanted):
                found.append(self._names[i])
            mask ^= low
        return found


def _grams(text: str) -> Iterable[str]:
    """The text's bigrams: none for one character, which then narrows nothing and is checked exactly."""
    return (text[i : i + 2] for i in range(len(text) - 1))
