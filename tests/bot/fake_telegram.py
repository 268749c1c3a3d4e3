"""A local stand-in for the Telegram Bot API, strict where Telegram is strict, for end-to-end bot tests.

Serves /bot<token>/<method> and /file/bot<token>/<path> on 127.0.0.1. Tests push updates, wait for
calls, and make the next calls fail (429 with retry_after, 500, or a response that never comes).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-fake_token_0123456789abcdef"
BOT_ID = 424242
BOT_USERNAME = "briefing_test_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "简报助手", "username": BOT_USERNAME}

DOCUMENT_LIMIT = 50 * 1024 * 1024  # bytes: the most a bot may upload
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                 "code", "pre", "blockquote"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:=(?:\"[^\"]*\"|'[^']*'))?)*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);")


class BadHtml(ValueError):
    pass


def parse_html(text: str) -> str:
    """Telegram's HTML rules: known tags only, properly nested, < > & escaped; returns the plain text."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            match = _TAG.match(text, i)
            if match is None:
                raise BadHtml(f"Can't parse entities: unsupported start tag at byte offset {i}")
            closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
            if name not in _ALLOWED_TAGS:
                raise BadHtml(f'Can\'t parse entities: unsupported start tag "{name}" at byte offset {i}')
            if closing:
                if not stack or stack[-1] != name:
                    raise BadHtml(f'Can\'t parse entities: unmatched end tag "{name}" at byte offset {i}')
                stack.pop()
            else:
                if name == "blockquote" and "blockquote" in stack:
                    raise BadHtml("Can't parse entities: nested blockquote")
                if "pre" in stack and name != "code":
                    raise BadHtml(f'Can\'t parse entities: tag "{name}" inside pre')
                if name == "a" and "href=" not in attrs:
                    raise BadHtml("Can't parse entities: a without href")
                stack.append(name)
            i = match.end()
        elif ch == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                raise BadHtml(f"Can't parse entities: unsupported entity at byte offset {i}")
            out.append(html.unescape(match.group(0)))
            i = match.end()
        elif ch == ">":
            raise BadHtml(f"Can't parse entities: unescaped > at byte offset {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise BadHtml(f'Can\'t parse entities: can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One request the bot made, with its form fields as received (strings) and any uploaded files."""

    method: str
    params: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)
    file_names: dict[str, str] = field(default_factory=dict)  # form field → the uploaded file's name
    failed: str | None = None  # "429", "500", "timeout", or a 400 description
    at: float = field(default_factory=time.monotonic)
    seq: int = 0  # position among all calls, for "sent after this point"

    @property
    def chat_id(self) -> int | None:
        return int(self.params["chat_id"]) if "chat_id" in self.params else None

    @property
    def text(self) -> str:
        return self.params.get("text", "")

    @property
    def markup(self) -> dict[str, Any] | None:
        raw = self.params.get("reply_markup")
        return json.loads(raw) if raw else None

    @property
    def buttons(self) -> dict[str, str]:
        """Button text → callback data."""
        rows = (self.markup or {}).get("inline_keyboard", [])
        return {button["text"]: button["callback_data"] for row in rows for button in row}

    @property
    def reply_to(self) -> int | None:
        raw = self.params.get("reply_parameters")
        return int(json.loads(raw)["message_id"]) if raw else None


class FakeTelegram:
    """The fake server; start() inside the test's event loop, close() at the end."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (file_path, content)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, message id) → message sent
        self.chats: dict[int, dict[str, Any]] = {}
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, list[tuple[str, int]]] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Event()
        self._new_update = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self._closing.set()  # wakes long polls and "timeout" failures so shutdown is quick
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- test controls -----------------------------------------------------------------------------
    def fail(self, method: str, kind: str, times: int = 1, retry_after: int = 1) -> None:
        """Make the next `times` calls of `method` fail: "429", "500" or "timeout" (no answer)."""
        self._failures.setdefault(method, []).extend([(kind, retry_after)] * times)

    def push(self, payload: dict[str, Any]) -> int:
        update_id = next(self._ids)
        self._updates.append({"update_id": update_id, **payload})
        self._new_update.set()
        return update_id

    def message(self, text: str | None, *, user: int, chat: int | None = None, chat_type: str = "private",
                entities: list[dict[str, Any]] | None = None, reply_to: dict[str, Any] | None = None,
                **extra: Any) -> dict[str, Any]:
        """Push a message from `user` (in chat `chat`, default their private chat); returns the message."""
        chat_id = user if chat is None else chat
        chat_obj: dict[str, Any] = {"id": chat_id, "type": chat_type}
        chat_obj.update({"first_name": "员工"} if chat_type == "private" else {"title": "工作群"})
        self.chats[chat_id] = chat_obj
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat_obj,
            "from": {"id": user, "is_bot": False, "first_name": "员工", "language_code": "zh-hans"},
            **extra,
        }
        if text is not None:
            message["text"] = text
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self.push({"message": message})
        return message

    def command(self, text: str, *, user: int, chat: int | None = None,
                chat_type: str = "private") -> dict[str, Any]:
        length = utf16_len(text.split(maxsplit=1)[0])
        entities = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.message(text, user=user, chat=chat, chat_type=chat_type, entities=entities)

    def mention(self, text: str, *, user: int, chat: int, chat_type: str = "supergroup") -> dict[str, Any]:
        """A group message with an entity for each @username in it (offsets in UTF-16 units)."""
        entities = [
            {"type": "mention", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
            for m in re.finditer(r"@\w+", text)
        ]
        return self.message(text, user=user, chat=chat, chat_type=chat_type, entities=entities)

    def document(self, file_name: str, content: bytes, *, user: int,
                 mime: str = "text/plain") -> dict[str, Any]:
        file_id = f"doc{next(self._ids)}"
        self.files[file_id] = (f"documents/{file_id}", content)
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                    "mime_type": mime, "file_size": len(content)}
        return self.message(None, user=user, document=document)

    def press(self, call: Call | dict[str, Any], data: str, *, user: int) -> int:
        """Press an inline button under a message the bot sent."""
        sent = self.sent_message(call) if isinstance(call, Call) else call
        query = {"id": str(next(self._ids)), "chat_instance": "ci",
                 "from": {"id": user, "is_bot": False, "first_name": "员工"}, "message": sent, "data": data}
        return self.push({"callback_query": query})

    def sent_message(self, call: Call) -> dict[str, Any]:
        return self.messages[(int(call.params["chat_id"]), int(call.params["_message_id"]))]

    async def wait_for(self, method: str, *, count: int = 1, timeout: float = 10.0,
                       chat_id: int | None = None, where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Wait until at least `count` successful calls of `method` match; return all that match."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [c for c in self.calls if c.method == method and c.failed is None
                     and (chat_id is None or c.chat_id == chat_id) and (where is None or where(c))]
            if len(found) >= count:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"waited {timeout}s for {count} {method} call(s), got {len(found)}: "
                                     f"{[(c.method, c.failed, c.text[:80]) for c in self.calls[-10:]]}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def mark(self) -> int:
        """A point in the call log; pass it to sent_since."""
        return len(self.calls)

    async def sent_since(self, mark: int, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Messages sent to `chat_id` after `mark`, once there are at least `count`."""
        return await self.wait_for("sendMessage", chat_id=chat_id, count=count, timeout=timeout,
                                   where=lambda c: c.seq >= mark)

    def successful(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.failed is None]

    @property
    def rejected(self) -> list[Call]:
        """Calls answered with 400: a bug in the bot unless a test provoked it."""
        return [c for c in self.calls if c.failed is not None and c.failed.startswith("Bad Request")]

    # -- the HTTP side -----------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        call.seq = len(self.calls)
        self.calls.append(call)
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files, file_names = await _read_params(request)
        call = Call(method, params, files, file_names)
        pending = self._failures.get(method)
        if pending:
            kind, retry_after = pending.pop(0)
            call.failed = kind
            self._record(call)
            if kind == "429":
                return _error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
            if kind == "timeout":
                await _wait(self._closing, 30.0)
            return _error(500, "Internal Server Error")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            self._record(call)
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(call)
        except BadHtml as error:
            call.failed = f"Bad Request: {error}"
            self._record(call)
            return _error(400, call.failed)
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        wanted = request.match_info["path"]
        for path, content in self.files.values():
            if path == wanted:
                return web.Response(body=content)
        return web.Response(status=404)

    async def _m_getMe(self, call: Call) -> Any:
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _m_getUpdates(self, call: Call) -> Any:
        offset = int(call.params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and not self._closing.is_set():
            self._new_update.clear()
            # Long poll, capped so the bot's shutdown (which polls once more) stays quick.
            await _wait(self._new_update, min(float(call.params.get("timeout") or 0), 2.0), self._closing)
        return self._updates[: int(call.params.get("limit") or 100)]

    async def _ok(self, call: Call) -> Any:
        return True

    _m_deleteWebhook = _m_setMyCommands = _m_sendChatAction = _m_answerCallbackQuery = _ok
    _m_setWebhook = _m_close = _m_logOut = _ok

    def _check_text(self, call: Call) -> str:
        text = call.text
        plain = parse_html(text) if call.params.get("parse_mode") == "HTML" else text
        if utf16_len(plain) > 4096:
            raise BadHtml("message is too long")
        if not plain.strip():
            raise BadHtml("message text is empty")
        for data in call.buttons.values():
            if not 1 <= len(data.encode()) <= 64:
                raise BadHtml("BUTTON_DATA_INVALID")
        return plain

    def _store(self, chat_id: int, message_id: int, **content: Any) -> dict[str, Any]:
        chat = self.chats.get(chat_id, {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"})
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER,
                   **content}
        self.messages[(chat_id, message_id)] = message
        return message

    async def _m_sendMessage(self, call: Call) -> Any:
        plain = self._check_text(call)
        message_id = next(self._message_ids)
        call.params["_message_id"] = str(message_id)
        extra = {"reply_markup": call.markup} if call.markup else {}
        return self._store(int(call.params["chat_id"]), message_id, text=plain, **extra)

    async def _m_editMessageText(self, call: Call) -> Any:
        plain = self._check_text(call)
        key = (int(call.params["chat_id"]), int(call.params["message_id"]))
        old = self.messages.get(key)
        if old is None:
            raise BadHtml("message to edit not found")
        if old.get("text") == plain and old.get("reply_markup") == call.markup:
            raise BadHtml("message is not modified: specified new message content and reply markup are "
                          "exactly the same as a current content and reply markup of the message")
        call.params["_message_id"] = call.params["message_id"]
        return self._store(key[0], key[1], text=plain)

    async def _m_sendDocument(self, call: Call) -> Any:
        """Telegram's rules for an uploaded document: a file in the form, at most 50 MB, a caption of at
        most 1,024 characters (after HTML parsing), valid HTML."""
        if "chat_id" not in call.params:
            raise BadHtml("chat_id is empty")
        content = call.files.get("document")
        if content is None:
            raise BadHtml("there is no document in the request")
        if not content:
            raise BadHtml("file must be non-empty")
        if len(content) > DOCUMENT_LIMIT:
            raise BadHtml("Request Entity Too Large")
        caption = call.params.get("caption", "")
        plain = parse_html(caption) if call.params.get("parse_mode") == "HTML" else caption
        if utf16_len(plain) > 1024:
            raise BadHtml("message caption is too long")
        message_id = next(self._message_ids)
        call.params["_message_id"] = str(message_id)
        file_id = f"sent{message_id}"
        name = call.file_names.get("document", "")
        self.files[file_id] = (f"documents/{file_id}", content)
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
                    "file_size": len(content)}
        extra = {"caption": plain} if plain else {}
        return self._store(int(call.params["chat_id"]), message_id, document=document, **extra)

    async def _m_getFile(self, call: Call) -> Any:
        file_id = call.params["file_id"]
        if file_id not in self.files:
            raise BadHtml("invalid file_id")
        path, content = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content),
                "file_path": path}


async def _read_params(request: web.Request) -> tuple[dict[str, str], dict[str, bytes], dict[str, str]]:
    params = {key: value for key, value in request.query.items()}
    files: dict[str, bytes] = {}
    file_names: dict[str, str] = {}
    if request.content_type == "application/json":
        body = await request.json()
        params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
                file_names[key] = urllib.parse.unquote(value.filename)  # RFC 5987 names arrive %-encoded
            else:
                params[key] = str(value)
    return params, files, file_names


async def _wait(event: asyncio.Event, timeout: float, also: asyncio.Event | None = None) -> None:
    waits = {asyncio.ensure_future(event.wait())}
    if also is not None:
        waits.add(asyncio.ensure_future(also.wait()))
    _, pending = await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
