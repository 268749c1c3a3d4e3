"""The fitted scorer: the JSON model loads and scores deterministically, numpy alone; the fit is reproducible."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from fake_index import searcher_over
from paths import ROOT

from index.answer import Weights, build_answer
from index.build import build_index
from index.config import Settings
from index.embed import FakeEmbedder
from index.errors import BriefbotError
from index.features import FEATURES
from index.scorer import FittedScorer, bundled_scorer
from index.search import Searcher
from index.store import load

MODEL = ROOT / "index" / "data" / "scorer.json"


def _fit_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fit_scorer", ROOT / "bench" / "fit_scorer.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit_scorer"] = module
    spec.loader.exec_module(module)
    return module


def _row(**values: float) -> dict[str, float]:
    return {f: values.get(f, 0.0) for f in FEATURES}


def test_the_bundled_model_loads_and_scores_the_same_every_time() -> None:
    model = bundled_scorer()
    stored = json.loads(MODEL.read_text(encoding="utf-8"))
    assert model.features == FEATURES == tuple(stored["model"]["features"])
    assert stored["fitted_on"]["split"] == "dev" and stored["cv"]
    rows = [_row(dense=0.9, fused=1.0, words_sentence=0.8, coverage=1.0), _row(dense=0.7, heading=1.0)]
    first, again = model.scores(rows), FittedScorer.from_dict(stored["model"]).scores(rows)
    assert first.tolist() == again.tolist() and first[0] > first[1]
    p = model.answer_probability(rows[0])
    assert 0.0 < p < 1.0 and p == model.answer_probability(rows[0])


def test_a_model_fitted_on_other_features_is_refused_with_a_way_out() -> None:
    stored = json.loads(MODEL.read_text(encoding="utf-8"))["model"]
    with pytest.raises(BriefbotError, match=r"bench/fit_scorer\.py"):
        FittedScorer.from_dict({**stored, "features": ["dense"]})


def test_answering_with_the_fitted_scorer_never_imports_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from index.scorer import bundled_scorer\n"
        "import index.answer\n"
        "from index.features import FEATURES\n"
        "bundled_scorer().scores([dict.fromkeys(FEATURES, 0.5)])\n"
        "assert not {'sklearn', 'lightgbm', 'scipy'} & set(sys.modules), sorted(sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_the_fitted_scorer_answers_with_verbatim_quotes(seed_folder: Path, tmp_path: Path) -> None:
    emb = FakeEmbedder()
    build_index(seed_folder, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    a = build_answer("消薄飞地累计返利多少？", searcher, weights=replace(Weights(), scorer="fitted"))
    for q in a.quotes:
        assert searcher.snapshot.briefings[q.source.file].text[q.start : q.end] == q.text


def test_the_scorer_is_chosen_by_a_setting_and_a_wrong_one_says_which_are_allowed() -> None:
    assert Settings.from_env({"BRIEFBOT_SCORER": "fitted"}).scorer == "fitted"
    assert Settings.from_env({}).scorer == Weights().scorer
    with pytest.raises(BriefbotError, match="hand, fitted"):
        Settings.from_env({"BRIEFBOT_SCORER": "learned"})


def _synthetic(seed: int, n: int = 40) -> list[dict[str, Any]]:
    """Questions whose right candidate has higher dense and word features, a few of them unanswerable."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        answerable = i % 8 != 0
        rows = []
        for j in range(12):
            right = answerable and j == 0
            x = rng.random(len(FEATURES)) * 0.5 + (0.4 if right else 0.0)
            x[FEATURES.index("heading")] = float(j == 11)
            rows.append([int(right), *(round(float(v), 6) for v in x)])
        out.append({"id": f"q{i}", "set": "synthetic", "answerable": answerable, "rows": rows})
    return out


def test_the_fit_is_deterministic_and_keeps_false_refusals_within_three_percent() -> None:
    fit = _fit_module().fit
    first = fit(_synthetic(1), ["synthetic"])
    assert json.dumps(first) == json.dumps(fit(_synthetic(1), ["synthetic"]))
    assert first["chosen"]["false_refusals"] <= 0.03
    assert first["cv"]["logistic pairwise C=0.1"]["top1"] > 0.9  # the signal planted is found
    FittedScorer.from_dict(first["model"])  # what the fit writes, the run time reads


def test_the_fit_measures_the_hand_weights_exactly_as_the_answerer_scores(tmp_path: Path) -> None:
    """bench/fit_scorer.py's "hand" row recomputes the hand score from the features: it must be the answerer's,
    plan discounts included (a report that only plans the asked year keeps no fit; a result before a target keeps
    its own)."""
    from index.answer import question_candidates, rescore
    from index.query import make_query

    searcher = searcher_over(tmp_path, {"provincial-2025/2025年浙江省政府工作报告.txt": (
        "2025年浙江省政府工作报告\n一、过去一年工作回顾\n过去一年，全省生产总值增长5.5%，城镇新增就业118.3万人。\n"
        "粮食产量1347万吨，单位生产总值能耗累计降幅完成“十四五”任务。\n"
        "二、今年主要目标\n2025年全省生产总值增长5.5%左右，城镇新增就业100万人以上。\n")})
    hand = _fit_module()._hand
    questions = ("2025年浙江省城镇新增就业多少人？", "2024年浙江省粮食产量是多少？", "2024年浙江生产总值增长多少？")
    for question in questions:
        found = question_candidates(make_query(question, searcher), searcher)
        assert found
        x = np.asarray([[c.values[f] for f in FEATURES] for c in found])
        scores = {(c.sentence.index, round(s, 9)) for c, s in zip(found, hand(x), strict=True)}
        answerer = {(s.sentence.index, round(s.score, 9)) for s in rescore(found, Weights())}
        assert scores == answerer, question
