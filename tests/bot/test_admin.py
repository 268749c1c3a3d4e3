"""Admin work: /reindex while questions keep being answered, and briefing uploads."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest
from conftest import ADMIN, ALICE, Harness

from index.config import Settings
from index.errors import BriefbotError

NEW_BRIEFING = "（一）跨境电商。跨境电商直播基地累计带货 230 场，销售额 5600 万元。"
NEW_QUESTION = "跨境电商直播基地带货多少场？"


async def _wait_event(event: object, timeout: float = 5.0) -> None:
    assert await asyncio.to_thread(event.wait, timeout)  # type: ignore[attr-defined]


async def test_reindex_swaps_while_questions_keep_being_answered(bot: Harness, settings: Settings) -> None:
    (settings.briefings / "第11期.txt").write_text(NEW_BRIEFING, encoding="utf-8")
    bot.service.hold_rebuild.set()
    started = await bot.command("/reindex", user=ADMIN)
    assert started.text == "正在重建索引…期间照常回答问题。"
    await _wait_event(bot.service.rebuild_started)

    # The rebuild is stuck in its worker thread; questions are answered from the old index meanwhile.
    [reply] = await bot.ask("消薄飞地累计返利多少？")
    assert "932.7" in reply
    [reply] = await bot.ask(NEW_QUESTION)
    assert reply.startswith("未在已收录的简报中找到")
    busy = await bot.command("/reindex", user=ADMIN)
    assert busy.text == "已有重建任务在进行，请稍候。"

    await bot.fake.wait_for("editMessageText", where=lambda c: "读取文件：1/1" in c.text)
    bot.service.release_rebuild.set()
    await bot.fake.wait_for("editMessageText", where=lambda c: "索引已更新" in c.text)

    [reply] = await bot.ask(NEW_QUESTION)
    assert "<b>230 场</b>" in reply and "2022年第11期" in reply
    edits = bot.fake.successful("editMessageText")
    assert {c.params["message_id"] for c in edits} == {started.params["_message_id"]}  # one message
    assert all(b.at - a.at >= 0.9 for a, b in itertools.pairwise(edits))  # throttled
    assert bot.service.rebuilds == 1


@pytest.mark.parametrize(("error", "expected"), [
    (BriefbotError("索引文件夹无法写入：磁盘已满"), "原因：索引文件夹无法写入：磁盘已满"),
    (RuntimeError("boom"), "内部错误，已记录"),
])
async def test_failed_reindex_keeps_the_old_index_and_says_why(
    bot: Harness, caplog: pytest.LogCaptureFixture, error: Exception, expected: str
) -> None:
    bot.service.rebuild_error = error
    await bot.command("/reindex", user=ADMIN)
    [final] = await bot.fake.wait_for("editMessageText", where=lambda c: "重建失败" in c.text)
    assert expected in final.text and "仍在使用原索引" in final.text
    [reply] = await bot.ask("消薄飞地累计返利多少？")
    assert "932.7" in reply
    assert any(r.levelno >= logging.WARNING and "rebuild failed" in r.getMessage() for r in caplog.records)


async def test_uploaded_briefing_is_saved_sanitised_and_indexed(bot: Harness, settings: Settings) -> None:
    mark = bot.fake.mark()
    bot.fake.document("../../.第11期 简报.txt", NEW_BRIEFING.encode(), user=ADMIN)
    saved, _started = await bot.fake.sent_since(mark, ADMIN, count=2)
    assert saved.text == "已保存为 <code>第11期 简报.txt</code>，开始建立索引…"
    assert (settings.briefings / "第11期 简报.txt").read_text(encoding="utf-8") == NEW_BRIEFING
    assert sorted(p.name for p in settings.briefings.iterdir()) == ["第11期 简报.txt"]
    await bot.fake.wait_for("editMessageText", where=lambda c: "索引已更新" in c.text)
    [reply] = await bot.ask(NEW_QUESTION)
    assert "230 场" in reply
    assert bot.fake.successful("getFile")


async def test_upload_name_collisions(bot: Harness, settings: Settings) -> None:
    (settings.briefings / "简报.txt").write_text("旧的内容。", encoding="utf-8")
    mark = bot.fake.mark()
    bot.fake.document("简报.txt", NEW_BRIEFING.encode(), user=ADMIN)
    saved = (await bot.fake.sent_since(mark, ADMIN))[0]
    assert "简报-2.txt" in saved.text
    await bot.fake.wait_for("editMessageText", where=lambda c: "索引已更新" in c.text)
    mark = bot.fake.mark()
    bot.fake.document("简报.txt", NEW_BRIEFING.encode(), user=ADMIN)  # same bytes as 简报-2.txt
    same = (await bot.fake.sent_since(mark, ADMIN))[0]
    assert same.text == "相同内容的文件已存在：<code>简报-2.txt</code>，无需重复收录。"
    assert sorted(p.name for p in settings.briefings.iterdir()) == ["简报-2.txt", "简报.txt"]
    assert bot.service.rebuilds == 1


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("坏文件.docx", b"this is not a zip archive at all", "无法读取该文件，未保存。"),
    ("空.txt", b"\x00\x01\x02binary\x00", "无法读取该文件，未保存。"),
    ("程序.exe", b"MZ....", "不支持该文件类型"),
    ("大.txt", "很".encode() * 400_000, "文件太大"),
    ("....", b"x", "文件名无法使用"),
])
async def test_bad_uploads_are_rejected_and_nothing_is_saved(
    bot: Harness, settings: Settings, name: str, content: bytes, expected: str
) -> None:
    mark = bot.fake.mark()
    bot.fake.document(name, content, user=ADMIN)
    [reply] = await bot.fake.sent_since(mark, ADMIN)
    assert expected in reply.text
    assert list(settings.briefings.iterdir()) == []
    assert bot.service.rebuilds == 0


async def test_staff_cannot_upload(bot: Harness, settings: Settings) -> None:
    mark = bot.fake.mark()
    bot.fake.document("简报.txt", NEW_BRIEFING.encode(), user=ALICE)
    [reply] = await bot.fake.sent_since(mark, ALICE)
    assert reply.text == "只有管理员可以上传简报。"
    assert list(settings.briefings.iterdir()) == []
    assert not bot.fake.successful("getFile")
