"""How many results the pure analyses of questions and sentences keep (their functools.lru_cache sizes).

One answer analysed its question five times (`understand` twice, the search words twice, the lexical
search once) and many candidate sentences several times (their fit, their features, their figures), and
later questions meet the same sentences again. Each analysis is a pure function of its text (given the
dictionaries loaded once per process), so keeping its results changes no answer, only the time it takes:
`briefbot eval` per-question profile, before and after, in docs/quality.md ("Speed").
"""

from __future__ import annotations

__all__ = ["DOCUMENTS", "QUESTIONS", "SENTENCES"]

QUESTIONS = 256  # questions kept: an answer needs only its own; a few hundred short strings cost little
SENTENCES = 8192  # sentences kept (a few MB): the candidates of many questions, so recurring ones are free
DOCUMENTS = 8192  # documents whose kind is kept (index/doc_profiles): read per candidate, and per document for a
# question about the whole country
