"""Two `briefbot eval --json` runs on the same questions, side by side, question by question.

    python bench/paired.py BEFORE.json AFTER.json

For each question file and group both runs scored (test, dev, and the blind/own and en/zh groups `briefbot eval`
prints): top-1, refusal recall and false refusals before and after, each top-1 with its 95 % Wilson interval; then
the questions gained and lost (a question is lost when it was a hit, an answerable question's right sentence first or
an unanswerable one refused, and is a miss after), and the exact two-sided sign test of gained against lost (McNemar):
the chance of a split at least this uneven if the change had moved the same number of questions at random. A half
of 100–170 questions gives top-1 an interval about ±0.06 wide, so one half's few questions gained or lost is often
noise; the sign test says how often.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

Z95 = 1.959964  # the normal quantile of a two-sided 95 % interval


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share `hits / n`: it stays inside [0, 1] and is fair for small n."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def sign_test(gained: int, lost: int) -> float:
    """Exact two-sided McNemar p-value: P(a split at least this uneven) among gained + lost fair coin flips."""
    n = gained + lost
    if n == 0:
        return 1.0
    tail: float = sum(math.comb(n, k) for k in range(min(gained, lost) + 1)) / 2**n
    return min(1.0, 2 * tail)


def misses(part: dict[str, Any]) -> dict[str, str]:
    """Each missed question's id and half (test or dev)."""
    return {r["id"]: r["split"] for r in part["failures"]}


def _row(part: dict[str, Any], group: str) -> dict[str, Any] | None:
    return next((r for r in part["summary"] if r["group"] == group and r["system"] == "hybrid (briefbot)"), None)


def _top1(row: dict[str, Any]) -> str:
    n = int(row.get("answerable") or 0)
    if row["top1"] is None or not n:
        return str(row["top1"])
    low, high = wilson(round(row["top1"] * n), n)
    return f"{row['top1']} [{low:.3f}, {high:.3f}]"


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The printed lines: one block per question file both runs scored."""
    lines: list[str] = []
    for name in [n for n in before if n in after]:
        b, a = before[name], after[name]
        lines.append(f"## {name}")
        for row in b["summary"]:
            if row["system"] != "hybrid (briefbot)" or (other := _row(a, row["group"])) is None:
                continue
            if row["questions"] != other["questions"]:
                raise SystemExit(f"{name} {row['group']}: {row['questions']} against {other['questions']} questions"
                                 " — not the same questions")
            lines.append(
                f"{row['group']} ({row['questions']}): top-1 {_top1(row)} → {_top1(other)}; refusal recall "
                f"{row['refusal_recall']} → {other['refusal_recall']}; false refusals {row['false_refusals']} → "
                f"{other['false_refusals']}")
        missed_before, missed_after = misses(b), misses(a)
        for half in sorted(set(missed_before.values()) | set(missed_after.values())):
            gained = sorted(i for i, h in missed_before.items() if h == half and i not in missed_after)
            lost = sorted(i for i, h in missed_after.items() if h == half and i not in missed_before)
            lines.append(f"{half}: gained {len(gained)} {gained}, lost {len(lost)} {lost}, "
                         f"sign test p = {sign_test(len(gained), len(lost)):.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in (args.before, args.after)]
    print("\n".join(compare(*runs)))


if __name__ == "__main__":
    main()
