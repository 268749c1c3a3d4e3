"""Plans told from results by their wording, in any kind of document (pure).

A figure a question asks about as a result ("2024年增长多少") is often written beside the target for it
("预期目标是增长5%左右") or a span of years ("年均增长12%"). These cues are Chinese wording, not one document
type's layout: bench/scorer_data marks such plans in the bundled briefing and in RGB-zh's news passages too.
What only one kind of document implies (a work report of year T plans T) is its profile's (index/doc_profiles).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.records import Sentence
from index.segment import split_clauses

if TYPE_CHECKING:  # index.query imports index.evidence, which imports YEAR from here
    from index.query import Query

__all__ = [
    "PLAN_SECTION", "REVIEW_SECTION", "SEVERAL_YEARS", "TARGET", "YEAR", "asks_for_plan", "in_a_period_paragraph",
    "other_years", "plan_section", "plan_wording", "results_before_plan",
]

# A sentence that states a plan, not a result: "预期目标是…增长5%左右", "力争…".
TARGET = re.compile(r"目标|预期|力争|计划|左右[；;，,。]")
# … but a target met is a result ("顺利完成全年主要目标任务", "实现预期目标"), and "目标任务体系" names a system of
# them.
_MET = re.compile(r"(?:完成|实现|达到|达成)[^，。；]{0,8}?(?:目标|预期|计划)+|目标(?:任务)?体系")
# A span of years, not the one year asked about: "“十四五”以来…", "从4.16万亿元增加到5.67万亿元", "年均增长".
# "连续3年增长" is a span; "连续39年居全国首位" is a standing kept for years beside this year's figure, not one.
SEVERAL_YEARS = re.compile(
    r"十[三四五]五|五年|年均|连续\d+年(?![稳位]?居|保持全国|领跑)|从[^，。；]{0,20}(?:增加|增|提高|提升|扩大)(?:到|至)"
)
# A paragraph that opens on a span of years speaks of it throughout: "这五年，我们…", "——这五年民生福祉不断增进。",
# "五年来，…", "过去五年…", "“十四五”时期…". Only its opening counts: "刚刚过去的2025年，是“十四五”收官之年"
# speaks of one year.
PERIOD_LEAD = re.compile(
    r"(?:——)?(?:这|过去|近)?[五5]年(?:来|间|中|里)?|“?十[三四五]五”?(?:时期|期间|以来)"
    r"|——这是[^，。；]{0,24}的五年"  # "——这是招大引强、开放合作成果丰硕的五年。…累计接待游客17.52亿人次"
)
# How far back a sentence's paragraph is looked for: a longer paragraph's opening is too far to speak for it.
_PARAGRAPH_REACH = 2000
# A section that sets out plans: "二、2025年工作总体要求和主要目标", "三、2026年重点工作", "下一步工作打算" …
PLAN_SECTION = re.compile(r"目标|任务|重点工作|总体要求|工作安排|打算")
# … unless its headings say it reviews: "一、2024年工作回顾" › "（一）锚定目标攻坚，经济发展实现逆势而上。" gives
# results.
REVIEW_SECTION = re.compile(r"回顾|成就|成效|进展|过去|一年来|五年来|形势")  # "当前国内形势和基本任务" opens on results
# A year as a title, heading or file name writes it: "2025年", "2025 年", "2025_".
YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")


# A question asks for a plan in a target's words, by an intention ("打算发行多少"), by an allocation
# ("给地方政府安排了多少专项债券额度": the year's budget, which its own report gives as a plan), by an estimate
# ("预计增长多少": in a sentence 预计 also gives a year's result before its close, so it is no plan word there), or in
# English ("budgeted for", "was to be spent"); "the Sixth Five-Year Plan" names a period.
_ASKS_PLAN = re.compile(
    rf"{TARGET.pattern}|安排|预计|打算|准备"
    r"|(?i:\b(?:target(?:s|ed|ing)?|expect(?:s|ed|ing)?|(?<!year )plan(?:s|ned|ning)?|aim(?:s|ed|ing)?|goals?"
    r"|projected|forecast|budget(?:ed|s)? for|budgeted|(?:was|were|is|are) to be)\b)"
)


# A figure's clause that says it is done: "已完成投资", "已经建成", "已达到".
_DONE = re.compile(r"已(?:经)?(?:完成|实现|达到|达|建成|投入|到位|累计)")


def done_before(clause: str) -> bool:
    """The clause leading up to a figure says it is already done: a result, not a plan."""
    return _DONE.search(clause) is not None


def asks_for_plan(question: str) -> bool:
    """The question asks for the target itself ("增长目标是多少"): a plan is then the answer."""
    return _ASKS_PLAN.search(question) is not None


def plan_wording(s: Sentence, query: Query) -> bool:
    """The sentence or its section states a plan or a span of years where one year's result is asked for."""
    return bool(_plan_cue(s.text, query) or plan_section(s.section_titles))


def results_before_plan(s: Sentence, query: Query) -> str:
    """The sentence's clauses before the first one with a plan cue, when its section is no plan: results.

    A cue holds for the clauses after it too ("预期目标是：增长5%左右，新增就业1200万人"), not for those before it:
    "…粮食产量1347万吨，单位生产总值能耗累计降幅完成“十四五”任务" gives this year's grain as a result.
    """
    if plan_section(s.section_titles):
        return ""
    head = []
    for start, end in split_clauses(s.text):
        if _plan_cue(s.text[start:end], query):
            break
        head.append(s.text[start:end])
    return "".join(head)


def plan_section(titles: tuple[str, ...]) -> bool:
    """The section's headings set out plans and none of them says it reviews."""
    joined = " ".join(titles)
    return PLAN_SECTION.search(joined) is not None and REVIEW_SECTION.search(joined) is None


def _plan_cue(text: str, query: Query) -> bool:
    return bool(
        TARGET.search(_MET.sub("", text))
        or (query.intent.years and SEVERAL_YEARS.search(text) and not SEVERAL_YEARS.search(query.text))
    )


def in_a_period_paragraph(text: str, start: int) -> bool:
    """The sentence starting at `start` of `text` stands in a paragraph that opens on a span of years."""
    opening = text.rfind("\n", max(0, start - _PARAGRAPH_REACH), start) + 1
    if opening == 0 and start > _PARAGRAPH_REACH:
        return False
    return PERIOD_LEAD.match(text, opening, opening + 32) is not None


def other_years(titles: tuple[str, ...], years: tuple[int, ...]) -> bool:
    """The section headings name years, and none of them is one the question asks about."""
    named = {int(y) for t in titles for y in YEAR.findall(t)}
    return bool(named) and not named & set(years)
