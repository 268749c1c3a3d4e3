"""Plans told from results: a paragraph that opens on a span of years ("这五年…") gives no single year's figure, a
review section is no plan though a heading names a target; and the best of each retrieval list is re-scored whatever
its fused rank."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_index import OPEN, answered_figure, searcher_over
from paths import SEED

from index.answer import build_answer
from index.evidence import squash
from index.plans import asks_for_plan, in_a_period_paragraph, plan_section
from index.query import make_query


def test_a_paragraph_opening_on_a_span_of_years_speaks_of_it_throughout() -> None:
    text = (
        "刚刚过去的2025年，是“十四五”收官之年。全年地区生产总值增长5%。\n"
        "——这五年民生福祉不断增进。城镇新增就业累计106万人。\n"
        "五年来，我们坚定不移贯彻新发展理念。经济总量迈上新台阶。\n"
        "“十四五”时期，粮食产量稳定在500亿斤以上。\n"
        "——这是招大引强、开放合作成果丰硕的五年。累计接待游客17.52亿人次。\n"
    )
    assert not in_a_period_paragraph(text, text.index("全年地区"))  # one year, though it names the span
    assert not in_a_period_paragraph(text, text.index("刚刚"))
    assert in_a_period_paragraph(text, text.index("城镇新增"))
    assert in_a_period_paragraph(text, text.index("——这五年"))
    assert in_a_period_paragraph(text, text.index("经济总量"))
    assert in_a_period_paragraph(text, text.index("粮食产量"))
    assert in_a_period_paragraph(text, text.index("累计接待"))  # "这是…的五年": its opening runs past 16 characters


def test_a_paragraph_too_long_to_reach_its_opening_is_not_read_as_one() -> None:
    text = "这五年，" + "工作。" * 2000 + "城镇新增就业10万人。"
    assert not in_a_period_paragraph(text, text.index("城镇新增"))


REPORT = (
    "2026年政府工作报告\n\n"
    "一、“十四五”时期和2025年工作回顾\n\n"
    "——这五年民生福祉不断增进。城镇新增就业累计106万人，常住人口城镇化率达到71.5%。\n\n"
    "这一年，我们精准施策，民生福祉改善提升。城镇新增就业17.78万人。\n"
)


def test_one_years_figure_is_not_taken_from_a_five_year_paragraph(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"report.txt": REPORT})
    assert answered_figure(searcher, "2025年城镇新增就业多少人？") == "17.78万人"


def test_with_only_the_five_year_paragraph_one_years_figure_is_refused(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"report.txt": REPORT.rsplit("这一年", 1)[0]})
    assert not build_answer("2025年城镇新增就业多少人？", searcher, weights=OPEN).answered
    # Asked over the span, the span's figure answers.
    assert (answered_figure(searcher, "这五年城镇新增就业累计多少人？") or "").endswith("106万人")


def test_the_best_of_each_list_joins_the_fused_top(tmp_path: Path) -> None:
    lines = [f"第{i}项工作稳步推进，城镇建设持续加强，群众满意度提升。" for i in range(40)]
    searcher = searcher_over(tmp_path, {"report.txt": "\n".join([*lines, "城镇新增就业17.78万人。"])})
    query = make_query("城镇新增就业多少人？", searcher)
    dense_best = [r for r, _ in searcher.dense(query, 3)]
    lexical_best = [r for r, _ in searcher.lexical.top(query.tokens, 3)]
    alone = [h.row for h in searcher.search(query, k=1)]
    joined = [h.row for h in searcher.search(query, k=1, each=3)]
    assert len(alone) == 1 and joined[0] == alone[0]  # the fused order leads
    assert set(dense_best) | set(lexical_best) <= set(joined)
    assert len(joined) == len(set(joined)) <= 1 + 6


def test_the_lexical_list_weighs_in_fusion_as_asked(tmp_path: Path) -> None:
    lines = [f"第{i}项工作稳步推进，城镇建设持续加强，群众满意度提升。" for i in range(40)]
    searcher = searcher_over(tmp_path, {"report.txt": "\n".join([*lines, "城镇新增就业17.78万人。"])})
    query = make_query("城镇新增就业多少人？", searcher)
    dense_order = [r for r, _ in searcher.dense(query, 10)]
    assert [h.row for h in searcher.search(query, k=10, lexical_weight=0.0)] == dense_order
    lexical_best = searcher.lexical.top(query.tokens, 1)[0][0]
    assert searcher.search(query, k=1, lexical_weight=100.0)[0].row == lexical_best


def test_a_review_section_is_no_plan_though_a_heading_names_a_target() -> None:
    assert plan_section(("二、2025年工作总体要求和主要目标",))
    assert plan_section(("三、2026年重点工作", "（一）扩大有效需求"))
    assert not plan_section(("一、2024年工作回顾", "（一）锚定目标攻坚，经济发展实现逆势而上。"))
    # the 1987 report opens on the year's results under "形势" and "任务" both
    assert not plan_section(("一、当前国内形势和基本任务",))
    assert not plan_section(("一、过去一年和五年工作回顾", "（二）聚力落实国家重大战略任务"))


def test_a_result_under_a_review_heading_naming_a_target_answers(tmp_path: Path) -> None:
    report = (
        "2025年政府工作报告\n\n一、2024年工作回顾\n\n（一）锚定目标攻坚，经济发展实现逆势而上。\n\n"
        "加大资源能源开发利用力度，煤炭产量首次突破1亿吨、居全国第八。\n\n二、2025年重点工作\n\n"
        "稳定煤炭产量，做好能源保供。\n"
    )
    searcher = searcher_over(tmp_path, {"2025年宁夏政府工作报告.txt": report})
    assert (answered_figure(searcher, "2024年宁夏煤炭产量突破了多少？") or "").endswith("1亿吨")


def test_a_sentence_naming_the_year_is_that_years_though_its_paragraph_spans_several(tmp_path: Path) -> None:
    # The 1988 report compares 1987 with 1982 in one paragraph; its sentence naming 1987 gives 1987's figure.
    report = (
        "1988年国务院政府工作报告\n\n"
        "一、五年来的工作\n\n"
        "五年来，对外开放不断扩大。1987年来华旅游入境总人数达到2690万人次，为1982年的3.4倍。\n"
    )
    searcher = searcher_over(tmp_path, {"report.txt": report})
    assert answered_figure(searcher, "1987年来华入境旅游的一共有多少人次？") == "2690万人次"


def test_full_width_years_are_the_years_a_question_names(tmp_path: Path) -> None:
    # Older reports write "１９５５年"; a question writes "1955年": the key terms are found in either.
    assert squash("１９５４ 年，增长８％") == "1954年，增长8%"
    assert squash("ＧＤＰ\u3000增长６．４％") == "GDP增长6.4%"
    report = (
        "关于１９５５年国家决算和１９５６年国家预算的报告\n\n"
        "一、１９５５年国家决算\n\n"
        "１９５５年全国工业总产值完成了原定计划的１０１％，比１９５４年增长８％。\n"
    )
    searcher = searcher_over(tmp_path, {"report.txt": report})
    assert answered_figure(searcher, "1955年全国工业总产值比1954年增长了多少？") == "８％"


def test_years_in_chinese_numerals_are_the_years_a_question_names(tmp_path: Path) -> None:
    # The older reports write "一九八二年": a question's key terms "1978年", "1982年" must be found there.
    assert squash("从一九七八年到一九八二年，") == "从1978年到1982年，"
    assert squash("一二三四五") == "一二三四五"  # no year without 年
    report = (
        "1983年国务院政府工作报告\n\n一、过去五年的工作\n\n"
        "从一九七八年到一九八二年，城镇个体劳动者从十五万人增加到一百四十七万人。\n\n农业生产连续增长。\n"
    )
    searcher = searcher_over(tmp_path, {"report.txt": report})
    a = build_answer("从1978年到1982年，城镇个体劳动者从多少人增加到多少人？", searcher, weights=OPEN)
    assert a.answered and a.refused_by == "" and "一百四十七万人" in a.quotes[0].text


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("2019年GDP增长预期目标是多少？", True),
        ("2018年给地方政府安排了多少专项债券额度？", True),  # an allocation is the year's plan
        ("How many college graduates was China expecting in 2014?", True),
        ("How much did China plan to issue in ultra-long special treasury bonds in 2024?", True),
        ("What was the target for GDP growth in 2019?", True),
        ("How many new urban jobs is Qinghai aiming to create in 2025?", True),
        ("云南2025年产业投资预计增长多少？", True),
        ("What central government deficit did the State Council budget for 2007?", True),
        ("2001年国家打算发行多少长期建设国债？", True),
        ("Under the First Five-Year Plan, how much in total was to be spent on economic construction?", True),
        ("2018年全国减税降费多少？", False),
        ("How much general public budget revenue did Guangdong collect in 2024?", False),  # a result
        # a plan's name is a period, not a plan asked for
        ("During the Sixth Five-Year Plan period (1981–1985), how much foreign direct investment did China absorb?",
         False),
    ],
)
def test_what_asks_for_a_plan(question: str, asks: bool) -> None:
    assert asks_for_plan(question) is asks


def test_an_allocation_asked_is_answered_by_the_years_own_plan(tmp_path: Path) -> None:
    # The 2018 report plans 2018: its "今年安排" is no result of 2018, but it is what "安排了多少" asks.
    report = (
        "2018年国务院政府工作报告\n\n一、2017年工作回顾\n\n全年减税降费超过1万亿元。\n\n"
        "二、2018年经济社会发展总体要求和政策取向\n\n今年安排地方专项债券1.35万亿元，比去年增加5500亿元。\n"
    )
    searcher = searcher_over(tmp_path, {"2018年国务院政府工作报告.txt": report})
    assert answered_figure(searcher, "2018年给地方政府安排了多少专项债券额度？") == "1.35万亿元"


def test_a_plan_asked_is_not_answered_by_what_is_already_done(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {SEED.name: SEED.read_text(encoding="utf-8")})
    plan = build_answer("产业飞地一期启动项目计划总投资是多少？", searcher, weights=OPEN)
    assert not plan.answered and plan.refused_by == "result for a plan"
    assert answered_figure(searcher, "产业飞地一期启动项目已完成投资多少？") == "1.05 亿元"
