"""Everyday words meet the documents' words: a paraphrase finds its sentence on the lexical side."""

from __future__ import annotations

from pathlib import Path

from index.build import build_index
from index.embed import FakeEmbedder
from index.query import make_query
from index.search import Searcher
from index.store import load
from index.synonyms import documents_words, synonym_table
from index.tokenize import query_tokens


def test_every_entry_has_document_words_and_a_source() -> None:
    table = synonym_table()
    assert len(table) >= 15
    assert all(len(s.word) >= 2 and s.documents and s.source for s in table)
    assert len({s.word for s in table}) == len(table)  # one line per everyday word


def test_the_issues_examples_meet_the_documents_words() -> None:
    assert "医生" in documents_words("村里的大夫有多少人？")
    assert "农产品" in documents_words("松阳的土特产在余姚一年能卖出多少钱？")


def test_a_chinese_question_gains_the_documents_words_as_search_words() -> None:
    words = query_tokens("松阳那些村集体一起入股出了多少钱？")
    assert {"入股", "参股"} <= set(words)


def test_a_word_the_question_already_holds_is_not_added_again() -> None:
    assert "投资" not in documents_words("入股投资了多少？")


def test_an_english_question_is_left_to_the_glossary() -> None:
    assert "参股" not in query_tokens("How much did the villages 入股 in the enclave?")


def test_bm25_finds_the_sentence_that_words_it_differently(tmp_path: Path) -> None:
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "简报.txt").write_text(
        "# 工作简报\n\n一、产业合作\n\n组织村股份经济合作社参股 300 万元。\n\n全年接待游客 2 万人次。\n\n"
        "村集体经济收入增长 12%。\n",
        encoding="utf-8",
    )
    emb = FakeEmbedder()
    build_index(folder, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    # No word in common without the table.
    hits = searcher.search(make_query("大家一起入股了多少？", searcher), mode="lexical")
    assert hits and "参股" in searcher.sentence(hits[0].row)[1].text
