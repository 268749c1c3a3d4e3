"""Question understanding from cue words, and how well a sentence can hold the answer."""

from __future__ import annotations

import time

import pytest

from index.question import Intent, sentence_fits, understand

# (question, kind, wants_figure, unit_hint)
QUESTIONS: list[tuple[str, str, bool, str | None]] = [
    ("消薄飞地累计返利多少？", "money", True, "元"),
    ("2017年以来共到位援建资金多少", "money", True, "元"),
    ("消费帮扶金额是多少", "money", True, "元"),
    ("一期启动项目完成投资多少万元", "money", True, "元"),
    ("2021年中国外贸进出口规模是多少美元", "money", True, "美元"),  # money in the currency asked
    ("2021年松阳农产品在余姚的销售额", "money", True, "元"),
    ("实施了多少个协作项目", "count", True, "个"),
    ("园区入驻了几家企业", "count", True, "家"),
    ("余姚派出了多少技术人才", "count", True, "人"),
    ("余姚有多少名职工赴松阳疗休养", "count", True, "名"),
    ("开展培训多少人次", "count", True, "人次"),
    ("横樟村每年接待多少游客", "count", True, "人次"),
    ("2021年宁波市赴松阳疗养人数是多少", "count", True, "人"),
    ("2022年上半年规上工业总产值同比增长多少", "rate", True, "%"),
    ("乡伴树蛙部落的入住率", "rate", True, "%"),
    ("村集体经济收入年均增长的比例", "rate", True, "%"),
    ("疗养人数同比增长了几倍", "rate", True, "倍"),
    ("产业飞地规划建设多少亩", "other", True, "亩"),
    ("园区累计开发土地面积多少", "other", True, None),
    ("消薄飞地建在哪里", "place", False, None),
    ("松阳的乡村振兴示范点在哪个村", "place", False, None),
    ("谁对余姚山海协作作出批示", "person", False, None),
    ("这期简报是什么时候印发的", "date", False, None),
    ("乡伴树蛙部落哪一年投入运营", "date", False, None),
    ("马克龙访华时间？", "date", False, None),  # a question ending in 时间 asks when
    ("产业飞地二期开工时间", "date", False, None),
    ("培训持续多长时间？", "other", True, "年"),  # … but 多长时间 asks how long: a span of time
    ("余姚如何推动松阳乡村振兴", "way", False, None),
    ("援建资金怎么使用", "way", False, None),
    ("通过什么方式分配投资利益", "way", False, None),
    ("为什么要设立消费帮扶专区", "reason", False, None),
    ("山海协作", "other", False, None),
    ("这几年余姚实际拨到松阳的援助款总共多少？", "money", True, "元"),  # 这几年 is not "how many years"
    ("余姚在松阳建的工业园里一共落户了多少企业？", "count", True, "家"),
    ("松阳和余姚打算分几期做的那块产业地，总共多大？", "other", True, None),
    ("乡伴树蛙部落项目的平均入住率是多少？", "rate", True, "%"),  # 项目的 is not 目的
    ("横樟村的老百姓收入每年涨多少？", "rate", True, "%"),
    ("松阳农产品借助了哪些电商平台销售？", "person", False, None),
    ("这期简报刊发余姚这篇材料的目的是什么？", "reason", False, None),
    ("2024年重庆新能源汽车产量是多少？", "count", True, "辆"),
    ("松阳县的GDP是多少？", "money", True, "元"),
    ("2024年上海每万人口高价值发明专利拥有量是多少？", "count", True, "件"),  # 每万人口 is a denominator
    ("How much rebate has the Xiaobao enclave paid?", "money", True, "元"),
    ("How much funding was invested in 2017?", "money", True, "元"),
    ("How many teachers did Yuyao send to Songyang?", "count", True, "人"),
    ("How many companies are in the industrial park?", "count", True, "家"),
    ("What percentage did industrial output grow in 2022?", "rate", True, "%"),
    ("What is the occupancy rate of the homestays?", "rate", True, "%"),
    ("How much land has the park developed?", "other", True, None),
    ("Where is the Xiaobao enclave?", "place", False, None),
    ("Who praised Yuyao's work?", "person", False, None),
    ("When was issue 10 published?", "date", False, None),
    ("How did Yuyao support Songyang?", "way", False, None),
    ("Why did Yuyao set up consumption assistance zones?", "reason", False, None),
    ("What was Sichuan's GDP in 2024?", "money", True, "元"),
    ("How much grain did Heilongjiang produce in 2025?", "other", True, None),
    ("What is the population of Songyang County?", "count", True, "人"),
    # "number of" does not make a growth question a count
    ("How fast did the number of Ningbo recuperation visitors to Songyang grow in 2021?", "rate", True, "%"),
    # "by how much" names no unit: the change may be a rate or an amount ("增加1207元")
    ("By how much did the number of inbound tourists grow?", "rate", True, None),
    # a cut asked is a rate first, whatever it is a cut of ("per unit of GDP" names money)
    ("By how much does Heilongjiang aim to cut carbon dioxide emissions per unit of GDP in 2026?", "rate", True, None),
    # 消费帮扶 names a programme, not spending
    ("除了设专区，余姚在消费帮扶上还做了哪项认证工作？", "other", False, None),
    ("余姚助力松阳消费帮扶多少钱？", "money", True, "元"),
    # A physical unit asked for; "几个点" is a rate
    ("2024年天津港货物吞吐量是多少吨？", "other", True, "吨"),
    ("宁波舟山港集装箱吞吐量是多少万标准箱？", "other", True, "标准箱"),
    ("How many tons of coal did Ningxia produce?", "count", True, "吨"),
    ("How many new-energy vehicles did Chongqing produce in 2025?", "count", True, "辆"),  # as 汽车 gives 辆
    ("How many satellites are in the Jilin-1 constellation?", "count", True, "颗"),
    ("那个示范村的村级集体收入一年涨几个点？", "rate", True, "%"),
    # English asks a quantity as 多大, 规模, 总额 do, without "how much"
    ("What was the value of China's exports in 2013?", "other", True, None),
    ("How large was Guizhou's computing power in 2024?", "other", True, None),
    ("What is Guangxi's 2025 target for the area planted with sugarcane?", "other", True, None),  # an area: 面积
    ("What was Jiangxi's total grain output in 2024?", "other", True, None),
    ("What new cooperation model did the cadre exchange introduce?", "other", False, None),
    # a distance or a span of time: answered in its dimension
    ("How far is Songyang County from Yuyao?", "other", True, "公里"),
    ("How long is the lease term on the poverty-relief enclave?", "other", True, "年"),
    ("松阳离余姚有多远？", "other", True, "公里"),
    ("消薄飞地租期多久？", "other", True, "年"),
    ("康藏公路和青藏公路两条路加起来一共有多长？", "other", True, "公里"),  # "多长" alone: a length
    ("消薄飞地租期多长时间？", "other", True, "年"),
    ("2024年新疆棉花产量占全国多少？", "rate", True, "%"),  # a share
    # doubling, and which grew faster, ask a rate, though they name an output value or an income
    ("听说山海园今年上半年规上工业产值翻了一番，真有这么多吗？", "rate", True, "%"),
    ("横樟村村集体经济和农户收入，哪个年均涨得更快？", "rate", True, "%"),
    # tax and fee cuts are an amount of money, though they name 企业
    ("2018年全国为企业和个人减税降费大概多少？", "money", True, "元"),
    # a wage or a pension is money, though the question names the workers who earn it
    ("1979年全民所有制职工年平均工资有多少？", "money", True, "元"),
    ("What was the average monthly pension of enterprise retirees in China in 2008?", "money", True, "元"),
    # an area asked in hectares: any area answers it
    ("Roughly how many hectares of land has the Songyang–Yuyao park developed?", "other", True, "公顷"),
    # "how much" of a material is a quantity, not money
    ("How much crude oil did China produce in 1978?", "other", True, None),
    ("How much cotton did Xinjiang produce in 2024?", "other", True, None),
]


@pytest.mark.parametrize(("question", "kind", "wants_figure", "unit_hint"), QUESTIONS)
def test_understand(question: str, kind: str, wants_figure: bool, unit_hint: str | None) -> None:
    intent = understand(question)
    assert (intent.kind, intent.wants_figure, intent.unit_hint) == (kind, wants_figure, unit_hint)


def test_tax_and_fee_cuts_are_an_amount_not_a_change_asked() -> None:
    assert not understand("2018年全国为企业和个人减税降费大概多少？").asks_change
    assert understand("2018年全国财政收入下降了多少？").asks_change


def test_language_terms_and_years() -> None:
    zh = understand("2022年上半年规上工业总产值同比增长多少？")
    assert zh.lang == "zh"
    assert zh.years == (2022,)
    assert "规上工业总产值" in zh.terms and "多少" not in zh.terms
    en = understand("How many teachers did Yuyao send to Songyang in 2021?")
    assert en.lang == "en"
    assert en.years == (2021,)
    assert {"teachers", "余姚", "松阳"} <= set(en.terms)
    assert understand("GDP增长多少").lang == "zh"
    assert understand("二〇二二年返利多少").years == (2022,)
    assert understand("销售额是哪一年首次突破2000万元的？").years == ()


def test_intent_is_frozen() -> None:
    intent = understand("返利多少")
    with pytest.raises(AttributeError):
        intent.kind = "count"  # type: ignore[misc]


MONEY = understand("消薄飞地累计返利多少？")
COUNT = understand("园区入驻了几家企业")
RATE = understand("规上工业总产值同比增长多少")
AREA = understand("园区累计开发土地面积多少")


@pytest.mark.parametrize(
    ("intent", "better", "worse"),
    [
        (MONEY, "累计返利 932.7 万元。", "入驻企业 65 家。"),
        (MONEY, "入驻企业 65 家。", "通过包租固定回报的方式分配投资利益。"),
        (COUNT, "入驻企业 65 家，培育规上企业 16 家。", "园区累计开发土地 7.1 平方公里。"),
        (COUNT, "实施协作项目 46 个。", "完成固定资产投资 82.06 亿元。"),
        (RATE, "分别同比增长 81.9%、74.5%。", "完成固定资产投资 82.06 亿元。"),
        (RATE, "规上工业总产值保持增长。", "示范打造引领乡村振兴。"),
        (AREA, "园区累计开发土地 7.1 平方公里。", "入驻企业 65 家。"),
        (understand("简报是什么时候印发的"), "2022年9月20日印发", "现予以刊发，供大家学习借鉴。"),
        (understand("消薄飞地建在哪里"), "在余姚中意启迪科技城建设“消薄飞地”。", "以包租固定回报分配利益。"),
        (understand("谁作出了批示"), "汤飞帆市长作出批示。", "高度肯定了山海协作工作。"),
        (understand("余姚如何帮助松阳"), "通过互派党政干部、组织基层结对等方式。", "累计返利 932.7 万元。"),
        (understand("为什么设立专区"), "针对农产品“有口碑没市场”困境，设立专区。", "累计返利 932.7 万元。"),
    ],
)
def test_sentence_fits_prefers_the_right_kind(intent: Intent, better: str, worse: str) -> None:
    assert sentence_fits(intent, better) > sentence_fits(intent, worse)


def test_sentence_fits_range_and_exact_units() -> None:
    people = understand("余姚派出了多少技术人才")
    assert sentence_fits(people, "共派出技术人才100余人") == 1.0
    assert sentence_fits(people, "组织5000余名职工") == 1.0  # 名 counts people as 人 does
    # Things where people are counted fit less than another kind of thing where things are: "154家" does not
    # answer "带动了多少人就业", and is refused (min_fit 0.5); "9 个" for "几家" may still answer.
    assert sentence_fits(people, "实施协作项目 46 个") == 0.3
    assert sentence_fits(understand("12个闽宁产业园带动了多少人就业？"), "新入驻企业154家") < 0.5
    assert sentence_fits(understand("园区入驻了几家企业"), "入驻项目 9 个") == 0.5
    assert sentence_fits(MONEY, "没有任何数字") == 0.0
    for intent in (MONEY, COUNT, RATE, AREA, understand("山海协作"), understand("Why?")):
        for s in ("累计返利 932.7 万元", "通过互派干部", "", "2022年9月20日"):
            assert 0.0 <= sentence_fits(intent, s) <= 1.0


def test_a_physical_unit_asked_for_is_answered_in_its_dimension_only() -> None:
    tons = understand("2024年天津港货物吞吐量是多少吨？")
    assert sentence_fits(tons, "货物吞吐量5.8亿吨") == 1.0
    assert sentence_fits(tons, "粮食产量515.6亿斤") == 1.0  # 斤 weighs as 吨 does
    assert sentence_fits(tons, "集装箱航线147条、吞吐量2329万标准箱") < 0.5  # refused: no tonnage given
    english = understand("How many tons of coal did Ningxia produce?")
    assert sentence_fits(english, "煤炭产量首次突破1亿吨") == 1.0
    assert sentence_fits(english, "吞吐量2329万标准箱") < 0.5


def test_by_how_much_is_answered_by_a_rate_first_and_an_amount_next() -> None:
    rise = understand("By how much did Jilin farmers' per capita income rise in 2025?")
    assert rise.kind == "rate" and rise.unit_hint is None
    rate, amount = sentence_fits(rise, "农民收入增长6.1%"), sentence_fits(rise, "农民人均收入增加1207元")
    assert rate == 1.0 and 0.5 <= amount < rate
    assert sentence_fits(understand("2024年GDP增长多少？"), "农民人均收入增加1207元") < 0.5  # a rate named as such


def test_a_duration_in_the_asked_unit_fits_a_count() -> None:
    years = understand("主犯被判多少年？")
    assert years.kind == "count" and years.unit_hint == "年"
    assert sentence_fits(years, "主犯被判有期徒刑24年。") == 1.0
    assert sentence_fits(years, "27名被告人出庭受审。") < 1.0  # a count, but not of years


def test_a_per_head_denominator_names_no_measure() -> None:
    # "每万人口…专利" asks for patents, not the population: the measure check must not demand 人口.
    assert understand("2024年上海每万人口高价值发明专利拥有量是多少？").measures == ()
    assert understand("How many patents per 10,000 people did Shanghai have?").measures == ()
    assert understand("松阳县人口是多少？").measures == ("population",)


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("松阳农产品借助了哪些电商平台销售？", True),
        ("余姚的“三坚持”具体指哪三个坚持？", True),
        ("报送给了哪几个单位", True),  # "哪几个" asks which, not how many
        ("Which key areas has Yuyao focused on?", True),
        ("What are Yuyao's three persistences?", True),
        ("消薄飞地建在哪里", False),
        ("谁作出了批示", False),
        ("园区入驻了多少家企业？", False),
        ("Which business process was changed?", False),
        ("Which county does Yuyao help?", False),
        ("What is the GDP of Shandong?", False),
    ],
)
def test_a_question_asking_for_several_things_wants_a_list(question: str, listed: bool) -> None:
    assert understand(question).wants_list is listed


def test_a_list_question_is_answered_by_a_sentence_that_lists() -> None:
    platforms = understand("松阳农产品借助了哪些电商平台销售？")  # "哪些…平台" reads as a person question
    listing = "依托拼多多、美丽四明山等电商平台，进一步完善销售网点。"
    assert sentence_fits(platforms, listing) == 1.0
    sales = "2021年，松阳农产品在余姚销售额首次突破2000万元。"
    assert sentence_fits(platforms, listing) > sentence_fits(platforms, sales)
    three = understand("余姚的“三坚持”具体指哪三个坚持？")
    assert sentence_fits(three, "余姚市坚持产业引领、资源互补、社会联动，持续推动山海协作。") > sentence_fits(
        three, "汤飞帆市长对《余姚市“三坚持”推动山海协作》作出批示，高度肯定了余姚市山海协作工作。")
    assert sentence_fits(understand("谁作出了批示"), "汤飞帆市长作出批示。") == 1.0  # not a list: unchanged


def test_a_list_of_what_the_question_names_fits_better_than_another_list() -> None:
    platforms = understand("松阳农产品借助了哪些电商平台销售？")
    assert platforms.listed == "电商平台"
    named = "依托拼多多、美丽四明山等电商平台，进一步完善销售网点。"
    other = "针对松阳茶叶、香菇、香榧等特色农产品“有口碑没市场”困境，设立消费帮扶专区。"
    assert sentence_fits(platforms, named) == 1.0 > sentence_fits(platforms, other) > sentence_fits(
        platforms, "2021年，松阳农产品在余姚销售额首次突破2000万元。")
    assert understand("Which key areas has Yuyao focused on?").listed == ""  # English: any list fits


def test_a_long_sentence_without_a_list_costs_linear_time() -> None:
    # A nested-quantifier pattern took 0.43 s on 8,000 characters and grew with the square of the length.
    platforms = understand("松阳农产品借助了哪些电商平台销售？")
    started = time.perf_counter()
    assert sentence_fits(platforms, "甲" * 200_000) == 0.0
    assert sentence_fits(platforms, "甲" * 100_000 + "、电商平台") == 1.0
    assert time.perf_counter() - started < 1.0


def test_a_share_is_not_answered_by_a_growth_nor_a_growth_by_a_share() -> None:
    share = understand("What share of China's raw coal output did Xinjiang produce in 2024?")
    growth = understand("2025年贵州地区生产总值增长多少？")
    assert (share.rate_of, growth.rate_of, understand("乡伴树蛙部落的入住率").rate_of) == ("share", "growth", "")
    assert sentence_fits(share, "原煤产量5.41亿吨、增长17.5%") < 0.5  # refused: a growth, not a share
    assert sentence_fits(share, "粮食总产量增量39.7亿斤、占全国23.6%") == 1.0
    assert sentence_fits(growth, "服务业增加值占地区生产总值比重达56.2%") < 0.5
    # "提高到", "提升至" give the level reached: a share, not a growth
    assert sentence_fits(growth, "工业增加值占地区生产总值比重提高到25.5%") < 0.5
    assert sentence_fits(share, "预计研发经费投入增长25%、投入强度提升至1.4%") == 1.0
    assert sentence_fits(growth, "全年地区生产总值增长4.9%") == 1.0


def test_a_sentence_of_many_rates_costs_linear_time() -> None:
    # Each rate's clause was found by splitting the whole sentence again: 4,000 rates took 19.77 s.
    share = understand("What share of China's raw coal output did Xinjiang produce in 2024?")
    started = time.perf_counter()
    assert sentence_fits(share, "原煤增长1%，" * 20_000) < 0.5
    assert time.perf_counter() - started < 2.0


def test_a_sort_of_place_asked_is_answered_by_a_place_of_that_sort() -> None:
    """"Which city" is answered by 丽水市, not by a sentence naming only villages and towns."""
    city = understand("Which city is Songyang County part of?")
    assert (city.kind, city.place_type) == ("place", "市")
    assert understand("余姚是和哪个县开展山海协作的？").place_type == "县"
    assert understand("横樟村引进了哪里的特色农产品？").place_type == ""  # any place
    with_city = "持续推动和丽水市松阳县的山海协作，探索形成造血帮扶新模式。"
    only_villages = "余姚资金援助松阳古市镇八都村发展民宿、康养产业。"
    assert sentence_fits(city, with_city) > sentence_fits(city, only_villages) > 0
    anywhere = understand("横樟村引进了哪里的特色农产品？")
    assert sentence_fits(anywhere, only_villages) == 1.0


def test_a_span_of_time_is_answered_in_time_not_in_money() -> None:
    """"How long is the lease term" is not answered by the enclave's 3109.5 万元; "租期18个月" answers it."""
    lease = understand("How long is the lease term on the poverty-relief enclave?")
    assert sentence_fits(lease, "租期18个月，到期后续租。") == 1.0
    assert sentence_fits(lease, "参股投资 3109.5 万元，建设消薄飞地。") < 0.5  # below the kind-fit floor
    far = understand("How far is Songyang County from Yuyao?")
    assert sentence_fits(far, "两地相距约300公里。") == 1.0
    assert sentence_fits(far, "入驻企业 65 家。") < 0.5


def test_an_as_of_question_is_answered_by_the_running_totals_as_of_wording() -> None:
    asked = understand("山海园开发土地、入驻企业那些累计数，是截至什么时候的？")
    assert asked.kind == "date" and asked.as_of
    # "截至目前" with the document's date says when; it passes the kind floor, below a sentence naming the date
    undated = sentence_fits(asked, "截至目前，园区累计开发土地 7.1 平方公里，入驻企业 65 家。")
    assert 0.5 <= undated < sentence_fits(asked, "截至2022年6月底，园区累计开发土地 7.1 平方公里。")
    assert understand("As of when are the park's cumulative figures?").as_of
    # a plain date question is not answered by "截至目前"
    when = understand("松阳-余姚山海协作产业园是什么时候建成的？")
    assert not when.as_of and sentence_fits(when, "截至目前，园区累计开发土地 7.1 平方公里。") < 0.5
