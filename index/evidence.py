"""Document-level evidence: which documents a question names, which year a report speaks of, plans vs results."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.cite import doc_label
from index.profile import stage
from index.records import Briefing

if TYPE_CHECKING:  # search.py indexes documents under evidence_label: it imports this module
    from index.search import Searcher

# A sentence that states a plan, not a result: "预期目标是…增长5%左右", "力争…".
TARGET = re.compile(r"目标|预期|力争|计划|左右[；;，,。]")
# A span of years, not the one year asked about: "“十四五”以来…", "从4.16万亿元增加到5.67万亿元", "年均增长".
SEVERAL_YEARS = re.compile(r"十[三四五]五|五年|年均|连续\d+年|从[^，。；]{0,20}(?:增加|增|提高|提升|扩大)(?:到|至)")
# A section that sets out plans: "二、2025年工作总体要求和主要目标", "三、2026年重点工作".
PLAN_SECTION = re.compile(r"目标|任务|重点工作|总体要求|工作安排|打算")
_REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")


def other_years(titles: tuple[str, ...], years: tuple[int, ...]) -> bool:
    """The section headings name years, and none of them is one the question asks about."""
    named = {int(y) for t in titles for y in _REPORT_YEAR.findall(t)}
    return bool(named) and not named & set(years)


def documents_naming(searcher: Searcher, terms: list[str]) -> list[str] | None:
    """The documents that contain every key term of the question (places, programmes, years), if any.

    Look-alike reports capture questions that name a place or programme only one document speaks of;
    searching inside the documents that name them all keeps the answer in the right one. A document whose
    title names the places ("2025年江苏省政府工作报告") beats one that mentions them in passing.
    """
    if not terms:
        return None
    with stage("document filter"):
        names = [t for t in terms if not _REPORT_YEAR.fullmatch(t)]
        named = searcher.files_naming(terms)
        labels = {f: squash(evidence_label(searcher.snapshot.briefings[f])) for f in named}
        titled = [f for f in named if names and all(t in labels[f] for t in names)]
    return titled or named or None


def report_year(b: Briefing) -> int | None:
    """The year of a government work report (the year it plans), from its title or file name."""
    found = _REPORT_YEAR.search(b.title + " " + b.file.rsplit("/", 1)[-1])
    return int(found.group(1)) if found and "工作报告" in b.title else None


def evidence_label(b: Briefing) -> str:
    """The document's name as evidence for a question's years and places.

    A government work report of year T reviews year T-1: its results are T-1's, so "2024年" in a question
    is evidence for the 2025 report and not for the 2024 one (whose results are 2023's).
    """
    year = report_year(b)
    if year is not None:
        stem = b.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"{_REPORT_YEAR.sub('', f'{b.title} {stem}')} {year - 1}年"
    return doc_label(b)


def squash(text: str) -> str:
    # "2022 年" in the text and "2022年" in a question are the same words.
    return "".join(text.split())
