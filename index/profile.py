"""Where a question's time goes: named stages, timed exclusively, collected only when asked for.

`with stage("encode"): …` costs a context-variable lookup when nobody collects; inside `collect()` each
stage's own time is added up, a nested stage pausing the one around it, so the parts sum to the whole.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["STAGES", "Profile", "collect", "stage"]

# The stages of one answer, in order; "re-score" is the rest of build_answer (understanding the question,
# re-scoring the candidates, the figure, the span and the provenance check).
STAGES = ("encode", "lexical", "dense", "document filter", "re-score", "render")


@dataclass
class Profile:
    """Milliseconds per stage for one question."""

    ms: dict[str, float] = field(default_factory=dict)
    _running: list[tuple[str, float]] = field(default_factory=list)  # the open stages, innermost last

    def _switch(self, now: float) -> None:
        if self._running:
            name, since = self._running[-1]
            self.ms[name] = self.ms.get(name, 0.0) + (now - since) * 1000
            self._running[-1] = (name, now)


_current: ContextVar[Profile | None] = ContextVar("briefbot_profile", default=None)


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    profile = _current.get()
    if profile is None:
        yield
        return
    profile._switch(time.perf_counter())
    profile._running.append((name, time.perf_counter()))
    try:
        yield
    finally:
        profile._switch(time.perf_counter())
        profile._running.pop()
        if profile._running:
            outer, _ = profile._running[-1]
            profile._running[-1] = (outer, time.perf_counter())


@contextlib.contextmanager
def collect(rest: str = "re-score") -> Iterator[Profile]:
    """Collect the stages run inside; time in no stage is booked to `rest`."""
    profile = Profile()
    token = _current.set(profile)
    try:
        with stage(rest):
            yield profile
    finally:
        _current.reset(token)
