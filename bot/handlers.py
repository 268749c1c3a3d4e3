"""Thin async handlers: questions, buttons, commands, admin uploads. Library calls run in worker threads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import render, texts
from bot.access import AccessPolicy, DocumentReader, check_readable, is_addressed, store_upload, vet_upload
from bot.render import escape
from index.answer import MAX_QUESTION
from index.errors import BadQuestion, BriefbotError, UnreadableFile
from index.library import validate_question
from index.records import Answer
from index.service import QAService

__all__ = ["MAX_QUESTION", "AdminHandlers", "AnswerCache", "QuestionHandlers", "send_parts"]

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


def check_question(question: str) -> str | None:
    """A message (plain text) when the question cannot be searched, else None."""
    try:
        validate_question(question)
    except BadQuestion as error:
        return str(error)
    return None


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

    def __init__(self, service: QAService, policy: AccessPolicy) -> None:
        self.service = service
        self.policy = policy
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
            await self.answer(update.message, update.message.text or "", context)

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or not is_addressed(message, context.bot):
            return
        await self.answer(message, _without_mention(message, context.bot.username), context)

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
        await self.answer(message, question, context)

    async def answer(self, message: Message, question: str, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Search one question off the event loop and reply with quotes, citations and buttons."""
        problem = check_question(question)
        if problem is not None:
            await message.reply_text(escape(problem))
            return
        chat_id = message.chat.id
        if message.chat.type == ChatType.PRIVATE:
            # Cosmetic, so skipped in groups: the rate limiter counts it against a group's 20 messages a minute.
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        started = time.perf_counter()
        try:
            answer = await asyncio.to_thread(self.service.ask, question.strip())
        except BriefbotError as error:
            await message.reply_text(escape(str(error)))
            return
        key = self.answers.put(chat_id, answer)
        parts = render.render_answer(answer)
        await send_parts(context, chat_id, parts, reply_to=message, markup=keyboard(key, answer))
        log.info("answered chat=%d user=%d answer=%s found=%s quotes=%d parts=%d ms=%.0f", chat_id,
                 message.from_user.id if message.from_user else 0, key, answer.answered, len(answer.quotes),
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


class _Progress:
    """The latest (stage, done, total) reported by the rebuild thread; read by the event loop."""

    def __init__(self) -> None:
        self.latest: tuple[str, int, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.latest = (stage, done, total)  # one reference assignment: safe across threads


class AdminHandlers:
    """/status, /reindex and briefing uploads; one rebuild at a time, questions keep being answered."""

    def __init__(
        self,
        service: QAService,
        briefings: Path,
        policy: AccessPolicy,
        max_upload_bytes: int,
        reader: DocumentReader | None = None,
        progress_interval: float = 1.0,
    ) -> None:
        self.service = service
        self.briefings = briefings
        self.policy = policy
        self.max_upload_bytes = max_upload_bytes
        self.reader = reader
        self.progress_interval = progress_interval  # ≥ 1 s between edits keeps clear of Telegram's limits
        self._rebuilding = asyncio.Lock()
        self._saving = asyncio.Lock()

    async def _admin_message(self, update: Update) -> Message | None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return None
        if not self.policy.is_admin(user.id):
            log.warning("admin command refused user=%d chat=%d", user.id, message.chat.id)
            await message.reply_text(escape(texts.ADMIN_ONLY))
            return None
        return message

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = await self._admin_message(update)
        if message is not None:
            info = await asyncio.to_thread(self.service.info)
            await message.reply_text(render.render_status(info))

    async def reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = await self._admin_message(update)
        if message is None:
            return
        if self._rebuilding.locked():
            await message.reply_text(escape(texts.REINDEX_BUSY))
            return
        async with self._rebuilding:
            await self._rebuild(message)

    async def _rebuild(self, message: Message) -> None:
        """Rebuild in a worker thread, editing one status message with progress, then the summary."""
        status = await message.reply_text(escape(texts.REINDEX_STARTED))
        progress = _Progress()
        task = asyncio.ensure_future(asyncio.to_thread(self.service.rebuild, progress))
        loop = asyncio.get_running_loop()
        shown, edited_at = "", loop.time()
        while not task.done():
            await asyncio.wait({task}, timeout=self.progress_interval)
            if not task.done() and progress.latest is not None:
                text = render.render_progress(*progress.latest)
                if text != shown and await _edit(status, text):
                    shown, edited_at = text, loop.time()
        try:
            report = task.result()
        except BriefbotError as error:
            log.warning("rebuild failed, old index kept: %s", error)
            final = [texts.REINDEX_FAILED.format(reason=escape(str(error)))]
        except Exception:
            log.exception("rebuild failed, old index kept")
            final = [texts.REINDEX_FAILED_INTERNAL]
        else:
            log.info("rebuild done files=%d sentences=%d embedded=%d seconds=%.1f", report.files_indexed
                     + report.files_reused, report.sentences, report.embedded, report.seconds)
            final = render.render_report(report)
        # The summary keeps the same spacing as progress edits, so the message is never edited in a burst.
        await asyncio.sleep(max(0.0, edited_at + self.progress_interval - loop.time()))
        if not await _edit(status, final[0]):
            await message.reply_text(final[0])
        for part in final[1:]:
            await message.reply_text(part)

    async def upload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An admin's briefing file: checked, saved into the briefings folder, then indexed."""
        message, user = update.message, update.effective_user
        if message is None or user is None or message.document is None:
            return
        if not self.policy.is_admin(user.id):
            log.warning("upload refused user=%d chat=%d", user.id, message.chat.id)
            await message.reply_text(escape(texts.UPLOAD_ADMIN_ONLY))
            return
        document = message.document
        name, problem = vet_upload(document.file_name or "", document.file_size or 0, self.max_upload_bytes)
        if name is None or problem is not None:
            await message.reply_text(escape(problem or texts.UPLOAD_BAD_NAME))
            return
        try:
            data = await _download(context, document.file_id)
        except TelegramError as error:
            log.warning("upload download failed user=%d: %s", user.id, type(error).__name__)
            await message.reply_text(escape(texts.UPLOAD_DOWNLOAD_FAILED))
            return
        _, problem = vet_upload(name, len(data), self.max_upload_bytes)  # file_size is the sender's claim
        if problem is not None:
            await message.reply_text(escape(problem))
            return
        try:
            await asyncio.to_thread(check_readable, name, data, self.reader)
        except UnreadableFile as error:
            await message.reply_text(texts.UPLOAD_UNREADABLE.format(reason=escape(error.reason)))
            return
        async with self._saving:
            path, fresh = await asyncio.to_thread(store_upload, self.briefings, name, data)
        log.info("upload user=%d file=%s bytes=%d new=%s", user.id, path.name, len(data), fresh)
        if not fresh:
            await message.reply_text(texts.UPLOAD_SAME.format(name=escape(path.name)))
            return
        await message.reply_text(texts.UPLOAD_SAVED.format(name=escape(path.name)))
        async with self._rebuilding:  # an upload waits for a running rebuild rather than being dropped
            await self._rebuild(message)


async def _edit(message: Message, text: str) -> bool:
    """Edit a status message; False if Telegram refused (the caller may send a new one instead)."""
    try:
        await message.edit_text(text)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return True
        log.warning("status edit refused: %s", error)
        return False
    except TelegramError as error:
        log.warning("status edit failed: %s", type(error).__name__)
        return False
    return True


async def _download(context: ContextTypes.DEFAULT_TYPE, file_id: str, attempts: int = 3) -> bytes:
    # File downloads bypass the rate limiter's retries, so network hiccups are retried here.
    for attempt in range(attempts):
        try:
            file = await context.bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())
        except BadRequest:
            raise
        except NetworkError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")
