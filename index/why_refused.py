"""Why a question was refused, in words a reader can act on (pure; the bot and the command line both say it)."""

from __future__ import annotations

# Why the nearest sentence was not quoted (Answer.refused_by, index/answer.py REFUSALS): what a reader can act on,
# e.g. ask for another year or another measure. The fitted model's threshold and an empty search say nothing more.
WHY_REFUSED: dict[str, str] = {
    "cosine": "简报中没有与问题足够接近的句子。",
    "no evidence": "最接近的只是标题，没有可以引用的句子。",
    "key terms": "问题提到的地方、项目或年份，在最接近的章节里没有出现。",
    "words": "最接近的句子与问题的用词相差太远。",
    "kind": "最接近的句子里没有所问的那类数字或日期。",
    "direction": "最接近的句子说的是反方向的往来。",
    "other year": "最接近的句子给出的是其他年份的数字。",
    "per unit": "最接近的句子只有总数，没有平均到每个单位的数字。",
    "part of year": "最接近的句子没有所问季度或半年的数字。",
    "measure": "最接近的句子给出的是另一项指标的数字。",
    "rate for a level": "最接近的句子只给出增长率，没有所问的数值本身。",
    "result for a plan": "最接近的句子给出的是已完成的数字，不是所问的计划数。",
    "figure words": "最接近的数字说的不是所问的事项。",
}
