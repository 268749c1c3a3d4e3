"""Question + retrieved sentences → Answer: re-scoring, the figure, the tightest span, abstaining."""

from __future__ import annotations

from dataclasses import dataclass

from index.cite import citation, source_of
from index.config import DEFAULT_SCORER, Scorer
from index.direction import comes_from_elsewhere, goes_the_other_way
from index.evidence import documents_naming
from index.features import Candidate, candidates, speaking_for_the_nation, the_reports_named
from index.figures import figure_kind, find_figures
from index.history import figure_history
from index.measures import names_measures
from index.plans import asks_for_plan, done_before
from index.provenance import check_answer
from index.query import Query, make_query
from index.question import Intent, gives_per_unit, names_part_of_year
from index.records import Answer, Briefing, Quote, Sentence, Source
from index.scorer import bundled_scorer
from index.search import Mode, Searcher
from index.span import figure_match, figure_measure, figure_subject, pick_figure, tightest_span

# A figure of a near kind answers without handing over: an amount where a change is asked in no unit ("by how much
# did income rise": "增加1207元", 0.8 in index/question.py). Below it (a count of other things, 0.5) the neighbour
# holding the asked-for kind still leads.
NEAR_FIT = 0.8

# Why a question was refused (`Answer.refused_by`), in the order the rules are tried: the nearest sentence's cosine
# is under the floor, it is no evidence (a heading), it misses a key term, too few question words, no figure of the
# asked kind, a flow the other way, another year, no per-unit figure, no part of a year, another measure; a rate
# where a level is asked; a result where a plan is asked; the figure's clause names nothing asked; the fitted
# model's probability is under its threshold; nothing was retrieved at all.
REFUSALS: tuple[str, ...] = (
    "cosine", "no evidence", "key terms", "words", "kind", "direction", "other year", "per unit", "part of year",
    "measure", "rate for a level", "result for a plan", "figure words", "model", "nothing found",
)


@dataclass(frozen=True)
class Weights:
    """How sentence-level evidence is combined: every hand-set number of the answerer, in one place.

    `scorer` picks the combination: "hand" sums the weighted features below (set by hand, then swept on the dev
    halves with bench/sweep.py where a comment gives the figures; the cosine floors by bench/calibrate.py; those
    without a comment never measured); "fitted" ranks by the logistic model of index/data/scorer.json
    (bench/fit_scorer.py, dev halves only) and refuses below its threshold, and then only `planned_fit` (a
    feature input), `support_depth` and `figure_words` below apply.
    `measures` and `measure_depth` (index/measures.py) were set on the seed questions' dev half only,
    `briefbot eval bench/questions_seed.jsonl --split dev`: refusal recall 0.5 → 0.75, false refusals 0.015 both,
    top-1 0.806 → 0.821 at depth 2 (depths 2, 3, 5 alike; 1 refused one more answerable question); docs/quality.md
    "Refusing a figure of another measure".
    """

    scorer: Scorer = DEFAULT_SCORER
    # Sentences the hybrid search hands to re-scoring (their neighbours join them). `bench/sweep.py --grid
    # retrieve=30,40,50,60` on the four dev halves: the briefing alone 71 / 70 / 70 / 70 of 76, RGB-zh 38 of 56 at
    # each, the corpus seed 67 of 76 at each, the reports 59 / 61 / 62 / 62 of 67 (refusals 17 / 16 / 16 / 15 of 18).
    # 50 did not carry to the test halves (reports' top-1 the same, p95 34 → 70 ms against a 60 ms target): 30 stays
    # (docs/quality.md "Look-alikes on dev").
    retrieve: int = 30
    # … and the best this many of the dense list and of the lexical one, whatever their fused rank (a short
    # sentence the words single out can rank past 200th by cosine). `bench/sweep.py --grid retrieve_each=0,5,10`
    # on the four dev halves: the reports 59 / 60 / 61 of 67, false refusals 1 / 0 / 0 (15: 61, 20: 61 with one
    # refusal fewer); the briefing alone (71 of 76), the corpus seed (67 of 76) and RGB-zh (38 of 56) the same.
    retrieve_each: int = 10
    fused: float = 1.0
    # The lexical list's weight in the reciprocal-rank fusion, the dense list's being 1. `bench/sweep.py --grid
    # lexical_weight=0.25,0.5,0.6,0.75,1.0,1.5` on the four dev halves: the briefing alone 90 / 91 / 91 / 91 / 92 / 91
    # of 96, RGB-zh 38 / 38 / 38 / 38 / 38 / 36 of 56, the corpus seed 83 / 85 / 85 / 85 / 86 / 86 of 96, the reports
    # 110 / 111 / 110 / 109 / 108 / 106 of 118: no value wins everywhere, so it stays 1.
    lexical_weight: float = 1.0
    # A neighbour's retrieval score lends support to the sentence beside it. Set by hand; `bench/sweep.py --grid
    # window=0,0.15,0.3,0.45` on the dev halves (at a3dcd1d): RGB-zh 36 / 39 / 38 / 42 of 56, reports 38 / 39 / 39
    # / 37 of 48, the corpus seed 56 / 56 / 57 / 56 of 67, the briefing alone 58 / 59 / 60 / 60 of 67: it stays.
    window: float = 0.3
    # The sentence holds the kind of answer asked for (an amount, a count, …). Set by hand; `bench/sweep.py --grid
    # fit=0.6,0.9,1.2` on the dev halves: corpus top-1 90 / 92 / 93 of 115 (false refusals 5 / 4 / 2, refusals
    # 12 / 12 / 11 of 13), the briefing alone 59 / 57 / 57 of 67 (refusals 8 / 7 / 7 of 8), RGB-zh 38 / 37 / 37 of
    # 56: no value wins everywhere, so it stays.
    fit: float = 0.6
    # The sentence holds a figure the question quotes ("简报里那个1.65万人次指的是什么"). `bench/sweep.py --grid
    # quoted=0,0.5,1.0,2.0` on the four dev halves: the corpus seed 89 / 90 / 91 / 89 of 107 (false refusals 3 / 3 /
    # 2 / 4), the briefing alone 97 / 97 / 97 / 95 of 107, the reports 130 of 140 and RGB-zh 38 of 56 at each.
    quoted: float = 1.0
    words_sentence: float = 1.0  # rare question words found in the sentence itself
    # … or in its heading, title and neighbours. `bench/sweep.py --grid words_context=0.3,0.6,0.9` on the dev
    # halves: corpus top-1 90 / 93 / 93 of 115, refusals 12 / 13 / 13 of 13, false refusals 5 / 4 / 5; the briefing
    # alone 59 / 60 / 60 of 67, false refusals 0 / 0 / 2; RGB-zh 38 / 37 / 37 of 56. 0.6 (was 0.3, set by hand).
    words_context: float = 0.6
    # The question's key terms (places, programmes, years) around it. `bench/sweep.py --grid
    # terms_context=0.2,0.5,1.0` on the dev halves: the corpus (reports + seed questions) top-1 88 → 90 of 115,
    # false refusals 8 → 5, refusals 12 of 13 throughout; the briefing alone false refusals 1 → 0; RGB-zh dev
    # unchanged (38 of 56). 0.5 to 1.0 give the same; 0.5 is the smallest step (was 0.2, set by hand).
    terms_context: float = 0.5
    heading_penalty: float = 0.5
    # The sentence names the question's day (+1) or only other days or years (-1); naming none, its document's
    # kind may say whose year it gives (a work report's results, or only plans): index/agreement.py.
    # `bench/sweep.py --grid agreement=0,0.15,0.3,0.6` on the dev halves: RGB-zh top-1 37 / 38 / 38 / 38 of 56;
    # reports over the corpus 39 / 40 / 40 / 40 of 48, refusals 5 / 5 / 5 / 4 of 5; the briefing alone (60 of
    # 67) and the corpus seed questions (57 of 67), their refusals and false refusals the same at every value.
    # 0.3: the largest value before the lost refusal.
    agreement: float = 0.3
    # What a plan or target keeps of its fit when a result is asked for. `bench/sweep.py --grid
    # planned_fit=0,0.25,0.5` on the dev halves: reports 38 / 38 / 40 of 48, false refusals 4 / 5 / 1; the other
    # sets the same at every value.
    planned_fit: float = 0.5
    # How far down the ranking an answer with full evidence may come from. `bench/sweep.py --grid
    # support_depth=1,2,3` on the three dev halves (at a3dcd1d): top-1 194 / 195 / 196 of 238, refusals 21 / 19 /
    # 18 of 21, false refusals 4 / 3 / 2.
    support_depth: int = 1
    figure_words: float = 0.0  # share of the question's non-place words the figure's clause must hold
    hand_over: float = 0.6  # how much lower a neighbour holding the asked-for figure may score and still lead
    # The refusal floors, each swept off and on over the three dev halves (`bench/sweep.py --grid
    # min_coverage=0,0.5,1.0`, …; docs/quality.md "Which refusal rules carry the dev halves"): coverage refuses
    # 15 / 18 / 21 of the 21 unanswerable questions, false refusals 2 throughout; the kind fit (0 / 0.3 / 0.5)
    # 12 / 16 / 21, false refusals 0 / 1 / 2; the cosine floors below refuse no dev question at all.
    min_coverage: float = 1.0  # share of key terms the evidence's section must contain
    min_words: float = 0.0  # idf-weighted share of question words the evidence must contain
    min_fit: float = 0.5  # a figure question needs a figure of the asked kind
    measures: bool = True  # a figure question naming a measure (GDP, 人口 …) needs a sentence naming it
    measure_depth: int = 2  # … which may come from this far down the ranking (dev sweep 1,2,3,5: 2)
    # A flow between places is not answered by the flow back (index/direction.py). Set on the seed dev half,
    # `briefbot eval bench/questions_seed.jsonl --split dev` (with index/data/synonyms.tsv): refusal recall
    # 0.75 → 0.875, false refusals 0.015 both, top-1 0.881 both.
    direction: bool = True
    # A level ("锂电池产量是多少") is not answered by its growth rate. Set on dev: the seed dev row unchanged; the
    # reports' dev questions over ten of the reports (docs/quality.md "Refusals on dev"): refusal recall 0.8 → 1.0,
    # false refusals 0.0 both.
    level_not_rate: bool = True
    # A figure question naming a year is not answered by a sentence naming only other years, or from a document
    # whose kind says it only plans that year (index/agreement.py). Set on dev: docs/quality.md "Look-alikes on dev".
    other_year: bool = True
    # A figure asked per village (每个村, "each of the 48 villages") is not answered by a sentence with no per-unit
    # wording: the total is not each one's share. Set on dev: docs/quality.md "A third blind batch".
    per_unit: bool = True
    # A figure asked for a quarter or a half of a year ("第三季度", "上半年") is not answered by a sentence naming no
    # part of a year: that is the year's. Set on dev: docs/quality.md "A third blind batch".
    part_of_year: bool = True
    # A plan asked ("计划总投资是多少") is not answered by a figure its clause words as done ("已完成投资1.05亿元").
    # Set on dev: docs/quality.md "An eighth blind batch".
    result_for_plan: bool = True
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
    agreement: float = 0.0  # the sentence names the asked day or year (1), only others (-1), or neither (0)


def build_answer(
    question: str, searcher: Searcher, mode: Mode = "hybrid", weights: Weights | None = None, top: int = 3
) -> Answer:
    """Answer one (already validated) question from one snapshot; every quote is verbatim."""
    w = weights or Weights()
    query = make_query(question, searcher)
    intent, terms, words = query.intent, list(query.terms), dict(query.words)
    ranked = rescore(question_candidates(query, searcher, mode, w), w)
    if not ranked:
        return Answer(question=question, answered=False, answer=None, figure=None, quotes=(),
                      refused_by="nothing found")
    # The answer is the best candidate whose evidence holds up; higher-scored ones without it are passed over.
    best = _best(ranked, terms, intent, w)
    if best is None:
        # The hand rules refuse only when the best sentence fails one; the fitted model by its probability.
        return _refused(question, ranked, _unsupported(ranked[0], terms, intent, w) or "model")
    ranked = [best, *(s for s in ranked if s is not best)]
    # A bare heading or a question is never quoted as evidence (Sentence.evidence).
    ordered = [s for s in _newest_first(ranked, best) if s is best or s.sentence.evidence]
    quotes = tuple(_quote(s) for s in ordered[:top])
    lead = ordered[0]
    subject = terms[0] if terms else None
    figure = pick_figure(lead.sentence, intent, words, subject) if intent.wants_figure else None
    if figure is not None and w.level_not_rate and intent.kind == "other" and figure_kind(figure) == "rate":
        # "锂电池产量是多少" asks for a level; "锂电池增长103.1%" gives its growth, not the level.
        return _refused(question, ranked, "rate for a level")
    figures = find_figures(lead.sentence.text, lead.sentence.start) if figure is not None else []
    if figure is not None and w.measures and intent.measures:
        # The sentence names the measure, but its figure is another's: "进出口总额3.64万亿美元" for imports, and
        # for a rate too, "棉花总产568.6万吨、占全国92.2%" for coal's share (unlike the sentence-level check, a rate's
        # own words "经济增长5%" name no other measure).
        of = figure_measure(lead.sentence, figure, figures)
        if of is not None and of not in intent.measures:
            return _refused(question, ranked, "measure")
    if figure is not None and w.per_unit and intent.per_unit and not gives_per_unit(
            figure_subject(lead.sentence, figure, figures) + figure.text):
        # Per head asked, and the sentence's per-head figure is not the one it gives: "地区生产总值跨过3万亿元…人均生产
        # 总值居全国第12位" holds no GDP per head.
        return _refused(question, ranked, "per unit")
    if figure is not None and w.result_for_plan and asks_for_plan(question) and done_before(
            figure_subject(lead.sentence, figure, figures)):
        # "计划总投资是多少" asks a plan; "一期启动项目已完成投资 1.05 亿元" gives what has been done so far.
        return _refused(question, ranked, "result for a plan")
    if figure is not None and w.figure_words > 0:
        # The figure's own clause must name something the question asks about besides its places:
        # "组织5000余名职工" does not answer "派了多少名挂职干部".
        attribute = {t: v for t, v in words.items() if not any(t in k or k in t for k in terms)}
        found = figure_match(lead.sentence, figure, figures, attribute, None)
        if found < w.figure_words * sum(attribute.values()):
            return _refused(question, ranked, "figure words")
    span = tightest_span(lead.sentence, figure, terms)
    briefings = searcher.snapshot.briefings
    history = () if figure is None else figure_history(lead.briefing, lead.sentence, figure, terms,
                                                       briefings.values())
    answer = Answer(
        question=question, answered=True, answer=span, figure=figure, quotes=quotes,
        as_of=lead.briefing.date, history=history,
    )
    files = {s.briefing.file for s in ordered[:top]} | {p.quote.source.file for p in history}
    check_answer(answer, {f: briefings[f].text for f in files})
    return answer


def _refused(question: str, ranked: list[Scored], why: str) -> Answer:
    return Answer(question=question, answered=False, answer=None, figure=None, quotes=(),
                  nearest=_nearest_sections(ranked), refused_by=why)


def question_candidates(
    query: Query, searcher: Searcher, mode: Mode = "hybrid", weights: Weights | None = None
) -> list[Candidate]:
    """The sentences that may answer a question, with their features (what both scorers rank)."""
    w = weights or Weights()
    files = the_reports_named(searcher, speaking_for_the_nation(
        searcher, documents_naming(searcher, list(query.terms)), query), query)
    hits = searcher.search(query, k=w.retrieve, mode=mode, files=files, each=w.retrieve_each,
                           lexical_weight=w.lexical_weight)
    return candidates(searcher, query, hits, w.planned_fit)


def rescore(found: list[Candidate], w: Weights) -> list[Scored]:
    """The candidates ranked best first by the scorer `w` names."""
    if w.scorer == "fitted":
        # The fitted model's score; its parts are the features, which the refusal model reads again.
        scores = bundled_scorer().scores([c.values for c in found])
        scored = [Scored(c.briefing, c.sentence, float(v), c.coverage, c.dense, c.words, c.fit,
                         tuple(c.values.items()), c.values["agreement"]) for c, v in zip(found, scores, strict=True)]
    else:
        scored = [_hand_scored(c, w) for c in found]
    scored.sort(key=lambda x: (-x.score, x.briefing.file, x.sentence.index))
    return scored


def _hand_scored(c: Candidate, w: Weights) -> Scored:
    v = c.values
    parts = (
        ("fused", w.fused * v["fused"]),
        ("window", w.window * v["window"]),
        ("fit", w.fit * c.fit),
        ("words_sentence", w.words_sentence * v["words_sentence"]),
        ("words_context", w.words_context * v["words_context"]),
        ("quoted", w.quoted * v["quoted"]),
        ("terms_context", w.terms_context * c.coverage),
        ("heading", -w.heading_penalty if v["heading"] else 0.0),
        ("agreement", w.agreement * v["agreement"]),
    )
    score = sum(x for _, x in parts)
    return Scored(c.briefing, c.sentence, score, c.coverage, c.dense, c.words, c.fit, parts, v["agreement"])


def _best(ranked: list[Scored], terms: list[str], intent: Intent, w: Weights) -> Scored | None:
    if w.scorer == "fitted":
        # The model's probability is the evidence: the best sentence (never a bare heading or a question) or a refusal.
        top = next((s for s in ranked[: w.support_depth] if s.sentence.evidence), None)
        model = bundled_scorer()
        return top if top is not None and model.answer_probability(dict(top.parts)) >= model.threshold else None
    # A question naming a measure may be answered a little further down, by a sentence that names it.
    depth = max(w.support_depth, w.measure_depth) if _asks_measure(intent, w) else w.support_depth
    best = next((s for s in ranked[:depth] if _supported(s, terms, intent, w)), None)
    if best is None:
        # The best sentence may only name the subject ("…山海协作产业园"): the figure beside it may answer.
        beside = _figure_beside(ranked[0], ranked, intent, terms, w)
        return beside if beside is not ranked[0] else None
    return _figure_beside(best, ranked, intent, terms, w)


def _figure_beside(best: Scored, ranked: list[Scored], intent: Intent, terms: list[str], w: Weights) -> Scored:
    """Hand over to the sentence beside the best one when that one holds the asked-for figure and it does not.

    "松阳-余姚山海协作产业园…" names the park; the next sentence "入驻企业 65 家" answers: quote that one.
    """
    if not intent.wants_figure or best.fit >= NEAR_FIT:
        return best
    near = [
        s for s in ranked
        if s.briefing.file == best.briefing.file and s.sentence.section == best.sentence.section
        and 0 < abs(s.sentence.index - best.sentence.index) <= 2 and s.fit >= 1.0
        and s.score >= best.score - w.hand_over and _supported(s, terms, intent, w)
    ]
    return max(near, key=lambda s: s.score, default=best)


def _supported(best: Scored, terms: list[str], intent: Intent, w: Weights) -> bool:
    return _unsupported(best, terms, intent, w) is None


def _unsupported(best: Scored, terms: list[str], intent: Intent, w: Weights) -> str | None:
    """Which evidence rule the sentence fails (one of `REFUSALS`), or None when it may answer.

    Refuse on evidence, not on similarity alone: the question's words must be found where the answer is.
    """
    floor = w.min_dense_en if intent.lang == "en" else w.min_dense_zh
    if best.dense < floor:
        return "cosine"
    if not best.sentence.evidence:
        return "no evidence"
    if terms and best.coverage < w.min_coverage:
        return "key terms"
    if intent.lang == "zh" and best.words < w.min_words:
        return "words"
    # A figure or a date question needs a sentence that holds one of the asked kind …
    if (intent.wants_figure or intent.kind == "date") and best.fit < w.min_fit:
        return "kind"
    if w.direction and intent.flow is not None and (goes_the_other_way(intent.flow, best.sentence.text)
                                                     or comes_from_elsewhere(intent.flow, best.sentence.text)):
        return "direction"
    # A figure of another year is no answer: "2021年…突破2000万元" for "2022年…销售额是多少".
    if w.other_year and intent.wants_figure and best.agreement < 0:
        return "other year"
    if w.per_unit and intent.per_unit and intent.wants_figure and not gives_per_unit(best.sentence.text):
        return "per unit"
    if w.part_of_year and intent.part_of_year and intent.wants_figure and not names_part_of_year(best.sentence.text):
        return "part of year"
    # … and a figure of the measure asked for: an aid figure is not the GDP.
    if _asks_measure(intent, w) and not names_measures(best.sentence.text, intent.measures):
        return "measure"
    return None


def _asks_measure(intent: Intent, w: Weights) -> bool:
    """An amount, a count or a quantity ("多少吨") of a named measure (GDP, 人口, 煤 …): a rate of it is often worded
    apart from it ("经济增长5%")."""
    return w.measures and bool(intent.measures) and intent.wants_figure and intent.kind != "rate"


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
