"""Figures (number + unit) and dates in Chinese text, with exact character offsets.

Conventions:
- `Figure.text` is verbatim and keeps adjacent qualifiers: "超 1 亿元", "5000余名", "95%以上", "近1倍".
- `Figure.value` is in base units: 万/亿/千/百 applied ("932.7 万元" → 9327000.0); a range ("3—5个")
  takes its lower bound; percentages stay percentages ("81.9%" → 81.9).
- `Figure.unit` is the measure word without multiplier, as written ("元", "人次", "平方公里", "%");
  "个百分点" is reported as "百分点".
- Not figures: years and dates ("2022 年", "9 月 20 日"; see `find_dates`), ordinals ("第 10 期", "第十四届"),
  numbers without a unit, and a lone Chinese "一" ("一期", "一次性") unless it is "一倍" or carries 万/亿.
"""

from __future__ import annotations

import bisect
import functools
import re
from decimal import Decimal, InvalidOperation

import cn2an

from index.memo import SENTENCES
from index.records import Figure

__all__ = [
    "PHYSICAL_UNITS", "figure_kind", "find_dates", "find_figures", "in_a_ratio", "normalise_number", "numbers_in",
    "same_dimension",
]

# Full-width forms mapped one character to one, so offsets into the mapped text hold for the original; so are the
# traditional characters of numerals and units ("二十一萬六千餘人" in the State Council's 1954 report), which the
# figure shown keeps as written.
_WIDE = str.maketrans("０１２３４５６７８９％．～－／\u3000\u00a0萬億餘兩噸個項畝戶輛臺張條處種頭隻倆",
                      "0123456789%.~-/  万亿余两吨个项亩户辆台张条处种头只俩")
_CN_DIGITS = "零〇一二三四五六七八九十两"
_S = r"[ \t]{0,2}"
# Every repeat is bounded: a pattern tried at each position of a long run of digits or numerals then costs
# a bounded amount per position (unbounded, 8,000 characters of "一二" took 16 s). The bounds are far
# above any figure a report writes ("九千九百九十九亿九千九百九十九万九千九百九十九" has 23 characters).
# Text drawn from a PDF may space every digit ("7 4 7 7 2 亿元", "1 5 ．3 ％" in the State Council's 1998 report), and
# some reports write the decimal point as a middle dot ("增长19·5％"): without the last two forms "7 4 7 7 2 亿元"
# was read as "2 亿元". The spaced form is tried last, so "2022 年 9 月" and "48 个" read as before.
_AR = (
    r"\d{1,3}(?:,\d{3}){1,8}(?:\.\d{1,12})?|\d{1,24}(?:[.·]\d{1,12})?"
    r"|\d(?: \d){1,23}(?: ?[.·] ?\d(?: \d){0,11})?"
)
_CN = rf"[一二三四五六七八九十两][{_CN_DIGITS}百千万亿]{{0,24}}"  # a numeral never starts with 零
# Nor inside another numeral: without this the pattern was tried again at every character of a long run.
_CN_START = rf"(?<![{_CN_DIGITS}百千万亿])"
_LONGEST_NUMBER = 40  # characters; "1,234,567,890.12" or the 23 of the largest numeral written out
_PRE = r"超过|超|逾|将近|接近|近|大约|约|累计|同比|不足|不到|不少于|至少"
_POST = r"以上|左右|以下|以内|上下|有余"
_NOT_QUALIFIER = {"节约", "制约", "简约", "附近", "最近", "临近", "就近", "邻近", "赶超", "高超"}
_MULTIPLIERS = {
    "万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "千万": 10**7, "百万": 10**6,
    "亿": 10**8, "万": 10**4, "千": 10**3, "百": 10**2,
}
_MONEY = ("元", "美元", "港元", "欧元", "日元", "人民币", "新卢布", "卢布", "英镑")
_RATE = ("%", "‰", "个百分点", "百分点", "倍", "成")
_AREA = ("平方公里", "平方千米", "平方米", "公顷", "亩")
_COUNT = (
    "人次", "人", "名", "位", "个", "家", "户", "项", "所", "座", "条", "件", "套", "台", "辆", "艘", "架次",
    "架", "期", "场", "次", "批", "村", "镇", "乡", "县", "篇", "部", "张", "株", "棵", "头", "只", "床",
    "种", "款", "支", "处", "类", "颗", "枚",
)
# Computing power as the reports write it: "算力规模超过55Eflops", "算力达4800PF", "算力规模达到5.1万P".
_COMPUTING = ("EFLOPS", "EFlops", "Eflops", "PFLOPS", "PFlops", "Pflops", "PF", "P")
_OTHER = (
    "微克/立方米", "立方米", "千瓦时", "千瓦", "兆瓦", "公里", "千米", "米", "吨", "千克", "公斤", "斤",
    "标准箱", "标箱", "度", "个月", "个小时", "年", "天", "小时", "分钟", "周年", "岁",
    *_COMPUTING,
)
_UNITS = sorted({*_MONEY, *_RATE, *_AREA, *_COUNT, *_OTHER}, key=len, reverse=True)
# Units of one physical dimension: "多少吨" may be answered in 斤, not in 标准箱; "多久" in 个月, not in 万元.
_DIMENSIONS = (
    ("吨", "千克", "公斤", "斤"), ("公里", "千米", "米"), ("千瓦时", "度"), ("千瓦", "兆瓦"), ("标准箱", "标箱"),
    ("立方米",), ("微克/立方米",), ("年", "个月", "天", "小时", "个小时", "分钟"), _COMPUTING,
)
PHYSICAL_UNITS = tuple(u for group in _DIMENSIONS for u in group)
# A unit that is the first character of the next word is no unit: "10.51亿 人均每周…" (per head) counts no people.
_STARTS_WORD = {"人": "均"}
# Measure words that after a Chinese numeral usually name a phase, a round or a sitting, not a quantity.
_NOT_AFTER_CN = {"期", "年", "次", "位", "届", "批", "轮", "代", "个月"}

_FIGURE = re.compile(
    rf"(?:(?P<pre>{_PRE}){_S})?(?<![0-9A-Za-z.,])"
    rf"(?P<num>{_AR}|{_CN_START}{_CN})(?P<pct1>%)?"
    rf"(?:{_S}(?:—|–|-|~|至|到){_S}(?P<num2>{_AR}|{_CN}))?"
    rf"(?P<q1>余|多)?{_S}(?P<mul>{'|'.join(_MULTIPLIERS)})?(?P<q2>余|多)?{_S}"
    rf"(?P<unit>{'|'.join(re.escape(u) + (f'(?![{_STARTS_WORD[u]}])' if u in _STARTS_WORD else '') for u in _UNITS)})"
    r"(?![A-Za-z])"
    rf"(?:{_S}(?P<post>{_POST}))?"
)
_PERCENT_CN = re.compile(rf"(?:(?P<pre>{_PRE}){_S})?百分之(?P<num>{_AR}|{_CN})(?:(?P<post>{_POST}))?")
_NUMBER = re.compile(rf"(?<![0-9.,])(?:{_AR})")

_YEAR = r"(?:19|20)\d{2}|(?:1 9|2 0) \d \d|[〇○零一二三四五六七八九]{4}"  # "1 9 9 7 年": digits spaced as in _AR
_MONTH = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_DAY = r"3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_DATE = re.compile(
    rf"(?<![0-9])(?P<y>{_YEAR}){_S}(?:—|–|-|~|至|到){_S}(?P<y2>{_YEAR}){_S}年"
    rf"|(?<![0-9])(?P<iy>(?:19|20)\d{{2}})(?P<sep>[-./])(?P<im>1[0-2]|0?[1-9])(?P=sep)(?P<id>3[01]|[12]\d|0?[1-9])"
    rf"(?![0-9])"
    rf"|(?<![0-9])(?P<year>{_YEAR}){_S}年(?:{_S}(?P<month>{_MONTH}){_S}月(?:{_S}(?P<day>{_DAY}){_S}[日号])?)?"
    rf"|(?<![0-9.])(?P<m1>1[0-2]|0?[1-9]){_S}(?:—|–|-|~|至|到){_S}(?P<m2>1[0-2]|0?[1-9]){_S}月"
    rf"|(?<![0-9.])(?P<md_m>1[0-2]|0?[1-9]){_S}月(?:{_S}(?P<md_d>3[01]|[12]\d|0?[1-9]){_S}[日号])?"
)


# "全国每出口4辆汽车就有1辆安徽造", "每10个人中就有1个": both figures state a ratio, neither is a total.
_RATIO = re.compile(r"每[^，。；,;！？!?]{0,8}?[0-9一二三四五六七八九十百千万]+[^，。；,;！？!?]{0,16}?就(?:有|是)"
                    r"[^，。；,;！？!?]{0,8}?[0-9一二三四五六七八九十]+[^，。；,;！？!?0-9]{0,3}")


def in_a_ratio(text: str, figures: list[Figure], offset: int = 0) -> list[Figure]:
    """The figures of `text` (found with the same `offset`) that are parts of a "每…就有…" ratio."""
    if "就" not in text or "每" not in text:
        return []
    spans = [(m.start() + offset, m.end() + offset) for m in _RATIO.finditer(text.translate(_WIDE))]
    starts = [a for a, _ in spans]  # in order and apart: finditer's matches do not overlap
    return [f for f in figures if (i := bisect.bisect_right(starts, f.start) - 1) >= 0 and f.end <= spans[i][1]]


def normalise_number(token: str) -> str:
    """A number as one canonical string: "1,264.50" → "1264.5", "09" → "9", "四十六" → "46"."""
    value = _to_decimal(token.translate(_WIDE).strip())
    return token if value is None else _canonical(value)


def find_figures(text: str, offset: int = 0) -> list[Figure]:
    """Every number-with-unit in `text`; offsets are `offset` + positions in `text`."""
    return list(_find_figures(text, offset))


@functools.lru_cache(maxsize=SENTENCES)
def _find_figures(text: str, offset: int) -> tuple[Figure, ...]:
    norm = text.translate(_WIDE)
    found = [fig for _, fig in _accepted(text, norm, offset)]
    starts = [f.start - offset for f in found]  # in order and apart: finditer's matches do not overlap
    for m in _PERCENT_CN.finditer(norm):
        value = _to_decimal(m.group("num"))
        before = bisect.bisect_right(starts, m.start()) - 1  # the one figure that could hold this match
        if value is not None and not (before >= 0 and m.start() < found[before].end - offset):
            span = text[m.start() : m.end()]
            found.append(Figure(span, float(value), "%", m.start() + offset, m.end() + offset))
    return tuple(sorted(found, key=lambda f: f.start))


def find_dates(text: str, offset: int = 0, default_year: int | None = None) -> list[tuple[int, int, str]]:
    """Years and dates as (start, end, normalised): "2022-09-20", "2022-09", "2022", "2025/2027".

    A month-day without a year becomes "--09-20" (ISO 8601's no-year form), or uses `default_year`.
    """
    norm = text.translate(_WIDE)
    out: list[tuple[int, int, str]] = []
    for m in _DATE.finditer(norm):
        iso = _date_iso(m, default_year)
        if iso is not None:
            out.append((m.start() + offset, m.end() + offset, iso))
    return out


def same_dimension(a: str, b: str) -> bool:
    """Two physical units measure the same thing (吨 and 斤), or are one unit."""
    return a == b or any(a in group and b in group for group in _DIMENSIONS)


def figure_kind(f: Figure) -> str:
    """"money" | "rate" | "count" | "area" | "other", from the unit."""
    if f.unit in _MONEY:
        return "money"
    if f.unit in _RATE:
        return "rate"
    if f.unit in _COUNT:
        return "count"
    if f.unit in _AREA:
        return "area"
    return "other"


def numbers_in(text: str) -> set[str]:
    """Canonical numeric tokens of `text`: every Arabic number, plus each figure's base value and
    each Chinese-numeral figure or date, so "932.7 万元" yields {"932.7", "9327000"}.

    Chinese numerals count only inside figures and dates ("统一" holds no 1).
    """
    norm = text.translate(_WIDE)
    out = {normalise_number(m.group()) for m in _NUMBER.finditer(norm)}
    for m, _ in _accepted(text, norm, 0):
        for group in ("num", "num2"):
            if (value := _to_decimal(m.group(group) or "")) is not None:
                out.add(_canonical(value))
    for f in find_figures(text):
        out.add(_canonical(Decimal(repr(f.value))))
    for _, _, iso in find_dates(text):
        out.update(str(int(part)) for part in re.findall(r"\d+", iso))
    return out


def _accepted(text: str, norm: str, offset: int) -> list[tuple[re.Match[str], Figure]]:
    out = []
    for m in _FIGURE.finditer(norm):
        fig = _figure(text, norm, m, offset)
        if fig is not None:
            out.append((m, fig))
    return out


def _figure(text: str, norm: str, m: re.Match[str], offset: int) -> Figure | None:
    num, unit = m.group("num"), m.group("unit")
    is_cn = num[0] in _CN_DIGITS
    start = m.start()
    if m.group("pre") is not None and norm[max(0, start - 1) : start + 1] in _NOT_QUALIFIER:
        start = m.start("num")  # "节约1000万元": 约 ends a verb here, it does not qualify the number
    if _ordinal(norm, start):
        return None
    if is_cn and (unit in _NOT_AFTER_CN or (num == "一" and unit != "倍" and m.group("mul") is None)):
        return None
    if m.group("pct1") and unit != "%":
        return None
    if unit == "年" and m.group("mul") is None and _is_year(num) and _is_year(m.group("num2") or num):
        return None  # a year or a span of years: find_dates owns it
    value = _to_decimal(num)
    if value is None:
        return None
    value *= _MULTIPLIERS.get(m.group("mul") or "", 1)
    shown = "百分点" if unit == "个百分点" else unit
    return Figure(text[start : m.end()], float(value), shown, start + offset, m.end() + offset)


def _ordinal(norm: str, start: int) -> bool:
    i = start  # stepping back over the spaces only: copying all the text before was quadratic
    while i > 0 and norm[i - 1] in " \t":
        i -= 1
    return norm[i - 1 : i] == "第"


def _is_year(num: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", num.replace(" ", "")))


def _to_decimal(token: str) -> Decimal | None:
    token = token.replace(",", "").replace(" ", "").replace("·", ".")
    if not token or len(token) > _LONGEST_NUMBER:
        return None  # cn2an's time grows faster than the numeral's length (4,000 characters took 2 s)
    if token[0].isdigit():
        try:
            return Decimal(token)
        except InvalidOperation:
            return None
    try:
        return Decimal(str(cn2an.cn2an(token, "smart")))
    except (ValueError, KeyError):
        return None


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cn_int(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if re.fullmatch(r"[〇○零一二三四五六七八九]{4}", token):  # "一九八○": a white circle as zero
        return int(token.translate(str.maketrans("〇○零一二三四五六七八九", "000123456789")))
    value = _to_decimal(token)
    return int(value) if value is not None and value == value.to_integral_value() else None


def _date_iso(m: re.Match[str], default_year: int | None) -> str | None:
    if m.group("y"):
        return f"{_cn_int(m['y'])}/{_cn_int(m['y2'])}"
    if m.group("iy"):
        return f"{m['iy']}-{int(m['im']):02d}-{int(m['id']):02d}"
    if m.group("m1"):
        prefix = f"{default_year}-" if default_year else "--"
        return f"{prefix}{int(m['m1']):02d}/{prefix}{int(m['m2']):02d}"
    year = _cn_int(m["year"]) if m.group("year") else default_year
    month = _cn_int(m.group("month") or m.group("md_m") or "")
    day = _cn_int(m.group("day") or m.group("md_d") or "")
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    parts = ["--" if year is None else str(year)]
    if month is not None:
        parts.append(f"{month:02d}" if year is None else f"-{month:02d}")
    if day is not None:
        parts.append(f"-{day:02d}")
    return "".join(parts)
