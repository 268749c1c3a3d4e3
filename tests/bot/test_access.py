"""Who gets answers: allow-lists, one refusal per stranger, audit lines without text, a secret token."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from conftest import ADMIN, ALICE, GROUP, OTHER_GROUP, STRANGER, Harness, env_for
from fake_telegram import BOT_USERNAME, FakeTelegram

from bot.access import AccessPolicy, safe_filename
from bot.config import BotConfigError, BotSettings


async def test_stranger_gets_one_refusal_and_nothing_of_the_briefings(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    mark = bot.fake.mark()
    for _ in range(3):
        bot.fake.message("消薄飞地累计返利多少？机密问题", user=STRANGER)
    [refusal] = await bot.fake.sent_since(mark, STRANGER)
    assert "没有使用本机器人的权限" in refusal.text
    await asyncio.sleep(1.0)  # the other two messages are processed by now
    assert len(bot.fake.successful("sendMessage")) == 1
    assert bot.service.asked == []
    audit = [r for r in caplog.records if r.name == "briefbot.access"]
    assert len(audit) == 3
    assert all(f"user={STRANGER}" in r.getMessage() and f"chat={STRANGER}" in r.getMessage() for r in audit)
    assert "机密问题" not in caplog.text


async def test_stranger_commands_and_buttons_are_refused_too(bot: Harness) -> None:
    refusal = await bot.command("/briefings", user=STRANGER)
    assert "权限" in refusal.text
    message = {"message_id": 5, "date": 0, "chat": {"id": STRANGER, "type": "private"}}
    bot.fake.press(message, "m:abc", user=STRANGER)
    [query] = await bot.fake.wait_for("answerCallbackQuery")
    assert "text" not in query.params  # already refused within the hour: the spinner stops, nothing more


async def test_allowed_user_in_an_unlisted_group_is_refused_there(bot: Harness) -> None:
    mark = bot.fake.mark()
    bot.fake.mention(f"@{BOT_USERNAME} 消薄飞地累计返利多少？", user=ALICE, chat=OTHER_GROUP)
    [refusal] = await bot.fake.sent_since(mark, OTHER_GROUP)
    assert "权限" in refusal.text
    assert bot.service.asked == []


async def test_strangers_chatting_in_the_group_are_silently_ignored(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.message("大家好", user=STRANGER, chat=GROUP, chat_type="supergroup")
    mark = bot.fake.mark()
    bot.fake.mention(f"@{BOT_USERNAME} 消薄飞地累计返利多少？", user=STRANGER, chat=GROUP)
    [refusal] = await bot.fake.sent_since(mark, GROUP)
    assert "权限" in refusal.text
    assert len([r for r in caplog.records if r.name == "briefbot.access"]) == 1  # the mention only


async def test_admin_commands_refused_for_staff_and_answered_for_admins(bot: Harness) -> None:
    for command in ("/status", "/reindex"):
        reply = await bot.command(command, user=ALICE)
        assert reply.text == "该操作仅限管理员。"
    assert bot.service.rebuilds == 0
    status = await bot.command("/status", user=ADMIN)
    assert "文件：1" in status.text and "<code>fake-model</code>" in status.text


async def test_help_shows_admin_section_only_to_admins(bot: Harness) -> None:
    staff = await bot.command("/help", user=ALICE)
    admin = await bot.command("/help", user=ADMIN)
    assert "/ask 问题" in staff.text and "/reindex" not in staff.text
    assert "/reindex" in admin.text


async def test_commands_registered_for_everyone_and_admins(bot: Harness) -> None:
    calls = bot.fake.successful("setMyCommands")
    names = [[c["command"] for c in json.loads(call.params["commands"])] for call in calls]
    assert "status" not in names[0] and "ask" in names[0]
    assert "reindex" in names[1] and str(ADMIN) in calls[1].params["scope"]


async def test_token_never_appears_in_logs(
    fake: FakeTelegram, bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await bot.ask("消薄飞地累计返利多少？")
    fake.fail("sendMessage", "500")
    await bot.ask("园区入驻企业多少家？")
    assert "HTTP Request" in caplog.text or "getUpdates" in caplog.text  # httpx and PTB did log requests
    assert fake.token not in caplog.text
    assert fake.token.split(":")[1] not in caplog.text
    assert "<redacted>" in caplog.text


def test_settings_from_env() -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": "42:abc_DEF-1",
        "BRIEFBOT_ALLOWED_USERS": "1, 2 ,3",
        "BRIEFBOT_ALLOWED_CHATS": "-100",
        "BRIEFBOT_ADMINS": "9",
        "BRIEFBOT_MAX_UPLOAD_MB": "5",
        "BRIEFBOT_WEBHOOK_URL": "https://bot.example.org/tg/hook",
        "BRIEFBOT_WEBHOOK_SECRET": "s3cret",
        "BRIEFBOT_WEBHOOK_PORT": "9000",
    }
    settings = BotSettings.from_env(env)
    assert settings.allowed_users == {1, 2, 3} and settings.allowed_chats == {-100} and settings.admins == {9}
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.file_base_url == "https://api.telegram.org/file/bot"
    assert settings.max_upload_bytes == 5 * 1024 * 1024
    assert settings.webhook is not None
    assert settings.webhook.url_path == "tg/hook" and settings.webhook.port == 9000
    assert "42:abc" not in repr(settings) and "s3cret" not in repr(settings)


@pytest.mark.parametrize("base", ["http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"])
def test_api_base_url_forms(base: str) -> None:
    settings = BotSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_API_BASE_URL": base})
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.file_base_url == "http://127.0.0.1:8081/file/bot"


def test_token_file_and_errors_never_echo_the_token(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("77:fromfile\n", encoding="utf-8")
    assert BotSettings.from_env({"TELEGRAM_BOT_TOKEN_FILE": str(token_file)}).token == "77:fromfile"
    with pytest.raises(BotConfigError, match="TELEGRAM_BOT_TOKEN"):
        BotSettings.from_env({})
    with pytest.raises(BotConfigError) as error:
        BotSettings.from_env({"TELEGRAM_BOT_TOKEN": "not a token secretpart"})
    assert "secretpart" not in str(error.value)
    with pytest.raises(BotConfigError, match="BRIEFBOT_ADMINS"):
        BotSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:a", "BRIEFBOT_ADMINS": "alice"})
    with pytest.raises(BotConfigError, match="https"):
        BotSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:a", "BRIEFBOT_WEBHOOK_URL": "http://x"})


def test_policy_rules() -> None:
    policy = AccessPolicy(users=frozenset({1}), chats=frozenset({-5}), admins=frozenset({9}))
    assert policy.allows(1, 1, "private") and policy.allows(9, 9, "private")
    assert not policy.allows(2, 2, "private")
    assert policy.allows(1, -5, "supergroup") and not policy.allows(1, -6, "group")
    assert not policy.allows(2, -5, "group")
    assert not AccessPolicy(frozenset(), frozenset(), frozenset()).allows(1, 1, "private")  # empty = nobody


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\简报.DOCX", "简报.docx"),
    (".bashrc.md", "bashrc.md"),
    ("宁波支援合作工作简报（2022第10期）.pdf", "宁波支援合作工作简报（2022第10期）.pdf"),
    ("a..b...txt", "a.b.txt"),
    ("报告;rm -rf $HOME|x.md", "报告_rm -rf _HOME_x.md"),
    ("\u202ename\x00.txt", "name.txt"),
    ("....", None),
    ("", None),
    ("/", None),
])
def test_safe_filename(raw: str, safe: str | None) -> None:
    assert safe_filename(raw) == safe


def test_env_for_fixture_is_parsable(fake: FakeTelegram) -> None:
    assert BotSettings.from_env(env_for(fake)).api_base_url == f"{fake.base_url}/bot"
