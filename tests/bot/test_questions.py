"""Questions end to end: the real Application polling the fake Bot API, answers from the FakeService."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from conftest import ALICE, BOB, CITATION_10, GROUP, Harness, running
from fake_service import FakeService
from fake_telegram import BOT_USERNAME, FakeTelegram, parse_html

from bot.config import BotSettings
from index.config import Settings
from index.errors import BadQuestion
from index.records import Answer, Quote, Source


async def test_private_question_gets_figure_quote_and_citation(bot: Harness) -> None:
    [reply] = await bot.ask("消薄飞地累计返利多少？")
    assert reply.startswith("<b>932.7 万元</b>（截至 2022年9月20日）")
    assert "<blockquote>截至目前，“消薄飞地”已实现满租，<b>累计返利 932.7 万元</b>。</blockquote>" in reply
    assert f"——{CITATION_10}" in reply
    assert set(bot.last_reply().buttons) >= {"上下文", "引用格式", "👍", "👎"}
    typing = bot.fake.successful("sendChatAction")
    assert typing and typing[0].params["action"] == "typing"


async def test_unanswerable_question_says_not_found_with_nearest_sections(bot: Harness) -> None:
    [reply] = await bot.ask("余姚的海洋渔业产值是多少？")
    assert reply.startswith("未在已收录的简报中找到与“余姚的海洋渔业产值是多少？”直接相关的内容。")
    assert "最接近的章节" in reply
    assert "<blockquote>" not in reply


async def test_group_ignores_chatter_but_answers_mentions_replies_and_ask(bot: Harness) -> None:
    fake = bot.fake
    fake.message("消薄飞地累计返利多少？", user=ALICE, chat=GROUP, chat_type="supergroup")
    mention = fake.mention(f"@{BOT_USERNAME} 消薄飞地累计返利多少？", user=ALICE, chat=GROUP)
    [reply] = await bot.replies(mention)
    assert "932.7" in reply
    assert bot.service.asked == ["消薄飞地累计返利多少？"]  # the plain message was never searched

    answer_message = fake.sent_message(bot.last_reply(GROUP))
    follow_up = fake.message("园区入驻企业多少家？", user=BOB, chat=GROUP, chat_type="supergroup",
                             reply_to=answer_message)
    [reply] = await bot.replies(follow_up)
    assert "<b>65 家</b>" in reply

    ask = fake.command("/ask 余姚到位援建资金多少？", user=ALICE, chat=GROUP, chat_type="supergroup")
    [reply] = await bot.replies(ask)
    assert "1264.5 万元" in reply

    other_mention = fake.mention("@someone_else 消薄飞地累计返利多少？", user=ALICE, chat=GROUP)
    reply_to_human = fake.message("入驻企业多少家？", user=BOB, chat=GROUP, chat_type="supergroup",
                                  reply_to=other_mention)
    await asyncio.sleep(1.0)
    assert len(bot.service.asked) == 3
    assert not [c for c in fake.successful("sendMessage") if c.reply_to in
                (other_mention["message_id"], reply_to_human["message_id"])]


async def test_ask_without_question_explains_usage(bot: Harness) -> None:
    reply = await bot.command("/ask")
    assert "用法：/ask 问题" in reply.text


async def test_html_in_an_answered_question_never_reaches_the_reply_raw(bot: Harness) -> None:
    [reply] = await bot.ask('<b>消薄飞地</b> <a href="x">累计返利</a> & <script>alert(1)</script>')
    assert "932.7" in reply
    assert "<script>" not in reply and "<a " not in reply


async def test_html_in_an_unanswered_question_is_shown_escaped(bot: Harness) -> None:
    [reply] = await bot.ask("<i>海洋渔业</i> & <pre>产值</pre>？")
    assert "&lt;i&gt;海洋渔业&lt;/i&gt; &amp; &lt;pre&gt;产值&lt;/pre&gt;？" in reply


async def test_bad_questions_get_a_sensible_reply_without_searching(bot: Harness) -> None:
    for text, expected in [
        ("问" * 10_000, "问题太长（10000 字）"),
        ("a" * 10 * 1024 * 1024, "问题太长（10485760 字）"),  # 10 MB: Telegram would never, a client might
        ("😀🎉👍", "请用文字提问"),
        ("   ？？？  ", "请用文字提问"),
    ]:
        reply = await bot.say(text)
        assert expected in reply.text
    assert bot.service.asked == []


async def test_the_service_is_asked_the_checked_question(bot: Harness) -> None:
    # The bot's check is the only one: the service (the fake asserts it) gets the text as checked.
    [reply] = await bot.ask("  消薄飞地\n累计返利\u3000多少？ ")
    assert "932.7" in reply
    assert bot.service.asked == ["消薄飞地 累计返利 多少？"]


async def test_service_errors_meant_for_users_are_relayed(bot: Harness) -> None:
    bot.service.canned.clear()
    reply = await bot.command("/ask \u3000")  # only an ideographic space: our own check answers
    assert "用法" in reply.text
    original = bot.service.ask

    def refuse(question: str) -> Answer:
        raise BadQuestion("没有看懂这个问题。")

    bot.service.ask = refuse  # type: ignore[method-assign]
    reply = await bot.say("这是一个问题")
    assert reply.text == "没有看懂这个问题。"
    bot.service.ask = original  # type: ignore[method-assign]


def _long_answer() -> Answer:
    source = Source(file="a.txt", title="测试简报", issue="2023年第1期", date="2023-01-05", section=("一、",))
    sentence = "这是一段很长的原文句子，其中包含 <特殊> & “符号”，用来检验拆分。"
    quotes = tuple(Quote(sentence * 60, 0, 10, 1.0, source, "《测试简报》2023年第1期（2023年1月5日）一、")
                   for _ in range(3))
    return Answer(question="长", answered=True, answer=sentence[:8], figure=None, quotes=quotes,
                  as_of="2023-01-05")


async def test_long_answers_are_split_into_valid_parts(bot: Harness) -> None:
    bot.service.canned["长回答测试"] = _long_answer()
    parts = await bot.ask("长回答测试")
    assert len(parts) >= 3
    for part in parts:
        assert len(part) < 4096
        parse_html(part)
    plain = "".join(parse_html(part) for part in parts)
    assert plain.count("<特殊> & “符号”") == 180  # nothing lost at the cuts
    assert bot.last_reply().buttons


async def test_twenty_users_asking_at_once_are_all_answered_concurrently(
    fake: FakeTelegram, service: FakeService, bot_settings: BotSettings, settings: Settings
) -> None:
    users = [20_000 + n for n in range(20)]
    many = dataclasses.replace(bot_settings, allowed_users=frozenset(users))
    service.delay = 0.5
    async with running(fake, service, many, settings) as bot:
        started = time.monotonic()
        questions = [fake.message("消薄飞地累计返利多少？", user=user) for user in users]
        results = await asyncio.gather(*(bot.replies(q, timeout=20) for q in questions))
        elapsed = time.monotonic() - started
    assert all("932.7" in parts[0] for parts in results)
    assert {call.chat_id for call in fake.successful("sendMessage")} == set(users)
    assert elapsed < 20 * 0.5 / 2, elapsed  # one after another would take 10 s


async def test_start_and_briefings(bot: Harness) -> None:
    start = await bot.command("/start")
    assert "直接发送问题即可" in start.text and "消薄飞地累计返利多少？" in start.text
    listing = await bot.command("/briefings", user=BOB)
    assert listing.text == (
        "<b>已收录 1 份简报</b>（新的在前）：\n"
        "• 《宁波支援合作工作简报》2022年第10期（2022年9月20日） — 8 句"
    )


async def test_unknown_command_in_private_gets_the_usage(bot: Harness) -> None:
    reply = await bot.command("/foo")
    assert "<b>用法</b>" in reply.text
