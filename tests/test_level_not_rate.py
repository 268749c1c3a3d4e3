"""A question asking for a level ("产量是多少") is not answered by that level's growth rate."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from index.answer import Weights, build_answer
from index.build import build_index
from index.embed import FakeEmbedder
from index.search import Searcher
from index.store import load

OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)  # the fake embedder's cosines are not e5's


def _searcher(tmp_path: Path, text: str) -> Searcher:
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "2026年某省政府工作报告.txt").write_text(text, encoding="utf-8")
    emb = FakeEmbedder()
    build_index(folder, tmp_path / "idx", emb)
    return Searcher(load(tmp_path / "idx"), emb)


def test_a_growth_rate_does_not_answer_a_level(tmp_path: Path) -> None:
    searcher = _searcher(tmp_path, "# 政府工作报告\n\n一、2025年工作回顾\n\n"
                         "高新技术产品产量大幅增长，锂电池增长103.1%，新能源汽车超过110万辆。\n")
    a = build_answer("2025年锂电池产量是多少？", searcher, weights=OPEN)
    assert not a.answered and a.refused_by == "rate for a level"


def test_the_level_itself_answers(tmp_path: Path) -> None:
    searcher = _searcher(tmp_path, "# 政府工作报告\n\n一、2025年工作回顾\n\n锂电池产量达到 5.2 亿只，增长 103.1%。\n")
    a = build_answer("2025年锂电池产量是多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text.startswith("5.2")


def test_the_level_given_right_after_its_growth_answers(tmp_path: Path) -> None:
    # The rate's clause names the measure; the level goes on in the next clause without naming another subject.
    searcher = _searcher(tmp_path, "# 政府工作报告\n\n一、2025年工作回顾\n\n"
                         "进出口总额比上年增长37.1%，达到8512亿美元，由上年居世界第五位上升到第四位。\n")
    a = build_answer("2025年进出口总额是多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text == "8512亿美元"
    assert a.quotes[0].text.startswith("进出口总额比上年增长37.1%")
