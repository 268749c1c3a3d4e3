"""The measure a figure question names (GDP, population, visitors …), so a figure of another measure is refused.

"松阳县的GDP是多少？" meets "助力松阳消费帮扶超 1 亿元": an amount, in the right place, but an aid figure, not the
GDP. The question's words alone cannot say which of its words is the measure; `index/data/measures.tsv` lists the
statistics the documents report under a fixed name, with the words that name each one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from index.datafiles import tsv_rows
from index.glossary import is_english, phrase_pattern

__all__ = ["Measure", "measures_named", "names_measures"]


@dataclass(frozen=True)
class Measure:
    """One statistic and the words that name it."""

    name: str
    chinese: tuple[str, ...]  # lower-cased; found in a Chinese question or in a sentence
    english: tuple[re.Pattern[str], ...]  # found in an English question


def measures_named(question: str) -> tuple[str, ...]:
    """The names of the measures a question asks about, in the order of measures.tsv."""
    text = _fold(question)
    if is_english(question):
        return tuple(m.name for m in _measures() if any(p.search(text) for p in m.english))
    return tuple(m.name for m in _measures() if any(w in text for w in m.chinese))


def names_measures(sentence: str, names: tuple[str, ...]) -> bool:
    """True when the sentence names every one of the measures `names` by one of its Chinese words."""
    text = _fold(sentence)
    by_name = {m.name: m for m in _measures()}
    return all(any(w in text for w in by_name[n].chinese) for n in names)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@functools.cache
def _measures() -> tuple[Measure, ...]:
    """measures.tsv, read once per process."""
    out: list[Measure] = []
    for name, chinese, english in tsv_rows("measures.tsv", 3):
        out.append(Measure(
            name,
            tuple(_fold(w.strip()) for w in chinese.split(",") if w.strip()),
            tuple(phrase_pattern(p.strip().lower()) for p in english.split(",") if p.strip()),
        ))
    return tuple(out)
