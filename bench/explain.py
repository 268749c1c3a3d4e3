"""Print how the answerer scored its best candidates for one question: `python bench/explain.py "问题"`."""

from __future__ import annotations

import sys

from index.answer import Weights, question_candidates, rescore
from index.config import Settings
from index.library import Library
from index.query import make_query


def main() -> None:
    question = sys.argv[1]
    lib = Library.open(Settings.from_env())
    query = make_query(question, lib.searcher)
    print(query.intent, "key terms:", list(query.terms))
    for s in rescore(question_candidates(query, lib.searcher), Weights())[:8]:
        parts = " ".join(f"{k}={v:.2f}" for k, v in s.parts)
        print(f"{s.score:.3f} dense={s.dense:.3f} cov={s.coverage:.2f} {parts}\n    {s.sentence.text[:70]}")


if __name__ == "__main__":
    main()
