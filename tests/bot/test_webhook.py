"""Webhook mode against forged updates: the real listening webhook server, POSTs an attacker could send."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ALICE, STRANGER, env_for
from fake_service import FakeService
from fake_telegram import FakeTelegram
from test_serve import ROOT, _serve_env

from bot.access import AccessPolicy
from bot.app import build_application
from bot.config import WEBHOOK_SECRET_BYTES, BotConfigError, BotSettings
from bot.serve import webhook_options
from index.config import Settings
from index.readers import read_document

HOOK_PATH = "tg/hook"
QUESTION = "消薄飞地累计返利多少？"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _webhook_env(fake: FakeTelegram, port: int, **extra: str) -> dict[str, str]:
    return {**env_for(fake), "BRIEFBOT_WEBHOOK_URL": f"https://bot.example.org/{HOOK_PATH}",
            "BRIEFBOT_WEBHOOK_PORT": str(port), **extra}


def _update(update_id: int, text: str, *, user: int, chat: int) -> dict[str, Any]:
    message = {"message_id": 50 + update_id, "date": 0, "text": text,
               "chat": {"id": chat, "type": "private", "first_name": "员工"},
               "from": {"id": user, "is_bot": False, "first_name": "员工"}}
    return {"update_id": update_id, "message": message}


async def _post(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(f"http://127.0.0.1:{port}/{HOOK_PATH}", content=json.dumps(update),
                                     headers=headers, timeout=10)
    return response.status_code


@contextlib.asynccontextmanager
async def _webhook_bot(fake: FakeTelegram, service: FakeService, settings: Settings,
                       bot_settings: BotSettings) -> AsyncIterator[None]:
    """The real Application behind PTB's own webhook server, started with serve's webhook options."""
    assert bot_settings.webhook is not None
    app = build_application(bot_settings, settings, service, read_document=read_document)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(**webhook_options(bot_settings.webhook))
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def _assert_only_the_control_was_answered(fake: FakeTelegram, service: FakeService, port: int,
                                                secret: str) -> None:
    """Alice's own update with the right secret is answered, and it is the only thing anyone got."""
    assert await _post(port, _update(9, QUESTION, user=ALICE, chat=ALICE), secret) == 200
    [answer] = await fake.wait_for("sendMessage", chat_id=ALICE, timeout=10)
    await asyncio.sleep(0.5)  # anything the forged updates set off would have been sent by now
    assert "932.7" in answer.text
    assert [c.chat_id for c in fake.successful("sendMessage")] == [ALICE]
    assert service.asked == [QUESTION]


async def test_webhook_without_a_secret_setting_rejects_forged_updates(
    fake: FakeTelegram, service: FakeService, settings: Settings
) -> None:
    port = _free_port()
    bot_settings = BotSettings.from_env(_webhook_env(fake, port))
    assert bot_settings.webhook is not None and bot_settings.webhook.secret_generated
    async with _webhook_bot(fake, service, settings, bot_settings):
        [registered] = fake.successful("setWebhook")
        secret = registered.params["secret_token"]
        assert secret == bot_settings.webhook.secret and len(secret) >= WEBHOOK_SECRET_BYTES
        forged = _update(1, QUESTION, user=ALICE, chat=ALICE)
        assert await _post(port, forged, secret=None) == 403
        assert await _post(port, forged, secret="guess" + secret[5:]) == 403
        assert await _post(port, forged, secret="") == 403
        # Even with the secret, a stranger's private chat claiming to be Alice gets nothing, not even a refusal.
        assert await _post(port, _update(2, QUESTION, user=ALICE, chat=STRANGER), secret) == 200
        await _assert_only_the_control_was_answered(fake, service, port, secret)


async def test_each_start_generates_a_new_secret(fake: FakeTelegram) -> None:
    env = _webhook_env(fake, 8443)
    first, second = BotSettings.from_env(env).webhook, BotSettings.from_env(env).webhook
    assert first is not None and second is not None and first.secret != second.secret
    assert first.secret not in repr(first) and first.secret_generated


@pytest.mark.parametrize("secret", ["has space", "ünïcode", "a" * 257, "semi;colon"])
def test_a_bad_secret_setting_is_a_clear_config_error(fake: FakeTelegram, secret: str) -> None:
    with pytest.raises(BotConfigError) as error:
        BotSettings.from_env(_webhook_env(fake, 8443, BRIEFBOT_WEBHOOK_SECRET=secret))
    assert "BRIEFBOT_WEBHOOK_SECRET" in str(error.value) and "A-Z" in str(error.value)
    assert secret not in str(error.value)


def test_a_user_set_secret_is_kept(fake: FakeTelegram) -> None:
    webhook = BotSettings.from_env(_webhook_env(fake, 8443, BRIEFBOT_WEBHOOK_SECRET="S" * 256)).webhook
    assert webhook is not None and webhook.secret == "S" * 256 and not webhook.secret_generated


@pytest.mark.slow
async def test_serve_in_webhook_mode_registers_a_secret_and_rejects_forgeries(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """`briefbot serve` as deployed with a webhook and no secret set: a subprocess, forged POSTs to its port."""
    port = _free_port()
    env = {**_serve_env(fake, tmp_path, model="fake"), **_webhook_env(fake, port)}
    env["BRIEFBOT_ALLOWED_USERS"] = str(ALICE)
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "serve", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        [registered] = await fake.wait_for("setWebhook", timeout=120)
        secret = registered.params.get("secret_token", "")
        assert len(secret) >= WEBHOOK_SECRET_BYTES
        await asyncio.sleep(0.5)  # the listener starts right after setWebhook returns
        forged = _update(1, QUESTION, user=ALICE, chat=ALICE)
        assert await _post(port, forged, secret=None) == 403
        assert await _post(port, forged, secret="x" * len(secret)) == 403
        assert await _post(port, _update(2, QUESTION, user=ALICE, chat=STRANGER), secret) == 200
        assert await _post(port, _update(3, QUESTION, user=ALICE, chat=ALICE), secret) == 200
        [answer] = await fake.wait_for("sendMessage", chat_id=ALICE, timeout=60)
        await asyncio.sleep(0.5)
        assert "2022年第10期" in answer.text
        assert [c.chat_id for c in fake.successful("sendMessage")] == [ALICE]
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        out = b"".join([await process.stdout.read(), await process.stderr.read()]).decode()  # type: ignore[union-attr]
        assert secret not in out and fake.token not in out
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_a_private_chat_must_be_the_users_own() -> None:
    policy = AccessPolicy(users=frozenset({ALICE}), chats=frozenset(), admins=frozenset())
    assert policy.allows(ALICE, ALICE, "private")
    assert not policy.allows(ALICE, STRANGER, "private")
