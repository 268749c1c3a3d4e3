"""Fit the answer scorer on the dev halves only, and store it as plain JSON in the package.

Two steps, so the fit itself needs no index and no model and is reproducible by a test:

    # 1. the features of every candidate of every dev question (needs the set's index; BRIEFBOT_* as for briefbot)
    python bench/fit_scorer.py collect bench/questions_seed.jsonl --out bench/scorer_data/seed.jsonl
    python bench/fit_scorer.py collect var/rgb-zh/refine/questions.jsonl --set rgb-zh/zh_refine \
        --out bench/scorer_data/rgb-zh-refine.jsonl
    python bench/fit_scorer.py collect bench/questions_reports.jsonl --out bench/scorer_data/reports.jsonl  # corpus
    # 2. the fit: scikit-learn logistic regression, C chosen by grouped 5-fold cross-validation (dev top-1),
    #    a LightGBM ranker measured beside it, the refusal threshold chosen for at most 3 % false refusals
    python bench/fit_scorer.py fit bench/scorer_data/*.jsonl --out index/data/scorer.json

A candidate is labelled 1 when it alone satisfies the eval hit rule (index/gold.py `found_at`). Deterministic:
no shuffling, lbfgs, the folds fixed by question order, numbers rounded before they are written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from index.answer import question_candidates
from index.features import FEATURES

C_GRID = (0.01, 0.1, 1.0, 10.0)  # inverse regularisation strengths tried by cross-validation
FOLDS = 5
REFUSE_C = 1.0  # the refusal model has one row per question: left at the library default
MAX_FALSE_REFUSALS = 0.03  # the target: at most 3 % of answerable dev questions refused
DIGITS = 6


def collect(paths: list[Path], out: Path, name: str | None = None) -> None:
    """Write one line per dev question: its id, set, whether answerable, and [label, *features] per candidate."""
    from index.config import Settings
    from index.evaluate import load_questions
    from index.gold import found_at
    from index.library import Library, validate_question
    from index.query import make_query
    from index.splits import in_split

    lib = Library.open(Settings.from_env())
    lines = []
    for path in paths:
        for q in in_split(load_questions([path]), "dev", lambda q: q.id):
            found = question_candidates(make_query(validate_question(q.question), lib.searcher), lib.searcher)
            rows = [
                [int(q.answerable and found_at([(c.briefing.file, c.sentence.text)], q.file, q.parts or (q.gold,))
                     == 1), *(round(c.values[f], DIGITS) for f in FEATURES)]
                for c in found
            ]
            lines.append(json.dumps({"id": q.id, "set": name or path.name, "answerable": q.answerable, "rows": rows}))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} dev questions, {sum(len(json.loads(x)['rows']) for x in lines)} candidates → {out}")


def load_data(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line]


def fit(questions: list[dict[str, Any]], sources: list[str]) -> dict[str, Any]:
    """The stored document: the models, what they were fitted on, and their cross-validated dev scores."""
    x, y, group = _arrays(questions)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    heading = x[:, FEATURES.index("heading")] > 0
    fold = np.asarray([i % FOLDS for i in range(len(questions))])[group]  # question order fixes the folds
    cv: dict[str, Any] = {"hand weights (index/answer.py Weights)": {"top1": _top1(_hand(x), y, group, heading)}}
    oof_rank = {c: _oof(lambda tr, te, c=c: xs[te] @ _pairwise(xs[tr], y[tr], group[tr], c), fold) for c in C_GRID}
    for c in C_GRID:
        pointwise = _oof(lambda tr, te, c=c: _logistic(c).fit(xs[tr], y[tr]).decision_function(xs[te]), fold)
        cv[f"logistic pointwise C={c}"] = {"top1": _top1(pointwise, y, group, heading)}
        cv[f"logistic pairwise C={c}"] = {"top1": _top1(oof_rank[c], y, group, heading)}
    cv["lightgbm lambdarank"] = {"top1": _top1(_lightgbm(x, y, group, fold), y, group, heading)}
    best_c = max(C_GRID, key=lambda c: (cv[f"logistic pairwise C={c}"]["top1"], -c))
    rank_coef = _pairwise(xs, y, group, best_c)
    # Refusal: one row per question, its best candidate by the out-of-fold ranker; label: that one answers.
    best = _best_rows(oof_rank[best_c], group, heading)
    top = np.column_stack([xs[best], oof_rank[best_c][best]])
    top_y = y[best]
    q_fold = np.arange(len(questions)) % FOLDS
    p_oof = _oof(lambda tr, te: _logistic(REFUSE_C).fit(top[tr], top_y[tr]).predict_proba(top[te])[:, 1], q_fold)
    answerable = np.asarray([q["answerable"] for q in questions])
    sets = np.asarray([q["set"] for q in questions])
    # At most 3 % false refusals on every set, not on the pool: one set's easy questions must not pay for another's.
    threshold = min(_threshold(p_oof[answerable & (sets == name)]) for name in sorted(set(sets)))
    # Fitted on out-of-fold ranking scores: those are what the ranker gives a question it has not seen.
    refuse = _logistic(REFUSE_C).fit(top, top_y)
    return {
        "model": {
            "features": list(FEATURES), "mean": _r(mean), "scale": _r(scale), "rank_coef": _r(rank_coef),
            "refuse_coef": _r(refuse.coef_[0]), "refuse_intercept": round(float(refuse.intercept_[0]), DIGITS),
            "threshold": round(threshold, DIGITS),
        },
        "fitted_on": {
            "data": sources, "split": "dev", "questions": len(questions), "candidates": len(y),
            "positives": int(y.sum()), "sets": sorted({q["set"] for q in questions}),
        },
        "chosen": {
            "ranker": f"logistic pairwise C={best_c}", "by": "cross-validated dev top-1 (5 folds by question)",
            "refusal": f"logistic C={REFUSE_C} on each question's best candidate",
            "threshold": round(threshold, DIGITS),
            **_refusal(p_oof, answerable, threshold),
            "by_set": {name: _refusal(p_oof[sets == name], answerable[sets == name], threshold)
                       for name in sorted(set(sets))},
        },
        "cv": cv,
    }


def _arrays(questions: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [(i, r) for i, q in enumerate(questions) for r in q["rows"]]
    x = np.asarray([r[1:] for _, r in rows], dtype=np.float64)
    y = np.asarray([r[0] for _, r in rows], dtype=np.int64)
    return x, y, np.asarray([i for i, _ in rows], dtype=np.int64)


def _logistic(c: float, intercept: bool = True) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="lbfgs", max_iter=5000, fit_intercept=intercept)


def _oof(predict: Any, fold: np.ndarray) -> np.ndarray:
    """Out-of-fold predictions: each row predicted by a model fitted without its fold."""
    out = np.zeros(len(fold))
    for k in range(FOLDS):
        test = fold == k
        out[test] = predict(~test, test)
    return out


def _pairwise(xs: np.ndarray, y: np.ndarray, group: np.ndarray, c: float) -> np.ndarray:
    """Ranking weights: a logistic regression on the differences between a question's right and wrong candidates."""
    diffs = []
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        pos, neg = xs[idx[y[idx] == 1]], xs[idx[y[idx] == 0]]
        if len(pos) and len(neg):
            diffs.append((pos[:, None, :] - neg[None, :, :]).reshape(-1, xs.shape[1]))
    d = np.concatenate(diffs)
    both = np.concatenate([d, -d])  # each pair both ways: the model has no intercept to lean on
    labels = np.concatenate([np.ones(len(d)), np.zeros(len(d))])
    model = _logistic(c, intercept=False).fit(both, labels)
    return np.asarray(model.coef_[0])


def _hand(x: np.ndarray) -> np.ndarray:
    """The hand-weighted score of index/answer.py, recomputed from the features (its default Weights)."""
    from index.answer import Weights

    w, col = Weights(), {f: x[:, i] for i, f in enumerate(FEATURES)}
    return np.asarray(
        w.fused * col["fused"] + w.window * col["window"] + w.fit * col["kept_fit"]
        + w.words_sentence * col["words_sentence"]
        + w.words_context * col["words_context"] + w.terms_context * col["coverage"]
        - w.heading_penalty * col["heading"] + w.agreement * col["agreement"] + w.quoted * col["quoted"]
    )


def _best_rows(scores: np.ndarray, group: np.ndarray, heading: np.ndarray) -> np.ndarray:
    """Per question (in order), the row of its best-scored non-heading candidate."""
    out = []
    for g in range(int(group.max()) + 1):
        idx = np.flatnonzero((group == g) & ~heading)
        idx = idx if len(idx) else np.flatnonzero(group == g)
        out.append(int(idx[np.argmax(scores[idx])]))
    return np.asarray(out)


def _threshold(p_answerable: np.ndarray) -> float:
    """The highest probability floor under which at most MAX_FALSE_REFUSALS of answerable questions fall."""
    if not len(p_answerable):
        return 1.0
    ordered = np.sort(p_answerable)
    allowed = int(MAX_FALSE_REFUSALS * len(ordered))  # this many answerable questions may be refused
    return float(ordered[allowed]) if len(ordered) > allowed else 0.0


def _refusal(p: np.ndarray, answerable: np.ndarray, threshold: float) -> dict[str, float | None]:
    """Out-of-fold refusal figures on dev at the chosen threshold."""
    refused = p < threshold
    return {
        "false_refusals": round(float(refused[answerable].mean()), 4),
        "refusal_recall": round(float(refused[~answerable].mean()), 4) if (~answerable).any() else None,
        "unanswerable": int((~answerable).sum()),
    }


def _lightgbm(x: np.ndarray, y: np.ndarray, group: np.ndarray, fold: np.ndarray) -> np.ndarray:
    """Out-of-fold scores of a LightGBM lambdarank ranker, for comparison (not stored: run time is numpy alone)."""
    import lightgbm

    def predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        sizes = np.bincount(group[train])  # rows are grouped by question, in question order
        ranker = lightgbm.LGBMRanker(
            n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=10, deterministic=True,
            force_row_wise=True, n_jobs=1, random_state=0, verbose=-1,
        )
        ranker.fit(x[train], y[train], group=sizes[sizes > 0])
        return np.asarray(ranker.predict(x[test]))

    return _oof(predict, fold)


def _top1(scores: np.ndarray, y: np.ndarray, group: np.ndarray, heading: np.ndarray) -> float:
    """Share of questions with a positive candidate whose best-scored non-heading candidate is positive."""
    hits = total = 0
    for g in np.unique(group):
        idx = np.flatnonzero((group == g) & (heading == 0))
        if y[group == g].any():
            total += 1
            hits += bool(len(idx)) and bool(y[idx[np.argmax(scores[idx])]])
    return round(hits / max(total, 1), 4)


def _r(a: np.ndarray) -> list[float]:
    return [round(float(v), DIGITS) for v in a]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    c = sub.add_parser("collect")
    c.add_argument("questions", nargs="+", type=Path)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--set", help="the set's name in the data (default: the question file's name)")
    f = sub.add_parser("fit")
    f.add_argument("data", nargs="+", type=Path)
    f.add_argument("--out", type=Path, default=Path("index/data/scorer.json"))
    args = parser.parse_args()
    if args.step == "collect":
        collect(args.questions, args.out, args.set)
        return
    doc = fit(load_data(args.data), [p.as_posix() for p in args.data])
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    json.dump({"chosen": doc["chosen"], "cv": doc["cv"]}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
