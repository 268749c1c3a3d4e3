"""The buttons under an answer: more sources, context, citation, feedback; and expired or replayed data."""

from __future__ import annotations

import logging

import pytest
from conftest import ALICE, BOB, CITATION_10, Harness

from index.records import Answer, Quote


async def _answered(bot: Harness, question: str = "消薄飞地累计返利多少？",
                    user: int = ALICE) -> dict[str, str]:
    await bot.ask(question, user=user)
    return bot.last_reply(user).buttons


async def test_context_shows_the_paragraph_with_the_quote_marked(bot: Harness) -> None:
    buttons = await _answered(bot)
    mark = bot.fake.mark()
    bot.fake.press(bot.last_reply(), buttons["上下文"], user=ALICE)
    [reply] = await bot.fake.sent_since(mark, ALICE)
    assert reply.text.startswith("<b>上下文</b>\n（二）飞地经济引领消薄增收。组建强村公司")
    assert "<b><u>截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。</u></b>" in reply.text
    assert reply.text.endswith(f"——{CITATION_10}")
    await bot.fake.wait_for("answerCallbackQuery")


async def test_citation_button_and_cite_command_give_a_pasteable_block(bot: Harness) -> None:
    buttons = await _answered(bot)
    mark = bot.fake.mark()
    bot.fake.press(bot.last_reply(), buttons["引用格式"], user=ALICE)
    [reply] = await bot.fake.sent_since(mark, ALICE)
    assert "<pre>“截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。”\n" in reply.text
    assert "出处：宁波支援合作工作简报[R]. 2022年第10期, 2022-09-20: 一、（二）." in reply.text
    cite = await bot.command("/cite")
    assert cite.text == reply.text


async def test_cite_before_any_question(bot: Harness) -> None:
    reply = await bot.command("/cite", user=BOB)
    assert "还没有可引用的回答" in reply.text


async def test_more_sources_lists_the_remaining_quotes(bot: Harness) -> None:
    first = bot.service.ask("消薄飞地累计返利多少？").quotes[0]
    extra = tuple(Quote(f"第{n}条相关原文。", 0, 6, 0.1, first.source, first.citation) for n in range(4))
    bot.service.canned["更多出处测试"] = Answer("更多出处测试", True, None, None, (first, *extra))
    buttons = await _answered(bot, "更多出处测试")
    assert list(buttons) == ["更多出处", "上下文", "引用格式", "👍", "👎", "加入会议材料"]
    mark = bot.fake.mark()
    bot.fake.press(bot.last_reply(), buttons["更多出处"], user=ALICE)
    [reply] = await bot.fake.sent_since(mark, ALICE)
    assert reply.text.startswith("<b>更多出处</b>")
    assert "第2条相关原文" in reply.text and "第3条相关原文" in reply.text and "第1条" not in reply.text


async def test_feedback_is_logged_with_ids_only(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    buttons = await _answered(bot)
    bot.fake.press(bot.last_reply(), buttons["👎"], user=ALICE)
    [ack] = await bot.fake.wait_for("answerCallbackQuery")
    assert ack.params["text"] == "已记录，谢谢反馈！"
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("feedback")]
    key = buttons["👎"].split(":")[1]
    assert line == f"feedback answer={key} user={ALICE} chat={ALICE} vote=down"
    assert "消薄飞地" not in caplog.text


async def test_expired_or_foreign_button_data_is_handled_gracefully(bot: Harness) -> None:
    buttons = await _answered(bot)
    bot.fake.press(bot.last_reply(), "c:unknownkey", user=ALICE)
    [ack] = await bot.fake.wait_for("answerCallbackQuery")
    assert ack.params["text"] == "这个回答已过期，请重新提问。"
    # Alice's button pressed from Bob's chat (forged data) finds nothing either.
    await bot.ask("园区入驻企业多少家？", user=BOB)
    bot.fake.press(bot.last_reply(BOB), buttons["引用格式"], user=BOB)
    acks = await bot.fake.wait_for("answerCallbackQuery", count=2)
    assert acks[1].params["text"] == "这个回答已过期，请重新提问。"
    bot.fake.press(bot.last_reply(), "garbage", user=ALICE)
    acks = await bot.fake.wait_for("answerCallbackQuery", count=3)
    assert acks[2].params["text"] == "这个回答已过期，请重新提问。"


async def test_unanswered_reply_offers_feedback_and_the_sheet_only(bot: Harness) -> None:
    # "简报中未找到" belongs in meeting notes too, so the sheet button stays; the quote buttons do not.
    buttons = await _answered(bot, "余姚的海洋渔业产值是多少？")
    assert list(buttons) == ["👍", "👎", "加入会议材料"]
    key = buttons["👍"].split(":")[1]
    bot.fake.press(bot.last_reply(), f"c:{key}", user=ALICE)  # forged: there is no quote to show
    [ack] = await bot.fake.wait_for("answerCallbackQuery")
    assert ack.params["text"] == "这个回答已过期，请重新提问。"
