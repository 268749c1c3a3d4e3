"""A government work report (政府工作报告): the report of year T reviews T-1 and plans T.

"2025年浙江省政府工作报告" gives 2024's results and 2025's targets; a question about 2024 is answered from it, and
its figures are never 2025's results. Told by its title ("…工作报告") and a year in the title or file name.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.plans import YEAR
from index.records import Briefing

__all__ = ["WorkReport", "detect_work_report"]


@dataclass(frozen=True)
class WorkReport:
    year: int  # the year the report plans (its title's); its results are year - 1's

    def evidence_label(self, b: Briefing) -> str:
        """The title and file name with their year replaced by the year reviewed.

        "2024年" in a question is then evidence for the 2025 report and not for the 2024 one (whose results are
        2023's).
        """
        stem = b.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"{YEAR.sub('', f'{b.title} {stem}')} {self.year - 1}年"

    def plans_only(self, years: tuple[int, ...]) -> bool:
        return self.year in years  # the 2025 report only plans 2025: its results are 2024's

    def results_of(self, years: tuple[int, ...]) -> float:
        return 1.0 if self.year - 1 in years else -1.0 if self.plans_only(years) else 0.0


def detect_work_report(b: Briefing) -> WorkReport | None:
    """A work report by its title, with the year from its title or, failing that, its file name."""
    if "工作报告" not in b.title:
        return None
    found = YEAR.search(b.title + " " + b.file.rsplit("/", 1)[-1])
    return WorkReport(int(found.group(1))) if found else None
