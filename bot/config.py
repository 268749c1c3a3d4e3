"""The bot's own settings, read from the environment once in `briefbot serve`, and token redaction."""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_API_BASE_URL",
    "MAX_WAITING_PER_USER",
    "QUESTION_WORKERS",
    "WEAK_SECRET_LENGTH",
    "BotConfigError",
    "BotSettings",
    "Webhook",
    "redact_secret",
]

DEFAULT_API_BASE_URL = "https://api.telegram.org"
SHEET_DB_NAME = "meeting-sheets.sqlite3"
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# Telegram's rule for setWebhook's secret_token: 1-256 characters of A-Z a-z 0-9 _ -.
_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_SECRET_BYTES = 32  # a generated secret: 32 random bytes, 43 URL-safe characters
# Questions answered at once, in a pool of their own. Twice the 2 cores of the machine the bot was measured
# on: a question also waits on I/O (the index, the Bot API), and 20 users at once are answered in 1/4 of
# the serial time (tests/bot/test_questions.py); bench/load.py measures it with the real model.
QUESTION_WORKERS = 4
# Questions one user may have in the bot at once (running or waiting); a person typing rarely has more
# than a few, and bench/load.py's 20 users × 10 at once fit without a refusal.
MAX_WAITING_PER_USER = 10
WEAK_SECRET_LENGTH = 16  # shorter user-set secrets start with a warning: they can be guessed


class BotConfigError(ValueError):
    """A missing or malformed bot variable; the message names the variable and never holds the token."""


@dataclass(frozen=True)
class Webhook:
    """Where Telegram pushes updates when polling is not wanted (e.g. behind a load balancer)."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8443
    # Always set: Telegram sends it in X-Telegram-Bot-Api-Secret-Token and PTB rejects updates without it.
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(WEBHOOK_SECRET_BYTES), repr=False)
    secret_generated: bool = False

    @property
    def url_path(self) -> str:
        """The local path the webhook server listens on: the path part of the public URL."""
        after_host = self.url.split("://", 1)[-1]
        return after_host.partition("/")[2].split("?", 1)[0]


@dataclass(frozen=True)
class BotSettings:
    """Token, API location, who may use the bot, upload limit and optional webhook."""

    token: str = field(repr=False)
    api_base_url: str = f"{DEFAULT_API_BASE_URL}/bot"  # PTB appends the token to this
    file_base_url: str = f"{DEFAULT_API_BASE_URL}/file/bot"
    allowed_users: frozenset[int] = frozenset()
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    max_upload_mb: int = 20
    webhook: Webhook | None = None
    sheet_db: Path | None = None  # the meeting-sheet collections; None: beside the index (sheet_path)
    question_workers: int = QUESTION_WORKERS
    max_waiting_per_user: int = MAX_WAITING_PER_USER
    # Seconds per HTTP call to the Bot API; not an environment variable, tests lower it to provoke timeouts.
    http_timeout: float = 15.0

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def sheet_path(self, index: Path) -> Path:
        """Where each chat's collected answers live: BRIEFBOT_SHEET_DB, or a SQLite file beside the index."""
        return self.sheet_db or index.parent / SHEET_DB_NAME

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BotSettings:
        """Read every TELEGRAM_* / BRIEFBOT_* bot variable; raise BotConfigError naming the bad one."""
        api, files = _api_urls(env.get("TELEGRAM_API_BASE_URL", ""))
        return cls(
            token=_read_token(env),
            api_base_url=api,
            file_base_url=files,
            allowed_users=_ids(env, "BRIEFBOT_ALLOWED_USERS"),
            allowed_chats=_ids(env, "BRIEFBOT_ALLOWED_CHATS"),
            admins=_ids(env, "BRIEFBOT_ADMINS"),
            max_upload_mb=_positive_int(env, "BRIEFBOT_MAX_UPLOAD_MB", 20),
            webhook=_webhook(env),
            sheet_db=Path(env["BRIEFBOT_SHEET_DB"]) if env.get("BRIEFBOT_SHEET_DB", "").strip() else None,
            question_workers=_positive_int(env, "BRIEFBOT_QUESTION_WORKERS", QUESTION_WORKERS),
            max_waiting_per_user=_positive_int(env, "BRIEFBOT_MAX_WAITING_PER_USER", MAX_WAITING_PER_USER),
        )


def _read_token(env: Mapping[str, str]) -> str:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    token_file = env.get("TELEGRAM_BOT_TOKEN_FILE", "").strip()
    if not token and token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise BotConfigError(
                f"TELEGRAM_BOT_TOKEN_FILE: cannot read {token_file} ({error.strerror or error})"
            ) from None
    if not token:
        raise BotConfigError(
            "No bot token: set TELEGRAM_BOT_TOKEN, or TELEGRAM_BOT_TOKEN_FILE to a file holding it "
            "(BotFather gives the token when the bot is created)."
        )
    if not _TOKEN_SHAPE.match(token):
        # The bad value is not echoed: it may be a real token pasted with a typo.
        raise BotConfigError("The bot token is malformed: expected digits, a colon, then letters (123:ABC…).")
    return token


def _api_urls(raw: str) -> tuple[str, str]:
    """Accept "https://host", "https://host/" or "https://host/bot" and derive the file URL from it."""
    base = raw.strip().rstrip("/") or DEFAULT_API_BASE_URL
    if not base.startswith(("http://", "https://")):
        raise BotConfigError("TELEGRAM_API_BASE_URL must start with http:// or https://")
    root = base.removesuffix("/bot")
    # No trailing slash: PTB appends the token directly, and "/bot/<token>" is answered with 404.
    return f"{root}/bot", f"{root}/file/bot"


def _ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in env.get(name, "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise BotConfigError(f"{name}: {part!r} is not a numeric Telegram id") from None
    return frozenset(ids)


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BotConfigError(f"{name}: {raw!r} is not a whole number") from None
    if value <= 0:
        raise BotConfigError(f"{name} must be greater than 0")
    return value


def _webhook(env: Mapping[str, str]) -> Webhook | None:
    url = env.get("BRIEFBOT_WEBHOOK_URL", "").strip()
    if not url:
        return None
    if not url.startswith("https://"):
        raise BotConfigError("BRIEFBOT_WEBHOOK_URL must be an https:// address (Telegram requires TLS)")
    listen = env.get("BRIEFBOT_WEBHOOK_LISTEN", "").strip() or "127.0.0.1"
    port = _positive_int(env, "BRIEFBOT_WEBHOOK_PORT", 8443)
    secret = env.get("BRIEFBOT_WEBHOOK_SECRET", "").strip()
    if not secret:
        # Never a webhook without a secret: without one, anyone who can reach the URL can forge updates.
        return Webhook(url=url, listen=listen, port=port, secret_generated=True)
    if not _SECRET_SHAPE.fullmatch(secret):
        # The value is not echoed: it is a credential.
        raise BotConfigError(
            f"BRIEFBOT_WEBHOOK_SECRET must be 1 to 256 characters, each A-Z, a-z, 0-9, _ or - "
            f"(it has {len(secret)}); or leave it unset and a random one is made at each start."
        )
    return Webhook(url=url, listen=listen, port=port, secret=secret)


# Redaction works on every log record as it is created, because httpx logs request URLs (which hold the
# token) from its own logger, and a filter on one logger or handler would miss records sent elsewhere.
_secrets: set[str] = set()
_install_lock = threading.Lock()
_installed = False


def redact_secret(secret: str) -> None:
    """Make every log record created from now on show `secret` as "<redacted>"."""
    global _installed
    if not secret:
        return
    with _install_lock:
        _secrets.add(secret)
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def redact_text(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "<redacted>")
    return text


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call; leave it for logging's own error report
        return
    cleaned = redact_text(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[1] is not None:
        # Tracebacks are formatted later by the handler; format (and clean) them now instead.
        record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
