"""Print the evidence features of the best candidate per question, to calibrate refusal thresholds.

`python bench/calibrate.py bench/questions_seed.jsonl …` (uses BRIEFBOT_INDEX / BRIEFBOT_BRIEFINGS).
"""

from __future__ import annotations

import sys
from pathlib import Path

from index.answer import Weights, question_candidates, rescore
from index.config import Settings
from index.evaluate import load_questions
from index.library import Library
from index.query import make_query


def main() -> None:
    lib = Library.open(Settings.from_env())
    for q in load_questions(Path(p) for p in sys.argv[1:]):
        query = make_query(q.question, lib.searcher)
        ranked = rescore(question_candidates(query, lib.searcher), Weights())
        b = ranked[0]
        ok = q.file == b.briefing.file and any(g in b.sentence.text for g in q.gold)
        print(f"{q.id:10} {'A' if q.answerable else 'U'} {'ok' if ok else '--'} {query.language} "
              f"dense={b.dense:.3f} words={b.words:.2f} cov={b.coverage:.2f} fit={b.fit:.2f} "
              f"kind={b.sentence.kind[:4]} {q.question[:30]}")


if __name__ == "__main__":
    main()
