"""The question's day and year against a sentence's: another day's figure is not the one asked for."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fake_index import searcher_over

from index.agreement import agreement, days_named
from index.answer import Weights, build_answer
from index.build import build_index
from index.embed import FakeEmbedder
from index.search import Searcher
from index.store import load

OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)  # the fake embedder's cosines are not e5's


def test_days_named() -> None:
    assert days_named("2022年1月5日全国新增确诊病例数？") == ("01-05",)
    assert days_named("马克龙4月5日至7日访华") == ("04-05",)
    assert days_named("2022年全国新增确诊病例数？") == ()


def test_the_asked_day_agrees_and_another_day_does_not() -> None:
    asked = (("01-05",), (2022,))
    assert agreement(*asked, "2022年1月5日0—24时，新增确诊病例189例。") == 1.0
    assert agreement(*asked, "截至2022年5月5日，累计报告确诊病例300例。") == -1.0
    assert agreement(*asked, "Jan 24, 2023 ... 2023年春节档票房") == -1.0  # no day, another year
    assert agreement(*asked, "新增确诊病例189例。") == 0.0  # says nothing either way


def test_years_disagree_only_when_none_asked_is_named() -> None:
    assert agreement((), (2022,), "2021年香港GDP增长6.4%。") == -1.0
    assert agreement((), (2022,), "2022年GDP比2021年增长3%。") == 0.0
    assert agreement((), (2022,), "过去一年，生产总值增长5.5%。") == 0.0
    assert agreement((), (), "2021年香港GDP增长6.4%。") == 0.0


def test_a_year_compared_with_is_not_the_figures_year() -> None:
    # The 2013 report gives 2012's figure against 2007's: "比2007年" names the base, not the figure's year.
    assert agreement((), (2012,), "城镇居民每百户拥有家用汽车21.5辆，比2007年增加15.5辆；") == 0.0
    assert agreement((), (2025,), "四大主导产业占GDP比重较2020年提高约14个百分点。") == 0.0
    assert agreement((), (2012,), "2007年城镇居民每百户拥有家用汽车6辆。") == -1.0


NEWS = (
    "疫情通报汇编\n\n"
    "截至2022年5月5日，全国累计报告新增确诊病例数为300例，各地新增确诊病例数继续下降。\n\n"
    "2022年1月5日0—24时，31个省报告新增确诊病例189例。\n"
)


def test_the_sentence_of_the_asked_day_leads(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "通报.txt").write_text(NEWS, encoding="utf-8")
    emb = FakeEmbedder()
    build_index(folder, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    question = "2022年1月5日全国新增确诊病例数？"
    a = build_answer(question, searcher, weights=OPEN)
    assert a.answered and "189例" in a.quotes[0].text
    blind = build_answer(question, searcher, weights=replace(OPEN, agreement=0.0))
    assert "300例" in blind.quotes[0].text  # without the check, the sentence sharing more words leads


def test_a_figure_of_another_year_is_refused(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"简报.txt": (
        "工作简报\n\n一、消费帮扶\n\n2021年，松阳农产品在余姚销售额首次突破2000万元。\n\n"
        "2017 年以来，助力松阳消费帮扶超 1 亿元。\n\n2022 年上半年，园区入驻企业 65 家。\n")})
    a = build_answer("2021年松阳农产品在余姚的销售额是多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text == "2000万元"
    other_years = ("2022年松阳农产品在余姚的销售额是多少？", "How much consumer assistance did Songyang get in 2022?")
    for question in other_years:
        refused = build_answer(question, searcher, weights=OPEN)
        assert not refused.answered and refused.figure is None and refused.nearest, question
        assert refused.refused_by == "other year", question
    kept = build_answer("2022年松阳农产品在余姚的销售额是多少？", searcher, weights=replace(OPEN, other_year=False))
    assert kept.answered and kept.figure is not None and kept.figure.text == "2000万元"  # the rule alone refuses
    # A question that names no year is answered from whichever year the briefing gives.
    assert build_answer("松阳农产品在余姚的销售额是多少？", searcher, weights=OPEN).answered
