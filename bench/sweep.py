"""Try answer weights on question files: `python bench/sweep.py FILE… ` prints top-1 and refusal per setting."""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path

from index.answer import Weights, build_answer
from index.config import Settings
from index.evaluate import load_questions
from index.library import Library
from index.validate import validate_question


def main() -> None:
    lib = Library.open(Settings.from_env())
    questions = load_questions(Path(p) for p in sys.argv[1:])
    grid = {"support_depth": [1, 2, 3, 10], "hand_over": [0.6]}
    for values in itertools.product(*grid.values()):
        w = replace(Weights(), **dict(zip(grid, values, strict=True)))
        top1 = refused_ok = false_ref = 0
        for q in questions:
            a = build_answer(validate_question(q.question), lib.searcher, weights=w)
            if not q.answerable:
                refused_ok += not a.answered
            elif not a.answered:
                false_ref += 1
            elif a.quotes[0].source.file == q.file and any(g in a.quotes[0].text for g in q.gold):
                top1 += 1
        n = sum(q.answerable for q in questions)
        print(dict(zip(grid, values, strict=True)), f"top1={top1}/{n} refused={refused_ok} false_refusals={false_ref}")


if __name__ == "__main__":
    main()
