"""One user's flood against everyone else: the question pool, the per-user line, commands that never wait."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator

import pytest
from conftest import ADMIN, BOB, Harness, running
from fake_service import FakeService
from fake_telegram import FakeTelegram

from bot import texts
from bot.config import BotSettings
from bot.fairness import QuestionQueue
from index.config import Settings

FLOODERS = [30_001, 30_002, 30_003]
DELAY = 0.5  # seconds per question in the fake service: one question's time
QUESTION = "消薄飞地累计返利多少？"
NOTICE = texts.LINE_FULL.format(limit=10)


@pytest.fixture
async def crowded(fake: FakeTelegram, service: FakeService, bot_settings: BotSettings,
                  settings: Settings) -> AsyncIterator[Harness]:
    """The bot with the flooders allowed and one question taking DELAY seconds."""
    allowed = dataclasses.replace(bot_settings, allowed_users=bot_settings.allowed_users | set(FLOODERS))
    service.delay = DELAY
    async with running(fake, service, allowed, settings) as harness:
        yield harness


def _answers(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c.text for c in fake.successful("sendMessage") if c.chat_id == chat_id and c.markup is not None]


async def _seconds_to_answer(bot: Harness, user: int) -> float:
    started = time.monotonic()
    question = bot.fake.message(QUESTION, user=user)
    await bot.replies(question, timeout=30)
    [reply] = [c for c in bot.fake.successful("sendMessage") if c.reply_to == question["message_id"]]
    return reply.at - started


async def test_a_flood_delays_another_users_answer_by_at_most_one_question(crowded: Harness) -> None:
    alone = await _seconds_to_answer(crowded, BOB)
    for _ in range(30):
        crowded.fake.message(QUESTION, user=FLOODERS[0])
    await asyncio.sleep(0.2)  # the flood is in the bot before Bob asks
    flooded = await _seconds_to_answer(crowded, BOB)
    # In the shared pool Bob waited behind the whole flood: 30 questions / 6 threads ≈ 2.5 s more.
    assert flooded < alone + DELAY + 0.5, (alone, flooded)


async def test_a_flood_is_answered_up_to_the_limit_with_one_polite_notice(crowded: Harness) -> None:
    fake = crowded.fake
    flooder = FLOODERS[0]
    for _ in range(25):
        fake.message(QUESTION, user=flooder)
    await fake.wait_for("sendMessage", chat_id=flooder, count=10, timeout=30, where=lambda c: c.markup is not None)
    await asyncio.sleep(1.0)  # anything beyond the limit would have been answered by now
    assert len(_answers(fake, flooder)) == 10
    notices = [c for c in fake.successful("sendMessage") if c.chat_id == flooder and c.text == NOTICE]
    assert len(notices) == 1 and notices[0].reply_to is not None
    assert len(crowded.service.asked) == 10
    # The line has room again: the user's next question is answered.
    assert "932.7" in (await crowded.ask(QUESTION, user=flooder, timeout=10))[0]


async def test_status_never_waits_behind_questions(crowded: Harness) -> None:
    for flooder in FLOODERS:
        for _ in range(10):
            crowded.fake.message(QUESTION, user=flooder)
    await asyncio.sleep(0.2)
    started = time.monotonic()
    status = await crowded.command("/status", user=ADMIN)
    # In the shared pool /status waited behind 30 questions on 6 threads: about 2.5 s.
    assert status.at - started < 2 * DELAY, status.at - started
    assert "索引状态" in status.text


async def test_queue_runs_one_question_per_user_at_a_time_and_forgets_idle_users() -> None:
    queue = QuestionQueue(workers=4, per_user=2)
    running_now: list[int] = []
    peak: list[int] = []

    def work(user: int) -> int:
        running_now.append(user)
        peak.append(running_now.count(user))
        time.sleep(0.05)
        running_now.remove(user)
        return user

    assert queue.admit(1) and queue.admit(1) and not queue.admit(1)
    assert queue.should_tell(1) and not queue.should_tell(1)
    assert queue.admit(2)
    results = await asyncio.gather(queue.run(1, lambda: work(1)), queue.run(1, lambda: work(1)),
                                   queue.run(2, lambda: work(2)))
    assert results == [1, 1, 2] and max(peak) == 1
    assert queue.waiting(1) == 0 and queue.admit(1) and queue.should_tell(1)
    queue.shutdown()
