"""What is true of one kind of document, kept apart from the general answer path.

Each document gets one profile, chosen by `profile_of` from its own metadata; the answer path asks the profile
and knows no kind by name. A document of no known kind gets `Plain`, which adds nothing: it is answered from
its words alone. Kinds known: a government work report (index/doc_profiles/work_report.py).
"""

from __future__ import annotations

from typing import Protocol

from index.doc_profiles.plain import PLAIN, Plain
from index.doc_profiles.work_report import WorkReport, detect_work_report
from index.records import Briefing

__all__ = ["PLAIN", "DocProfile", "Plain", "WorkReport", "evidence_label", "profile_of"]


class DocProfile(Protocol):
    """The questions the answer path may ask about a document's kind."""

    def evidence_label(self, b: Briefing) -> str:
        """The document's name as evidence for a question's years and places."""
        ...

    def is_report_of(self, year: int) -> bool:
        """The document is the one a question means by "the {year} report" ("1975年的报告")."""
        ...

    def plans_label(self, b: Briefing) -> str:
        """What the document's name says it plans, as evidence for a question asking a plan ("" when nothing)."""
        ...

    def plans_only(self, years: tuple[int, ...]) -> bool:
        """The document speaks of one of these years only as plans, so its figures are no results of them."""
        ...

    def plans_of(self, years: tuple[int, ...]) -> float:
        """For a plan asked of `years`, of a sentence naming no year: -1 when the document's kind says it plans
        another year ("今年拟发行…" in the 2002 report is 2002's plan, not 2001's), else 0. Never 1: a report of the
        year asked also reviews the year before ("粮食产量达到四亿零七百多万吨" in the 1985 report is 1984's)."""
        ...

    def results_of(self, years: tuple[int, ...], text: str = "") -> float:
        """1 when the document gives results of one of these years, -1 when it only plans them (or `text`, a
        sentence of it, speaks of another year in the document's own words: "今年"), 0 when its kind says nothing
        (index/agreement.py reads it where the sentence itself names no year)."""
        ...

    def speaks_for_another(self, places: tuple[str, ...], text: str) -> bool:
        """The document's kind says whose figures `text` gives when it names none of the question's `places`,
        and that is someone else."""
        ...


def profile_of(b: Briefing) -> DocProfile:
    """The profile of the document's kind; `PLAIN` when it is of no known kind."""
    return detect_work_report(b) or PLAIN


def evidence_label(b: Briefing) -> str:
    """The document's name as evidence, as its profile gives it."""
    return profile_of(b).evidence_label(b)
