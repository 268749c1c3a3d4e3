"""One question as the answer path reads it, derived once: intent, key terms, weighted words, vector."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from index.english_words import english_phrases, meanings
from index.evidence import squash
from index.glossary import glossary_terms, is_english
from index.pinyin_names import spelled
from index.question import Intent, understand
from index.tokenize import is_stop_word, key_terms, query_tokens, report_years

__all__ = ["Corpus", "Query", "make_query"]


class Corpus(Protocol):
    """What reading a question needs from the index: word rarity and the query encoder (index.search.Searcher)."""

    def idf(self, token: str) -> float: ...

    def files_naming(self, terms: list[str]) -> list[str]: ...

    def holds(self, token: str) -> bool: ...

    def encode_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Query:
    """A question read once; every step of the answer path takes its parts from here, none re-derives them."""

    text: str
    intent: Intent  # the kind of answer asked for, its years, measures and language
    tokens: tuple[str, ...]  # index.tokenize.query_tokens: the words BM25 searches for
    terms: tuple[str, ...]  # key terms (places, programmes, years) without spaces: what the evidence must name
    words: Mapping[str, float]  # each token weighed by its rarity in the index (idf)
    encode: Callable[[str], np.ndarray] = field(repr=False, compare=False)
    reports: tuple[int, ...] = ()  # years it names as a report's ("1975年的报告"): which documents it asks about
    # Filled on first use. Not functools.cached_property: on Python 3.11 it holds one lock for every instance,
    # which would make the bot's concurrent questions wait for each other's encoding.
    _vector: list[np.ndarray] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.intent.lang

    @property
    def vector(self) -> np.ndarray:
        """The question's embedding, encoded on first use (a lexical-only search never pays for it)."""
        if not self._vector:
            self._vector.append(self.encode(self.text))
        return self._vector[0]


def _in_documents(term: str, corpus: Corpus) -> str:
    """A pinyin name ("Xiamen") as the Chinese place it spells that the documents name (厦门); else as it is, so a
    question about a place the documents never name finds no evidence."""
    if not term.isascii():
        return term
    return next((c for c in spelled(term) if corpus.files_naming([c])), term)


# Chinese words one dictionary phrase of an English question adds: the closest the documents hold. Measured on the dev
# halves with 0–3 and with the glossary's terms left out, to stand for words the glossary lacks (docs/quality.md,
# "English words beyond the glossary: CC-CEDICT"): 1 was the best or tied but on the corpus seed (3: one answer
# more) and refused the most look-alikes.
DICTIONARY_WORDS = 1


def _dictionary_words(text: str, corpus: Corpus) -> list[str]:
    """An English question's words the glossary does not cover, as the Chinese words CC-CEDICT gives for them that the
    documents hold ("minimum wage" → 工资); the longest phrase first, a word used by one phrase is not used again."""
    if not is_english(text):
        return []
    low = unicodedata.normalize("NFKC", text).lower()
    taken = [(t.start, t.end) for t in glossary_terms(text)]
    found: list[str] = []
    for start, end, key in english_phrases(low):
        if any(start < e and s < end for s, e in taken) or all(is_stop_word(w) for w in low[start:end].split()):
            continue
        held = [c for c in meanings(key) if corpus.holds(c)][:DICTIONARY_WORDS]
        if held:
            taken.append((start, end))
            found += held
    return found


def make_query(text: str, corpus: Corpus) -> Query:
    """Read one (already validated) question against an index: the only place a question is taken apart."""
    tokens = tuple(query_tokens(text))
    named = tuple(squash(t) for t in key_terms(text))
    terms = tuple(_in_documents(t, corpus) for t in named)
    # A place found by its pinyin is searched for as the documents write it.
    tokens += tuple(t for t, n in zip(terms, named, strict=True) if t != n and t not in tokens)
    tokens += tuple(dict.fromkeys(t for t in _dictionary_words(text, corpus) if t not in tokens))
    return Query(
        text=text,
        intent=understand(text, tokens),
        tokens=tokens,
        terms=terms,
        words={t: corpus.idf(t) for t in tokens},
        encode=corpus.encode_query,
        reports=tuple(report_years(text)),
    )
