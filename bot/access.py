"""Who may use the bot and what may come in: the allow-list gate, group addressing, uploaded files."""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.config import BotSettings
from bot.render import escape
from index.errors import BriefbotError, UnreadableFile

__all__ = [
    "ALLOWED_SUFFIXES",
    "AccessGate",
    "AccessPolicy",
    "DocumentReader",
    "check_readable",
    "is_addressed",
    "safe_filename",
    "store_upload",
    "vet_upload",
]

log = logging.getLogger("briefbot.access")

ALLOWED_SUFFIXES = frozenset({".docx", ".pdf", ".txt", ".md"})
DocumentReader = Callable[[Path, str | None], str]  # index.readers.read_document's shape
REFUSAL_INTERVAL = 3600.0  # seconds between two refusals to the same user, so probing gets no echo
_MAX_STEM = 70  # characters; keeps CJK names under ext4's 255-byte limit
_UNSAFE = re.compile(r"[^\w\-.()（）【】《》\[\] ]+")  # \w keeps Chinese characters


@dataclass(frozen=True)
class AccessPolicy:
    """Allow-listed users (admins included); in groups the chat must be allowed too."""

    users: frozenset[int]
    chats: frozenset[int]
    admins: frozenset[int]

    @classmethod
    def from_settings(cls, settings: BotSettings) -> AccessPolicy:
        return cls(users=settings.allowed_users, chats=settings.allowed_chats, admins=settings.admins)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admins

    def allows(self, user_id: int, chat_id: int, chat_type: str) -> bool:
        user_ok = user_id in self.users or user_id in self.admins
        if chat_type == ChatType.PRIVATE:
            # A private chat's id is its user's id; anything else is a forged update answering into a
            # stranger's chat on an allowed user's behalf.
            return user_ok and chat_id == user_id
        # Answers in a group are seen by every member, so the group itself must be vetted as well.
        return user_ok and chat_id in self.chats


def is_addressed(message: Message, bot: Bot) -> bool:
    """Private chats always; in groups only a mention, a reply to the bot, or a command."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    mention = f"@{bot.username}".lower()
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntity.MENTION and text.lower() == mention:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot.id:
            return True
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            target = text.partition("@")[2].lower()
            if not target or f"@{target}" == mention:
                return True
    return False


class AccessGate:
    """Runs before every handler (group -1) and stops updates from anyone not allowed."""

    def __init__(self, policy: AccessPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._refused_at: dict[int, float] = {}

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            raise ApplicationHandlerStop
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:  # channel posts and service updates: nothing to answer
            raise ApplicationHandlerStop
        if chat.type == ChatType.PRIVATE and chat.id != user.id:
            # Telegram never sends this: the update is forged, and even a refusal would go to the forger's chat.
            log.warning("forged update dropped user=%d chat=%d update=%d", user.id, chat.id, update.update_id)
            raise ApplicationHandlerStop
        if self.policy.allows(user.id, chat.id, chat.type):
            return
        query = update.callback_query
        message = update.message
        if query is None and (message is None or not is_addressed(message, context.bot)):
            raise ApplicationHandlerStop  # group chatter not meant for the bot: no reply, no log noise
        # The audit line carries ids only; message text may itself be confidential.
        log.warning("access denied user=%d chat=%d chat_type=%s update=%d", user.id, chat.id, chat.type,
                    update.update_id)
        await self._refuse(update, user.id)
        raise ApplicationHandlerStop

    def _should_refuse(self, user_id: int) -> bool:
        now = self._clock()
        last = self._refused_at.get(user_id)
        if last is not None and now - last < REFUSAL_INTERVAL:
            return False
        if len(self._refused_at) > 10_000:  # bound memory under a flood of strangers
            self._refused_at.clear()
        self._refused_at[user_id] = now
        return True

    async def _refuse(self, update: Update, user_id: int) -> None:
        refuse = self._should_refuse(user_id)
        try:
            if update.callback_query is not None:
                # A callback must always be answered, or the button keeps spinning.
                await update.callback_query.answer(texts.NOT_ALLOWED if refuse else None, show_alert=refuse)
            elif refuse and update.message is not None:
                await update.message.reply_text(escape(texts.NOT_ALLOWED))
        except TelegramError as error:
            log.warning("refusal not delivered user=%d: %s", user_id, type(error).__name__)


def safe_filename(name: str) -> str | None:
    """Basename only, no "..", not hidden, safe characters (Chinese kept); None if nothing usable is left."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"\s+", " ", name).strip(" .-_")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem.strip(" .-_")[:_MAX_STEM].rstrip(" .")
    if not stem:
        return None
    return f"{stem}.{suffix.lower()}" if suffix else stem


def vet_upload(file_name: str, size: int, limit: int) -> tuple[str | None, str | None]:
    """(safe name, None) for an acceptable upload, else (name or None, the reason as plain text)."""
    name = safe_filename(file_name)
    if name is None:
        return None, texts.UPLOAD_BAD_NAME
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        return name, texts.UPLOAD_BAD_TYPE
    if size > limit:
        return name, texts.UPLOAD_TOO_BIG.format(size=size / 1024 / 1024, limit=limit // 1024 // 1024)
    return name, None


def store_upload(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Save `data` as folder/name, or name-2, name-3… on a clash; (path, False) if identical bytes exist."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for number in itertools.count(1):
        candidate = folder / (name if number == 1 else f"{stem}-{number}{dot}{suffix}")
        if candidate.exists():
            if candidate.is_file() and candidate.read_bytes() == data:
                return candidate, False
            continue
        # Written aside then linked: a rebuild scanning the folder never sees half a file, and
        # link() refuses to replace a file that appeared meanwhile.
        partial = folder / f".{secrets.token_hex(6)}.part"
        partial.write_bytes(data)
        try:
            os.link(partial, candidate)
        except FileExistsError:
            continue
        finally:
            partial.unlink(missing_ok=True)
        return candidate, True
    raise AssertionError("unreachable")


def check_readable(name: str, data: bytes, read: DocumentReader) -> None:
    """Read an upload from a scratch folder with the library's reader; raise UnreadableFile if it is bad."""
    with tempfile.TemporaryDirectory(prefix="briefbot-upload-") as scratch:
        path = Path(scratch) / name
        path.write_bytes(data)
        try:
            text = read(path, name)
        except BriefbotError:
            raise
        except Exception as error:  # a reader bug or an exotic file must not get a file saved we cannot read
            log.exception("reader failed on upload %s", name)
            raise UnreadableFile(name, texts.UPLOAD_CORRUPT) from error
    if not text.strip():
        raise UnreadableFile(name, texts.UPLOAD_EMPTY)
