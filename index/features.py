"""Question + retrieved sentences → one feature vector per candidate sentence (pure, no weights).

Both scorers read these: the hand weights (index/answer.py `Weights`) and the fitted model (index/scorer.py).
`bench/fit_scorer.py` collects them to fit the model, so what is measured is what runs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from index.agreement import agreement, names_year
from index.cite import doc_label
from index.doc_profiles import evidence_label, profile_of
from index.evidence import squash
from index.figures import find_figures, numbers_in
from index.memo import SENTENCES
from index.plans import (
    SEVERAL_YEARS,
    asks_for_plan,
    in_a_period_paragraph,
    other_years,
    plan_wording,
    results_before_plan,
)
from index.query import Query
from index.question import Intent, distribution_line, sentence_fits
from index.records import Briefing, Sentence
from index.search import Hit, Searcher
from index.tokenize import places

# The names of the model's inputs, in the order of its coefficients (index/data/scorer.json keeps the same list).
FEATURES: tuple[str, ...] = (
    "fused",  # fused retrieval score, divided by the best one of the question
    "fused_rank",  # 1 / rank in the fused list; 0 for a neighbour that was not retrieved
    "dense",  # cosine similarity of question and sentence
    "dense_en",  # the same for an English question (cross-lingual cosines run lower)
    "lexical",  # BM25 score, divided by the best one of the question
    "window",  # the best fused score of a neighbour in the same section
    "fit",  # the sentence holds the kind of answer asked for (an amount, a count, a date …), 0..1
    "planned",  # a plan or target, or a span of years, where a result is asked for
    "words_sentence",  # idf-weighted share of question words in the sentence itself
    "words_context",  # … in the sentence, its heading, title and neighbours
    "coverage",  # share of key terms (places, programmes, years) in the sentence's section and document name
    "figure",  # the sentence holds a number with a unit
    "wants_figure",  # the question asks for one (lets the model weigh `figure` by it)
    "heading",  # a heading, not a sentence
    "newest",  # from the newest dated document among the candidates
    "english",  # the question is in English
    "agreement",  # the sentence names the question's day or year (1), only others (-1), or neither (0)
    "kept_fit",  # `fit` after the plan discounts: what the hand weights read (index/features.py `_kept_fit`)
    "quoted",  # the sentence holds a figure the question quotes ("那个1.65万人次指的是什么")
)


@dataclass(frozen=True)
class Candidate:
    """One sentence that may answer, with its features and the evidence the refusal rules read."""

    briefing: Briefing
    sentence: Sentence
    values: dict[str, float]  # one value per name in FEATURES
    coverage: float
    dense: float
    words: float  # words_context
    fit: float  # after the plan/target discount of the hand rules


def candidates(searcher: Searcher, query: Query, hits: list[Hit], planned_fit: float) -> list[Candidate]:
    """The retrieved sentences and their same-section neighbours, each with its features."""
    if not hits:
        return []
    intent, words = query.intent, query.words
    top_fused = max(h.fused for h in hits) or 1.0
    top_lexical = max(h.lexical for h in hits) or 1.0
    fused = {h.row: h.fused / top_fused for h in hits}
    rank = {h.row: 1.0 / i for i, h in enumerate(sorted(hits, key=lambda h: -h.fused), 1)}
    lexical = {h.row: h.lexical / top_lexical for h in hits}
    dense = {h.row: h.dense for h in hits if h.dense is not None}
    rows = set(fused)
    for h in hits:  # a figure often sits beside the sentence that names its subject
        rows.update(n for n in (h.row - 1, h.row + 1) if same_section(searcher, h.row, n))
    missing = sorted(r for r in rows if r not in dense)
    for r, cos in zip(missing, searcher.dense_scores(query, missing), strict=True):
        dense[r] = float(cos)
    dates = [searcher.sentence(r)[0].date for r in rows]
    newest = max((d for d in dates if d), default=None)
    total = sum(words.values()) or 1.0
    asked = query_places(query)  # once per question: every candidate's coverage reads it
    quoted = _quoted_numbers(query)
    out = []
    for r in sorted(rows):
        b, s = searcher.sentence(r)
        neighbours = [n for n in (r - 1, r + 1) if same_section(searcher, r, n)]
        context = squash(" ".join([s.text, doc_label(b), " ".join(s.section_titles),
                                    *(searcher.sentence(n)[1].text for n in neighbours)]))
        own = set(searcher.snapshot.units[r].tokens_own)
        in_sentence = sum(v for t, v in words.items() if t in own) / total
        in_context = sum(v for t, v in words.items() if t in own or t in context) / total
        coverage = _coverage(searcher, b, s, query, asked)
        fit = sentence_fits(intent, s.text)
        planned = intent.wants_figure and not asks_for_plan(query.text) and _planned(b, s, query)
        values = {
            "fused": fused.get(r, 0.0), "fused_rank": rank.get(r, 0.0), "dense": dense[r],
            "dense_en": dense[r] if intent.lang == "en" else 0.0, "lexical": lexical.get(r, 0.0),
            "window": max((fused.get(n, 0.0) for n in neighbours), default=0.0), "fit": fit,
            "planned": float(planned), "words_sentence": in_sentence, "words_context": in_context,
            "coverage": coverage, "figure": float(bool(find_figures(s.text))),
            "wants_figure": float(intent.wants_figure), "heading": float(_passed_over(s, intent)),
            "newest": float(newest is not None and b.date == newest), "english": float(intent.lang == "en"),
            "quoted": float(bool(quoted) and not quoted.isdisjoint(_numbers(s.text))),
        }
        # A target ("增长5%左右") is not the result the question asks for: it keeps only part of its fit; the
        # clauses before a plan's wording keep theirs whole.
        kept = _kept_fit(b, s, query, fit, planned_fit) if planned else fit
        # Where the sentence names no date, its paragraph may speak of a span of years ("这五年…"), or the
        # document's kind may tell whose year its figures are.
        dated = agreement(intent.days, intent.years, s.text) or (
            _plan_dated(b, s, query) if asks_for_plan(query.text) else -1.0 if _over_a_period(b, s, query)
            else profile_of(b).results_of(intent.years, s.text))
        values["agreement"] = dated
        values["kept_fit"] = kept
        out.append(Candidate(b, s, values, coverage, dense[r], in_context, kept))
    return out


# An ordinal is no quoted figure: "第10期", "issue 10", "No. 3".
_ORDINAL = re.compile(r"第\s*[\d０-９]+|(?i:\b(?:issue|no\.?|number)\s*\d+)")


def _quoted_numbers(query: Query) -> frozenset[str]:
    """The figures a question quotes ("简报里那个1.65万人次指的是什么", "What is the 1,500 mu …"): its numbers but
    its years (a report's too), its ordinals ("第10期") and those below 10, which name too much ("三坚持")."""
    years = {str(y) for y in (*query.intent.years, *query.reports)}
    said = numbers_in(_ORDINAL.sub(" ", query.text))
    return frozenset(n for n in said if n not in years and (("." in n) or float(n) >= 10))


@functools.lru_cache(maxsize=SENTENCES)
def _numbers(text: str) -> frozenset[str]:
    return frozenset(numbers_in(text))


def _passed_over(s: Sentence, intent: Intent) -> bool:
    """No evidence (a heading, a question), or a header line (title, issue, issuer, recipients) unless the question
    asks about the document; or, when it asks whom the document went to, any line but a distribution line (the
    title it names, "宁波支援合作工作简报", shares its words and answers nothing)."""
    if intent.recipients and not distribution_line(s.text):
        return True
    return not s.evidence or (s.kind == "meta" and not intent.about_document)


def _coverage(searcher: Searcher, b: Briefing, s: Sentence, query: Query, asked: tuple[str, ...]) -> float:
    terms, intent = query.terms, query.intent
    profile = profile_of(b)
    # A plan asked is evidenced by the year the document plans, a result by the one its name gives as evidence.
    label = evidence_label(b) + (profile.plans_label(b) if asks_for_plan(query.text) else "")
    where = (
        squash(" ".join([s.text, label, " ".join(s.section_titles), " ".join(b.articles)]))
        + searcher.section_text(b.file, s.section)
    )
    if intent.years and other_years(s.section_titles, intent.years):
        return 0.0  # "三、2026年重点工作" is not where 2024's results are
    if profile.speaks_for_another(asked, s.text + " ".join(s.section_titles)):
        return 0.0  # "实现地区生产总值67665亿元" in Sichuan's report is Sichuan's, not Chengdu's
    if intent.wants_figure and another_of_the_same_level(query.text, s.text):
        return 0.0  # "八都村…每年增收20余万元" is not 中村's figure
    return sum(1 for t in terms if t in where) / len(terms) if terms else 1.0


_LEVEL = re.compile(r"(村|镇|乡|县|(?<!自治)区)$")  # "广西壮族自治区" is a province, not a district


def another_of_the_same_level(question: str, text: str) -> bool:
    """The sentence names another village (town, county …) and not the one the question names."""
    asked = {m.group(1): p for p in places(question) if (m := _LEVEL.search(p))}
    if not asked:
        return False
    for p in places(text):
        m = _LEVEL.search(p)
        if m and m.group(1) in asked and asked[m.group(1)] not in text and p not in asked.values():
            return True
    return False


# A question about the whole country: its figure is not a province's.
_NATIONAL = re.compile(r"全国|我国|(?i:\bchina\b|\bnation(?:al|wide)?\b)")


def query_places(query: Query) -> tuple[str, ...]:
    """The places a question asks about: its key terms that are places, and "全国" for the whole country."""
    named = tuple(t for t in query.terms if places(t))
    return (*named, "全国") if _NATIONAL.search(query.text) and not named else named


def speaking_for_the_nation(searcher: Searcher, files: list[str] | None, query: Query) -> list[str] | None:
    """For a question about the whole country and no place in it, the documents (of `files`, or all) whose kind may
    give the nation's figures: not a province's report, whose figures are the province's. `files` again when that
    leaves none, or when the question names a place."""
    asked = query_places(query)
    if asked != ("全国",):
        return files
    briefings = searcher.snapshot.briefings
    pool = files if files is not None else list(briefings)
    kept = [f for f in pool if not profile_of(briefings[f]).speaks_for_another(asked, "")]
    return kept or files


def the_reports_named(searcher: Searcher, files: list[str] | None, query: Query) -> list[str] | None:
    """For a question naming a report by its year ("1975年的报告里说…"), the documents (of `files`, or all) that are
    that report; `files` again when none is, or when it names none."""
    if not query.reports:
        return files
    briefings = searcher.snapshot.briefings
    pool = files if files is not None else list(briefings)
    kept = [f for f in pool if any(profile_of(briefings[f]).is_report_of(y) for y in query.reports)]
    return kept or files


def _kept_fit(b: Briefing, s: Sentence, query: Query, fit: float, planned_fit: float) -> float:
    """A planned sentence's fit: discounted, unless the clauses before its plan wording fit on their own.

    A document whose kind says it only plans the asked year keeps none: its figures are no result of that year,
    so a target ("新增就业118万人以上" in the 2019 report) is not quoted as 2019's figure. Set on the reports' dev
    half (docs/quality.md "Look-alikes on dev"): one unanswerable question more refused, no answer lost.
    """
    if profile_of(b).plans_only(query.intent.years):
        return 0.0  # the document's kind says: nothing in it is a result of that year
    results = results_before_plan(s, query)
    return max(fit * planned_fit, sentence_fits(query.intent, results) if results else 0.0)


def _plan_dated(b: Briefing, s: Sentence, query: Query) -> float:
    """A plan asked: a sentence naming the year is that year's plan ("到一九八五年…计划达到三亿六千万吨" in the 1982
    report); one naming none is dated by its document's kind."""
    years = query.intent.years
    return 0.0 if names_year(years, s.text) else profile_of(b).plans_of(years)


def _over_a_period(b: Briefing, s: Sentence, query: Query) -> bool:
    """One year is asked for and the sentence's paragraph speaks of a span of years: "这五年…城镇新增就业累计106万人"
    is no year's figure. A sentence that names the year is that year's, whatever its paragraph: "１９８７年来华旅游入境
    总人数达到２６９０万人次" in a paragraph comparing 1987 with 1982."""
    return (bool(query.intent.years) and not SEVERAL_YEARS.search(query.text)
            and in_a_period_paragraph(b.text, s.start) and not names_year(query.intent.years, s.text))


def _planned(b: Briefing, s: Sentence, query: Query) -> bool:
    """A plan where a result is asked for: by its wording, or because the document's kind says so."""
    return plan_wording(s, query) or profile_of(b).plans_only(query.intent.years)


def same_section(searcher: Searcher, a: int, b: int) -> bool:
    """Rows `a` and `b` are sentences of the same section of the same document."""
    if not (0 <= b < len(searcher.snapshot.units)):
        return False
    ua, ub = searcher.snapshot.units[a], searcher.snapshot.units[b]
    if ua.file != ub.file:
        return False
    return searcher.sentence(a)[1].section == searcher.sentence(b)[1].section
