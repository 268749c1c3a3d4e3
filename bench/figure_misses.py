"""List questions whose figure is wrong: `python bench/figure_misses.py FILE…` (BRIEFBOT_INDEX picks the index)."""

from __future__ import annotations

import sys
from pathlib import Path

from index.config import Settings
from index.evaluate import answer_outcome, figure_ok, load_questions
from index.library import Library


def main() -> None:
    lib = Library.open(Settings.from_env())
    for q in load_questions(Path(p) for p in sys.argv[1:]):
        if not q.figure:
            continue
        o = answer_outcome(lib, q.question)
        if not figure_ok(q.figure, o.figure):
            right = bool(o.ranked) and q.file == o.ranked[0][0] and any(g in o.ranked[0][1] for g in q.gold)
            got = o.figure and (o.figure["text"], o.figure["value"], o.figure["unit"])
            print(q.id, "sentence ok" if right else "sentence wrong", q.figure["text"], "| got", got, q.question[:30])


if __name__ == "__main__":
    main()
