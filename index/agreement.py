"""Whether a sentence speaks of the days and years a question names (pure).

News and reports hold many look-alike sentences: the same measure on another day ("截至2022年5月5日" for a
question about 2022年1月5日) or in another year. A sentence that names other dates and none of the asked ones is
likely about something else; one that names the asked day is likely the one. A sentence naming no date says
nothing either way here ("过去一年…增长5.5%"); its document's profile may (index/doc_profiles: the year a work
report reviews), which index/features.py asks then.
"""

from __future__ import annotations

import functools
import re

from index.figures import find_dates
from index.memo import SENTENCES

__all__ = ["agreement", "days_named", "names_year"]

_DAY = re.compile(r"(?:\d{4}|-)-(\d{2}-\d{2})")  # "2022-01-05" or "--01-05": its month and day


def days_named(text: str) -> tuple[str, ...]:
    """The month-days a text names, as "01-05" (the year, if any, is compared apart)."""
    return tuple(dict.fromkeys(m.group(1) for _, _, iso in find_dates(text) if (m := _DAY.fullmatch(iso))))


def agreement(days: tuple[str, ...], years: tuple[int, ...], sentence: str) -> float:
    """1 when the sentence names a day the question names; -1 when it names only other days, or only other
    years; 0 when the question names no date or the sentence names none of the kind it does."""
    if not days and not years:
        return 0.0
    said_days, said_years = _dates_of(sentence)
    if days and said_days:
        return 1.0 if set(days) & said_days else -1.0
    if years and said_years:
        return 0.0 if set(years) & said_years else -1.0
    return 0.0


def names_year(years: tuple[int, ...], sentence: str) -> bool:
    """The sentence names one of these years as its own (not as a base it is compared with)."""
    return bool(set(years) & _dates_of(sentence)[1])


# A year a figure is compared with is not the figure's: "城镇居民每百户拥有家用汽车21.5辆，比2007年增加15.5辆" gives
# 2012's figure in the 2013 report; "较2020年提高约14个百分点" likewise.
_BASE = re.compile(r"(?:比|较|相比|对比|同比|与)\s*$")


@functools.lru_cache(maxsize=SENTENCES)
def _dates_of(sentence: str) -> tuple[frozenset[str], frozenset[int]]:
    found = [iso for start, _, iso in find_dates(sentence) if not _BASE.search(sentence[max(0, start - 3):start])]
    days = frozenset(m.group(1) for iso in found if (m := _DAY.fullmatch(iso)))
    years = frozenset(int(y) for iso in found for y in re.findall(r"(?<![\d-])(\d{4})", iso))
    return days, years
