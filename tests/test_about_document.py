"""Questions about the briefing itself (its issue, date, recipients) are answered from its header lines."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fake_index import OPEN, searcher_over
from paths import SEED

from index.answer import build_answer
from index.question import sentence_fits, understand


@pytest.mark.parametrize(
    ("question", "about", "kind"),
    [
        ("这份简报是哪一年第几期？", True, "issue"),
        ("这期简报是什么时候印发的", True, "date"),
        ("Which issue is this briefing?", True, "issue"),
        ("Which provincial offices was this briefing reported to?", True, "other"),
        ("消薄飞地累计返利多少？", False, "money"),
        ("产业飞地分几期建设？", False, "count"),  # phases of a project, not the briefing's issue
    ],
)
def test_a_question_about_the_document_itself(question: str, about: bool, kind: str) -> None:
    intent = understand(question)
    assert (intent.about_document, intent.kind) == (about, kind)


def test_an_issue_line_fits_an_issue_question() -> None:
    issue = understand("这份简报是哪一年第几期？")
    assert sentence_fits(issue, "(2022 第 10 期)") == 1.0
    assert sentence_fits(issue, "2022 年 9 月 20 日") == 0.0


def test_the_issue_line_answers_which_issue_and_is_passed_over_otherwise(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {SEED.name: SEED.read_text(encoding="utf-8")})
    a = build_answer("这份简报是哪一年第几期？", searcher, weights=OPEN)
    assert a.answered and a.quotes[0].text == "(2022 第 10 期)"
    # A question about the work, not the document, is not answered with a header line.
    b = build_answer("宁波支援合作的工作简报有哪些内容？", searcher, weights=OPEN)
    assert all(q.text != "(2022 第 10 期)" for q in b.quotes[:1])


REPORTED_TO = "报：省对口办和省山海办主要领导和分管领导，省发改委。"
SENT_TO = ("送：市对口工作领导小组及山海协作领导小组成员单位，各区（县、市）党委政府及有关园区管委会主要领导和"
           "分管领导，前方工作机构。")


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("宁波支援合作工作简报第10期报送给了哪些单位？", REPORTED_TO),
        ("Which provincial offices was this briefing reported to?", REPORTED_TO),
        ("这期简报抄送给了哪些单位？", SENT_TO),
        ("这期简报印发给了哪些部门？", "发：各区（县、市）、园区支援合作工作部门。"),
    ],
)
def test_whom_a_document_went_to_is_its_distribution_line_of_that_verb(tmp_path: Path, question: str,
                                                                        line: str) -> None:
    """"报送" asks the "报：" line, not the "送：" line that shares more words, nor the title the question names."""
    searcher = searcher_over(tmp_path, {SEED.name: SEED.read_text(encoding="utf-8")})
    a = build_answer(question, searcher, weights=OPEN)
    assert a.answered and a.quotes[0].text == line
    assert a.answer == line  # the whole line: no clause of it names a key term, so none is tighter


def test_a_long_hostile_sentence_costs_linear_time() -> None:
    issue = understand("这份简报是哪一年第几期？")
    started = time.perf_counter()
    for text in ("第" + "1" * 200_000, "第 " * 100_000, "第" + " " * 100_000 + "9" * 100_000):
        assert sentence_fits(issue, text) == 0.0
    assert time.perf_counter() - started < 1.0
