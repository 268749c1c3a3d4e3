"""Figure history: the same measure in earlier issues, strictly matched, each quote verbatim."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from later_issues import later_issue

from index.answer import Weights, build_answer
from index.build import build_index
from index.columns import SentenceTable
from index.embed import FakeEmbedder
from index.figures import find_figures
from index.history import figure_history, measure_of
from index.provenance import ProvenanceError, check_answer
from index.records import Answer
from index.render import answer_json, format_answer
from index.search import Searcher
from index.store import load

OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)
REBATE = "“消薄飞地”已实现满租，累计返利 932.7 万元。"
FIRMS = "入驻企业 65 家"


@pytest.fixture
def three_issues(seed_folder: Path) -> Path:
    """2022 第10期 (the seed); 2023 第3期 changes only some figures and adds a yearly rebate; 2023 第6期
    drops the rebate sentence and changes the number of firms again."""
    later_issue(seed_folder, 2023, 3, 3, 15, changes={
        "累计返利 932.7 万元。": "累计返利 1100 万元。2022 年，“消薄飞地”返利 300 万元。",
        FIRMS: "入驻企业 72 家",
    })
    later_issue(seed_folder, 2023, 6, 6, 20, changes={FIRMS: "入驻企业 80 家"},
                drop=("截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。",))
    return seed_folder


def _ask(folder: Path, tmp_path: Path, question: str) -> tuple[Answer, dict[str, str]]:
    emb = FakeEmbedder()
    build_index(folder, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    texts = {f: b.text for f, b in searcher.snapshot.briefings.items()}
    return build_answer(question, searcher, weights=OPEN), texts


def test_one_issue_has_no_history(seed_folder: Path, tmp_path: Path) -> None:
    a, _ = _ask(seed_folder, tmp_path, "消薄飞地累计返利多少？")
    assert a.answered and a.history == ()
    assert answer_json(a)["history"] == []
    assert "此前各期" not in format_answer(a)


def test_history_skips_the_issue_that_dropped_the_measure(three_issues: Path, tmp_path: Path) -> None:
    a, texts = _ask(three_issues, tmp_path, "消薄飞地累计返利多少？")
    assert a.answered and a.as_of == "2023-03-15" and a.figure is not None and a.figure.text == "1100 万元"
    # 2023 第6期 no longer gives the running total; the yearly 300 万元 is another measure.
    assert [(p.date, p.figure.text) for p in a.history] == [("2022-09-20", "932.7 万元")]
    past = a.history[0]
    assert past.quote.citation == "《宁波支援合作工作简报》2022年第10期（2022年9月20日）一、（二）"
    assert texts[past.quote.source.file][past.quote.start : past.quote.end] == past.quote.text
    assert REBATE in past.quote.text
    check_answer(a, texts)


def test_unchanged_and_changed_figures_both_make_a_history(three_issues: Path, tmp_path: Path) -> None:
    a, _ = _ask(three_issues, tmp_path, "园区入驻企业多少家？")
    assert a.answered and a.figure is not None and a.figure.text == "80 家" and a.as_of == "2023-06-20"
    assert [(p.date, p.figure.text) for p in a.history] == [("2023-03-15", "72 家"), ("2022-09-20", "65 家")]
    text = format_answer(a)
    assert "此前各期：\n  2023年第3期（3月15日）：72 家\n  2022年第10期（9月20日）：65 家" in text


def test_an_unchanged_figure_in_a_later_issue_is_history_too(three_issues: Path, tmp_path: Path) -> None:
    a, _ = _ask(three_issues, tmp_path, "园区累计开发土地多少平方公里？")
    assert a.answered and a.figure is not None and a.figure.text == "7.1 平方公里" and a.as_of == "2023-06-20"
    assert [(p.date, p.figure.text) for p in a.history] == [
        ("2023-03-15", "7.1 平方公里"), ("2022-09-20", "7.1 平方公里")]


def test_json_history_has_the_documented_shape(three_issues: Path, tmp_path: Path) -> None:
    a, _ = _ask(three_issues, tmp_path, "消薄飞地累计返利多少？")
    [past] = answer_json(a)["history"]
    assert set(past) == {"figure", "date", "quote"}
    assert past["figure"] == {"text": "932.7 万元", "value": 9327000.0, "unit": "元"}
    assert past["date"] == "2022-09-20"
    assert set(past["quote"]) == {"text", "start", "end", "score", "source", "citation"}
    assert past["quote"]["source"]["issue"] == "2022年第10期"


def test_a_running_total_is_not_a_yearly_figure_nor_an_investment(three_issues: Path, tmp_path: Path) -> None:
    a, _ = _ask(three_issues, tmp_path, "消薄飞地累计返利多少？")
    b = next(b for f, b in load(tmp_path / "idx").briefings.items() if "2023第3期" in f)
    yearly = next(s for s in b.sentences if "返利 300 万元" in s.text)
    running = next(s for s in b.sentences if "累计返利 1100 万元" in s.text)
    [f_yearly] = find_figures(yearly.text, yearly.start)
    rebate = next(f for f in find_figures(running.text, running.start) if f.text == "1100 万元")
    invest = next(f for f in find_figures(running.text, running.start) if f.text == "3109.5 万元")
    m = measure_of(running, rebate)
    assert (m.label, m.unit, m.running, m.period) == ("累计返利", "元", True, False)
    assert measure_of(yearly, f_yearly) != m and measure_of(running, invest) != m
    assert all(p.figure.text != "300 万元" and p.figure.text != "3109.5 万元" for p in a.history)


def test_provenance_rejects_a_history_quote_that_is_not_verbatim(three_issues: Path, tmp_path: Path) -> None:
    a, texts = _ask(three_issues, tmp_path, "消薄飞地累计返利多少？")
    past = a.history[0]
    forged = replace(past, quote=replace(past.quote, text=past.quote.text.replace("932.7", "999.9")))
    with pytest.raises(ProvenanceError):
        check_answer(replace(a, history=(forged,)), texts)
    moved = replace(past, figure=replace(past.figure, start=past.figure.start + 1))
    with pytest.raises(ProvenanceError):
        check_answer(replace(a, history=(moved,)), texts)


def test_an_issue_giving_the_measure_twice_with_different_values_is_left_out(
    seed_folder: Path, tmp_path: Path,
) -> None:
    later_issue(seed_folder, 2022, 8, 7, 20, changes={
        "累计返利 932.7 万元。": "累计返利 800 万元。截至 6 月底，“消薄飞地”累计返利 780 万元。",
    })
    later_issue(seed_folder, 2023, 3, 3, 15, changes={"累计返利 932.7 万元。": "累计返利 1100 万元。"})
    a, texts = _ask(seed_folder, tmp_path, "消薄飞地累计返利多少？")
    assert a.figure is not None and a.figure.text == "1100 万元"
    assert [(p.date, p.figure.text) for p in a.history] == [("2022-09-20", "932.7 万元")]
    check_answer(a, texts)


def test_without_names_in_the_question_only_the_same_series_counts(seed_folder: Path, tmp_path: Path) -> None:
    # Another series, earlier, with the same words: "园区入驻企业" there is some other park.
    other = later_issue(seed_folder, 2023, 1, 1, 10, changes={"# 宁波支援合作工作简报": "# 温州山海协作简报",
                                                              FIRMS: "入驻企业 40 家"})
    other.rename(other.with_name("温州山海协作简报_2023第1期.txt"))
    later_issue(seed_folder, 2023, 3, 3, 15, changes={FIRMS: "入驻企业 72 家"})
    a, _ = _ask(seed_folder, tmp_path, "园区入驻企业多少家？")
    assert a.figure is not None and a.figure.text == "40 家"  # the fake embedder's choice; the real one may differ
    assert a.quotes[0].source.title == "温州山海协作简报" and a.history == ()
    (seed_folder / "温州山海协作简报_2023第1期.txt").unlink()
    a, _ = _ask(seed_folder, tmp_path / "again", "园区入驻企业多少家？")
    assert a.figure is not None and a.figure.text == "72 家"
    assert [(p.date, p.figure.text) for p in a.history] == [("2022-09-20", "65 家")]


def test_history_makes_sentence_objects_only_for_sentences_naming_the_measure(
    three_issues: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A long series must not make every sentence of every earlier issue (that was most of a slow answer's time).
    made: list[int] = []
    original = SentenceTable.__getitem__

    def counted(self: SentenceTable, i: Any) -> Any:
        made.append(1)
        return original(self, i)

    emb = FakeEmbedder()
    build_index(three_issues, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    lead = next(b for b in searcher.snapshot.briefings.values() if b.date == "2023-06-20")
    sentence = next(s for s in lead.sentences if FIRMS.replace("65", "80") in s.text)
    figure = next(f for f in find_figures(sentence.text, sentence.start) if f.unit == "家")
    monkeypatch.setattr(SentenceTable, "__getitem__", counted)
    history = figure_history(lead, sentence, figure, [], searcher.snapshot.briefings.values())
    assert [p.figure.text for p in history] == ["72 家", "65 家"]
    earlier = sum(len(b.sentences) for b in searcher.snapshot.briefings.values() if b is not lead)
    assert 0 < len(made) <= 4 < earlier
