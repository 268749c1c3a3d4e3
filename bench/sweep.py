"""Try answer weights on the dev half: `python bench/sweep.py FILE… --grid other_year=0,0.3,0.6 [--split dev]`.

Prints top-1, refusals of unanswerable questions and false refusals per setting, with the hit rule of
`briefbot eval` (index/gold.py). Tuning looks at the dev half only; `--split test` is for the one report at the end.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import fields, replace
from pathlib import Path

from index.answer import Weights, build_answer
from index.config import Settings
from index.evaluate import load_questions
from index.gold import found_at
from index.library import Library
from index.splits import in_split
from index.validate import validate_question


def parse_grid(items: list[str]) -> dict[str, list[float | int]]:
    """"name=v1,v2" per item, each a field of `Weights`, its values of the field's type."""
    types = {f.name: type(getattr(Weights(), f.name)) for f in fields(Weights)}
    grid: dict[str, list[float | int]] = {}
    for item in items:
        name, _, values = item.partition("=")
        if name not in types or types[name] not in (int, float):
            raise SystemExit(f"--grid: {name!r} is not a numeric field of index.answer.Weights")
        grid[name] = [types[name](v) for v in values.split(",")]
    return grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--grid", nargs="+", default=["support_depth=1,2,3"])
    parser.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    args = parser.parse_args()
    lib = Library.open(Settings.from_env())
    questions = in_split(load_questions(args.questions), args.split, lambda q: q.id)
    grid = parse_grid(args.grid)
    base = lib.weights
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values, strict=True))
        w = replace(base, **setting)
        top1 = refused_ok = false_ref = 0
        for q in questions:
            a = build_answer(validate_question(q.question), lib.searcher, weights=w)
            if not q.answerable:
                refused_ok += not a.answered
            elif not a.answered:
                false_ref += 1
            elif found_at([(x.source.file, x.text) for x in a.quotes[:1]], q.file, q.parts or (q.gold,)) == 1:
                top1 += 1
        n = sum(q.answerable for q in questions)
        print(setting, f"top1={top1}/{n} refused={refused_ok}/{len(questions) - n} false_refusals={false_ref}",
              flush=True)


if __name__ == "__main__":
    main()
