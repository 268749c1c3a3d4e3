"""The cost of figure history on a large collection: 1,000 dated copies of the bundled briefing (50,000 units).

Two cases: every copy gives the measure (the search stops at HISTORY_LIMIT issues), and none does (every
copy is looked at). Run: .venv/bin/python bench/history_speed.py
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from pathlib import Path

from index.figures import find_figures
from index.history import figure_history
from index.parse import parse_briefing
from index.records import Briefing

SEED = Path(__file__).resolve().parents[1] / "briefings" / "宁波支援合作工作简报_2022第10期.txt"
COPIES = 1000


def _copies(seed: Briefing, prefix: str) -> list[Briefing]:
    day = datetime.date(2020, 1, 1)
    return [dataclasses.replace(seed, file=f"{prefix}{i}.txt", date=(day + datetime.timedelta(days=i)).isoformat())
            for i in range(COPIES)]


def main() -> None:
    seed = parse_briefing(SEED.name, SEED.read_text(encoding="utf-8"))
    giving = _copies(seed, "c")
    lead = giving[-1]
    sentence = next(s for s in lead.sentences if "累计返利" in s.text)
    figure = next(f for f in find_figures(sentence.text, sentence.start) if "932.7" in f.text)
    # The same briefing with the measure renamed in its text: no copy names it any more.
    silent = _copies(dataclasses.replace(seed, text=seed.text.replace("累计返利", "累计收益")), "d")
    for name, collection in (("every copy gives it", giving), ("no copy gives it", silent)):
        started = time.perf_counter()
        found = figure_history(lead, sentence, figure, ["消薄飞地"], [*collection, lead])
        ms = (time.perf_counter() - started) * 1000
        units = sum(len(b.sentences) for b in collection)
        print(f"{name}: {COPIES} briefings, {units} units, {len(found)} kept, {ms:.0f} ms")


if __name__ == "__main__":
    main()
