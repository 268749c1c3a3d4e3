"""The profile of a document of no known kind: it adds nothing to what the words say."""

from __future__ import annotations

from dataclasses import dataclass

from index.cite import doc_label
from index.records import Briefing

__all__ = ["PLAIN", "Plain"]


@dataclass(frozen=True)
class Plain:
    """Briefings, notes, news: named by title, issue and year; no year is implied by the document's kind."""

    def evidence_label(self, b: Briefing) -> str:
        return doc_label(b)

    def is_report_of(self, year: int) -> bool:
        return False

    def plans_label(self, b: Briefing) -> str:
        return ""

    def plans_only(self, years: tuple[int, ...]) -> bool:
        return False

    def plans_of(self, years: tuple[int, ...]) -> float:
        return 0.0

    def results_of(self, years: tuple[int, ...], text: str = "") -> float:
        return 0.0

    def speaks_for_another(self, places: tuple[str, ...], text: str) -> bool:
        return False


PLAIN = Plain()
