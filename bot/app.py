"""The one Application factory, used by `briefbot serve` and by the tests alike."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from bot.access import AccessGate, AccessPolicy, DocumentReader
from bot.admin import AdminHandlers
from bot.config import BotSettings, redact_secret
from bot.fairness import QuestionQueue
from bot.handlers import QuestionHandlers
from bot.render import escape
from bot.sheet import ADD, REMOVE, SheetHandlers
from bot.sheet_store import SheetStore
from index.config import Settings
from index.service import QAService

__all__ = ["BotApplication", "RetryingRateLimiter", "apologise", "build_application"]

log = logging.getLogger("briefbot.bot")

BotApplication = Application[Any, Any, Any, Any, Any, Any]
CONCURRENT_UPDATES = 32  # updates looked at side by side; questions then wait in bot.fairness, not here
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML,
    link_preview_options=LinkPreviewOptions(is_disabled=True),
    allow_sending_without_reply=True,  # a deleted question still gets its answer
)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (which waits out 429 retry_after) plus a few retries on network errors and 5xx.

    PTB reports 5xx and timeouts as NetworkError; BadRequest is a NetworkError subclass too but means
    the request itself is wrong, so it is never retried. A timed-out send may have been delivered, so a
    retry can rarely duplicate a message: better than a question left unanswered.
    """

    def __init__(self, network_retries: int = 3, backoff: float = 0.5, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as error:
                if attempt >= self.network_retries:
                    raise
                delay = self.backoff * 2**attempt
                attempt += 1
                log.warning("Bot API %s failed (%s); retry %d in %.1f s", endpoint, type(error).__name__,
                            attempt, delay)
                await asyncio.sleep(delay)


async def apologise(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The error handler: a full log line for us, a short apology for the user, never the message text."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.APOLOGY, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type != ChatType.CHANNEL:
            await context.bot.send_message(update.effective_chat.id, escape(texts.APOLOGY))
    except TelegramError as error:  # Telegram itself may be what failed; the log line above is what matters
        log.warning("apology not delivered for update %s: %s", update_id, type(error).__name__)


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


def _post_init(policy: AccessPolicy) -> Callable[[BotApplication], Coroutine[Any, Any, None]]:
    async def post_init(application: BotApplication) -> None:
        bot = application.bot
        await bot.set_my_commands(_commands(texts.COMMANDS))
        for admin in sorted(policy.admins):
            try:
                await bot.set_my_commands(_commands(texts.COMMANDS + texts.ADMIN_COMMANDS),
                                          scope=BotCommandScopeChat(admin))
            except TelegramError as error:  # e.g. the admin has not opened a chat with the bot yet
                log.warning("admin commands not set for user=%d: %s", admin, type(error).__name__)
        log.info("bot @%s ready: %d allowed users, %d allowed chats, %d admins", bot.username,
                 len(policy.users), len(policy.chats), len(policy.admins))

    return post_init


def _post_shutdown(queue: QuestionQueue) -> Callable[[BotApplication], Coroutine[Any, Any, None]]:
    async def post_shutdown(application: BotApplication) -> None:
        queue.shutdown()

    return post_shutdown


def build_application(
    bot_settings: BotSettings,
    settings: Settings,
    service: QAService,
    *,
    read_document: DocumentReader,
    progress_interval: float = 1.0,
) -> BotApplication:
    """The bot with every handler registered; `read_document` is index.readers.read_document, given by serve.py."""
    redact_secret(bot_settings.token)
    if bot_settings.webhook is not None:
        redact_secret(bot_settings.webhook.secret)
    policy = AccessPolicy.from_settings(bot_settings)
    queue = QuestionQueue(bot_settings.question_workers, bot_settings.max_waiting_per_user)
    questions = QuestionHandlers(service, policy, queue)
    sheets = SheetHandlers(service, SheetStore(bot_settings.sheet_path(settings.index)), questions.answers)
    admin = AdminHandlers(service, settings.briefings, policy, bot_settings.max_upload_bytes, read_document,
                          progress_interval)
    timeout = bot_settings.http_timeout
    application: BotApplication = (
        ApplicationBuilder()
        .token(bot_settings.token)
        .base_url(bot_settings.api_base_url)
        .base_file_url(bot_settings.file_base_url)
        .defaults(DEFAULTS)
        .rate_limiter(RetryingRateLimiter())
        .concurrent_updates(CONCURRENT_UPDATES)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .write_timeout(timeout)
        .pool_timeout(timeout)
        .post_init(_post_init(policy))
        .post_shutdown(_post_shutdown(queue))
        .build()
    )
    # Access control in one place: group -1 runs first and stops anyone not allowed.
    application.add_handler(TypeHandler(Update, AccessGate(policy)), group=-1)

    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
    application.add_handlers([
        CommandHandler("start", questions.start),
        CommandHandler("help", questions.help),
        CommandHandler("ask", questions.ask),
        CommandHandler("briefings", questions.briefings),
        CommandHandler("cite", questions.cite),
        CommandHandler("sheet", sheets.command),
        CommandHandler("status", admin.status),
        CommandHandler("reindex", admin.reindex),
        MessageHandler(private & filters.Document.ALL, admin.upload),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, questions.private_text),
        MessageHandler(groups & filters.TEXT & ~filters.COMMAND, questions.group_text),
        MessageHandler(private & filters.COMMAND, questions.help),  # unknown commands get the usage
        CallbackQueryHandler(sheets.button, pattern=rf"^(?:{ADD}|{REMOVE}):"),
        CallbackQueryHandler(questions.button),
    ])
    application.add_error_handler(apologise)
    return application
