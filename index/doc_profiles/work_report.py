"""A government work report (政府工作报告): the report of year T reviews T-1 and plans T.

"2025年浙江省政府工作报告" gives 2024's results and 2025's targets; a question about 2024 is answered from it, and
its figures are never 2025's results. Told by its title ("…工作报告") and a year in the title or file name.
A provincial report speaks for its province: a figure naming no place is the province's, not a city's or the
nation's (the region is read from the title or file name; the State Council's report has none).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from index.memo import DOCUMENTS
from index.plans import YEAR
from index.records import Briefing

__all__ = ["WorkReport", "detect_work_report"]


# "2026_四川省_政府工作报告", "2025年广东省政府工作报告": the region a provincial report speaks for.
_REGION = re.compile(
    r"(?P<region>[\u4e00-\u9fff]{2,7}?)(?:省|市|维吾尔自治区|壮族自治区|回族自治区|自治区)?_?(?:人民)?政府工作报告"
)
_NATIONAL = "国务院"
_THIS_YEAR = re.compile(r"今年")  # in a report of year T, the year T


@dataclass(frozen=True)
class WorkReport:
    year: int  # the year the report plans (its title's); its results are year - 1's
    region: str = ""  # the province or city it speaks for ("四川"); "" for the State Council's or when unsaid

    def evidence_label(self, b: Briefing) -> str:
        """The title and file name with their year replaced by the year reviewed.

        "2024年" in a question is then evidence for the 2025 report and not for the 2024 one (whose results are
        2023's).
        """
        stem = b.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"{YEAR.sub('', f'{b.title} {stem}')} {self.year - 1}年"

    def is_report_of(self, year: int) -> bool:
        return self.year == year

    def plans_label(self, b: Briefing) -> str:
        """The year the report plans: "2007年" is evidence for the 2007 report when a plan of 2007 is asked ("What
        deficit was budgeted for 2007": "今年中央财政赤字拟安排2450亿元")."""
        return f"{self.year}年"

    def plans_only(self, years: tuple[int, ...]) -> bool:
        return self.year in years  # the 2025 report only plans 2025: its results are 2024's

    def plans_of(self, years: tuple[int, ...]) -> float:
        # Several years asked are a span ("the First Five-Year Plan (1953–1957)"): a report of a year inside it plans
        # part of it.
        return -1.0 if years and not min(years) <= self.year <= max(years) else 0.0

    def results_of(self, years: tuple[int, ...], text: str = "") -> float:
        if self.year - 1 in years and _THIS_YEAR.search(text):
            return -1.0  # "今年发展主要预期目标是…" speaks of the year the report plans, not of the one it reviews
        return 1.0 if self.year - 1 in years else -1.0 if self.plans_only(years) else 0.0

    def speaks_for_another(self, places: tuple[str, ...], text: str) -> bool:
        """A figure in a provincial report that names no place is the province's: it does not answer for a
        city ("成都") or another province the question names and the text does not."""
        if not self.region:
            return False
        asked = [p for p in places if p not in self.region and self.region not in p]
        return bool(asked) and not any(p in text for p in asked)


def detect_work_report(b: Briefing) -> WorkReport | None:
    """A work report by its title, with the year from its title or, failing that, its file name."""
    return _detect(b.title, b.file)


# Read once per document, not once per candidate sentence or per document of each nationwide question.
@functools.lru_cache(maxsize=DOCUMENTS)
def _detect(title: str, file: str) -> WorkReport | None:
    if "工作报告" not in title:
        return None
    named = title + " " + file.rsplit("/", 1)[-1]
    found = YEAR.search(named)
    if not found:
        return None
    region = next((m.group("region") for m in _REGION.finditer(YEAR.sub("", named))), "")
    return WorkReport(int(found.group(1)), "" if _NATIONAL in region else region)
