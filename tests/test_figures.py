"""Figures and dates: spans, values in base units, units as written, and what is not a figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.figures import figure_kind, find_dates, find_figures, normalise_number, numbers_in
from index.records import Figure

SEED = Path(__file__).resolve().parents[1] / "briefings" / "宁波支援合作工作简报_2022第10期.txt"

# (sentence, [(text, value, unit), …]) — every figure the sentence holds, in order.
CASES: list[tuple[str, list[tuple[str, float, str]]]] = [
    ("“消薄飞地”已实现满租，累计返利 932.7 万元。", [("932.7 万元", 9327000.0, "元")]),
    ("2017 年以来，共到位援建资金 1264.5 万元，实施协作项目 46 个，",
     [("1264.5 万元", 12645000.0, "元"), ("46 个", 46.0, "个")]),
    ("完成固定资产投资 82.06 亿元", [("82.06 亿元", 8206000000.0, "元")]),
    ("工业增加值分别同比增长 81.9%、74.5%。", [("81.9%", 81.9, "%"), ("74.5%", 74.5, "%")]),
    ("宁波市赴松阳疗养人数达1.65万人次、同比增长近1倍",
     [("1.65万人次", 16500.0, "人次"), ("近1倍", 1.0, "倍")]),
    ("余姚累计组织5000余名职工赴松阳开展疗休养", [("5000余名", 5000.0, "名")]),
    ("共派出教师、医生、农技员等技术人才100余人", [("100余人", 100.0, "人")]),
    ("开展培训300期6500余人次", [("300期", 300.0, "期"), ("6500余人次", 6500.0, "人次")]),
    ("园区累计开发土地 7.1 平方公里", [("7.1 平方公里", 7.1, "平方公里")]),
    ("规划建设面积 1500 亩", [("1500 亩", 1500.0, "亩")]),
    ("直接带动村集体每年增收20余万元", [("20余万元", 200000.0, "元")]),
    ("平均入住率达到95%以上", [("95%以上", 95.0, "%")]),
    ("助力松阳消费帮扶超 1 亿元。", [("超 1 亿元", 100000000.0, "元")]),
    ("落实社会帮扶资金超700万元。", [("超700万元", 7000000.0, "元")]),
    ("年均接待游客约 2 万人次", [("约 2 万人次", 20000.0, "人次")]),
    ("参股投资 3109.5 万元", [("3109.5 万元", 31095000.0, "元")]),
    ("一期启动项目已完成投资 1.05 亿元", [("1.05 亿元", 105000000.0, "元")]),
    ("组织9家企业分别与松阳9个村结对", [("9家", 9.0, "家"), ("9个", 9.0, "个")]),
    ("1名职校学生获得2019年全省职业院校师生技能大赛一等奖", [("1名", 1.0, "名")]),
    ("销售额首次突破2000万元", [("2000万元", 20000000.0, "元")]),
    ("实施协作项目四十六个", [("四十六个", 46.0, "个")]),
    ("组织三千余人参加", [("三千余人", 3000.0, "人")]),
    ("投入两千万元", [("两千万元", 20000000.0, "元")]),
    ("同比增长一倍", [("一倍", 1.0, "倍")]),
    ("到位资金 1,264.5 万元", [("1,264.5 万元", 12645000.0, "元")]),
    ("每县发展3—5个主导产业", [("3—5个", 3.0, "个")]),
    ("增速高于全国0.7个百分点", [("0.7个百分点", 0.7, "百分点")]),
    ("出生率为8.5‰", [("8.5‰", 8.5, "‰")]),
    ("覆盖率达百分之九十以上", [("百分之九十以上", 90.0, "%")]),
    ("营收9万亿元左右", [("9万亿元左右", 9e12, "元")]),
    ("新增装机1261万千瓦", [("1261万千瓦", 12610000.0, "千瓦")]),
    ("实际使用外资175亿美元", [("175亿美元", 17500000000.0, "美元")]),
    ("增长３０％", [("３０％", 30.0, "%")]),
    ("新增城镇就业超过70万人", [("超过70万人", 700000.0, "人")]),
    ("覆盖近七成乡镇", [("近七成", 7.0, "成")]),
    ("增长3%-5%", [("3%-5%", 3.0, "%")]),
    ("建成公路 5000 公里以上", [("5000 公里以上", 5000.0, "公里")]),
    ("每年节约1000万元", [("1000万元", 10000000.0, "元")]),  # 约 closes the verb 节约 here
    ("最近3年", [("3年", 3.0, "年")]),
    ("2017 年以来", []),
    ("（2022 第 10 期）", []),  # an issue number is a label, not a quantity
    ("十四届全国人大三次会议；第十四届", []),
    ("芯联集成三期、一期工程、一次性补贴", []),
    ("零部件产业", []),
    ("PM2.5浓度下降", []),
    ("2022 年 9 月 20 日", []),
    ("“十四五”规划", []),
    ("行动计划（2024—2027年）", []),
    # A unit that begins the next word is none: 人均 is per head, 人民币 is money, 个小时 a duration.
    ("网民规模达10.51亿 人均每周上网时长29.5个小时", [("29.5个小时", 29.5, "个小时")]),
    ("投资100万人民币", [("100万人民币", 1000000.0, "人民币")]),
    ("全市5万人参加", [("5万人", 50000.0, "人")]),
    # Units the work reports count in: satellites, TEU, kilowatt-hours as 度.
    ("“吉林一号”组网卫星增至144颗", [("144颗", 144.0, "颗")]),
    ("宁波舟山港集装箱吞吐量4387万标箱", [("4387万标箱", 43870000.0, "标箱")]),
    ("外送电量3150亿度", [("3150亿度", 315000000000.0, "度")]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_figure_table(sentence: str, expected: list[tuple[str, float, str]]) -> None:
    found = find_figures(sentence)
    assert [(f.text, f.value, f.unit) for f in found] == expected
    for f in found:
        assert sentence[f.start : f.end] == f.text


def test_offsets_are_shifted_by_offset() -> None:
    sentence = "截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。"
    [f] = find_figures(sentence, offset=1000)
    assert (f.start, f.end) == (1000 + sentence.index("932.7"), 1000 + sentence.index("。"))
    assert sentence[f.start - 1000 : f.end - 1000] == f.text == "932.7 万元"


def test_every_figure_of_the_seed_briefing_is_an_exact_slice() -> None:
    text = SEED.read_text(encoding="utf-8")
    found = find_figures(text)
    assert all(text[f.start : f.end] == f.text for f in found)
    texts = [f.text for f in found]
    assert "932.7 万元" in texts and "超 1 亿元" in texts and "超700万元" in texts
    assert not any("2022" in t or "2017" in t or "10 期" in t for t in texts)


def test_qualifier_only_when_adjacent() -> None:
    [f] = find_figures("累计返利 932.7 万元")
    assert f.text == "932.7 万元"  # "累计返利" stands between the qualifier and the number
    [g] = find_figures("累计932.7万元")
    assert g.text == "累计932.7万元"
    [h] = find_figures("余姚累计组织5000余名职工")
    assert h.text == "5000余名"


@pytest.mark.parametrize(
    ("unit", "kind"),
    [("元", "money"), ("美元", "money"), ("人民币", "money"), ("%", "rate"), ("百分点", "rate"), ("倍", "rate"),
     ("‰", "rate"),
     ("个", "count"), ("家", "count"), ("人", "count"), ("名", "count"), ("人次", "count"), ("期", "count"),
     ("亩", "area"), ("平方公里", "area"), ("公顷", "area"),
     ("公里", "other"), ("年", "other"), ("吨", "other")],
)
def test_figure_kind(unit: str, kind: str) -> None:
    assert figure_kind(Figure("x", 1.0, unit)) == kind


def test_kinds_in_a_sentence() -> None:
    s = "园区累计开发土地 7.1 平方公里，入驻企业 65 家，完成固定资产投资 82.06 亿元，增长 12%"
    assert [figure_kind(f) for f in find_figures(s)] == ["area", "count", "money", "rate"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022 年 9 月 20 日", [(0, 15, "2022-09-20")]),
        ("2022年9月20日印发", [(0, 10, "2022-09-20")]),
        ("2017 年以来，共到位", [(0, 6, "2017")]),
        ("2021年，松阳农产品", [(0, 5, "2021")]),
        ("2022年9月", [(0, 7, "2022-09")]),
        ("9 月 20 日", [(0, 8, "--09-20")]),
        ("二〇二二年九月二十日", [(0, 10, "2022-09-20")]),
        ("行动计划（2025—2027年）", [(5, 15, "2025/2027")]),
        ("1—11月规模以上工业", [(0, 5, "--01/--11")]),
        ("2022.9.20", [(0, 9, "2022-09-20")]),
        ("1名职校学生获得2019年全省", [(8, 13, "2019")]),
        ("共到位援建资金 1264.5 万元", []),
        ("（2022 第 10 期）", []),
    ],
)
def test_find_dates(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert find_dates(text) == expected


def test_find_dates_offset_and_default_year() -> None:
    assert find_dates("于9月20日召开", offset=100, default_year=2022) == [(101, 106, "2022-09-20")]


def test_dates_are_not_figures() -> None:
    for text in ("2022 年", "2017 年以来", "9 月 20 日", "2021年", "2025—2027年"):
        assert find_figures(text) == []
    # a duration is a figure, a year is not
    assert [(f.text, f.unit) for f in find_figures("连续 3 年增长")] == [("3 年", "年")]


@pytest.mark.parametrize(
    ("token", "canonical"),
    [("932.7", "932.7"), ("1,264.50", "1264.5"), ("09", "9"), ("100", "100"), ("四十六", "46"),
     ("９３２．７", "932.7"), ("abc", "abc")],
)
def test_normalise_number(token: str, canonical: str) -> None:
    assert normalise_number(token) == canonical


def test_numbers_in_holds_written_and_base_values() -> None:
    assert numbers_in("累计返利 932.7 万元") == {"932.7", "9327000"}
    assert numbers_in("宁波市赴松阳疗养人数达1.65万人次") == {"1.65", "16500"}
    assert numbers_in("到位资金 1,264.5 万元") == {"1264.5", "12645000"}
    assert numbers_in("实施协作项目四十六个") == {"46"}
    assert numbers_in("统一部署，一次性补贴") == set()  # Chinese numerals count only in figures
    assert {"2022", "9", "20"} <= numbers_in("2022-09-20")
    assert numbers_in("2022 年 9 月 20 日") == {"2022", "9", "20"}


def test_provenance_check_reads_the_reply_like_the_quote() -> None:
    quote = "截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。"
    reply = "累计返利 932.7 万元（9327000 元）"
    assert numbers_in(reply) <= numbers_in(quote)
    assert not numbers_in("累计返利 933 万元") <= numbers_in(quote)


def test_kept_figures_are_a_fresh_list_each_time() -> None:
    """find_figures keeps its results per text and offset (index/memo.py); offsets still follow the offset."""
    text = "累计返利 932.7 万元，同比增长 81.9%。"
    first = find_figures(text, 10)
    first.clear()
    again = find_figures(text, 10)
    assert [f.text for f in again] == ["932.7 万元", "81.9%"]
    assert [f.start for f in find_figures(text)] == [f.start - 10 for f in again]


@pytest.mark.parametrize(
    ("text", "figure", "value"),
    [
        # digits spaced one by one, as text drawn from a PDF has them (the State Council's 1998 report)
        ("1 9 9 7 年国内生产总值达到7 4 7 7 2 亿元，按可比价格计算", "7 4 7 7 2 亿元", 7477200000000.0),
        ("平均每年增长1 1 ％。", "1 1 ％", 11.0),
        ("值平均每年增长1 5 ．3 ％，产业", "1 5 ．3 ％", 15.3),
        # a middle dot as the decimal point (the 1999 report)
        ("全年增长19·5％，全社会固定资产投资", "19·5％", 19.5),
    ],
)
def test_spaced_digits_and_a_middle_dot_are_one_number(text: str, figure: str, value: float) -> None:
    found = find_figures(text)
    assert [(f.text, f.value) for f in found] == [(figure, value)]  # not "2 亿元", "1 ％" or "5％"
    assert text[found[0].start:found[0].end] == figure  # verbatim


def test_a_spaced_year_is_a_year_not_a_figure() -> None:
    text = "1 9 9 7 年粮食产量达到4 9 2 5 0 万吨"
    assert [f.text for f in find_figures(text)] == ["4 9 2 5 0 万吨"]
    assert [iso for _, _, iso in find_dates(text)] == ["1997"]


def test_numbers_a_space_apart_in_ordinary_text_stay_apart() -> None:
    assert [f.text for f in find_figures("2022 年 9 月 20 日，48 个村参股投资 3109.5 万元")] == ["48 个", "3109.5 万元"]


@pytest.mark.parametrize(
    ("text", "figure", "value", "unit"),
    [
        # traditional characters, as the State Council's 1954 report writes them; the figure keeps them
        ("即達到二十一萬六千餘人", "二十一萬六千餘人", 216000.0, "人"),
        ("共增產糧食三億五千萬噸", "三億五千萬噸", 350000000.0, "吨"),
        # money in another currency
        ("共计十四亿零六百万新卢布", "十四亿零六百万新卢布", 1406000000.0, "新卢布"),
    ],
)
def test_traditional_numerals_and_other_currencies_are_read(text: str, figure: str, value: float, unit: str) -> None:
    found = find_figures(text)
    assert [(f.text, f.value, f.unit) for f in found] == [(figure, value, unit)]
    assert figure_kind(found[0]) == ("money" if unit == "新卢布" else "count" if unit == "人" else "other")


@pytest.mark.parametrize(
    ("text", "figure", "unit"),
    [("算力规模超过55Eflops，", "超过55Eflops", "Eflops"), ("算力达4800PF", "4800PF", "PF"),
     ("算力规模达到5.1万P、增长130%", "5.1万P", "P")],
)
def test_computing_power_is_a_figure(text: str, figure: str, unit: str) -> None:
    assert next((f.text, f.unit) for f in find_figures(text)) == (figure, unit)


def test_a_letter_run_is_no_computing_unit() -> None:
    assert [f.text for f in find_figures("推广PPP项目50个，5G基站12万个")] == ["50个", "12万个"]
