"""What a question asks for (an amount, a count, a rate, a place …), from cue words, without a model."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from index.agreement import days_named
from index.direction import flow
from index.figures import PHYSICAL_UNITS, figure_kind, find_dates, find_figures, in_a_ratio, same_dimension
from index.glossary import is_english
from index.measures import measures_named
from index.memo import QUESTIONS
from index.records import Figure
from index.segment import split_clauses
from index.tokenize import places, query_tokens, years

__all__ = ["Intent", "distribution_line", "gives_per_unit", "names_part_of_year", "sentence_fits", "understand"]


@dataclass(frozen=True)
class Intent:
    """The kind of answer a question wants and the words it is about."""

    kind: str  # "money" | "count" | "rate" | "place" | "person" | "date" | "way" | "reason" | "issue" | "other"
    lang: str  # "zh" | "en"
    terms: tuple[str, ...]  # query_tokens(question)
    years: tuple[int, ...]  # years the question names, in order
    wants_figure: bool  # the answer is a number with a unit
    unit_hint: str | None  # "元", "%", "家", "人", "亩" … when the question names one
    measures: tuple[str, ...] = ()  # the statistics it names (index/measures.py): the answer must name them too
    flow: tuple[str, str] | None = None  # (from, to) when it asks about a flow between places (index/direction.py)
    days: tuple[str, ...] = ()  # month-days it names, "01-05" (index/agreement.py)
    wants_list: bool = False  # the answer names several things ("哪些平台", "哪三个坚持", "which areas")
    listed: str = ""  # what the list is of, as the question words it ("电商平台", "坚持"); "" when unsaid
    per_unit: bool = False  # it asks for a figure per village, per square metre … ("每个村", "each of the 48 villages")
    about_document: bool = False  # it asks about the document itself: its issue, date, issuer, recipients
    part_of_year: str = ""  # the quarter or half it asks a figure of ("第三季度", "上半年"); "" for a whole year
    rate_of: str = ""  # a rate question's sort: "share" (占比, "what share") or "growth" (增长多少); "" either
    place_type: str = ""  # the suffix of the place asked for ("市" for 哪个市, "which city"); "" for any place
    asks_change: bool = True  # it asks how much something changed or was added ("增加了多少", "新增", "how many new")
    as_of: bool = False  # a date question asking as of when a running total holds ("是截至什么时候的")
    recipients: str = ""  # the distribution line asked of a document: "报" (reported to), "送" (sent to), "发" (issued)


_AREA_UNITS = ("平方公里", "公顷", "亩")
_MONEY_UNITS = ("元", "美元", "港元", "欧元", "日元", "人民币")  # "多少美元" asks for money as "多少元" does
_PERSON_UNITS = ("人次", "人", "名", "位")

# Chinese cues, tried in this order.
_ZH_REASON = re.compile(r"为什么|为何|原因|何故|缘何|(?<!项)目的|用意")
_ZH_DATE = re.compile(
    # "…访华时间？", "…举办时间": a question ending in 时间 asks a date; "多长时间" asks a duration.
    r"什么时候|何时|哪一?天|哪一?年|几月|几号|什么时间|哪个月|哪一?日|日期|(?<![长少段])时间\s*[？?]?\s*$"
)
_ZH_PERSON = re.compile(
    r"谁|哪位|何人|哪些人(?!次)|(?:哪些|哪个|哪家|什么)\w{0,4}?(?:单位|部门|机构|平台|组织|力量|企业|公司)"
)
_ZH_PLACE = re.compile(
    r"哪里|哪儿|在哪|何处|什么地方|哪个地方|哪些地方|地点|哪(?:个|些)(?:省|市|县|区|镇|乡|村|园区|城市)"
)
_ZH_COUNT = re.compile(
    r"(?:多少|(?<![这近前头哪])几)(?:万|千|百|亿)*(?P<unit>个百分点|个点|人次|平方公里|公顷|亩|个月|美元|港元|欧元|日元|人民币|元|个|家|名|人"
    r"|位|项|所|座|条|户|村|期|批|次|场"
    r"|套|台|辆|件|篇|年|天|倍|成)"
)
# "多少吨", "多少万标准箱": a physical unit the answer must be given in (or one of its dimension).
_ZH_MEASURED = re.compile(
    rf"(?:多少|(?<![这近前头哪])几)(?:万|千|百|亿)*(?P<unit>{'|'.join(sorted(PHYSICAL_UNITS, key=len, reverse=True))})"
)
_ZH_SPAN = re.compile(r"多远|多久|多长(?:时间)?")  # "多长" alone is a length: "两条路一共有多长"
_ZH_COUNT_NOUN = re.compile(r"(?P<unit>人|户|家|个|次)数|数量")
_ZH_COUNTED = (
    (re.compile(r"游客|人次"), "人次"),
    (re.compile(r"企业|公司|商户"), "家"),
    (re.compile(r"人才|职工|员工|学生|教师|医生|干部|人员|群众|劳动力|人口"), "人"),
    (re.compile(r"汽车|车辆"), "辆"),
    (re.compile(r"专利"), "件"),
    (re.compile(r"项目|园区|基地|村"), "个"),
)
_ZH_AREA = re.compile(r"面积|占地|多大")
_ZH_RATE = re.compile(
    r"(?:增长|下降|提高|上涨|涨)了?多少|增速|增幅|涨幅|降幅|比例|比重|百分之|百分比|占比|率(?!先)|同比|环比"
    r"|占\w{0,4}?多少"  # "占全国多少": a share
    # "翻了一番" (doubled) and "哪个涨得更快" ask how fast something grew, whatever amount they name
    r"|翻了?[一两几]?番|(?:涨|增长|增|升)得?(?:更|最|较)快"
)
_ZH_MONEY = re.compile(
    r"多少钱|金额|资金|投资|投入|返利|收入|销售额|营收|营业额|产值|总值|经费|补贴|捐赠|捐款|援助|预算|税收|利润|收益"
    r"|增收|交易额|融资|贷款|花费|费用|成本|款|挣|赚|消费(?!帮扶)|(?i:gdp)|经济总量|增加值|工资|薪酬|薪金|养老金|退休金"
    r"|减税|降费|减负|税费"
)
_ZH_WAY = re.compile(
    r"怎么|如何|怎样|通过什么|什么方式|哪些方式|(?:什么|哪些)(?:措施|办法|举措|做法|途径)|采取了?"
)
# Several things asked for at once: "哪些平台", "哪三个坚持", "包括哪几项", "具体指什么".
_ZH_LIST = re.compile(r"哪(?:些|几|[两二三四五六七八九十]+)|具体(?:指|包括)|包括什么")
_ZH_LIST_OF = re.compile(r"哪(?:些|几|[两二三四五六七八九十]+)(?:个|项|家|种|类|位)?(?P<of>[\u4e00-\u9fff]{2,4})")
_ZH_QUANTITY = re.compile(r"多少|(?<!哪)几|多大|多高|多长|多久|规模|总额|数额|面积")

_EN_REASON = re.compile(r"\bwhy\b|\breasons?\b")
_EN_DATE = re.compile(r"\bwhen\b|\bwhat (?:year|date|month|day|time)\b|\bwhich (?:year|date|month|day)\b")
_EN_PERSON = re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:person|official|leader)\b")
_EN_PLACE = re.compile(
    r"\bwhere\b|\bwhich (?:place|county|city|village|town|province|district|park)\b|\blocation\b"
)
_EN_RATE = re.compile(
    r"\bpercent(?:age)?\b|%|\brates?\b|\bgrowth\b|\bgr[eo]w(?:n|s)?\b|\bincreased? by\b|\bratio\b|\bshare\b"
    r"|\bproportion\b|\boccupancy\b|\bpercentage points?\b"
)
_EN_RATE_FIRST = re.compile(
    r"\bhow fast\b|\bby how much\b.*\b(?:grow|grew|rise|rose|increase|fall|fell|drop|cut|reduce|lower|decline|decrease)"
)
_EN_BY_HOW_MUCH = re.compile(r"\bby how much\b")
_EN_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\bcount of\b|\bpopulation\b")
_EN_MONEY = re.compile(
    r"\bhow much\b|\bamount\b|\bfund(?:s|ing|ed)?\b|\binvest(?:ed|ment|ments)?\b|\bmoney\b|\brevenue\b"
    r"|\bsales\b|\bincome\b|\brebates?\b|\byuan\b|\brmb\b|\bspen[dt]\b|\bbudget\b|\bsubsid(?:y|ies)\b"
    r"|\bdonat(?:ed|ions?)\b|\bgdp\b|\bgross domestic product\b|\beconomic output\b|\boutput value\b"
    r"|\btotal value\b|\bworth\b|\brent(?:s|al)?\b|\bwages?\b|\bsalar(?:y|ies)\b|\bpensions?\b"
)
_AREA_WORDS = re.compile(r"面积|土地|用地|\b(?:land|area|acres?|mu|hectares?|square kilomet(?:er|re)s?)\b")
_EN_MATERIAL = re.compile(
    r"\b(?:grain|crops?|electricity|power|energy|water|coal|steel|tons?|tonnes?|oil|crude|natural gas|cotton|cement"
    r"|fertili[sz]ers?|timber|iron)\b"
)
_EN_WAY = re.compile(
    r"\bhow\b(?! (?:much|many|long|big|large|old|far|high)\b)|\bwhat (?:measures|steps|means|ways?)\b"
)
_EN_UNITS = (
    (re.compile(r"\b(?:person-times|visits|trips|visitors|tourists)\b"), "人次"),
    (re.compile(r"\b(?:companies|enterprises|firms|businesses)\b"), "家"),
    (re.compile(r"\b(?:people|persons|staff|workers|employees|teachers|doctors|students|cadres)\b"), "人"),
    (re.compile(r"\bpopulation\b"), "人"),
    (re.compile(r"\b(?:projects|villages|parks|zones)\b"), "个"),
    (re.compile(r"\b(?:trainings|classes|courses|batches)\b"), "期"),
    (re.compile(r"\bmu\b"), "亩"),
    (re.compile(r"\bhectares?\b"), "公顷"),  # an area: answered by any area unit (7.1 平方公里), not by "9 个"
    (re.compile(r"\bsquare kilomet(?:er|re)s?\b"), "平方公里"),
    (re.compile(r"\bpercentage points?\b"), "百分点"),
    (re.compile(r"\btimes\b"), "倍"),
    (re.compile(r"\b(?:vehicles|cars|automobiles)\b"), "辆"),
    (re.compile(r"\bhouseholds\b"), "户"),
    (re.compile(r"\bpatents\b"), "件"),
    (re.compile(r"\bsatellites\b"), "颗"),
    (re.compile(r"\b(?:tons|tonnes)\b"), "吨"),
    (re.compile(r"\bteus?\b"), "标准箱"),
    # a distance or a span of time asked: answered in its dimension (公里 or 米; 年, 个月 or 天)
    (re.compile(r"\bhow far\b|\bkilomet(?:er|re)s?\b"), "公里"),
    (re.compile(r"\bhow long\b(?! ago\b)"), "年"),
)
# The sort of place asked for, by the suffix its name ends in: "哪个县", "哪座城市", "which city".
_ZH_PLACE_TYPE = re.compile(r"哪(?:个|座)?(?P<t>省|城市|市|县|区|镇|乡|村)")
_EN_PLACE_TYPE = re.compile(r"\bwhich (?P<t>province|city|county|district|town|township|village)\b")
_PLACE_SUFFIX = {"城市": "市", "province": "省", "city": "市", "county": "县", "district": "区", "town": "镇",
                 "township": "乡", "village": "村"}
_ZH_ASKS = ((_ZH_REASON, "reason"), (_ZH_DATE, "date"), (_ZH_PERSON, "person"), (_ZH_PLACE, "place"))
_EN_ASKS = ((_EN_REASON, "reason"), (_EN_DATE, "date"), (_EN_PERSON, "person"), (_EN_PLACE, "place"))
_PER_HEAD = re.compile(r"每[一二三四五六七八九十百千万\d]+(?:常住)?(?:人口|人|户|居民)")
_EN_PER_HEAD = re.compile(r"\bper (?:capita|head|person|[\d,]+ (?:people|persons|residents|inhabitants|population))\b")
# The English words of _ZH_QUANTITY's 多大, 多高, 多长, 多久, 规模, 总额, 数额, 面积: "How large was Guizhou's computing
# power", "What was the value of China's exports", "the area planted with sugarcane".
_EN_QUANTITY = re.compile(
    r"\bhow (?:much|many|large|big|high|long|far)\b|\b(?:size|scale|volume|value|total|amount|output|area)\b"
)
# A figure asked per village, per head, per household, per square metre: a total does not answer it. "每年" and
# "each year" are not among them (a yearly figure).
_ZH_PER_UNIT = re.compile(r"每(?:一)?(?:个|家|户|名|位|村|人|平方米|亩)|平均每|人均|户均|村均")
_EN_PER_UNIT = re.compile(r"\beach of\b|\bper (?!year\b|annum\b|cent\b)[a-z]+|\bon average per\b")
# "单位地区生产总值能耗" is energy per unit of GDP; "各单位" (organisations) is no per-unit wording.
_PER_UNIT_SAID = re.compile(r"每|均|/|单位(?:地区|国内)?(?:生产总值|gdp|GDP|增加值|产值|面积)")
# A quarter or a half of a year: its figure is not the year's. Year-end ("年底") is the year's own figure.
_ZH_PART_OF_YEAR = re.compile(r"(?:第?[一二三四1-4]|前三)季度|[上下]半年")
_EN_PART_OF_YEAR = re.compile(r"\b(?:first|second|third|fourth) quarter\b|\bq[1-4]\b|\b(?:first|second) half\b")
# The document itself ("这份简报是哪一年第几期", "这期简报是什么时候印发的", "Which offices was this briefing reported
# to?"): its header and distribution lines (kind "meta") answer these, and are then no headings to pass over.
_ZH_ABOUT_DOCUMENT = re.compile(r"(?:这|本)(?:份|期|一期)?(?:简报|报告)|简报第\s*\d+\s*期|第几期|哪一期")
_EN_ABOUT_DOCUMENT = re.compile(r"\bthis (?:briefing|issue|bulletin|report)\b|\bwhich issue\b|\bissue number\b")
# … asking which issue it is, answered by its issue line: "(2022 第 10 期)", "2022年第10期".
_ASKS_ISSUE = re.compile(r"第几期|哪一期|几期|\bwhich issue\b|\bissue number\b|\bwhat issue\b")
# An official document's distribution lines: "报：" those it is reported to, "送：" (or "抄送：") those it is sent
# to, "发：" those it is issued to. A question about the document asks one of them by its verb.
_RECIPIENTS_ASKED = (
    (re.compile(r"报送|上报|呈报|报给|\breported to\b|\bsubmitted to\b"), "报"),
    (re.compile(r"抄送|送给|送达|\bcopied to\b|\bsent to\b|\bcirculated to\b"), "送"),
    (re.compile(r"印发|发给|分发|下发|\bdistributed to\b|\bissued to\b"), "发"),
)
_RECIPIENT_LINE = re.compile(r"\s*(?:抄(?=送))?(?P<line>[报送发])\s*[：:]")
_ISSUE_LINE = re.compile(r"第\s*[\d一二三四五六七八九十]+\s*期")
# "Which key areas …", "What are the three …", "Which offices …": a plural asked for.
_EN_LIST = re.compile(r"\b(?:which|what)\b(?: \w+){0,2}? (?!(?:does|has|was)\b)\w{2,}[^s\W]s\b|\bwhat are\b|\blist\b")
LIST_OF_OTHER = 0.8  # the fit of a list not naming what the question asks a list of (dev halves: 0.5 and 0.8 alike)
# A sentence naming several things in a row: "拼多多、美丽四明山", "产业引领、资源互补、社会联动", "省对口办和省山海办".
# Lookarounds of fixed width keep it linear: "[^、]{2,}和[^、]{2,}" backtracks over a long run with no 和 in it.
_ENUMERATION = re.compile(r"(?<=[^，。；：、\s]{2})(?:、|和|及|与)(?=[^，。；：、\s]{2})")

# What a sentence holding each kind of answer tends to contain.
_TITLES = re.compile(r"市长|县长|省长|书记|主任|局长|部长|干部|教师|医生|学生|企业家|同志|代表|委员|专家")
_LOCATION = re.compile(r"园区|开发区|产业园|科技城|古镇|街道|基地|示范区|示范点")
_WAY_STRONG = re.compile(
    r"通过|依托|采取|采用|借助|利用|按照|以.{1,12}(?:方式|模式|形式)|方式|模式|机制|路径"
)
_WAY_WEAK = re.compile(r"组建|建立|开展|实施|推动|推进|打造|设立|组织|引入|引导|发挥|坚持|创新|探索")
_REASON_CUES = re.compile(
    r"因为|由于|为了|旨在|原因|得益于|针对|从而|因此|所以|以便|为.{1,10}(?:提供|奠定|创造)"
)
# A rate is a share of a whole or a growth: the words before it say which ("占全国23.6%", "增长17.5%").
_RATE_SORTS = {
    "share": re.compile(r"占|比重|比例|份额|\bshare\b|\bproportion\b|\bpercentage of\b|\bpercent of\b"),
    # "提升至1.4%", "提高到25.5%" give the level reached, not a growth
    "growth": re.compile(r"(?:增长|增速|增幅|涨幅|降幅|下降|提高|提升|上涨|涨|降低|回落|减少|上升)(?![到至])|同比|环比"
                         r"|\bgr[eo]w(?:th|n|s)?\b|\bris(?:e|en|es)\b|\brose\b|\bincrease[ds]?\b|\bf[ae]ll\b"
                         r"|\bdrop(?:ped)?\b|\bdecline[ds]?\b"),
}
_SINCE = re.compile(r"以来|期间|截至|当年|上半年|下半年|年初|年底")
_ASKS_AS_OF = re.compile(
    r"截[至止]到?\w{0,2}?(?:什么时候|何时|哪一?天|几月|什么时间)|\b(?:as (?:of|at)|up to|until) (?:when|what date)\b"
)
_AS_OF_SAID = re.compile(r"截[至止]|至今|\bas (?:of|at)\b")
# "截至目前" answers an as-of question: the document's date, shown with the answer, says when. It fits above the
# kind floor (index/answer.py `Weights.min_fit`) and below a sentence naming the date. Set by hand; docs/quality.md
# "An eighth blind batch" gives its dev row.
AS_OF_FIT = 0.8
# Any line but the distribution line asked ("送：" for "报送给了哪些单位", or the issuer's name): well below the asked
# line's 1.0; passed over as a heading is too (index/features.py `_passed_over`), so no other line leads. Set by
# hand; docs/quality.md "An eighth blind batch" gives its dev row.
OTHER_RECIPIENTS = 0.3
_GROWTH = re.compile(r"增长|下降|提高|提升|增加|减少")
# A question asking a change or what was added ("增加了多少", "新增就业多少人", "how many new jobs"); one that does
# not asks a level, which a change ("比上年增加61元", "增量39.7亿斤", "养老金人均每月新增110元") does not give.
_ZH_CHANGE = re.compile(
    # "减税降费" names an amount of money cut, not a change asked about it.
    r"增加|增长|新增|增量|净增|增收|增产|减少|下降|提高|提升|上涨|涨|降(?![费税本])|多了|少了|翻|多(?:挣|赚|收|卖|得|出)"
)
_EN_CHANGE = re.compile(
    r"\b(?:increase[ds]?|ris(?:e|en|es)|rose|gr[eo]w(?:n|s|th)?|add(?:ed|s)?|additional|more|gain(?:ed|s)?"
    r"|f[ae]ll|drop(?:ped)?|decline[ds]?|chang(?:e|ed|es))\b|\bnew\b(?![- ]energy)"
)
# A figure written as a change: the change word right before it in its clause ("增加61元", "新增110元").
_CHANGE_BEFORE = re.compile(r"(?:增加|增长|新增|增量|净增|增收|增产|减少|下降|多|少)(?:了|约|近|超过|超|达)?$")


@functools.lru_cache(maxsize=QUESTIONS)
def understand(question: str, tokens: tuple[str, ...] | None = None) -> Intent:
    """The intent of one question, Chinese or English; `tokens` are its query_tokens when already cut."""
    zh = not is_english(question)
    # "每万人口…专利拥有量" asks for patents: a per-head denominator names neither the measure nor the unit.
    asked = _PER_HEAD.sub("", question) if zh else _EN_PER_HEAD.sub("", question.lower())
    kind, unit = _zh_kind(asked) if zh else _en_kind(asked)
    quantity = bool(_ZH_QUANTITY.search(question) if zh else _EN_QUANTITY.search(question.lower()))
    wants = kind in {"money", "count", "rate"} or (kind == "other" and (quantity or unit is not None))
    terms = tuple(query_tokens(question)) if tokens is None else tokens
    listed = not wants and bool(_ZH_LIST.search(question) if zh else _EN_LIST.search(question.lower()))
    of = m.group("of") if listed and zh and (m := _ZH_LIST_OF.search(question)) else ""
    said = question if zh else question.lower()
    per_unit = bool((_ZH_PER_UNIT if zh else _EN_PER_UNIT).search(said))
    about = bool((_ZH_ABOUT_DOCUMENT if zh else _EN_ABOUT_DOCUMENT).search(said))
    part = m.group() if (m := (_ZH_PART_OF_YEAR if zh else _EN_PART_OF_YEAR).search(said)) else ""
    sorts = [name for name, cue in _RATE_SORTS.items() if cue.search(said)] if kind == "rate" else []
    typed = (_ZH_PLACE_TYPE if zh else _EN_PLACE_TYPE).search(said) if kind == "place" else None
    place_type = _PLACE_SUFFIX.get(typed.group("t"), typed.group("t")) if typed else ""
    if about and _ASKS_ISSUE.search(said):
        kind, unit, wants, listed = "issue", None, False, False
    change = bool((_ZH_CHANGE if zh else _EN_CHANGE).search(said))
    recipients = next((line for cue, line in _RECIPIENTS_ASKED if cue.search(said)), "") if about else ""
    return Intent(kind, "zh" if zh else "en", terms, tuple(years(question)), wants, unit, measures_named(asked),
                  flow(question) if zh else None, days_named(question), listed, of, per_unit, about, part,
                  sorts[0] if len(sorts) == 1 else "", place_type, change,
                  kind == "date" and _ASKS_AS_OF.search(said) is not None, recipients)


def names_part_of_year(sentence: str) -> bool:
    """The sentence names a quarter or a half of a year ("上半年", "前三季度")."""
    return _ZH_PART_OF_YEAR.search(sentence) is not None or _EN_PART_OF_YEAR.search(sentence.lower()) is not None


def gives_per_unit(sentence: str) -> bool:
    """The sentence words a figure per something ("每亩", "户均", "村均", "元/平方米")."""
    return _PER_UNIT_SAID.search(sentence) is not None


def _zh_kind(q: str) -> tuple[str, str | None]:
    for pattern, kind in _ZH_ASKS:
        if pattern.search(q):
            return kind, None
    if _ZH_AREA.search(q):
        return "other", None
    if (m := _ZH_COUNT.search(q)) is not None:
        unit = m.group("unit")
        if unit in _MONEY_UNITS:
            return "money", unit
        if unit in {"个百分点", "个点", "倍", "成"}:  # "涨几个点": percentage points, or a percentage
            return "rate", {"个百分点": "百分点", "个点": "%"}.get(unit, unit)
        return ("other" if unit in _AREA_UNITS else "count"), unit
    if (m := _ZH_MEASURED.search(q)) is not None:
        return "other", m.group("unit")
    if (m := _ZH_SPAN.search(q)) is not None:  # "相距多远", "租期多久"
        return "other", "公里" if m.group() in ("多远", "多长") else "年"
    way = _ZH_WAY.search(q) is not None
    quantity = _ZH_QUANTITY.search(q) is not None
    if _ZH_RATE.search(q) and (quantity or not way):
        return "rate", "%"
    if _ZH_MONEY.search(q) and (quantity or not way):
        return "money", "元"
    if (m := _ZH_COUNT_NOUN.search(q)) is not None:
        return "count", m.group("unit")
    if _AREA_WORDS.search(q):
        return "other", None
    if quantity and (unit := next((u for p, u in _ZH_COUNTED if p.search(q)), None)) is not None:
        return "count", unit
    if way:
        return "way", None
    return "other", None


def _en_kind(q: str) -> tuple[str, str | None]:
    for pattern, kind in _EN_ASKS:
        if pattern.search(q):
            return kind, None
    unit = next((u for pattern, u in _EN_UNITS if pattern.search(q)), None)
    if _EN_RATE_FIRST.search(q):  # "How fast did the number of visitors grow": a rate, though it says "number of"
        # "By how much did income rise" is answered by "增长6%" or by "增加1207元": no unit is asked.
        return "rate", unit if unit in {"百分点", "倍"} else None if _EN_BY_HOW_MUCH.search(q) else "%"
    if _EN_COUNT.search(q) and not re.search(r"\bpercent", q):
        return ("other" if unit in _AREA_UNITS else "count"), unit
    if _EN_RATE.search(q):
        return "rate", unit if unit in {"百分点", "倍"} else "%"
    if _AREA_WORDS.search(q) or _EN_MATERIAL.search(q):
        return "other", unit
    if _EN_MONEY.search(q):
        return "money", "元"
    if _EN_WAY.search(q):
        return "way", None
    return "other", unit


def sentence_fits(intent: Intent, sentence: str) -> float:
    """How well `sentence` can hold the kind of answer `intent` asks for, from 0 to 1."""
    if intent.recipients:
        # "报送给了哪些单位" is answered by the "报：" line; the "送：" and "发：" lines name recipients of another
        # sort, and no other line names any (the issuer's "宁波市对口支援和区域合作局" is no recipient).
        return 1.0 if distribution_line(sentence) == intent.recipients else OTHER_RECIPIENTS
    if intent.kind in {"money", "count", "rate"} or intent.wants_figure:
        return _figure_fit(intent, sentence)
    fit = _kind_fit(intent, sentence)
    if intent.wants_list:
        # A list is its own evidence: "依托拼多多、美丽四明山等电商平台" names the platforms without naming a person.
        # A sentence naming no list keeps its fit: 0.25–1.0 of it made no difference on the dev halves.
        if not _ENUMERATION.search(sentence):
            return fit
        # It lists what "哪些电商平台" asks a list of; a list of something else fits less.
        named = not intent.listed or any(intent.listed[i:i + 2] in sentence for i in range(len(intent.listed) - 1))
        return 1.0 if named else max(fit, LIST_OF_OTHER)
    return fit


def distribution_line(sentence: str) -> str:
    """Which of a document's distribution lines the sentence is ("报", "送" or "发"), or "" when none."""
    line = _RECIPIENT_LINE.match(sentence)
    return line.group("line") if line is not None else ""


def _kind_fit(intent: Intent, sentence: str) -> float:
    if intent.kind == "issue":
        return 1.0 if _ISSUE_LINE.search(sentence) else 0.0
    if intent.kind == "date":
        if find_dates(sentence):
            return 1.0
        if intent.as_of and _AS_OF_SAID.search(sentence):
            return AS_OF_FIT
        return 0.3 if _SINCE.search(sentence) else 0.0
    if intent.kind == "place":
        named = places(sentence)
        other = set(named) - set(intent.terms)
        if intent.place_type:  # "Which city": a place of that sort, not a village or a park
            typed = any(p.endswith(intent.place_type) for p in other)
            return 1.0 if typed else 0.6 if other or _LOCATION.search(sentence) else 0.0
        if _LOCATION.search(sentence):
            return 1.0
        return 1.0 if other else 0.6 if named else 0.0
    if intent.kind == "person":
        return 1.0 if _TITLES.search(sentence) else 0.0
    if intent.kind == "way":
        return 1.0 if _WAY_STRONG.search(sentence) else 0.6 if _WAY_WEAK.search(sentence) else 0.1
    if intent.kind == "reason":
        return 1.0 if _REASON_CUES.search(sentence) else 0.1
    return 0.5


def _figure_fit(intent: Intent, sentence: str) -> float:
    figures = totals(intent, sentence, find_figures(sentence))
    if not figures:
        return 0.3 if intent.kind == "rate" and _GROWTH.search(sentence) else 0.0
    fit = max(_one_fit(intent, figure_kind(f), f.unit) for f in figures)
    if fit == 1.0 and intent.rate_of and not _rates_of(intent.rate_of, sentence, figures):
        return 0.2  # "增长17.5%" does not say what share of the nation's output it is, nor "占比55%" how fast it grew
    return fit


def totals(intent: Intent, sentence: str, figures: list[Figure], offset: int = 0) -> list[Figure]:
    """The figures that may answer a question asking no ratio and no change: not the parts of "每出口4辆汽车就有
    1辆", and not a change ("增量39.7亿斤") where a level is asked ("黑龙江粮食产量多少")."""
    if intent.kind == "rate" or not figures:
        return figures
    parts = [] if intent.per_unit else in_a_ratio(sentence, figures, offset)
    if not intent.asks_change:
        parts += [f for f in figures if written_as_change(sentence, f, offset)]
    left = {f.start for f in parts}  # by start, not by comparing figures: a sentence may hold thousands
    return [f for f in figures if f.start not in left] if parts else figures


def written_as_change(sentence: str, f: Figure, offset: int = 0) -> bool:
    """The figure is a change, its change word right before it ("增加61元", "新增110元"); a rate is not counted."""
    return figure_kind(f) != "rate" and _CHANGE_BEFORE.search(sentence[max(0, f.start - offset - 6):
                                                                       f.start - offset]) is not None


def names_rate_sort(asked: str, clause: str) -> bool:
    """The clause words a rate of the asked sort: "增长" a growth, "占" a share (`Intent.rate_of`)."""
    return _RATE_SORTS[asked].search(clause) is not None


def _rates_of(asked: str, sentence: str, figures: list[Figure]) -> bool:
    """Some rate of the sentence is of the asked sort: its clause up to it is not only of the other sort."""
    other = _RATE_SORTS["growth" if asked == "share" else "share"]
    clauses = split_clauses(sentence)  # once: a sentence may hold thousands of rates
    starts = [a for a, _ in clauses]
    for f in figures:
        if figure_kind(f) != "rate":
            continue
        a = starts[max(0, bisect.bisect_right(starts, f.start) - 1)] if starts else 0
        clause = sentence[a:f.start]
        if not (other.search(clause) and not _RATE_SORTS[asked].search(clause)):
            return True
    return False


def _one_fit(intent: Intent, kind: str, unit: str) -> float:
    hint = intent.unit_hint
    if intent.kind == "money":
        return 1.0 if kind == "money" else 0.3
    if intent.kind == "rate":
        # A change asked in no unit ("by how much did it rise") may be an amount: still below a rate.
        return 1.0 if kind == "rate" else 0.8 if hint is None and kind in {"money", "count"} else 0.2
    if intent.kind == "count":
        if kind != "count":
            if hint is not None and same_dimension(unit, hint):
                return 1.0  # "被判多少年" is answered by "24年", a duration in the unit asked; "how many tons" by 斤
            return 0.2 if kind in {"money", "rate"} else 0.4
        if hint is None or unit == hint or (hint in _PERSON_UNITS and unit in _PERSON_UNITS):
            return 1.0
        if (hint in _PERSON_UNITS) != (unit in _PERSON_UNITS):
            return 0.3  # people where things are counted, or things where people are: "154家" for "多少人就业"
        return 0.5  # a count, but of something else: "9 个" when "几家" is asked
    if hint in _AREA_UNITS or any(_AREA_WORDS.search(t) for t in intent.terms):  # "面积多少", "how much land"
        return 1.0 if kind == "area" else 0.4
    if hint in PHYSICAL_UNITS:  # "多少吨" is not answered by "2329万标准箱"
        return 1.0 if same_dimension(unit, hint) else 0.3
    return 1.0 if hint is not None and unit == hint else 0.8
