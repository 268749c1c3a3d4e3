"""How a figure moved: the same measure in earlier issues, each with its own verbatim quote (pure).

"The same measure" is decided strictly, because a wrong history is worse than none: the words that name
the figure in its clause ("累计返利") must be the same, the unit the same, a running total stays a running
total and a yearly figure a yearly one, and the question's places and programmes found around the answer
must be found around the earlier figure too; a question naming none of them finds history only in the same
series under the same heading. A briefing where that measure appears with two different
values is left out: which of them continues the series cannot be told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from index.cite import citation, doc_label, source_of
from index.columns import sentence_texts
from index.figures import find_dates, find_figures
from index.records import Briefing, Figure, PastFigure, Quote, Sentence

__all__ = ["HISTORY_LIMIT", "Measure", "figure_history", "measure_of"]

HISTORY_LIMIT = 12  # earlier issues listed at most: a year of monthly briefings, one line each
_RUNNING = re.compile(r"累计|截至|截止|以来|至今|总计|先后")
_PERIOD = re.compile(r"上半年|下半年|全年|当年|今年|去年|本年|季度|[1-9一二三四五六七八九十]+月份?")
_CLAUSE_ENDS = "，；：。！？,;:"
_LEAD_WORDS = re.compile(r"^(?:同时|并且|并|其中|另外|此外|目前|已|共|合计)")
_PUNCT = re.compile(r"[\s“”\"'‘’「」『』（）()《》]")
MIN_LABEL = 2  # characters: a shorter name ("达") says nothing about what is counted


@dataclass(frozen=True)
class Measure:
    """What a figure counts, as far as the text says it: the words before it and what kind of number it is."""

    label: str  # "累计返利", whitespace and quote marks dropped
    unit: str
    running: bool  # a running total: 累计, 截至目前, …以来
    period: bool  # a figure for one period: 2021年, 上半年, 全年


def measure_of(s: Sentence, f: Figure) -> Measure:
    """The measure a figure in a sentence gives."""
    before = s.text[: f.start - s.start]
    cut = max(before.rfind(c) for c in _CLAUSE_ENDS) + 1
    label = _LEAD_WORDS.sub("", _PUNCT.sub("", before[cut:]))
    years = [d for d in find_dates(before) if len(d[2]) >= 4 and d[2][:4].isdigit()]
    return Measure(label=label, unit=f.unit, running=bool(_RUNNING.search(before)),
                   period=bool(years or _PERIOD.search(before)))


def _context(b: Briefing, s: Sentence) -> str:
    return "".join(" ".join([s.text, *s.section_titles, doc_label(b)]).split())


def figure_history(
    lead: Briefing, sentence: Sentence, figure: Figure, terms: Iterable[str], briefings: Iterable[Briefing],
) -> tuple[PastFigure, ...]:
    """Earlier briefings' figures for the measure `figure` gives in `sentence`, newest first."""
    if lead.date is None or figure.start < 0:
        return ()
    lead_context = _context(lead, sentence)
    subject = [t for t in terms if t in lead_context]
    measure = _bare(measure_of(sentence, figure), subject)
    if len(measure.label) < MIN_LABEL:
        return ()
    found: list[PastFigure] = []
    # Newest first, stopping at the limit: a long series costs no more than its last dozen issues.
    earlier = sorted((b for b in briefings if b.date is not None and b.date < lead.date and b.file != lead.file),
                     key=lambda b: (b.date or "", b.file), reverse=True)
    for b in earlier:
        if len(found) == HISTORY_LIMIT:
            break
        # Cheap tests first: most briefings never name the measure (a miss only ever leaves an issue out).
        if measure.label[:MIN_LABEL] not in b.text or measure.label not in _PUNCT.sub("", b.text):
            continue
        if not subject and b.title != lead.title:
            continue  # nothing names what is counted: only the same series speaks of the same thing
        matches = _matches(b, measure, subject, () if subject else sentence.section_titles[-1:])
        values = {f.value for _, f in matches}
        if len(values) != 1:  # absent, or two different values for one measure: leave it out
            continue
        s, f = matches[0]
        src = source_of(b, s)
        quote = Quote(text=s.text, start=s.start, end=s.end, score=0.0, source=src, citation=citation(src))
        found.append(PastFigure(figure=f, date=b.date, quote=quote))
    return tuple(found)


def _matches(
    b: Briefing, measure: Measure, subject: list[str], heading: tuple[str, ...],
) -> list[tuple[Sentence, Figure]]:
    """The figures in `b` giving `measure`, about `subject`, under `heading` when one is given."""
    out = []
    # A long series holds many sentences: only those naming the measure are made into Sentence objects.
    for i, text in enumerate(sentence_texts(b.sentences)):
        if measure.label[:MIN_LABEL] not in text or measure.label not in _PUNCT.sub("", text):
            continue
        s = b.sentences[i]
        if s.kind != "sentence":
            continue
        if heading and s.section_titles[-1:] != heading:
            continue
        if subject and not all(t in _context(b, s) for t in subject):
            continue
        out += [(s, f) for f in find_figures(s.text, s.start) if _bare(measure_of(s, f), subject) == measure]
    return out


def _bare(m: Measure, subject: list[str]) -> Measure:
    """The measure without the subject's own name: "“消薄飞地”累计返利" and "累计返利" count the same."""
    label = m.label
    for term in subject:
        label = label.replace(term, "")
    return replace(m, label=label)
