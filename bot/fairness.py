"""Questions share the machine fairly: a pool of their own, one at a time per user, a cap on each user's line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = ["QuestionQueue"]

T = TypeVar("T")


@dataclass
class _Line:
    """One user's questions in the bot: admitted (running or waiting) and a lock that runs them in turn."""

    admitted: int = 0
    told: bool = False  # the user has been told their line is full, and not since it had room again
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)


class QuestionQueue:
    """Runs each question in the question pool; a user's next question waits for their previous one.

    Each user has at most one question in the pool's queue, and that queue is first in, first out, so
    users are served in turn: a flood from one user takes one worker, never the whole pool, and delays
    everyone else by at most one question's time. The shared default thread pool, which /status and the
    other commands use, never holds a question.
    """

    def __init__(self, workers: int, per_user: int) -> None:
        self.per_user = per_user
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="briefbot-question")
        self._lines: dict[int, _Line] = {}

    def admit(self, user_id: int) -> bool:
        """Count a new question in, or False when the user already has `per_user` in the bot."""
        line = self._lines.setdefault(user_id, _Line())
        if line.admitted >= self.per_user:
            return False
        line.admitted += 1
        return True

    def should_tell(self, user_id: int) -> bool:
        """True once per overflow: the first refused question is told why, the rest of a flood is not."""
        line = self._lines.setdefault(user_id, _Line())
        first, line.told = not line.told, True
        return first

    async def run(self, user_id: int, work: Callable[[], T]) -> T:
        """Run an admitted question's `work` in the question pool, after the user's earlier questions."""
        line = self._lines.setdefault(user_id, _Line())
        try:
            async with line.turn:
                return await asyncio.get_running_loop().run_in_executor(self._pool, work)
        finally:
            line.admitted -= 1
            if line.admitted < self.per_user:
                line.told = False
            if line.admitted == 0 and not line.turn.locked():
                self._lines.pop(user_id, None)  # nothing waiting: forget the user, so memory stays bounded

    def waiting(self, user_id: int) -> int:
        line = self._lines.get(user_id)
        return line.admitted if line is not None else 0

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
