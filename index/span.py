"""Inside one sentence: the figure the question asks for, and the tightest verbatim span that answers (pure)."""

from __future__ import annotations

import re

from index.figures import figure_kind, find_figures
from index.measures import measure_of
from index.question import Intent, names_rate_sort, totals, written_as_change
from index.records import Figure, Sentence
from index.tokenize import tokens, years

_KIND_UNITS = {"money": "money", "rate": "rate", "count": "count"}
# Each figure is scored by scanning its sentence, so a sentence is looked at for its first figures only:
# a real sentence holds a handful; a hostile one of 80,000 ("1元1元…") would take minutes.
_MAX_FIGURES = 50
_MAX_RESPECTIVELY = 10  # "分别" in one sentence, the same way
# What may stand between a rate and the level it goes on to give: "，达到", "，总量突破", "、规模超".
_CONTINUES = re.compile(r"[，,、]?\s*(?:总量|总额|规模)?(?:达到|达|突破|超过|超|为|至)?")


def pick_figure(s: Sentence, intent: Intent, words: dict[str, float], lead: str | None = None) -> Figure | None:
    """The figure the question asks for: of the right kind, in the clause that names what was asked."""
    figures = totals(intent, s.text, find_figures(s.text, s.start)[:_MAX_FIGURES], s.start)
    if not figures:
        return None
    wanted = _KIND_UNITS.get(intent.kind)
    fitting = [f for f in figures if wanted is None or figure_kind(f) == wanted]
    if intent.kind == "rate" and intent.unit_hint is None and not fitting:
        # "By how much did income rise": with no rate in the sentence, the amount it rose by ("增加1207元").
        fitting = [f for f in figures if figure_kind(f) in {"money", "count"}]
    if intent.unit_hint:
        by_unit = [f for f in fitting if f.unit.startswith(intent.unit_hint) or intent.unit_hint in f.unit]
        fitting = by_unit or fitting
    pool = fitting or ([] if wanted else figures)
    if not pool:
        return None
    if intent.asks_change and intent.kind != "rate":
        # "比上年增加了多少" asks the change: "增加61元", not the level "达到705元" before it.
        pool = [f for f in pool if written_as_change(s.text, f, s.start)] or pool
    if intent.years:
        # "工资总额一九八○年为七百七十三亿元，一九八五年将达到九百八十三亿元": not the figure whose clause dates it in
        # another year. A clause naming no year keeps its figure: "2024年…，一般公共预算总收入5955.6亿元" is 2024's.
        pool = [f for f in pool if not _dated_otherwise(_clause_before(s, f), intent.years)] or pool
    if intent.rate_of:
        # "比上年增长了多少" asks a growth: "完成了原定计划的101%" in the same sentence is a rate of another sort.
        pool = [f for f in pool if names_rate_sort(intent.rate_of, _clause_before(s, f))] or pool
    scored = [(figure_match(s, f, figures, words, lead), -i, f) for i, f in enumerate(pool)]
    best = max(scored, key=lambda x: (x[0], x[1]))[2]
    if wanted is None and intent.kind == "other" and figure_kind(best) == "rate":
        # "进出口总额是多少" asks a level: "进出口总额比上年增长37.1%，达到8512亿美元" gives it in the next clause,
        # which goes on with the same subject; "锂电池增长103.1%，…，新能源汽车超过110万辆" does not.
        return _level_after(s, best, figures) or best
    return best


def _dated_otherwise(clause: str, asked: tuple[int, ...]) -> bool:
    said = years(clause)
    return bool(said) and set(said).isdisjoint(asked)


def _level_after(s: Sentence, rate: Figure, figures: list[Figure]) -> Figure | None:
    """The level written right after a rate, in a clause that names no other subject ("，达到8512亿美元")."""
    later = [f for f in figures if f.start > rate.start]
    if not later or figure_kind(later[0]) == "rate":
        return None
    between = s.text[rate.end - s.start : later[0].start - s.start]
    return later[0] if _CONTINUES.fullmatch(between.strip()) else None


def figure_match(s: Sentence, f: Figure, figures: list[Figure], words: dict[str, float], lead: str | None) -> float:
    """How well the words leading up to a figure match the question (idf-weighted).

    The clause up to the figure names what it counts; the clause before only breaks ties; the
    question's first key term (its subject, "余姚累计组织…" vs "松阳累计组织…") counts twice.
    """
    clauses = _comma_clauses(s)
    i = next((k for k, (a, b) in enumerate(clauses) if a <= f.start < b), 0)
    own = _respectively(s, f, figures) or _clause_before(s, f)
    before = s.text[clauses[i - 1][0] - s.start : clauses[i][0] - s.start] if i > 0 else ""
    own_tokens, before_tokens = set(tokens(own)), set(tokens(before))
    score = sum(v for t, v in words.items() if t in own_tokens)
    score += 0.1 * sum(v for t, v in words.items() if t in before_tokens and t not in own_tokens)
    if lead is not None and lead in "".join(own.split()):
        score += words.get(lead, 1.0)
    return score


def figure_measure(s: Sentence, f: Figure, figures: list[Figure]) -> str | None:
    """The measure a figure is of: named in its own item ("粮食、棉花产量分别达到…") or clause up to it, or else the
    last one its sentence names before it ("棉花总产568.6万吨、占全国92.2%"); None when none is named before it."""
    return measure_of(figure_subject(s, f, figures)) or measure_of(s.text[: max(0, f.start - s.start)])


def figure_subject(s: Sentence, f: Figure, figures: list[Figure]) -> str:
    """What names the figure: its item of a "分别" list, or its clause up to it."""
    return _respectively(s, f, figures) or _clause_before(s, f)


def _clause_before(s: Sentence, f: Figure) -> str:
    """The words of the figure's own clause up to it: what it counts."""
    start = next((a for a, b in _comma_clauses(s) if a <= f.start < b), s.start)
    return s.text[start - s.start : f.start - s.start]


def _comma_clauses(s: Sentence) -> list[tuple[int, int]]:
    # Clauses at ，；： only: "总产值、增加值" is one clause here, unlike the quoting clauses.
    out, start = [], 0
    for i, ch in enumerate(s.text):
        if ch in "，；：,;:":
            out.append((s.start + start, s.start + i + 1))
            start = i + 1
    out.append((s.start + start, s.end))
    return out


def _respectively(s: Sentence, f: Figure, figures: list[Figure]) -> str | None:
    """In "总产值、增加值分别增长 81.9%、74.5%" the n-th figure belongs to the n-th item."""
    cut = s.text.find("分别")
    for _ in range(_MAX_RESPECTIVELY):
        if cut < 0:
            break
        head = max(s.text.rfind(c, 0, cut) for c in "，；：。") + 1
        tail_marks = [i for i in (s.text.find(c, cut) for c in "，；。") if i >= 0]
        tail = min(tail_marks, default=len(s.text))
        own = [g for g in figures if s.start + cut <= g.start < s.start + tail]
        items = [x for x in s.text[head:cut].split("、") if x.strip()]
        if f in own and len(items) == len(own):
            return items[own.index(f)]
        cut = s.text.find("分别", cut + 2)
    return None


def tightest_span(s: Sentence, figure: Figure | None, terms: list[str]) -> str:
    """The clause that holds the figure (or the most key terms), as a verbatim substring."""
    clauses = s.clauses or ((s.start, s.end),)
    if figure is not None and figure.start >= 0:
        for i, (a, b) in enumerate(clauses):
            if a <= figure.start and figure.end <= b:
                start = a
                # "累计返利 932.7 万元" needs its verb; a bare "82.06 亿元" clause borrows the one before.
                if b - a < 8 and i > 0:
                    start = clauses[i - 1][0]
                return _trim(s, start, b)
    held = [sum(t in s.text[a - s.start : b - s.start] for t in terms) for a, b in clauses]
    if any(held):
        best = clauses[held.index(max(held))]
        return _trim(s, best[0], best[1])
    return s.text  # no clause names a key term: none is tighter than the others ("报：…" is not the answer)


def _trim(s: Sentence, start: int, end: int) -> str:
    text = s.text[start - s.start : end - s.start]
    return text.rstrip("，、：；。,:;！？ ")
