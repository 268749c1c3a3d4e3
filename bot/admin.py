"""Admin handlers: /status, /reindex and briefing uploads. Rebuilds run in a worker thread."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Message, Update
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import render, texts
from bot.access import AccessPolicy, DocumentReader, check_readable, store_upload, vet_upload
from bot.render import escape
from index.errors import BriefbotError, UnreadableFile
from index.service import QAService

__all__ = ["AdminHandlers"]

log = logging.getLogger("briefbot.bot")


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
        reader: DocumentReader,
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
