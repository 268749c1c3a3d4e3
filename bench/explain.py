"""Print how the answerer scored its best candidates for one question: `python bench/explain.py "问题"`."""

from __future__ import annotations

import sys

from index.answer import Weights, question_candidates, rescore
from index.config import Settings
from index.evidence import squash
from index.library import Library
from index.question import understand
from index.tokenize import key_terms


def main() -> None:
    question = sys.argv[1]
    lib = Library.open(Settings.from_env())
    intent, terms = understand(question), [squash(t) for t in key_terms(question)]
    print(intent, "key terms:", terms)
    for s in rescore(question_candidates(question, lib.searcher), Weights())[:8]:
        parts = " ".join(f"{k}={v:.2f}" for k, v in s.parts)
        print(f"{s.score:.3f} dense={s.dense:.3f} cov={s.coverage:.2f} {parts}\n    {s.sentence.text[:70]}")


if __name__ == "__main__":
    main()
