"""A flow between two places is not answered by the flow back ("松阳到余姚" is not "宁波市赴松阳")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.answer import Weights, build_answer
from index.build import build_index
from index.direction import comes_from_elsewhere, flow, goes_the_other_way
from index.embed import FakeEmbedder
from index.question import understand
from index.search import Searcher
from index.store import load

OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)  # the fake embedder's cosines are not e5's


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("2021年松阳到余姚疗休养的人数同比增长多少？", ("松阳", "余姚")),
        ("余姚累计组织了多少名职工到松阳疗休养？", ("余姚", "松阳")),
        ("松阳组织了多少职工来余姚疗休养？", ("松阳", "余姚")),
        ("余姚派往松阳县的医生有多少名？", ("余姚", "松阳")),
        ("消薄飞地累计返利多少？", None),  # no places
        ("余姚在松阳建了几个产业园？", None),  # two places, nothing goes from one to the other
    ],
)
def test_the_flow_a_question_asks_about(question: str, expected: tuple[str, str] | None) -> None:
    assert flow(question) == expected
    assert understand(question).flow == expected


def test_a_sentence_going_only_to_the_starting_place_goes_the_other_way() -> None:
    way = ("松阳", "余姚")
    assert goes_the_other_way(way, "2021年在余姚大力推介下，宁波市赴松阳疗养人数达1.65万人次、同比增长近1倍。")
    both = "余姚累计组织5000余名职工赴松阳开展疗休养，松阳累计组织3500余名职工赴余姚开展疗休养。"
    assert not goes_the_other_way(way, both)
    assert not goes_the_other_way(way, "共到位援建资金 1264.5 万元。")  # goes nowhere: the rule says nothing


def test_a_sentence_going_to_the_destination_only_from_another_place_comes_from_elsewhere() -> None:
    way = ("余姚", "松阳")
    assert comes_from_elsewhere(way, "2021年在余姚大力推介下，宁波市赴松阳疗养人数达1.65万人次、同比增长近1倍。")
    both = "余姚累计组织5000余名职工赴松阳开展疗休养，松阳累计组织3500余名职工赴余姚开展疗休养。"
    assert not comes_from_elsewhere(way, both)
    assert not comes_from_elsewhere(way, "共到位援建资金 1264.5 万元。")  # goes nowhere
    assert not comes_from_elsewhere(("宁波", "松阳"), "宁波市赴松阳疗养人数达1.65万人次。")


def test_another_places_trips_do_not_answer(seed_folder: Path, tmp_path: Path) -> None:
    emb = FakeEmbedder()
    build_index(seed_folder, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    # The briefing gives 宁波's 2021 trips to 松阳 and 余姚's running total, not 余姚's trips in 2021.
    assert not build_answer("2021年余姚有多少职工去松阳疗休养？", searcher, weights=OPEN).answered
    a = build_answer("2021年宁波赴松阳疗养人数是多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text == "1.65万人次"


def test_the_flow_back_is_refused(seed_folder: Path, tmp_path: Path) -> None:
    emb = FakeEmbedder()
    build_index(seed_folder, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    question = "2021年松阳到余姚疗休养的人数同比增长多少？"
    refused = build_answer(question, searcher, weights=OPEN)
    assert not refused.answered and refused.refused_by == "direction"
    assert build_answer("2021年宁波赴松阳疗养人数同比增长多少？", searcher, weights=OPEN).answered
