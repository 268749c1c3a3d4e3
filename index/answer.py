"""Question + retrieved sentences → Answer: re-scoring, the figure, the tightest span, abstaining."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.cite import citation, doc_label, source_of
from index.figures import figure_kind, find_figures
from index.provenance import check_answer
from index.question import Intent, sentence_fits, understand
from index.records import Answer, Briefing, Figure, Quote, Sentence, Source
from index.search import Hit, Mode, Searcher
from index.tokenize import key_terms, query_tokens, tokens

MAX_QUESTION = 500  # characters; longer text is not a question but a pasted document
# A sentence that states a plan, not a result: "预期目标是…增长5%左右", "力争…".
_TARGET = re.compile(r"目标|预期|力争|计划|左右[；;，,。]")
# A span of years, not the one year asked about: "“十四五”以来…", "从4.16万亿元增加到5.67万亿元", "年均增长".
_SEVERAL_YEARS = re.compile(r"十[三四五]五|五年|年均|连续\d+年|从[^，。；]{0,20}(?:增加|增|提高|提升|扩大)(?:到|至)")
# A section that sets out plans: "二、2025年工作总体要求和主要目标", "三、2026年重点工作".
_PLAN_SECTION = re.compile(r"目标|任务|重点工作|总体要求|工作安排|打算")
_REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")


@dataclass(frozen=True)
class Weights:
    """How sentence-level evidence is combined; calibrated on bench/ questions (docs/quality.md)."""

    fused: float = 1.0
    window: float = 0.3  # a neighbour's retrieval score lends support to the sentence beside it
    fit: float = 0.6  # the sentence holds the kind of answer asked for (an amount, a count, …)
    words_sentence: float = 1.0  # rare question words found in the sentence itself
    words_context: float = 0.3  # … or in its heading, title and neighbours
    terms_context: float = 0.2  # the question's key terms (places, programmes, years) around it
    heading_penalty: float = 0.5
    planned_fit: float = 0.5  # what a plan or target keeps of its fit when a result is asked for
    support_depth: int = 1  # how far down the ranking an answer with full evidence may come from (sweep: 1)
    figure_words: float = 0.0  # share of the question's non-place words the figure's clause must hold
    hand_over: float = 0.6  # how much lower a neighbour holding the asked-for figure may score and still lead
    min_coverage: float = 1.0  # share of key terms the evidence's section must contain
    min_words: float = 0.0  # idf-weighted share of question words the evidence must contain
    min_fit: float = 0.5  # a figure question needs a figure of the asked kind
    min_dense_zh: float = 0.80  # cosine floors: cross-lingual matches score lower
    min_dense_en: float = 0.68


@dataclass(frozen=True)
class Scored:
    briefing: Briefing
    sentence: Sentence
    score: float
    coverage: float  # share of key terms found in the sentence or its context
    dense: float
    words: float  # idf-weighted share of question words found in the sentence or its context
    fit: float
    parts: tuple[tuple[str, float], ...] = ()  # the score's components, for `bench/explain.py`


def build_answer(
    question: str, searcher: Searcher, mode: Mode = "hybrid", weights: Weights | None = None, top: int = 3
) -> Answer:
    """Answer one (already validated) question from one snapshot; every quote is verbatim."""
    w = weights or Weights()
    intent = understand(question)
    terms = [_squash(t) for t in key_terms(question)]
    hits = searcher.search(question, k=30, mode=mode, files=documents_naming(searcher, terms))
    ranked = _rescore(searcher, question, hits, intent, terms, w)
    if not ranked:
        return Answer(question=question, answered=False, answer=None, figure=None, quotes=())
    # The answer is the best candidate whose evidence holds up; higher-scored ones without it are passed over.
    best = next((s for s in ranked[: w.support_depth] if _supported(s, terms, intent, w)), None)
    if best is None:
        nearest = _nearest_sections(ranked)
        return Answer(question=question, answered=False, answer=None, figure=None, quotes=(), nearest=nearest)
    best = _figure_beside(best, ranked, intent, terms, w)
    ranked = [best, *(s for s in ranked if s is not best)]
    # A bare heading is never quoted as evidence: the sentences under it say what it announces.
    ordered = [s for s in _newest_first(ranked, best) if s is best or s.sentence.kind != "heading"]
    quotes = tuple(_quote(s) for s in ordered[:top])
    lead = ordered[0]
    words = {t: searcher.idf(t) for t in query_tokens(question)}
    subject = terms[0] if terms else None
    figure = pick_figure(lead.sentence, intent, words, subject) if intent.wants_figure else None
    if figure is not None and w.figure_words > 0:
        # The figure's own clause must name something the question asks about besides its places:
        # "组织5000余名职工" does not answer "派了多少名挂职干部".
        attribute = {t: v for t, v in words.items() if not any(t in k or k in t for k in terms)}
        found = _figure_match(lead.sentence, figure, find_figures(lead.sentence.text, lead.sentence.start),
                              attribute, None)
        if found < w.figure_words * sum(attribute.values()):
            return Answer(question=question, answered=False, answer=None, figure=None, quotes=(),
                          nearest=_nearest_sections(ranked))
    span = tightest_span(lead.sentence, figure, terms)
    answer = Answer(
        question=question, answered=True, answer=span, figure=figure, quotes=quotes,
        as_of=lead.briefing.date,
    )
    check_answer(answer, {s.briefing.file: s.briefing.text for s in ordered[:top]})
    return answer


def _rescore(
    searcher: Searcher, question: str, hits: list[Hit], intent: Intent, terms: list[str], w: Weights
) -> list[Scored]:
    if not hits:
        return []
    top_fused = max(h.fused for h in hits)
    fused = {h.row: h.fused / top_fused for h in hits}
    dense = {h.row: h.dense for h in hits if h.dense is not None}
    rows = set(fused)
    for h in hits:  # a figure often sits beside the sentence that names its subject
        for n in (h.row - 1, h.row + 1):
            if 0 <= n < len(searcher.snapshot.units) and _same_section(searcher, h.row, n):
                rows.add(n)
    missing = [r for r in rows if r not in dense]
    for r, cos in zip(missing, searcher.dense_scores(question, missing), strict=True):
        dense[r] = float(cos)
    words = {t: searcher.idf(t) for t in query_tokens(question)}
    total = sum(words.values()) or 1.0
    scored = []
    for r in rows:
        b, s = searcher.sentence(r)
        neighbours = [n for n in (r - 1, r + 1) if _same_section(searcher, r, n)]
        context = _squash(" ".join([s.text, doc_label(b), " ".join(s.section_titles),
                                    *(searcher.sentence(n)[1].text for n in neighbours)]))
        own = set(searcher.snapshot.units[r].tokens_own)
        in_sentence = sum(v for t, v in words.items() if t in own) / total
        in_context = sum(v for t, v in words.items() if t in own or t in context) / total
        where = (
            _squash(" ".join([s.text, evidence_label(b), " ".join(s.section_titles), " ".join(b.articles)]))
            + searcher.section_text(b.file, s.section)
        )
        coverage = sum(1 for t in terms if t in where) / len(terms) if terms else 1.0
        if intent.years and _other_years(s.section_titles, intent.years):
            coverage = 0.0  # "三、2026年重点工作" is not where 2024's results are
        fit = sentence_fits(intent, s.text)
        planned = (
            _TARGET.search(s.text) or _PLAN_SECTION.search(" ".join(s.section_titles))
            or report_year(b) in intent.years  # the 2025 report only plans 2025: its results are 2024's
            or (intent.years and _SEVERAL_YEARS.search(s.text) and not _SEVERAL_YEARS.search(question))
        )
        if intent.wants_figure and planned and not _TARGET.search(question):
            fit *= w.planned_fit  # a target ("增长5%左右") is not the result the question asks for
        parts = (
            ("fused", w.fused * fused.get(r, 0.0)),
            ("window", w.window * max((fused.get(n, 0.0) for n in neighbours), default=0.0)),
            ("fit", w.fit * fit),
            ("words_sentence", w.words_sentence * in_sentence),
            ("words_context", w.words_context * in_context),
            ("terms_context", w.terms_context * coverage),
            ("heading", -w.heading_penalty if s.kind != "sentence" else 0.0),
        )
        score = sum(v for _, v in parts)
        scored.append(Scored(b, s, score, coverage, dense.get(r, 0.0), in_context, fit, parts))
    scored.sort(key=lambda x: (-x.score, x.briefing.file, x.sentence.index))
    return scored


def _figure_beside(best: Scored, ranked: list[Scored], intent: Intent, terms: list[str], w: Weights) -> Scored:
    """Hand over to the sentence beside the best one when that one holds the asked-for figure and it does not.

    "松阳-余姚山海协作产业园…" names the park; the next sentence "入驻企业 65 家" answers: quote that one.
    """
    if not intent.wants_figure or best.fit >= 1.0:
        return best
    near = [
        s for s in ranked
        if s.briefing.file == best.briefing.file and s.sentence.section == best.sentence.section
        and 0 < abs(s.sentence.index - best.sentence.index) <= 2 and s.fit >= 1.0
        and s.score >= best.score - w.hand_over and _supported(s, terms, intent, w)
    ]
    return max(near, key=lambda s: s.score, default=best)


def _other_years(titles: tuple[str, ...], years: tuple[int, ...]) -> bool:
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
    names = [t for t in terms if not _REPORT_YEAR.fullmatch(t)]
    labels = {f: _squash(evidence_label(b)) for f, b in searcher.snapshot.briefings.items()}
    named = [f for f, label in labels.items() if all(t in label or t in searcher.document_text(f) for t in terms)]
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


def _same_section(searcher: Searcher, a: int, b: int) -> bool:
    if not (0 <= b < len(searcher.snapshot.units)):
        return False
    ua, ub = searcher.snapshot.units[a], searcher.snapshot.units[b]
    if ua.file != ub.file:
        return False
    _, sa = searcher.sentence(a)
    _, sb = searcher.sentence(b)
    return sa.section == sb.section


def _squash(text: str) -> str:
    # "2022 年" in the text and "2022年" in a question are the same words.
    return "".join(text.split())


def _supported(best: Scored, terms: list[str], intent: Intent, w: Weights) -> bool:
    """Refuse on evidence, not on similarity alone: the question's words must be found where the answer is."""
    floor = w.min_dense_en if intent.lang == "en" else w.min_dense_zh
    if best.dense < floor or best.sentence.kind == "heading":
        return False
    if terms and best.coverage < w.min_coverage:
        return False
    if intent.lang == "zh" and best.words < w.min_words:
        return False
    return not (intent.wants_figure and best.fit < w.min_fit)


def _newest_first(ranked: list[Scored], best: Scored) -> list[Scored]:
    """When several briefings report the same thing, the newest leads and the older follow it."""
    same_thing = [
        s for s in ranked[:10]
        if s.score >= best.score - 0.25 and s.briefing.date and s.briefing.file != best.briefing.file
        and s.coverage >= best.coverage and s.briefing.title == best.briefing.title
    ]
    group = [best, *same_thing]
    group.sort(key=lambda s: s.briefing.date or "", reverse=True)
    in_group = {id(s) for s in group}  # identity: comparing dataclasses would compare whole briefings
    rest = [s for s in ranked if id(s) not in in_group]
    seen: set[tuple[str, int]] = set()
    out = []
    for s in [*group, *rest]:
        key = (s.briefing.file, s.sentence.index)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _quote(s: Scored) -> Quote:
    src = source_of(s.briefing, s.sentence)
    return Quote(
        text=s.sentence.text, start=s.sentence.start, end=s.sentence.end, score=round(s.score, 4),
        source=src, citation=citation(src),
    )


def _nearest_sections(ranked: list[Scored], limit: int = 3) -> tuple[Source, ...]:
    seen: set[tuple[str, tuple[str, ...]]] = set()
    out: list[Source] = []
    for s in ranked:
        key = (s.briefing.file, s.sentence.section)
        if key in seen:
            continue
        seen.add(key)
        out.append(source_of(s.briefing, s.sentence))
        if len(out) == limit:
            break
    return tuple(out)


_KIND_UNITS = {"money": "money", "rate": "rate", "count": "count"}


def pick_figure(s: Sentence, intent: Intent, words: dict[str, float], lead: str | None = None) -> Figure | None:
    """The figure the question asks for: of the right kind, in the clause that names what was asked."""
    figures = find_figures(s.text, s.start)
    if not figures:
        return None
    wanted = _KIND_UNITS.get(intent.kind)
    fitting = [f for f in figures if wanted is None or figure_kind(f) == wanted]
    if intent.unit_hint:
        by_unit = [f for f in fitting if f.unit.startswith(intent.unit_hint) or intent.unit_hint in f.unit]
        fitting = by_unit or fitting
    pool = fitting or ([] if wanted else figures)
    if not pool:
        return None
    scored = [(_figure_match(s, f, figures, words, lead), -i, f) for i, f in enumerate(pool)]
    return max(scored, key=lambda x: (x[0], x[1]))[2]


def _figure_match(s: Sentence, f: Figure, figures: list[Figure], words: dict[str, float], lead: str | None) -> float:
    """How well the words leading up to a figure match the question (idf-weighted).

    The clause up to the figure names what it counts; the clause before only breaks ties; the
    question's first key term (its subject, "余姚累计组织…" vs "松阳累计组织…") counts twice.
    """
    clauses = _comma_clauses(s)
    i = next((k for k, (a, b) in enumerate(clauses) if a <= f.start < b), 0)
    own = _respectively(s, f, figures) or s.text[clauses[i][0] - s.start : f.start - s.start]
    before = s.text[clauses[i - 1][0] - s.start : clauses[i][0] - s.start] if i > 0 else ""
    own_tokens, before_tokens = set(tokens(own)), set(tokens(before))
    score = sum(v for t, v in words.items() if t in own_tokens)
    score += 0.1 * sum(v for t, v in words.items() if t in before_tokens and t not in own_tokens)
    if lead is not None and lead in "".join(own.split()):
        score += words.get(lead, 1.0)
    return score


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
    while cut >= 0:
        head = max(s.text.rfind(c, 0, cut) for c in "，；：。") + 1
        tail_marks = [i for i in (s.text.find(c, cut) for c in "，；。") if i >= 0]
        tail = min(tail_marks, default=len(s.text))
        own = [g for g in figures if s.start + cut <= g.start < s.start + tail]
        items = [x for x in s.text[head:cut].split("、") if x.strip()]
        if f in own and len(items) == len(own):
            return items[own.index(f)]
        cut = s.text.find("分别", cut + 2)
    return None


def _find_all(text: str, term: str) -> list[int]:
    out, i = [], text.find(term)
    while i >= 0:
        out.append(i)
        i = text.find(term, i + 1)
    return out


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
    if terms:
        best = max(clauses, key=lambda c: sum(t in s.text[c[0] - s.start : c[1] - s.start] for t in terms))
        return _trim(s, best[0], best[1])
    return s.text


def _trim(s: Sentence, start: int, end: int) -> str:
    text = s.text[start - s.start : end - s.start]
    return text.rstrip("，、：；。,:;！？ ")
