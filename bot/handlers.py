"""Thin async handlers: questions, buttons and commands. Questions run in their own pool, the rest in threads."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import render, texts
from bot.access import AccessPolicy, is_addressed
from bot.fairness import QuestionQueue
from bot.render import escape
from index.errors import BadQuestion, BriefbotError
from index.records import Answer
from index.service import QAService
from index.validate import validate_question

__all__ = ["AnswerCache", "QuestionHandlers", "send_parts"]

log = logging.getLogger("briefbot.bot")


class AnswerCache:
    """Recent answers under short random keys, so button data stays small and reveals nothing."""

    def __init__(self, capacity: int = 2000) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, tuple[int, Answer]] = OrderedDict()
        self._last: dict[int, str] = {}

    def put(self, chat_id: int, answer: Answer) -> str:
        key = secrets.token_urlsafe(6)
        self._items[key] = (chat_id, answer)
        self._last[chat_id] = key
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str, chat_id: int) -> Answer | None:
        """The answer, if still cached and given in this chat (a button cannot be replayed elsewhere)."""
        item = self._items.get(key)
        return item[1] if item is not None and item[0] == chat_id else None

    def last(self, chat_id: int) -> Answer | None:
        key = self._last.get(chat_id)
        return self.get(key, chat_id) if key is not None else None


def keyboard(key: str, answer: Answer) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if answer.answered and answer.quotes:
        row = [
            InlineKeyboardButton(texts.BUTTON_CONTEXT, callback_data=f"c:{key}"),
            InlineKeyboardButton(texts.BUTTON_CITE, callback_data=f"q:{key}"),
        ]
        if len(answer.quotes) > render.SHOWN_QUOTES:
            row.insert(0, InlineKeyboardButton(texts.BUTTON_MORE, callback_data=f"m:{key}"))
        rows.append(row)
    rows.append([
        InlineKeyboardButton(texts.BUTTON_UP, callback_data=f"f:{key}:up"),
        InlineKeyboardButton(texts.BUTTON_DOWN, callback_data=f"f:{key}:down"),
    ])
    rows.append([InlineKeyboardButton(texts.BUTTON_SHEET, callback_data=f"s:{key}")])  # handled in bot/sheet.py
    return InlineKeyboardMarkup(rows)


async def send_parts(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    parts: Sequence[str],
    reply_to: Message | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send HTML parts in order; the first replies to the question, the last carries the buttons."""
    sent = None
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        sent = await context.bot.send_message(
            chat_id,
            part,
            reply_to_message_id=reply_to.message_id if reply_to is not None and number == 0 else None,
            reply_markup=markup if last else None,
        )
    return sent


def _without_mention(message: Message, username: str) -> str:
    """The question text with the bot's @mention cut out (entity offsets count UTF-16 units)."""
    text = message.text or ""
    mentions = [
        entity
        for entity, value in message.parse_entities([MessageEntity.MENTION]).items()
        if value.lower() == f"@{username}".lower()
    ]
    encoded = text.encode("utf-16-le")
    for entity in sorted(mentions, key=lambda item: item.offset, reverse=True):
        encoded = encoded[: entity.offset * 2] + encoded[(entity.offset + entity.length) * 2 :]
    return encoded.decode("utf-16-le")


class QuestionHandlers:
    """Questions, answer buttons and the everyday commands."""

    def __init__(self, service: QAService, policy: AccessPolicy, queue: QuestionQueue) -> None:
        self.service = service
        self.policy = policy
        self.queue = queue
        self.answers = AnswerCache()

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(texts.START)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        extra = texts.HELP_ADMIN if self.policy.is_admin(user.id) else ""
        await message.reply_text(texts.HELP + extra)

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None:
            await self.answer(update, update.message, update.message.text or "", context)

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or not is_addressed(message, context.bot):
            return
        await self.answer(update, message, _without_mention(message, context.bot.username), context)

    async def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or not message.text:
            return
        # The text after the command entity, spacing kept (context.args would re-join on single spaces);
        # the command is ASCII, so its UTF-16 length is its length in characters.
        command = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND), None)
        question = message.text[command.offset + command.length :] if command is not None else ""
        if not question.strip():
            await message.reply_text(escape(texts.ASK_USAGE))
            return
        await self.answer(update, message, question, context)

    async def answer(self, update: Update, message: Message, question: str,
                     context: ContextTypes.DEFAULT_TYPE) -> None:
        """Check a question, let it into its user's line and return: the line answers it in its turn.

        The check is the only one a question gets (the service trusts it), made here so a bad question
        is answered at once and takes no place in the line. Returning at once frees PTB's update slot,
        so a flood of questions never keeps other updates (commands, other users) waiting to be looked at.
        """
        try:
            question = validate_question(question)
        except BadQuestion as problem:
            await message.reply_text(escape(str(problem)))
            return
        user_id = message.from_user.id if message.from_user is not None else message.chat.id
        if not self.queue.admit(user_id):
            log.info("question refused, line full user=%d chat=%d", user_id, message.chat.id)
            if self.queue.should_tell(user_id):
                # Quoting the refused question shows where the line was cut.
                await message.reply_text(escape(texts.LINE_FULL.format(limit=self.queue.per_user)), do_quote=True)
            return
        # Only the first question of a line shows "typing": later ones follow answers already arriving, and
        # every call counts against the bot's 30 messages a second, which all users share.
        typing = self.queue.waiting(user_id) == 1 and message.chat.type == ChatType.PRIVATE
        # Given the update, a failure reaches the error handler, which apologises in the right chat.
        context.application.create_task(self._answer_in_turn(message, question, context, user_id, typing),
                                        update=update)

    async def _answer_in_turn(self, message: Message, question: str, context: ContextTypes.DEFAULT_TYPE,
                              user_id: int, typing: bool) -> None:
        """Search one question in the question pool and reply with quotes, citations and buttons."""
        chat_id = message.chat.id
        if typing:
            # Cosmetic, so skipped in groups: the rate limiter counts it against a group's 20 messages a minute.
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        started = time.perf_counter()
        try:
            answer = await self.queue.run(user_id, functools.partial(self.service.ask, question))
        except BriefbotError as error:
            await message.reply_text(escape(str(error)))
            return
        key = self.answers.put(chat_id, answer)
        parts = render.render_answer(answer)
        await send_parts(context, chat_id, parts, reply_to=message, markup=keyboard(key, answer))
        log.info("answered chat=%d user=%d answer=%s found=%s quotes=%d parts=%d ms=%.0f", chat_id,
                 user_id, key, answer.answered, len(answer.quotes),
                 len(parts), (time.perf_counter() - started) * 1000)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None or chat is None or user is None:
            return
        action, _, rest = (query.data or "").partition(":")
        key, _, vote = rest.partition(":")
        answer = self.answers.get(key, chat.id)
        if answer is None or action not in {"m", "c", "q", "f"} or (action != "f" and not answer.quotes):
            # Keys live in memory: after a restart or eviction old buttons point nowhere; forged data too.
            await query.answer(texts.EXPIRED, show_alert=True)
            return
        if action == "f":
            log.info("feedback answer=%s user=%d chat=%d vote=%s", key, user.id, chat.id,
                     "up" if vote == "up" else "down")
            await query.answer(texts.THANKS)
            return
        await query.answer()
        if action == "m":
            parts = render.render_more(answer)
        elif action == "q":
            parts = render.render_citation(answer)
        else:
            try:
                found = await asyncio.to_thread(self.service.context, answer.quotes[0])
            except BriefbotError as error:
                parts = [escape(str(error))]
            else:
                parts = render.render_context(found)
        await send_parts(context, chat.id, parts)

    async def briefings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        info = await asyncio.to_thread(self.service.info)
        await send_parts(context, chat.id, render.render_briefings(info), reply_to=update.effective_message)

    async def cite(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        answer = self.answers.last(chat.id)
        parts = render.render_citation(answer) if answer is not None else [escape(texts.NO_LAST_ANSWER)]
        await send_parts(context, chat.id, parts, reply_to=update.effective_message)
