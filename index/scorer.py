"""The fitted scorer at run time: a logistic model read from plain JSON, applied with numpy alone.

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
    """P(this candidate quotes the answer) = sigmoid(intercept + coef · (x - mean) / scale)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # refuse below this probability; chosen on dev for at most 3 % false refusals

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FittedScorer:
        features = tuple(d["features"])
        if features != FEATURES:
            raise BriefbotError(
                f"the scorer model was fitted on features {features}, the code computes {FEATURES}: "
                "refit it with bench/fit_scorer.py"
            )
        arr = {k: np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale", "coef")}
        return cls(features, arr["mean"], arr["scale"], arr["coef"], float(d["intercept"]), float(d["threshold"]))

    def logits(self, rows: list[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        x = np.asarray([[r[f] for f in self.features] for r in rows], dtype=np.float64)
        return np.asarray(((x - self.mean) / self.scale) @ self.coef + self.intercept)

    def probabilities(self, rows: list[dict[str, float]]) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.logits(rows))))


@lru_cache(maxsize=1)
def bundled_scorer() -> FittedScorer:
    """The model shipped in the package (index/data/scorer.json)."""
    text = resources.files("index").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return FittedScorer.from_dict(json.loads(text)["model"])
