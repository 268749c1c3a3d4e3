"""English questions name Chinese places in pinyin: "Xiamen" is looked for as 厦门 where the documents name it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from fake_index import OPEN, searcher_over
from paths import ROOT

from index.answer import build_answer
from index.datafiles import tsv_rows
from index.pinyin_names import spelled
from index.query import make_query
from index.tokenize import key_terms

REPORT = (
    "2025年福建省政府工作报告\n\n一、2024年工作回顾\n\n"
    "厦门、福州机场旅客吞吐量分别达2790.6万人次、1529.9万人次。\n"
)


def test_a_spelling_gives_the_places_it_may_be() -> None:
    assert spelled("Xiamen") == ("厦门",)
    assert "贵州" in spelled("guizhou") and len(spelled("Guizhou")) > 1  # several places spell it alike
    assert spelled("Boao") == ("博鳌",)  # jieba tags it a person: common such names are in the table too
    assert spelled("Qwxz") == ()  # no place: the name stays as written


def test_a_pinyin_name_is_searched_as_the_place_the_documents_name(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"2025年福建省政府工作报告.txt": REPORT})
    query = make_query("How many passengers did Xiamen airport handle in 2024?", searcher)
    assert "厦门" in query.terms and "厦门" in query.tokens
    a = build_answer("How many passengers did Xiamen airport handle in 2024?", searcher, weights=OPEN)
    assert a.answered and "2790.6万人次" in a.quotes[0].text
    # A place the documents never name stays as written and finds no evidence.
    shantou = make_query("How many passengers did Shantou airport handle in 2024?", searcher)
    assert "Shantou" in shantou.terms  # 汕头, which these documents never name
    assert not build_answer("How many passengers did Shantou airport handle in 2024?", searcher, weights=OPEN).answered


def test_the_shipped_table_is_what_its_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_place_pinyin", ROOT / "bench" / "make_place_pinyin.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = (ROOT / "index" / "data" / "place_pinyin.tsv").read_text(encoding="utf-8")
    assert script.table(script.places()) == shipped
    assert len(tsv_rows("place_pinyin.tsv", 2)) > 10_000
    listed = (ROOT / "index" / "data" / "pinyin_syllables.txt").read_text(encoding="utf-8")
    assert script.syllables() == listed
    assert 400 <= len(tsv_rows("pinyin_syllables.txt", 1)) <= 430  # Mandarin has about 410 toneless syllables


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        # "Under" looks like pinyin ("un" + "der"), but "der" is no syllable: the question names no place.
        ("Under the 1993 restructuring plan, how many constituent departments was the State Council to have?",
         ["1993年"]),
        ("How many passengers did Xiamen airport handle in 2024?", ["Xiamen", "2024年"]),
        ("What was Heilongjiang's grain output in 2025?", ["黑龙江", "2025年"]),
    ],
)
def test_a_capitalised_word_is_a_name_when_it_splits_into_pinyin_syllables(question: str, terms: list[str]) -> None:
    assert key_terms(question) == terms
