"""What the question's wording asks the figure to be: per village, in tons, a change in no unit."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from fake_index import OPEN, answered_figure, searcher_over

from index.answer import build_answer, question_candidates
from index.figures import find_figures, in_a_ratio
from index.query import make_query
from index.question import gives_per_unit, totals, understand

BRIEFING = (
    "工作简报\n\n一、消薄飞地\n\n"
    "牵头松阳48个村股份经济合作社参股投资3109.5万元，截至目前，累计返利932.7万元。\n"
)


@pytest.mark.parametrize(
    ("question", "per_unit"),
    [
        ("How much has each of the 48 Songyang villages received from the enclave so far?", True),
        ("What is the rent per square metre at the enclave?", True),
        ("每个村分到多少返利？", True),
        ("How many tourists visit Badu village each year?", False),  # a yearly figure
        ("What was urban residents' per capita disposable income in 2005?", True),  # per head: 人均 gives it
        ("每年增收多少？", False),
        ("人均可支配收入是多少？", True),
        ("2025年去博鳌乐城的医疗游客人均花了多少钱？", True),
    ],
)
def test_a_figure_per_village_or_per_square_metre_is_asked_per_unit(question: str, per_unit: bool) -> None:
    assert understand(question).per_unit is per_unit


def test_a_sentence_gives_a_per_unit_figure_by_its_wording() -> None:
    assert gives_per_unit("村均返利19.4万元") and gives_per_unit("租金30元/平方米") and gives_per_unit("每亩产值")
    assert gives_per_unit("城镇居民人均可支配收入达到10493元")
    assert not gives_per_unit("累计返利932.7万元")
    assert not gives_per_unit("2025年医疗旅游人次86.5万、收入83.9亿元")  # a total: no spending per visitor
    assert gives_per_unit("单位地区生产总值二氧化碳排放降低3.8%左右")  # per unit of GDP
    assert not gives_per_unit("各单位累计投入资金2亿元")  # organisations, not a per-unit figure


def test_a_total_does_not_answer_each_ones_share(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"简报.txt": BRIEFING})
    assert build_answer("消薄飞地累计返利多少？", searcher, weights=OPEN).answered
    each = ("每个村从消薄飞地分到多少返利？", "How much has each of the 48 villages received from the enclave?")
    for question in each:
        assert not build_answer(question, searcher, weights=OPEN).answered, question
    assert build_answer("每个村从消薄飞地分到多少返利？", searcher, weights=replace(OPEN, per_unit=False)).answered


def test_a_per_head_figure_must_be_the_one_quoted(tmp_path: Path) -> None:
    # The sentence words GDP per head, but as a rank; its amount is the total.
    report = ("2026年陕西省政府工作报告\n\n一、2025年工作回顾\n\n"
              "地区生产总值跨过3万亿元、年均增长5.2％，人均生产总值居全国第12位。\n\n"
              "居民人均可支配收入达到3.5万元、增长5%。\n")
    searcher = searcher_over(tmp_path, {"2026年陕西省政府工作报告.txt": report})
    refused = build_answer("2025年陕西人均生产总值是多少元？", searcher, weights=OPEN)
    assert not refused.answered and refused.refused_by == "per unit"
    assert answered_figure(searcher, "2025年陕西居民人均可支配收入是多少？") == "3.5万元"


PORT = "2025年天津市政府工作报告\n\n一、2024年工作回顾\n\n天津港集装箱航线147条、吞吐量2329万标准箱。\n"


def test_a_quarter_or_half_asked_is_not_answered_by_the_years_figure(tmp_path: Path) -> None:
    report = "2026年贵州省政府工作报告\n\n一、2025年工作回顾\n\n全年地区生产总值增长4.9%，一般公共预算收入增长2.5%。\n"
    searcher = searcher_over(tmp_path, {"2026年贵州省政府工作报告.txt": report})
    assert understand("2025年第三季度贵州地区生产总值增长多少？").part_of_year == "第三季度"
    assert understand("By how much did GDP grow in the first half of 2022?").part_of_year == "first half"
    assert understand("截至2025年底组网卫星有多少颗？").part_of_year == ""  # year-end is the year's figure
    assert build_answer("2025年贵州地区生产总值增长多少？", searcher, weights=OPEN).answered
    assert not build_answer("2025年第三季度贵州地区生产总值增长多少？", searcher, weights=OPEN).answered
    assert build_answer("2025年第三季度贵州地区生产总值增长多少？", searcher,
                        weights=replace(OPEN, part_of_year=False)).answered


def test_tons_asked_are_not_answered_in_containers(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"2025年天津市政府工作报告.txt": PORT})
    assert not build_answer("2024年天津港货物吞吐量是多少吨？", searcher, weights=OPEN).answered
    assert answered_figure(searcher, "2024年天津港集装箱吞吐量是多少标准箱？") == "2329万标准箱"


FARMERS = (
    "2026年吉林省政府工作报告\n\n一、2025年工作回顾\n\n"
    "重构农业投资农民受益机制，农民人均收入增加1207元，脱贫地区农民收入增速超过全国平均水平。\n"
    "森林覆盖率达到45.2%。\n"
)


def test_by_how_much_keeps_the_amount_it_rose_by_over_a_neighbours_rate(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"2026年吉林省政府工作报告.txt": FARMERS})
    assert answered_figure(searcher, "By how much did Jilin farmers' per capita income rise in 2025?") == "1207元"


def test_a_growth_asked_is_the_rate_worded_as_growth(tmp_path: Path) -> None:
    # "完成了原定计划的101%" is a rate of another sort than "比1954年增长8%", though its clause names more of the
    # question's words.
    report = ("关于1955年国家决算的报告\n\n一、1955年国家决算\n\n"
              "1955年全国工业总产值完成了原定计划的101%，比1954年增长8%。\n")
    searcher = searcher_over(tmp_path, {"report.txt": report})
    assert answered_figure(searcher, "1955年全国工业总产值比1954年增长了多少？") == "8%"
    assert answered_figure(searcher, "1955年全国工业总产值完成了原定计划的百分之多少？") == "101%"


def test_the_parts_of_a_ratio_are_no_total(tmp_path: Path) -> None:
    # "每出口4辆汽车就有1辆安徽造" says a share of the nation's exports, not how many cars were made or exported.
    report = ("2025年安徽省政府工作报告\n\n一、2024年工作回顾\n\n"
              "整车出口量跃居全国首位，全国每出口4辆汽车就有1辆安徽造。\n汽车产量继续保持40%以上增长、达357万辆。\n")
    searcher = searcher_over(tmp_path, {"report.txt": report})
    assert answered_figure(searcher, "2024年安徽一共造了多少辆汽车？") == "357万辆"
    assert answered_figure(searcher, "2024年安徽整车出口了多少辆？") is None
    assert in_a_ratio("每10个人中就有1个是志愿者", find_figures("每10个人中就有1个是志愿者")) == \
        find_figures("每10个人中就有1个是志愿者")
    assert in_a_ratio("汽车产量达357万辆", find_figures("汽车产量达357万辆")) == []


@pytest.mark.parametrize(
    ("question", "asks_change"),
    [
        ("1979年全民所有制职工年平均工资有多少？", False),
        ("What was the average monthly pension of enterprise retirees in China in 2008?", False),
        ("How much grain did Heilongjiang produce in 2025?", False),
        ("How many new-energy vehicles did Chongqing produce in 2025?", False),
        ("2025年城镇新增就业多少人？", True),
        ("余姚出钱帮松阳古市镇那个村搞住宿和养老项目，村里一年多挣多少？", True),  # "多挣": earns more
        ("职工工资比上年增加了多少？", True),
        ("How many new jobs were created in 2025?", True),
        ("By how much did pensions rise in 2008?", True),
    ],
)
def test_a_question_asks_a_change_or_a_level(question: str, asks_change: bool) -> None:
    assert understand(question).asks_change is asks_change


def test_a_change_does_not_answer_a_level(tmp_path: Path) -> None:
    head = "2009年国务院政府工作报告\n\n一、2008年工作回顾\n\n"
    pensions = searcher_over(tmp_path / "a", {"report.txt": head + "企业退休人员养老金人均每月新增110元。\n"})
    assert answered_figure(pensions, "What was the average monthly pension of enterprise retirees in 2008?") is None
    assert answered_figure(pensions, "2008年企业退休人员养老金每月增加了多少？") == "110元"
    wages = searcher_over(tmp_path / "b", {"report.txt": head + "职工的年平均工资达到705元，比上年增加61元。\n"})
    assert answered_figure(wages, "2008年职工年平均工资有多少？") == "705元"
    assert answered_figure(wages, "2008年职工年平均工资比上年增加了多少？") == "61元"


def test_a_figure_the_question_quotes_leads_to_its_sentence(tmp_path: Path) -> None:
    # "简报里那个1.65万人次指的是什么": the sentence holding 1.65万人次 is what the question is about.
    briefing = ("工作简报\n\n一、旅游合作\n\n松阳累计组织3500余名职工赴余姚开展疗休养。\n"
                "宁波市赴松阳疗养人数达1.65万人次。\n2021年第2批协作项目开工。\n")
    searcher = searcher_over(tmp_path, {"b.txt": briefing})

    def quoted(question: str) -> dict[str, float]:
        found = question_candidates(make_query(question, searcher), searcher)
        return {c.sentence.text: c.values["quoted"] for c in found}

    by_text = quoted("简报里那个1.65万人次指的是谁去哪儿？")
    assert by_text["宁波市赴松阳疗养人数达1.65万人次。"] == 1.0
    assert by_text["松阳累计组织3500余名职工赴余姚开展疗休养。"] == 0.0
    # Its years, ordinals and small numbers are not quoted figures: "2021年" names a year, "第2批" and "第10期" a
    # place in a series.
    assert quoted("2021年第2批协作项目是什么？")["2021年第2批协作项目开工。"] == 0.0
    briefing = "宁波支援合作工作简报\n(2022 第 10 期)\n\n一、协作\n\n协作项目10个。\n"
    header = searcher_over(tmp_path / "h", {"b.txt": briefing})
    found = question_candidates(make_query("《宁波支援合作工作简报》2022年第10期是什么时候印发的？", header), header)
    assert not any(c.values["quoted"] for c in found)


def test_a_sentence_of_thousands_of_ratios_is_sorted_in_linear_time() -> None:
    sentence = "每1个就有1个" * 20_000
    figures = find_figures(sentence)
    intent = understand("多少个？")
    started = time.perf_counter()
    kept = totals(intent, sentence, figures)
    assert len(kept) < len(figures) and time.perf_counter() - started < 2.0
