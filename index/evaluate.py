"""`briefbot eval`: does the right sentence come first, is the figure right, are refusals right, how fast."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.answer import REFUSALS, build_answer
from index.baseline import ChunkBaseline
from index.config import Settings
from index.gold import found_at
from index.library import Library, validate_question
from index.profile import STAGES, collect, stage
from index.query import make_query
from index.render import format_answer, json_text
from index.search import Mode
from index.splits import in_split, report_groups, split_of


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    file: str | None
    gold: tuple[str, ...]
    figure: dict[str, Any] | None
    kind: str = "other"
    lang: str = "zh"
    parts: tuple[tuple[str, ...], ...] = ()  # sub-answers that must all be quoted (RGB zh_int); () = one, `gold`
    origin: str = "own"  # "blind": written before the answerer ran on it; "rgb-zh/…": an external set


@dataclass(frozen=True)
class Outcome:
    """What one system returned for one question: ranked (file, text) and the answer's extras."""

    ranked: list[tuple[str, str]]
    refused: bool = False
    figure: dict[str, Any] | None = None
    ms: float = 0.0
    refused_by: str = ""  # the rule that refused it (index/answer.py REFUSALS)
    stages: dict[str, float] = field(default_factory=dict)  # index.profile's milliseconds per stage


@dataclass
class Score:
    name: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    answers: bool = True  # False for bare retrievers: no figure, never a refusal, so those columns are n/a

    def add(self, q: Question, out: Outcome) -> None:
        rank = found_at(out.ranked, q.file, q.parts or (q.gold,)) if q.answerable else None
        self.rows.append({
            "id": q.id, "split": split_of(q.id), "origin": q.origin, "lang": q.lang,
            "answerable": q.answerable, "refused": out.refused, "refused_by": out.refused_by, "rank": rank,
            "ms": out.ms,
            "figure_expected": q.figure is not None, "figure_ok": figure_ok(q.figure, out.figure),
            "got": out.ranked[0][1][:80] if out.ranked else None, "question": q.question,
            **({"stages_ms": {k: round(v, 2) for k, v in out.stages.items()}} if out.stages else {}),
        })

    def profile(self) -> dict[str, float] | None:
        """Median milliseconds per stage over the questions, when the system was profiled."""
        timed = [r["stages_ms"] for r in self.rows if "stages_ms" in r]
        if not timed:
            return None
        return {name: round(statistics.median(t.get(name, 0.0) for t in timed), 2) for name in STAGES}

    def summary(self, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The scores over `rows` (default: every question scored)."""
        rows = self.rows if rows is None else rows
        ans = [r for r in rows if r["answerable"]]
        una = [r for r in rows if not r["answerable"]]
        figs = [r for r in ans if r["figure_expected"]]
        refused = [r for r in rows if r["refused"]]
        ms = sorted(r["ms"] for r in rows)
        return {
            "system": self.name,
            "questions": len(rows),
            "answerable": len(ans),
            "top1": _share(sum(1 for r in ans if r["rank"] == 1 and not r["refused"]), len(ans)),
            "top3": _share(sum(1 for r in ans if r["rank"] and r["rank"] <= 3 and not r["refused"]), len(ans)),
            "mrr": round(sum(1 / r["rank"] for r in ans if r["rank"] and not r["refused"]) / max(len(ans), 1), 3),
            "figure": _share(sum(1 for r in figs if r["figure_ok"]), len(figs)),
            "refusal_precision": _share(sum(1 for r in refused if not r["answerable"]), len(refused)),
            "refusal_recall": _share(sum(1 for r in una if r["refused"]), len(una)),
            "false_refusals": _share(sum(1 for r in ans if r["refused"]), len(ans)),
            **({} if self.answers else dict.fromkeys(
                ("figure", "refusal_precision", "refusal_recall", "false_refusals"))),
            "median_ms": round(statistics.median(ms), 1) if ms else None,
            "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1) if ms else None,
        }

    def refusals(self, rows: list[dict[str, Any]] | None = None) -> dict[str, dict[str, int]]:
        """Per refusal rule, how many answerable (false refusals) and unanswerable questions it refused."""
        out: dict[str, dict[str, int]] = {}
        for r in self.rows if rows is None else rows:
            if r["refused"]:
                counts = out.setdefault(r["refused_by"] or "?", {"answerable": 0, "unanswerable": 0})
                counts["answerable" if r["answerable"] else "unanswerable"] += 1
        return dict(sorted(out.items(), key=lambda kv: REFUSALS.index(kv[0]) if kv[0] in REFUSALS else len(REFUSALS)))

    def failures(self) -> list[dict[str, Any]]:
        return [
            r for r in self.rows
            if (r["answerable"] and (r["rank"] != 1 or r["refused"])) or (not r["answerable"] and not r["refused"])
        ]


def _share(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def figure_ok(expected: dict[str, Any] | None, got: dict[str, Any] | None) -> bool:
    """The answer's figure has the expected unit and value (to a part in a million)."""
    if expected is None or got is None:
        return False
    value = float(expected["value"])
    return got["unit"] == expected["unit"] and abs(float(got["value"]) - value) <= 1e-6 * max(1.0, abs(value))


def load_questions(paths: Iterable[Path]) -> list[Question]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append(Question(
                    id=d["id"], question=d["question"], answerable=bool(d["answerable"]), file=d.get("file"),
                    gold=tuple(d.get("gold") or ()), figure=d.get("figure"), kind=d.get("kind", "other"),
                    lang=d.get("lang", "zh"), parts=tuple(tuple(p) for p in d.get("parts") or ()),
                    origin=d.get("origin") or "own",
                ))
    return out


def _timed(fn: Callable[[], Outcome]) -> Outcome:
    started = time.perf_counter()
    out = fn()
    return replace(out, ms=(time.perf_counter() - started) * 1000)


def answer_outcome(library: Library, question: str, mode: Mode = "hybrid") -> Outcome:
    with collect() as profile:
        a = build_answer(validate_question(question), library.searcher, mode=mode, weights=library.weights, top=10)
        with stage("render"):
            format_answer(a)
    fig = {"text": a.figure.text, "value": a.figure.value, "unit": a.figure.unit} if a.figure else None
    return Outcome([(q.source.file, q.text) for q in a.quotes], refused=not a.answered, figure=fig,
                   stages=profile.ms, refused_by=a.refused_by)


def retriever_outcome(library: Library, question: str, mode: Mode) -> Outcome:
    hits = library.searcher.search(make_query(question, library.searcher), k=10, mode=mode)
    ranked = []
    for h in hits:
        b, s = library.searcher.sentence(h.row)
        ranked.append((b.file, s.text))
    return Outcome(ranked)


def run_eval(args: argparse.Namespace, settings: Settings, library: Library) -> int:
    """Score every system on every question file, one table per file, on the same index."""
    systems: dict[str, Callable[[str], Outcome]] = {"hybrid (briefbot)": lambda q: answer_outcome(library, q)}
    if args.compare:
        baseline = ChunkBaseline.from_snapshot(library.searcher.snapshot, library.embedder)
        systems.update({
            "BM25 alone (sentences)": lambda q: retriever_outcome(library, q, "lexical"),
            "dense alone (sentences)": lambda q: retriever_outcome(library, q, "dense"),
            "RRF fusion, no re-scoring": lambda q: retriever_outcome(library, q, "hybrid"),
            "500-char chunks, dense": lambda q: Outcome(baseline.search(q, 10)),
        })
    # Load jieba, the English tables (glossary, dictionary, place spellings) and warm the model before anything is
    # timed: each loads once per process.
    answer_outcome(library, "预热")
    answer_outcome(library, "How much did Xiamen's output grow?")
    report: dict[str, Any] = {}
    failed = False
    for path in args.file:
        questions = in_split(load_questions([path]), args.split, lambda q: q.id)
        scores = {name: _score(name, system, questions) for name, system in systems.items()}
        main = scores["hybrid (briefbot)"]
        report[path.name] = {
            "summary": [{**s.summary(rows), "group": group}
                        for s in scores.values() for group, rows in report_groups(s.rows, args.split)],
            "profile_median_ms": main.profile(),
            "refused_by": {group: main.refusals(rows) for group, rows in report_groups(main.rows, args.split)},
            "failures": main.failures(),
        }
        failed |= args.floor is not None and (main.summary()["top1"] or 0.0) < args.floor
    if args.json:
        print(json_text(report, indent=2))
        return 1 if failed else 0
    for name, part in report.items():
        print(f"## {name}\n")
        print(format_table(part["summary"]))
        print()
        if part["profile_median_ms"]:
            print(format_profile(part["profile_median_ms"]))
            print()
        if any(rules for group, rules in part["refused_by"].items() if " " not in group):
            print(format_refusals(part["refused_by"]))
            print()
        for r in part["failures"]:
            what = "answered" if not r["answerable"] else ("refused" if r["refused"] else f"rank {r['rank']}")
            print(f"  miss {r['id']} ({r['split']}): {r['question']}  [{what}]  → {r['got']}")
        print()
    return 1 if failed else 0


def _score(name: str, system: Callable[[str], Outcome], questions: list[Question]) -> Score:
    score = Score(name, answers=name == "hybrid (briefbot)")
    for q in questions:
        score.add(q, _timed(lambda q=q: system(q.question)))  # type: ignore[misc]
    return score


def format_refusals(by_group: dict[str, dict[str, dict[str, int]]]) -> str:
    """Which rule refused how many answerable / unanswerable questions, per half (its language and origin groups are
    in the JSON report)."""
    lines = ["| group | refused by | answerable (false refusals) | unanswerable |", "|---|---|---|---|"]
    for group, rules in ((g, r) for g, r in by_group.items() if " " not in g):
        lines += [f"| {group} | {rule} | {n['answerable']} | {n['unanswerable']} |" for rule, n in rules.items()]
    return "\n".join(lines)


def format_profile(stages: dict[str, float]) -> str:
    """Where an answer's time goes: the median of each stage over the questions (they need not sum)."""
    lines = ["| hybrid (briefbot), median ms | " + " | ".join(stages) + " |", "|" + "---|" * (len(stages) + 1)]
    return "\n".join([*lines, "| per question | " + " | ".join(str(v) for v in stages.values()) + " |"])


def format_table(summaries: list[dict[str, Any]]) -> str:
    cols = ["system", "group", "questions", "top1", "top3", "mrr", "figure", "refusal_precision", "refusal_recall",
            "false_refusals", "median_ms", "p95_ms"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for s in summaries:
        lines.append("| " + " | ".join("–" if s.get(c) is None else str(s[c]) for c in cols) + " |")
    return "\n".join(lines)
