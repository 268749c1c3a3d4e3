"""The measures a figure question names: an answer must name the same one ("GDP" is not an aid figure)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fake_index import OPEN, answered_figure, searcher_over

from index.answer import build_answer
from index.measures import measure_of, measures_named, names_measures
from index.question import understand
from index.search import Searcher


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("松阳县的GDP是多少？", ("gdp",)),
        ("松阳县的ｇｄｐ是多少？", ("gdp",)),  # full-width letters fold to the same word
        ("松阳县地区生产总值是多少？", ("gdp",)),
        ("横樟村有多少户籍人口？", ("population",)),
        ("横樟村一年的旅游收入是多少？", ("income",)),
        ("横樟村年均接待游客多少人次？", ("visitors",)),
        ("What is the population of Songyang County?", ("population",)),
        ("What is Songyang's GDP?", ("gdp",)),
        ("How many tourists visited Hengzhang?", ("visitors",)),
        ("消薄飞地累计返利多少？", ()),  # names no statistic of the list: nothing more is required
        ("余姚派出了多少技术人才？", ()),
        ("How much has the enclave returned?", ()),
    ],
)
def test_the_measure_a_question_names(question: str, expected: tuple[str, ...]) -> None:
    assert measures_named(question) == expected
    assert understand(question).measures == expected


def test_an_english_phrase_is_matched_as_a_whole_word() -> None:
    assert measures_named("What does the currency reform cover?") == ()  # not "rent" inside "currency"


@pytest.mark.parametrize(
    ("sentence", "names", "expected"),
    [
        ("2017 年以来，共到位援建资金 1264.5 万元，助力松阳消费帮扶超 1 亿元。", ("gdp",), False),
        ("全县实现地区生产总值 180 亿元。", ("gdp",), True),
        ("年均接待游客约 2 万人次。", ("population",), False),
        ("年均接待游客约 2 万人次。", ("visitors",), True),
        ("并投资 1060 万元配套建设综合休闲广场。", ("income",), False),
        ("直接带动村集体每年增收20余万元；", ("income",), True),
        ("任何一句话", (), True),  # no measure asked: nothing to name
    ],
)
def test_a_sentence_names_the_measure(sentence: str, names: tuple[str, ...], expected: bool) -> None:
    assert names_measures(sentence, names) is expected


def test_a_rent_question_asks_for_an_amount_of_the_rent_measure() -> None:
    intent = understand("What is the rent per square metre at the enclave?")
    assert (intent.kind, intent.measures) == ("money", ("rent",))


def test_a_verb_of_selling_names_no_measure() -> None:
    # 卖 is no statistic's name: a question saying it may ask for a figure the documents name otherwise
    assert measures_named("松阳的茶叶在余姚卖了多少？") == ()


def test_retail_sales_name_the_sales_measure() -> None:
    # "retail sales of consumer goods" asks for sales: "社会消费品零售总额2.76万亿元" names it as 零售.
    assert names_measures("社会消费品零售总额2.76万亿元", measures_named("What were Henan's retail sales in 2024?"))


def test_a_product_named_is_a_measure_the_answer_must_name(tmp_path: Path) -> None:
    """"How many tons of coal" is not answered by the tons of cotton."""
    coal = measures_named("How many tons of raw coal did Xinjiang produce in 2024?")
    assert coal == ("coal",)
    assert not names_measures("棉花总产568.6万吨、占全国92.2%。", coal)
    assert names_measures("原煤产量5.41亿吨、增长17.5%。", coal)
    assert measures_named("2025年黑龙江粮食总产量是多少？") == ("grain",)
    assert measures_named("How large was Guizhou's computing power in 2024?") == ()  # power is no electricity
    assert measures_named("How much electric power did Sichuan generate?") == ("electricity",)
    report = "2025年新疆维吾尔自治区政府工作报告\n\n一、2024年工作回顾\n\n棉花总产568.6万吨、占全国92.2%。\n"
    searcher = searcher_over(tmp_path, {"2025年新疆维吾尔自治区政府工作报告.txt": report})
    assert not build_answer("2024年新疆原煤产量是多少吨？", searcher, weights=OPEN).answered
    assert answered_figure(searcher, "2024年新疆棉花产量是多少吨？") == "568.6万吨"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What was the value of China's exports in 2013?", ("exports",)),
        ("1987年全国进出口总额是多少？", ("trade",)),  # not exports: "出口" is inside "进出口"
        ("What was China's total foreign trade in 1987?", ("trade",)),
        ("How much did China's imports and exports come to in 2013?", ("trade",)),
        ("2024年重庆出口了多少辆汽车？", ("exports",)),
    ],
)
def test_a_word_inside_a_longer_word_of_another_measure_names_only_that_one(
        question: str, expected: tuple[str, ...]) -> None:
    assert measures_named(question) == expected


def test_imports_and_exports_together_are_no_figure_of_exports() -> None:
    assert not names_measures("进出口总额突破4万亿美元，再上新台阶。", ("exports",))
    assert names_measures("进出口总额突破4万亿美元，再上新台阶。", ("trade",))
    assert names_measures("进出口总额8512亿美元，其中出口4500亿美元。", ("exports",))
    assert names_measures("出口总额达到2.2万亿美元。", ("exports",))


def test_a_question_naming_several_measures_is_answered_by_a_sentence_naming_one() -> None:
    # "煤层气这类非常规天然气" names coal (煤) and natural gas; the sentence gives the gas.
    assert measures_named("2024年山西煤层气这类非常规天然气一年产了多少？") == ("coal", "natural gas")
    assert names_measures("非常规天然气产量超过165亿立方米，增长12.7%。", ("coal", "natural gas"))
    assert not names_measures("棉花总产568.6万吨、占全国92.2%。", ("coal", "natural gas"))


def _refused_as_another_measure(tmp_path: Path, report: str, question: str) -> Searcher:
    """A searcher over the one report, after checking the question is refused for naming another measure."""
    searcher = searcher_over(tmp_path, {"report.txt": report})
    refused = build_answer(question, searcher, weights=OPEN)
    assert not refused.answered and refused.refused_by == "measure"
    return searcher


def test_exports_are_refused_where_only_imports_and_exports_are_given(tmp_path: Path) -> None:
    report = "2014年政府工作报告\n\n一、2013年工作回顾\n\n2013年，进出口总额突破4万亿美元，再上新台阶。\n"
    searcher = _refused_as_another_measure(tmp_path, report, "What was the value of China's exports in 2013?")
    assert answered_figure(searcher, "2013年全国进出口总额是多少？") == "4万亿美元"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年货物进出口总额", "trade"),  # the 进口 inside 进出口 names no imports
        ("除棉花和糖料减产外，主要农产品产量都有显著增加，粮食总产量", "grain"),  # the last one named
        ("全年完成", None),
    ],
)
def test_the_measure_named_last(text: str, expected: str | None) -> None:
    assert measure_of(text) == expected


def test_a_figure_of_another_measure_in_a_sentence_naming_the_asked_one_is_refused(tmp_path: Path) -> None:
    # The sentence names imports (a rate of them); its only amount is the trade total.
    report = ("2012年政府工作报告\n\n一、2011年工作回顾\n\n"
              "全年货物进出口总额3.64万亿美元，增长22.5％，其中，出口增长20.3％，进口增长24.9％。\n")
    searcher = _refused_as_another_measure(tmp_path, report, "2011年我国进口总额是多少美元？")
    assert answered_figure(searcher, "2011年我国进出口总额是多少美元？") == "3.64万亿美元"


def test_a_figure_given_with_another_measure_for_a_share_is_refused(tmp_path: Path) -> None:
    # "占全国92.2%" names no measure of its own: it is the share of the cotton named before it.
    report = ("2025年某自治区政府工作报告\n\n一、2024年工作回顾\n\n"
              "原煤产量5.4亿吨，棉花总产568.6万吨、占全国92.2%。\n")
    searcher = searcher_over(tmp_path, {"report.txt": report})
    assert answered_figure(searcher, "2024年这个自治区棉花产量占全国多少？") == "92.2%"
    refused = build_answer("2024年这个自治区原煤产量占全国多少？", searcher, weights=OPEN)
    assert not refused.answered


def test_registered_unemployment_is_not_the_surveyed_rate(tmp_path: Path) -> None:
    report = "2022年政府工作报告\n\n一、2021年工作回顾\n\n城镇新增就业1269万人，城镇调查失业率平均为5.1%。\n"
    question = "What was China's registered urban unemployment rate in 2021?"
    assert measures_named(question) == ("registered unemployment",)
    searcher = _refused_as_another_measure(tmp_path, report, question)
    assert answered_figure(searcher, "2021年全国城镇调查失业率是多少？") == "5.1%"


def test_foreign_direct_investment_is_not_all_foreign_capital(tmp_path: Path) -> None:
    report = ("1985年政府工作报告\n\n一、1984年的工作\n\n"
              "全国以各种形式实际使用的国外资金达26.6亿美元，比上年增长35.7%。\n\n对外开放继续扩大。\n")
    _refused_as_another_measure(tmp_path, report,
                                "How much foreign direct investment did China actually take in during 1984?")
    assert measures_named("1993年外商直接投资达到多少？") == ("foreign direct investment",)


def test_an_average_wage_is_not_the_wage_bill(tmp_path: Path) -> None:
    report = ("1986年政府工作报告\n\n一、第六个五年计划的执行情况\n\n"
              "全国职工的工资总额一九八○年为七百七十三亿元，一九八五年将达到九百八十三亿元。\n")
    searcher = _refused_as_another_measure(tmp_path, report, "1985年全国职工年平均工资是多少元？")
    assert measures_named("What was the average wage of Chinese workers in 1985?") == ("average wage",)
    # of two figures, the one its clause dates in the year asked ("一九八五年将达到…"), though the other's names more
    assert answered_figure(searcher, "1985年全国职工工资总额是多少？") == "九百八十三亿元"


def test_a_figure_whose_clause_names_no_year_is_the_sentences_year(tmp_path: Path) -> None:
    """Only a clause dating its figure in another year gives it up: "2024年…，一般公共预算总收入5955.6亿元" is 2024's,
    though its own clause names no year and the GDP's does."""
    report = ("2025年某省政府工作报告\n\n一、2024年工作回顾\n\n"
              "初步统计，2024年全省地区生产总值57761亿元、增长5.5%，一般公共预算总收入5955.6亿元、增长0.8%。\n")
    searcher = searcher_over(tmp_path, {"report.txt": report})
    assert answered_figure(searcher, "2024年该省一般公共预算总收入是多少？") == "5955.6亿元"


def test_hospital_beds_are_not_the_hospitals(tmp_path: Path) -> None:
    report = "1954年政府工作报告\n\n一、卫生工作\n\n到一九五三年底，中央卫生部所属医院共有三千零六十八所。\n"
    question = "How many hospital beds were there in China at the end of 1953?"
    searcher = _refused_as_another_measure(tmp_path, report, question)
    assert answered_figure(searcher, "到1953年底中央卫生部所属医院有多少所？") == "三千零六十八所"


def test_respectively_gives_each_figure_its_own_measure(tmp_path: Path) -> None:
    report = "2025年某省政府工作报告\n\n一、2024年工作回顾\n\n粮食、棉花产量分别达到3200万吨、590万吨。\n"
    searcher = searcher_over(tmp_path, {"report.txt": report})
    assert answered_figure(searcher, "2024年该省棉花产量是多少？") == "590万吨"
    assert answered_figure(searcher, "2024年该省粮食产量是多少？") == "3200万吨"


def test_a_sentence_repeating_measure_words_is_read_in_linear_time() -> None:
    # A hostile document's sentence of 40,000 "进出口" and "出口": each word inside another's is found without
    # comparing every pair (which took seconds at 4,000).
    started = time.perf_counter()
    assert names_measures("进出口" * 40_000 + "出口" * 40_000, ("exports",))
    assert not names_measures("进出口" * 40_000, ("exports",))
    assert measure_of("进出口" * 40_000 + "出口" * 40_000) == "exports"  # the quoted figure's measure, likewise
    assert time.perf_counter() - started < 2.0
