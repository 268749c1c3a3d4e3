"""The meeting sheet in the bot: collect answers with a button, list and remove them, export a .docx that
survives a restart, and keep strangers out."""

from __future__ import annotations

import asyncio
import io
import signal
from pathlib import Path

import docx
import pytest
from conftest import ALICE, BOB, CITATION_10, STRANGER, Harness, running
from fake_service import FakeService
from fake_telegram import Call, FakeTelegram
from serve_process import start_serve
from test_serve import _serve_env

from bot.config import BotSettings
from bot.sheet_store import MAX_ITEMS, SheetStore
from index.config import Settings
from index.records import Answer, Quote
from index.sheet_render import SOURCE_STYLE

QUESTIONS = ("消薄飞地累计返利多少？", "园区入驻企业多少家？", "余姚到位援建资金多少？")


async def _collect(bot: Harness, question: str, user: int = ALICE) -> Call:
    """Ask, press "加入会议材料", return the acknowledgement."""
    await bot.ask(question, user=user)
    reply = bot.last_reply(user)
    mark = bot.fake.mark()
    bot.fake.press(reply, reply.buttons["加入会议材料"], user=user)
    [ack] = await bot.fake.wait_for("answerCallbackQuery", where=lambda c: c.seq >= mark)
    return ack


async def _document(bot: Harness, command: str, user: int = ALICE) -> Call:
    mark = bot.fake.mark()
    bot.fake.command(command, user=user)
    [sent] = await bot.fake.wait_for("sendDocument", chat_id=user, where=lambda c: c.seq >= mark, timeout=20)
    return sent


def _docx(call: Call) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(call.files["document"])).paragraphs]


async def test_collect_list_remove_and_clear(bot: Harness) -> None:
    ack = await _collect(bot, QUESTIONS[0])
    assert ack.params["text"].startswith("已加入会议材料（共 1 条）")
    again = bot.last_reply()
    mark = bot.fake.mark()
    bot.fake.press(again, again.buttons["加入会议材料"], user=ALICE)
    [same] = await bot.fake.wait_for("answerCallbackQuery", where=lambda c: c.seq >= mark)
    assert same.params["text"] == "这个回答已在会议材料中。"
    await _collect(bot, QUESTIONS[1])
    listing = await bot.command("/sheet")
    assert "<b>会议材料（2 条）</b>\n1. 消薄飞地累计返利多少？ — 932.7 万元\n2. 园区入驻企业多少家？" in listing.text
    assert list(listing.buttons) == ["删除 1", "删除 2"]
    mark = bot.fake.mark()
    bot.fake.press(listing, listing.buttons["删除 1"], user=ALICE)
    [edited] = await bot.fake.wait_for("editMessageText", where=lambda c: c.seq >= mark)
    assert "会议材料（1 条）" in edited.text and "1. 园区入驻企业多少家？" in edited.text
    assert "消薄飞地" not in edited.text
    cleared = await bot.command("/sheet clear")
    assert cleared.text == "已清空会议材料（1 条）。"
    assert "还没有收集会议材料" in (await bot.command("/sheet")).text
    assert "还没有收集会议材料" in (await bot.command("/sheet docx")).text


async def test_collections_are_per_chat(bot: Harness) -> None:
    await _collect(bot, QUESTIONS[0], user=ALICE)
    assert "还没有收集会议材料" in (await bot.command("/sheet", user=BOB)).text
    listing = await bot.command("/sheet", user=ALICE)
    mark = bot.fake.mark()
    bot.fake.press(bot.fake.sent_message(listing) | {"chat": {"id": BOB, "type": "private"}},
                   listing.buttons["删除 1"], user=BOB)  # Bob replays Alice's button in his own chat
    [ack] = await bot.fake.wait_for("answerCallbackQuery", where=lambda c: c.seq >= mark)
    assert ack.params["text"] == "这一条已不在会议材料中。"
    assert "会议材料（1 条）" in (await bot.command("/sheet", user=ALICE)).text


async def test_a_full_collection_says_so_politely(bot: Harness, settings: Settings,
                                                  bot_settings: BotSettings) -> None:
    store = SheetStore(bot_settings.sheet_path(settings.index))
    template = bot.service.ask(QUESTIONS[0])
    for n in range(MAX_ITEMS):
        assert store.add(ALICE, Answer(f"问题{n}", True, None, None, template.quotes))[0] == "added"
    ack = await _collect(bot, QUESTIONS[1])
    assert ack.params["text"].startswith(f"会议材料已有 {MAX_ITEMS} 条，达到上限")
    assert ack.params["show_alert"] == "true"
    assert len(store.items(ALICE)) == MAX_ITEMS


async def test_strangers_get_no_sheet(bot: Harness, settings: Settings, bot_settings: BotSettings) -> None:
    refusal = await bot.command("/sheet docx", user=STRANGER)
    assert "权限" in refusal.text
    message = {"message_id": 5, "date": 0, "chat": {"id": STRANGER, "type": "private"}}
    bot.fake.press(message, "sr:1", user=STRANGER)
    await bot.fake.wait_for("answerCallbackQuery")
    assert bot.fake.successful("sendDocument") == [] and bot.fake.successful("editMessageText") == []
    assert SheetStore(bot_settings.sheet_path(settings.index)).items(STRANGER) == []


async def test_quotes_that_left_the_index_are_asked_afresh(bot: Harness) -> None:
    real = bot.service.ask(QUESTIONS[0]).quotes[0]
    gone = Quote("这句话已不在简报里。", 0, 10, 1.0, real.source, real.citation)
    bot.service.canned["旧的回答"] = Answer("旧的回答", True, None, None, (gone,))
    await _collect(bot, "旧的回答")
    bot.service.canned.clear()
    sent = await _document(bot, "/sheet md")
    text = sent.files["document"].decode("utf-8")
    assert "这句话已不在简报里" not in text and "## 1. 旧的回答" in text


async def test_three_answers_survive_a_restart_and_come_back_as_a_docx(
    fake: FakeTelegram, service: FakeService, bot_settings: BotSettings, settings: Settings,
) -> None:
    async with running(fake, service, bot_settings, settings) as bot:
        for question in QUESTIONS:
            assert (await _collect(bot, question)).params["text"].startswith("已加入会议材料")
        old_answer = bot.last_reply()
    # A new Application over the same files: what a restart of `briefbot serve` starts from.
    async with running(fake, FakeService(settings.briefings), bot_settings, settings) as bot:
        mark = fake.mark()
        fake.press(old_answer, old_answer.buttons["加入会议材料"], user=ALICE)
        [expired] = await fake.wait_for("answerCallbackQuery", where=lambda c: c.seq >= mark)
        assert "已过期" in expired.params["text"]
        assert "会议材料（3 条）" in (await bot.command("/sheet")).text
        sent = await _document(bot, "/sheet docx")
    assert sent.file_names["document"].startswith("会议材料-") and sent.file_names["document"].endswith(".docx")
    assert sent.params["caption"] == "会议材料：3 个问题"
    paragraphs = _docx(sent)
    assert paragraphs[0] == ("Title", "会议材料：简报原文摘录")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [f"{n}. {q}" for n, q in enumerate(QUESTIONS, 1)] + ["资料来源"]
    assert ("Quote", "截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。") in paragraphs
    assert (SOURCE_STYLE, f"—— {CITATION_10}") in paragraphs
    quotes = [i for i, (style, _) in enumerate(paragraphs) if style == "Quote"]
    assert quotes and all(paragraphs[i + 1][0] == SOURCE_STYLE for i in quotes)
    assert paragraphs[-1] == ("List Number", "《宁波支援合作工作简报》2022年第10期（2022年9月20日），文件 "
                                            "宁波支援合作工作简报_2022第10期.txt")


def test_the_sheet_file_sits_beside_the_index_unless_set(tmp_path: Path) -> None:
    settings = BotSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:A"})
    assert settings.sheet_path(tmp_path / "var" / "index") == tmp_path / "var" / "meeting-sheets.sqlite3"
    chosen = BotSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:A", "BRIEFBOT_SHEET_DB": str(tmp_path / "s.db")})
    assert chosen.sheet_path(tmp_path / "index") == tmp_path / "s.db"


def test_the_store_keeps_every_field_of_an_answer(tmp_path: Path) -> None:
    from index.records import Figure, PastFigure

    base = FakeService(tmp_path).ask(QUESTIONS[0])
    past = PastFigure(Figure("900 万元", 9e6, "元", 3, 9), "2022-06-20", base.quotes[0])
    answer = Answer(base.question, True, base.answer, Figure("932.7 万元", 9327000.0, "元", 40, 48),
                    base.quotes, as_of="2022-09-20", nearest=(base.quotes[0].source,), history=(past,))
    store = SheetStore(tmp_path / "s.sqlite3")
    assert store.add(ALICE, answer) == ("added", 1)
    [item] = SheetStore(tmp_path / "s.sqlite3").items(ALICE)  # a second opening: what a restart sees
    assert item.answer == answer
    assert store.remove(BOB, item.id) is False and store.remove(ALICE, item.id) is True
    assert store.items(ALICE) == []


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0


async def _ask_and_collect(fake: FakeTelegram, question: str) -> str:
    """Ask the serving process, press "加入会议材料" under the answer; the acknowledgement's text."""
    asked = fake.message(question, user=ALICE)
    [first] = await fake.wait_for("sendMessage", timeout=120, where=lambda c: c.reply_to == asked["message_id"])
    [answer, *_] = await fake.wait_for("sendMessage",
                                       where=lambda c: c.seq >= first.seq and c.markup is not None)
    mark = fake.mark()
    fake.press(answer, answer.buttons["加入会议材料"], user=ALICE)
    [ack] = await fake.wait_for("answerCallbackQuery", where=lambda c: c.seq >= mark)
    return ack.params["text"]


async def _sheet_across_a_restart(fake: FakeTelegram, tmp_path: Path, model: str | None,
                                  startup_timeout: float) -> list[tuple[str, str]]:
    env = _serve_env(fake, tmp_path, model=model)
    process = await start_serve(env, fake, startup_timeout)
    try:
        for question in QUESTIONS:
            assert (await _ask_and_collect(fake, question)).startswith("已加入会议材料")
        await _stop(process)
        process = await start_serve(env, fake, startup_timeout)  # a new process over the same files
        mark = fake.mark()
        fake.command("/sheet docx", user=ALICE)
        [sent] = await fake.wait_for("sendDocument", timeout=120, where=lambda c: c.seq >= mark)
        await _stop(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert (tmp_path / "meeting-sheets.sqlite3").is_file()
    paragraphs = _docx(sent)
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings[:3] == [f"{n}. {q}" for n, q in enumerate(QUESTIONS, 1)]
    return paragraphs


@pytest.mark.slow
async def test_serve_keeps_the_sheet_across_a_process_restart(fake: FakeTelegram, tmp_path: Path) -> None:
    await _sheet_across_a_restart(fake, tmp_path, model="fake", startup_timeout=120)


@pytest.mark.model
@pytest.mark.slow
async def test_serve_real_model_sheet_across_a_process_restart(fake: FakeTelegram, tmp_path: Path) -> None:
    paragraphs = await _sheet_across_a_restart(fake, tmp_path, model=None, startup_timeout=900)
    assert ("Normal", "答：累计返利 932.7 万元（截至 2022年9月20日）") in paragraphs
    assert (SOURCE_STYLE, f"—— {CITATION_10}") in paragraphs


def test_an_unwritable_sheet_file_stops_serve_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from paths import SEED

    from bot.serve import run

    (tmp_path / "briefings").mkdir()
    (tmp_path / "briefings" / SEED.name).write_bytes(SEED.read_bytes())
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    settings = Settings(tmp_path / "briefings", tmp_path / "index", "fake", tmp_path / "cache")
    env = {"TELEGRAM_BOT_TOKEN": "123:ABC", "BRIEFBOT_SHEET_DB": str(tmp_path / "a-file" / "sheets.sqlite3")}
    assert run(settings, env) == 2
    err = capsys.readouterr().err
    assert "cannot open the meeting-sheet file" in err and "BRIEFBOT_SHEET_DB" in err


async def test_the_fake_bot_api_is_strict_about_documents(fake: FakeTelegram) -> None:
    import aiohttp

    url = f"{fake.base_url}/bot{fake.token}/sendDocument"

    async def send(document: bytes | None, caption: str = "") -> int:
        form = aiohttp.FormData()
        form.add_field("chat_id", str(ALICE))
        form.add_field("caption", caption)
        form.add_field("parse_mode", "HTML")
        if document is not None:
            form.add_field("document", document, filename="会议材料.docx")
        async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
            return response.status

    assert await send(b"PK\x03\x04 a document") == 200
    assert await send(None) == 400
    assert await send(b"") == 400
    assert await send(b"x", caption="长" * 1025) == 400
    assert await send(b"x", caption="<b>未闭合") == 400
    [ok] = fake.successful("sendDocument")
    assert ok.file_names["document"] == "会议材料.docx"
    fake.calls.clear()  # the 400s were provoked here, not sent by a bot
