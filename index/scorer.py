"""The fitted scorer at run time: logistic models read from plain JSON, applied with numpy alone.

The model is fitted by `bench/fit_scorer.py` on the dev halves only (index/data/scorer.json says on which sets,
with its cross-validated scores); nothing here imports scikit-learn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from index.errors import BriefbotError
from index.features import FEATURES

MODEL_FILE = "scorer.json"


@dataclass(frozen=True)
class FittedScorer:
    """Two logistic models over the standardised features z = (x - mean) / scale.

    Ranking: score = rank_coef · z (a pairwise model: only differences between candidates matter).
    Refusal: P(the best candidate answers) = sigmoid(refuse_intercept + refuse_coef · [z, score]) of the best one;
    below `threshold` (chosen on dev for at most 3 % false refusals) the answer is "not found".
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    rank_coef: np.ndarray
    refuse_coef: np.ndarray
    refuse_intercept: float
    threshold: float

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FittedScorer:
        features = tuple(d["features"])
        if features != FEATURES:
            raise BriefbotError(
                f"the scorer model was fitted on features {features}, the code computes {FEATURES}: "
                "refit it with bench/fit_scorer.py"
            )
        arr = {k: np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale", "rank_coef", "refuse_coef")}
        return cls(features, arr["mean"], arr["scale"], arr["rank_coef"], arr["refuse_coef"],
                   float(d["refuse_intercept"]), float(d["threshold"]))

    def standardise(self, rows: list[dict[str, float]]) -> np.ndarray:
        x = np.asarray([[r[f] for f in self.features] for r in rows], dtype=np.float64).reshape(-1, len(self.features))
        return np.asarray((x - self.mean) / self.scale)

    def scores(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The ranking score of each candidate: higher ranks first."""
        return np.asarray(self.standardise(rows) @ self.rank_coef)

    def answer_probability(self, row: dict[str, float]) -> float:
        """P(this candidate, ranked first, quotes the answer)."""
        z = self.standardise([row])[0]
        logit = self.refuse_intercept + float(np.append(z, z @ self.rank_coef) @ self.refuse_coef)
        return float(1.0 / (1.0 + np.exp(-logit)))


@lru_cache(maxsize=1)
def bundled_scorer() -> FittedScorer:
    """The model shipped in the package (index/data/scorer.json)."""
    text = resources.files("index").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return FittedScorer.from_dict(json.loads(text)["model"])
