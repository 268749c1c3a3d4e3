"""English phrases → the Chinese terms the documents use, so an English question meets Chinese text.

The documents are Chinese; an English question shares no tokens with them, so BM25 and the key-term check see
nothing. `index/data/glossary.tsv` lists the statistics, programme and place terms the briefing and the
government work reports use; an English question gains the Chinese terms of the phrases it contains. A Chinese
question is left as it is (its "GDP" already sits beside the Chinese words that matter).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from index.datafiles import tsv_rows
from index.memo import QUESTIONS

__all__ = ["GlossaryTerm", "glossary_terms", "is_english", "phrase_pattern"]


@dataclass(frozen=True)
class GlossaryTerm:
    """One Chinese term an English question asks about, where its English phrase starts."""

    chinese: str
    name: bool  # a place or proper name: the evidence must contain it
    start: int  # offset of the English phrase in the question (NFKC-normalised)
    end: int


@dataclass(frozen=True)
class _Entry:
    pattern: re.Pattern[str]
    chinese: str
    name: bool
    length: int  # of the English phrase: longer phrases win over the shorter ones inside them


def is_english(text: str) -> bool:
    """True when a question is written in English: fewer Han characters than a quarter of its Latin letters."""
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    return han < max(1, len(re.findall(r"[A-Za-z]", text)) // 4)


def glossary_terms(question: str) -> list[GlossaryTerm]:
    """The Chinese terms of the English phrases in `question`, in question order; [] for a Chinese question.

    Where phrases overlap the longest wins ("industrial enclave" → 产业飞地, not also 飞地); one phrase may
    give several terms ("GDP" → 地区生产总值, 国内生产总值).
    """
    return list(_glossary_terms(question))


@functools.lru_cache(maxsize=QUESTIONS)
def _glossary_terms(question: str) -> tuple[GlossaryTerm, ...]:
    if not is_english(question):
        return ()
    low = unicodedata.normalize("NFKC", question).lower()
    taken: list[tuple[int, int]] = []
    found: list[GlossaryTerm] = []
    for entry in _entries():
        for m in entry.pattern.finditer(low):
            span = m.span()
            if any(span != t and span[0] < t[1] and t[0] < span[1] for t in taken):
                continue
            taken.append(span)
            found.append(GlossaryTerm(entry.chinese, entry.name, *span))
    first: dict[str, GlossaryTerm] = {}
    for term in sorted(found, key=lambda t: t.start):
        first.setdefault(term.chinese, term)
    return tuple(first.values())


@functools.cache
def _entries() -> tuple[_Entry, ...]:
    """The glossary, read once per process, longest phrase first."""
    entries: list[_Entry] = []
    for english, chinese, kind in tsv_rows("glossary.tsv", 3):
        if kind not in {"name", "term"}:
            raise ValueError(f"glossary.tsv: kind must be name or term, not {kind!r} ({english!r})")
        for phrase in filter(None, (p.strip().lower() for p in english.split(","))):
            entries.append(_Entry(phrase_pattern(phrase), chinese, kind == "name", len(phrase)))
    return tuple(sorted(entries, key=lambda e: -e.length))


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Whole words; a hyphen or spaces between words alike ("fixed-asset" = "fixed asset"); a plural s allowed."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", phrase)]
    return re.compile(r"(?<![a-z0-9])" + r"[\s-]+".join(words) + r"(?:e?s)?(?![a-z0-9])")
