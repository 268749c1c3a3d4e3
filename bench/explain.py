"""Print how the answerer scored its best candidates for one question: `python bench/explain.py "问题"`."""

from __future__ import annotations

import sys

from index.answer import Weights, _rescore, question_words
from index.config import Settings
from index.evidence import documents_naming, squash
from index.library import Library
from index.question import understand
from index.tokenize import key_terms


def main() -> None:
    question = sys.argv[1]
    lib = Library.open(Settings.from_env())
    intent, terms = understand(question), [squash(t) for t in key_terms(question)]
    print(intent, "key terms:", terms)
    hits = lib.searcher.search(question, k=30, files=documents_naming(lib.searcher, terms))
    words = question_words(lib.searcher, question)
    for s in _rescore(lib.searcher, question, hits, intent, terms, words, Weights())[:8]:
        parts = " ".join(f"{k}={v:.2f}" for k, v in s.parts)
        print(f"{s.score:.3f} dense={s.dense:.3f} cov={s.coverage:.2f} {parts}\n    {s.sentence.text[:70]}")


if __name__ == "__main__":
    main()
