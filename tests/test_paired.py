"""bench/paired.py: two eval runs compared question by question, with intervals and the sign test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from paths import ROOT, bench_script

from index.evaluate import Outcome, Question, Score
from index.splits import report_groups, split_of

paired = bench_script("paired")
GOLD = "余姚累计返利932.7万元。"


def _ids(half: str, n: int) -> list[str]:
    """The first n question ids that fall in one half."""
    ids = (f"q-{i:03d}" for i in range(1000))
    return [i for i in ids if split_of(i) == half][:n]


def _run(hits: dict[str, bool], unanswerable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A `briefbot eval --json` report, made as run_eval makes it, from each question's hit or miss."""
    score = Score("hybrid (briefbot)")
    for qid, hit in hits.items():
        answerable = qid not in unanswerable
        q = Question(qid, "问题", answerable, "a.txt" if answerable else None, (GOLD,) if answerable else (), None)
        refused = not hit if not answerable else False
        score.add(q, Outcome([("a.txt", GOLD if hit else "别的句子。")], refused=refused))
    return {"set.jsonl": {"summary": [{**score.summary(rows), "group": g} for g, rows in
                                      report_groups(score.rows, "all")], "failures": score.failures()}}


def test_wilson_interval_known_values() -> None:
    low, high = paired.wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = paired.wilson(145, 168)  # about a test half's size and share
    assert (low, high) == (pytest.approx(0.8034, abs=1e-3), pytest.approx(0.9070, abs=1e-3))
    assert paired.wilson(0, 0) == (0.0, 1.0)


def test_sign_test_exact_values() -> None:
    assert paired.sign_test(0, 0) == 1.0
    assert paired.sign_test(3, 3) == 1.0
    assert paired.sign_test(0, 3) == pytest.approx(0.25)  # 2 · 1/8
    assert paired.sign_test(6, 0) == pytest.approx(0.03125)  # 2 · 1/64
    assert paired.sign_test(2, 5) == paired.sign_test(5, 2) == pytest.approx(2 * (1 + 7 + 21) / 128)


def test_gained_and_lost_are_named_per_half() -> None:
    test, dev = _ids("test", 4), _ids("dev", 2)
    before = {test[0]: True, test[1]: False, test[2]: False, test[3]: True, dev[0]: True, dev[1]: False}
    after = {test[0]: False, test[1]: True, test[2]: True, test[3]: True, dev[0]: True, dev[1]: False}
    lines = paired.compare(_run(before, frozenset({test[3]})), _run(after, frozenset({test[3]})))
    gained = next(line for line in lines if line.startswith("test:"))
    assert gained.startswith(f"test: gained 2 {sorted([test[1], test[2]])}, lost 1 {[test[0]]}")
    assert "p = 1.000" in gained
    assert any(line.startswith("test (4): top-1 0.333 [") and "→ 0.667 [" in line for line in lines)
    assert not any(line.startswith("dev: gained") and "gained 0" not in line for line in lines)


def test_other_questions_are_refused_not_compared() -> None:
    a, b = _ids("test", 3), _ids("test", 4)
    with pytest.raises(SystemExit, match="not the same questions"):
        paired.compare(_run(dict.fromkeys(a, True)), _run(dict.fromkeys(b, True)))


def test_the_script_prints_the_comparison(tmp_path: Path) -> None:
    ids = _ids("test", 3)
    for name, hits in (("before", [True, False, False]), ("after", [True, True, True])):
        (tmp_path / f"{name}.json").write_text(json.dumps(_run(dict(zip(ids, hits, strict=True)))), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "paired.py"), str(tmp_path / "before.json"),
                          str(tmp_path / "after.json")], capture_output=True, text=True, check=True).stdout
    assert "## set.jsonl" in out and "test: gained 2" in out and "lost 0" in out and "p = 0.500" in out
