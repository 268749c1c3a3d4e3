"""`briefbot serve`: read the bot settings, open the index, run the bot until stopped."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.access import DocumentReader
from bot.app import build_application
from bot.config import WEAK_SECRET_LENGTH, BotConfigError, BotSettings, Webhook, redact_secret, redact_text
from index.config import Settings
from index.errors import BriefbotError

__all__ = ["ALLOWED_UPDATES", "document_reader", "run", "webhook_options"]

log = logging.getLogger("briefbot.bot")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def _say(message: str) -> None:
    print(f"briefbot serve: {redact_text(message)}", file=sys.stderr)


def _configure_logging(env: Mapping[str, str]) -> None:
    level = env.get("BRIEFBOT_LOG_LEVEL", "INFO").upper()
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    # httpx logs every request (a long poll each few seconds) with the token in the URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def webhook_options(webhook: Webhook) -> dict[str, Any]:
    """The arguments for run_webhook / Updater.start_webhook: the secret always goes to setWebhook."""
    return {"listen": webhook.listen, "port": webhook.port, "url_path": webhook.url_path,
            "webhook_url": webhook.url, "secret_token": webhook.secret, "allowed_updates": ALLOWED_UPDATES}


def _warn_about_secret(webhook: Webhook) -> None:
    if webhook.secret_generated:
        log.info("webhook secret generated for this run (set BRIEFBOT_WEBHOOK_SECRET if several instances "
                 "share the bot: each start replaces the secret Telegram sends)")
    elif len(webhook.secret) < WEAK_SECRET_LENGTH:
        log.warning("BRIEFBOT_WEBHOOK_SECRET is shorter than %d characters: it can be guessed", WEAK_SECRET_LENGTH)


def document_reader(settings: Settings) -> DocumentReader:
    """The library's reader bounded by the configured file limits, so an upload costs no more than a file on disk."""
    from index.readers import read_document

    limits = settings.limits

    def read(path: Path, name: str | None) -> str:
        return read_document(path, name, limits)

    return read


def run(settings: Settings, env: Mapping[str, str]) -> int:
    """Serve until SIGINT/SIGTERM; 0 on a clean stop, 2 for configuration errors, 1 otherwise."""
    try:
        bot_settings = BotSettings.from_env(env)
    except BotConfigError as error:
        _say(str(error))
        return EXIT_CONFIG
    redact_secret(bot_settings.token)
    _configure_logging(env)
    if not bot_settings.allowed_users and not bot_settings.admins:
        log.warning("BRIEFBOT_ALLOWED_USERS and BRIEFBOT_ADMINS are empty: the bot will refuse everyone")

    # The composition root, the one bot module that names the library's implementation; imported
    # here because loading it pulls in the embedding stack (and the readers, docx and pdf libraries).
    from index.library import Library

    try:
        log.info("opening the index at %s", settings.index)
        service = Library.open(settings)
    except BriefbotError as error:
        _say(str(error))
        return EXIT_FAILED
    try:
        application = build_application(bot_settings, settings, service, read_document=document_reader(settings))
    except BriefbotError as error:  # e.g. the meeting-sheet file cannot be opened
        _say(str(error))
        return EXIT_CONFIG
    webhook = bot_settings.webhook
    if webhook is not None:
        _warn_about_secret(webhook)
    try:
        if webhook is None:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
        else:
            application.run_webhook(**webhook_options(webhook))
    except InvalidToken:
        _say("Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (or the file it is read from).")
        return EXIT_CONFIG
    except TelegramError as error:
        _say(f"cannot reach the Telegram Bot API: {error}")
        return EXIT_FAILED
    except RuntimeError as error:  # run_webhook without the webhooks extra installed
        _say(str(error))
        return EXIT_CONFIG
    return EXIT_OK
