"""Telegram misbehaving (429, 5xx, no answer), our own failures, and the real run_polling entry point."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest
from conftest import ALICE, Harness
from fake_service import FakeService
from fake_telegram import FakeTelegram

from bot.app import build_application
from bot.config import BotSettings
from index.config import Settings
from index.readers import read_document


async def test_429_is_waited_out_and_the_answer_arrives(bot: Harness) -> None:
    bot.fake.fail("sendMessage", "429", retry_after=1)
    started = time.monotonic()
    [reply] = await bot.ask("消薄飞地累计返利多少？")
    assert "932.7" in reply
    assert time.monotonic() - started >= 1.0  # retry_after honoured
    assert [c.failed for c in bot.fake.calls if c.method == "sendMessage"] == ["429", None]


async def test_server_errors_are_retried(bot: Harness) -> None:
    bot.fake.fail("sendMessage", "500", times=2)
    [reply] = await bot.ask("消薄飞地累计返利多少？")
    assert "932.7" in reply
    assert [c.failed for c in bot.fake.calls if c.method == "sendMessage"] == ["500", "500", None]


async def test_a_call_that_never_returns_is_retried(bot: Harness) -> None:
    bot.fake.fail("sendMessage", "timeout")
    [reply] = await bot.ask("消薄飞地累计返利多少？", timeout=15)
    assert "932.7" in reply
    assert len(bot.fake.successful("sendMessage")) == 1


async def test_polling_survives_failing_get_updates(bot: Harness) -> None:
    bot.fake.fail("getUpdates", "500", times=2)
    [reply] = await bot.ask("消薄飞地累计返利多少？", timeout=20)
    assert "932.7" in reply


async def test_internal_error_gives_an_apology_and_a_full_log_line(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    apology = await bot.say("崩溃")
    assert apology.text == "抱歉，处理时出现内部错误，已记录。请稍后再试。"
    [record] = [r for r in caplog.records if r.name == "briefbot.bot" and r.levelno == logging.ERROR]
    assert record.exc_info is not None and "simulated internal failure" in caplog.text
    assert "崩溃" not in record.getMessage()
    [answer] = await bot.ask("消薄飞地累计返利多少？")  # and the bot carries on
    assert "932.7" in answer


async def test_run_polling_entry_point_in_a_thread(
    fake: FakeTelegram, service: FakeService, bot_settings: BotSettings, settings: Settings
) -> None:
    """The production path: run_polling (post_init, polling, shutdown) rather than hand-driven start/stop."""
    app = build_application(bot_settings, settings, service, read_document=read_document)
    loops: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)  # run_polling picks this loop up; we need it to stop the app
        loops.append(loop)
        app.run_polling(stop_signals=None, timeout=1, poll_interval=0.0)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    await fake.wait_for("setMyCommands")
    question = fake.message("消薄飞地累计返利多少？", user=ALICE)
    [reply] = await fake.wait_for("sendMessage", where=lambda c: c.reply_to == question["message_id"])
    assert "932.7" in reply.text
    loops[0].call_soon_threadsafe(app.stop_running)
    await asyncio.to_thread(thread.join, 15)
    assert not thread.is_alive()
