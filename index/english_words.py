"""English words → the Chinese words CC-CEDICT gives for them, for what an English question says beyond the glossary.

The glossary (index/glossary.py) holds the phrases our documents' questions needed so far; any other English word
("hourly minimum wage") met no Chinese word at all, so the lexical search and the word checks saw only the place and
the year. index/data/english_words.tsv is CC-CEDICT (CC BY-SA 4.0) read backwards, written by
bench/make_english_words.py: each English sense, its words reduced by `word_key`, with the Chinese words that give it,
the closest first. Which of them a question gains is for the caller to decide by the documents (index/query.py).
"""

from __future__ import annotations

import functools
import re

from index.datafiles import tsv_rows

__all__ = ["MAX_WORDS", "english_phrases", "meanings", "word_key"]

MAX_WORDS = 3  # the longest English sense kept: "research and development", "fixed asset investment"
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def word_key(word: str) -> str:
    """One English word as the table keys it: lower case, a plural's s dropped ("wages" → "wage", "cities" →
    "city"), so a question's word and a dictionary sense meet whichever number either uses."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def english_phrases(text: str) -> list[tuple[int, int, str]]:
    """Every run of 1 to MAX_WORDS English words of `text`, the longest runs first, as (start, end, key): where the
    run stands in `text` and its words as the table keys them."""
    words = list(_WORD.finditer(text.lower()))
    return [
        (words[i].start(), words[i + n - 1].end(), " ".join(word_key(m.group()) for m in words[i : i + n]))
        for n in range(MAX_WORDS, 0, -1)
        for i in range(len(words) - n + 1)
    ]


def meanings(key: str) -> tuple[str, ...]:
    """The Chinese words CC-CEDICT gives for an English key, the closest first; () when it gives none."""
    return _table().get(key, ())


@functools.cache
def _table() -> dict[str, tuple[str, ...]]:
    return {key: tuple(words.split(",")) for key, words in tsv_rows("english_words.tsv", 2)}
