"""Everyday words → the words the documents write for them, so a paraphrase meets its answer on the lexical side.

"松阳那些村集体一起入股出了多少钱？" shares no word with "…参股投资 3109.5 万元": staff say 入股 where the briefing
writes 参股. Dense retrieval sees the likeness only weakly and BM25 not at all. `index/data/synonyms.tsv` lists
such words, each with the documents' words for it and where the pairing comes from; a Chinese question gains the
documents' words of the everyday words it contains (on the lexical side only: BM25 and the question-word shares).
General thesauri were measured first and lost on dev (docs/quality.md "Paraphrases"): their groups are too wide.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from index.datafiles import tsv_rows

__all__ = ["Synonym", "documents_words", "synonym_table"]


@dataclass(frozen=True)
class Synonym:
    """One everyday word and the words the documents use for it."""

    word: str  # as a question says it; found anywhere in the question's text
    documents: tuple[str, ...]  # as the documents write it
    source: str  # where the pairing comes from (a thesaurus group, or the documents' own usage)


def documents_words(question: str) -> list[str]:
    """The documents' words for the everyday words of `question`, in table order, each once."""
    text = unicodedata.normalize("NFKC", question)
    found = [w for s in synonym_table() if s.word in text for w in s.documents if w not in text]
    return list(dict.fromkeys(found))


@functools.cache
def synonym_table() -> tuple[Synonym, ...]:
    """synonyms.tsv, read once per process."""
    out = []
    for word, documents, source in tsv_rows("synonyms.tsv", 3):
        words = tuple(w.strip() for w in documents.split(",") if w.strip())
        if len(word) < 2 or not words or not source.strip():
            raise ValueError(f"synonyms.tsv: {word!r} needs two or more characters, document words and a source")
        out.append(Synonym(word, words, source.strip()))
    return tuple(out)
