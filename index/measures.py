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
        found = {m.name: [x.span() for p in m.english for x in p.finditer(text)] for m in _measures()}
    else:
        found = {m.name: _spans(text, m.chinese) for m in _measures()}
    named = _longest(found)
    return tuple(m.name for m in _measures() if m.name in named)


def names_measures(sentence: str, names: tuple[str, ...]) -> bool:
    """True when the sentence names one of the measures `names` by one of its Chinese words (a question naming
    several asks about one thing in its parts: "煤层气这类非常规天然气", "foreign trade (imports plus exports)")."""
    if not names:
        return True
    text = _fold(sentence)
    named = _longest({m.name: _spans(text, m.chinese) for m in _measures()})
    return any(n in named for n in names)


def measure_of(text: str) -> str | None:
    """The measure named last in `text` (what a figure's clause names up to it), or None when it names none."""
    folded = _fold(text)
    kept = _kept({m.name: _spans(folded, m.chinese) for m in _measures()})
    return max(kept)[2] if kept else None


def _spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    return [(i, i + len(w)) for w in words for i in _find_all(text, w)]


def _find_all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _longest(found: dict[str, list[tuple[int, int]]]) -> set[str]:
    """The measures named somewhere not inside a longer word of another measure: "进出口" names trade, and the
    "出口" inside it names no exports; "imports and exports" likewise."""
    return {name for _, _, name in _kept(found)}


def _kept(found: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int, str]]:
    """The spans (start, end, measure) not inside a longer word of another measure.

    One sweep over the spans by start (longest first at one start): the two furthest ends reached so far by spans of
    two different measures say whether a span lies inside another measure's, so a sentence repeating a word thousands
    of times costs n log n, not n².
    """
    spans = sorted(((a, b, name) for name, found_spans in found.items() for a, b in found_spans),
                   key=lambda x: (x[0], -x[1]))
    kept: list[tuple[int, int, str]] = []
    # The furthest-reaching span so far of each of the two measures that reach furthest, as (end, -start, measure):
    # a third measure is never needed, one of the two is always another's.
    reach: list[tuple[int, int, str]] = []
    for a, b, name in spans:
        other = next(((end, -start) for end, start, m in reach if m != name), None)
        if other is None or other[0] < b or other == (b, a):  # no other measure's word reaches over it
            kept.append((a, b, name))
        own = max([(b, -a, name), *(r for r in reach if r[2] == name)])
        reach = sorted([own, *(r for r in reach if r[2] != name)], reverse=True)[:2]
    return kept


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
