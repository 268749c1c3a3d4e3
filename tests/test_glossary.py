"""The bilingual glossary: an English question gains the documents' Chinese terms; a Chinese one is unchanged."""

from __future__ import annotations

from importlib import resources

import pytest

from index.glossary import glossary_terms, is_english
from index.tokenize import key_terms, query_tokens


def _chinese(question: str) -> list[str]:
    return [t.chinese for t in glossary_terms(question)]


def test_the_glossary_loads_with_a_few_hundred_phrases() -> None:
    raw = resources.files("index").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    entries = [line.split("\t") for line in raw.splitlines() if line.strip() and not line.startswith("#")]
    assert len(entries) >= 150
    assert all(len(e) == 3 and e[2] in {"name", "term"} for e in entries)
    assert sum(len(e[0].split(",")) for e in entries) >= 300  # English phrases


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much fixed-asset investment has the Songyang-Yuyao park completed?", ["固定资产投资", "松阳", "余姚"]),
        ("How much fixed asset investments were made?", ["固定资产投资"]),
        ("What does counterpart support from Ningbo cover?", ["对口支援", "宁波"]),
        ("How is rural revitalization going in Hengzhang?", ["乡村振兴", "横樟村"]),
        ("How many training sessions has Yuyao run for Songyang?", ["培训", "余姚", "松阳"]),
        ("How many new-energy vehicles did the province produce?", ["新能源汽车"]),
        ("How large is the computing power of its data centers?", ["算力", "数据中心"]),
        ("How much foreign investment did Shanghai actually use in 2024?", ["外资"]),
        ("What was the output value of Yunnan's green aluminium in 2025?", ["绿色铝"]),
        ("How much in unpaid wages was recovered for migrant workers?", ["欠薪", "农民工"]),
        ("How much did inbound tourists spend?", ["入境游客"]),
        ("How much steel did China produce in 1986?", ["钢", "产量"]),  # not the dictionary's 摄制 (a film's)
        ("How fast did China's national income grow in 1984?", ["国民收入"]),
        ("What is Guangxi's 2025 target for the area planted with sugarcane?", ["面积", "糖料蔗"]),
        ("What was Heilongjiang's grain output in 2025?", ["粮食产量"]),  # the longer phrase, not 产量 alone
        ("How much did the central government put into agriculture, rural areas and farmers in 2008?", ["三农"]),
        ("What was Jiangsu's R&D spending in 2024?", ["研发经费"]),
        ("How large was Fujian's cross-border e-commerce trade in 2025?", ["跨境电商"]),  # not 电商平台
        ("How many old residential compounds did Hubei renovate in 2024?", ["老旧小区"]),
    ],
)
def test_an_english_question_gains_the_chinese_terms(question: str, expected: list[str]) -> None:
    found = _chinese(question)
    assert all(term in found for term in expected), found


def test_the_longest_phrase_wins_where_phrases_overlap() -> None:
    found = _chinese("How much has the industrial enclave invested?")
    assert "产业飞地" in found and "飞地" not in found


def test_phrases_match_whole_words_only() -> None:
    assert "茶叶" not in _chinese("What is the steady state of the team?")  # "tea" inside "steady", "team"


def test_a_chinese_question_is_unchanged() -> None:
    question = "松阳县的GDP是多少？"
    assert not is_english(question)
    assert glossary_terms(question) == []
    assert "地区生产总值" not in query_tokens(question)


def test_an_english_question_searches_the_chinese_words_and_names() -> None:
    question = "How much fixed-asset investment has the Songyang-Yuyao park completed?"
    words = query_tokens(question)
    assert "固定资产" in words or "固定资产投资" in words
    assert {"松阳", "余姚"} <= set(key_terms(question))
    assert "固定资产投资" not in key_terms(question)  # a statistics term, not a name the evidence must hold


def test_kept_terms_are_a_fresh_list_each_time() -> None:
    question = "How much did the industrial enclave return?"
    first = glossary_terms(question)
    expected = list(first)
    first.clear()
    assert glossary_terms(question) == expected and expected
