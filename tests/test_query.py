"""A question is read once (index/query.py) and every step of the answer path takes its parts from there."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from index import question as question_module
from index import tokenize
from index.answer import Weights, build_answer
from index.build import build_index
from index.embed import FakeEmbedder
from index.query import make_query
from index.search import Searcher
from index.store import load

OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)  # the fake embedder's cosines are not e5's
QUESTIONS = (
    "消薄飞地累计返利多少？",  # answered, with a figure and its history
    "How much has the enclave returned?",  # English: glossary and aliases
    "余姚对口支援新疆阿克苏的资金有多少？",  # refused: places the briefing never names
)


@pytest.fixture
def searcher(seed_folder: Path, tmp_path: Path) -> Searcher:
    embedder = FakeEmbedder()
    build_index(seed_folder, tmp_path / "idx", embedder)
    return Searcher(load(tmp_path / "idx"), embedder)


def _count_calls(monkeypatch: pytest.MonkeyPatch, calls: Counter[str], original: Callable[..., Any]) -> None:
    """Count every call of `original`, wherever in index/ it was imported by name."""

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[original.__name__] += 1
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if (name == "index" or name.startswith("index.")) and getattr(module, original.__name__, None) is original:
            monkeypatch.setattr(module, original.__name__, counted)


@pytest.mark.parametrize("scorer", ["hand", "fitted"])
@pytest.mark.parametrize("mode", ["hybrid", "lexical"])
def test_each_question_is_read_once(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch, scorer: str, mode: str
) -> None:
    calls: Counter[str] = Counter()
    for fn in (tokenize.query_tokens, tokenize.key_terms, question_module.understand):
        _count_calls(monkeypatch, calls, fn)
    embedder = searcher.embedder
    assert isinstance(embedder, FakeEmbedder)
    for question in QUESTIONS:
        calls.clear()
        before = embedder.queries_encoded
        build_answer(question, searcher, mode=mode, weights=replace(OPEN, scorer=scorer))  # type: ignore[arg-type]
        assert calls == Counter({"query_tokens": 1, "key_terms": 1, "understand": 1}), question
        # The vector is encoded once however often re-scoring asks for cosines (lexical mode asks later).
        assert embedder.queries_encoded - before == 1, question


def test_query_holds_every_part_of_the_question(searcher: Searcher) -> None:
    embedder = searcher.embedder
    assert isinstance(embedder, FakeEmbedder)
    before = embedder.queries_encoded
    query = make_query("2022 年消薄飞地累计返利多少？", searcher)
    assert query.text == "2022 年消薄飞地累计返利多少？"
    assert query.language == "zh" and query.intent.kind == "money" and query.intent.years == (2022,)
    assert query.terms == ("2022年", "消薄飞地")  # squashed: the documents' "2022 年" meets it
    assert query.tokens == tuple(tokenize.query_tokens("2022 年消薄飞地累计返利多少？"))
    assert list(query.words) == list(query.tokens) and query.intent.terms == query.tokens
    assert query.words["飞地"] == searcher.idf("飞地") and query.words["飞地"] > 0
    assert embedder.queries_encoded == before  # not encoded until something asks for the vector
    vector = query.vector
    assert query.vector is vector and embedder.queries_encoded == before + 1
    assert vector.shape == (embedder.dimension,)


def test_english_query_language(searcher: Searcher) -> None:
    query = make_query("How much has the enclave returned?", searcher)
    assert query.language == "en" and query.intent.wants_figure
    assert query.terms == ("飞地",)  # the domain words' Chinese name is the evidence the answer must hold
