"""Fixtures: the fake Bot API server, a FakeService, and the real Application polling against them."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fake_service import FakeService
from fake_telegram import Call, FakeTelegram

from bot.app import BotApplication, build_application
from bot.config import BotSettings
from index.config import Settings
from index.readers import read_document

ALICE, BOB, ADMIN, STRANGER = 1001, 1002, 9001, 6666
GROUP, OTHER_GROUP = -100123, -100999
CITATION_10 = "《宁波支援合作工作简报》2022年第10期（2022年9月20日）一、（二）"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Proxy variables would send calls for 127.0.0.1 to a proxy that cannot reach it.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    yield


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(briefings=tmp_path / "briefings", index=tmp_path / "index", model="fake-model",
                    cache=tmp_path / "cache")


@pytest.fixture
def service(settings: Settings) -> FakeService:
    settings.briefings.mkdir(parents=True, exist_ok=True)
    return FakeService(settings.briefings)


def env_for(fake: FakeTelegram) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "BRIEFBOT_ALLOWED_USERS": f"{ALICE}, {BOB}",
        "BRIEFBOT_ALLOWED_CHATS": str(GROUP),
        "BRIEFBOT_ADMINS": str(ADMIN),
        "BRIEFBOT_MAX_UPLOAD_MB": "1",
    }


@pytest.fixture
def bot_settings(fake: FakeTelegram) -> BotSettings:
    # Short HTTP timeouts so an injected "no answer" costs seconds, not the production 15 s.
    return dataclasses.replace(BotSettings.from_env(env_for(fake)), http_timeout=1.5)


class Harness:
    """The running bot plus shortcuts for asking and waiting."""

    def __init__(self, fake: FakeTelegram, app: BotApplication, service: FakeService) -> None:
        self.fake, self.app, self.service = fake, app, service

    async def ask(self, text: str, user: int = ALICE, timeout: float = 10.0) -> list[str]:
        """Send a private question; return the texts of every part of the reply, in order."""
        question = self.fake.message(text, user=user)
        return await self.replies(question, timeout=timeout)

    async def replies(self, question: dict[str, object], timeout: float = 10.0) -> list[str]:
        """The reply to `question`: the part quoting it, then the parts sent after it up to the buttons."""
        chat_id = question["chat"]["id"]  # type: ignore[index]
        [first] = await self.fake.wait_for("sendMessage", chat_id=chat_id, timeout=timeout,
                                           where=lambda c: c.reply_to == question["message_id"])
        [last, *_] = await self.fake.wait_for("sendMessage", chat_id=chat_id, timeout=timeout,
                                              where=lambda c: c.seq >= first.seq and c.markup is not None)
        calls = self.fake.successful("sendMessage")
        parts = [c for c in calls if c.chat_id == chat_id and first.seq <= c.seq <= last.seq]
        return [call.text for call in parts]

    async def say(self, text: str, user: int = ALICE, chat: int | None = None) -> Call:
        """Send a private text that gets a one-message reply (usage hints, refusals); return that reply."""
        mark = self.fake.mark()
        self.fake.message(text, user=user, chat=chat)
        return (await self.fake.sent_since(mark, user if chat is None else chat))[0]

    async def command(self, text: str, user: int = ALICE, chat: int | None = None,
                      chat_type: str = "private") -> Call:
        mark = self.fake.mark()
        self.fake.command(text, user=user, chat=chat, chat_type=chat_type)
        return (await self.fake.sent_since(mark, user if chat is None else chat))[0]

    def last_reply(self, chat_id: int = ALICE) -> Call:
        return [c for c in self.fake.successful("sendMessage") if c.chat_id == chat_id][-1]


@contextlib.asynccontextmanager
async def running(fake: FakeTelegram, service: FakeService, bot_settings: BotSettings,
                  settings: Settings) -> AsyncIterator[Harness]:
    """The real Application, polling the fake server; fails the test if Telegram would have sent a 400."""
    app = build_application(bot_settings, settings, service, read_document=read_document)
    async with app:
        if app.post_init is not None:  # run_polling would call it; driving the app by hand we must
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0.0)
        try:
            yield Harness(fake, app, service)
        finally:
            service.release_rebuild.set()
            await app.updater.stop()
            await app.stop()
    assert not fake.rejected, [(c.method, c.failed) for c in fake.rejected]


@pytest.fixture
async def bot(fake: FakeTelegram, service: FakeService, bot_settings: BotSettings,
              settings: Settings) -> AsyncIterator[Harness]:
    async with running(fake, service, bot_settings, settings) as harness:
        yield harness
