"""The meeting sheet in the bot: "加入会议材料" under an answer, /sheet to list, remove, clear and export."""

from __future__ import annotations

import asyncio
import datetime
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers import AnswerCache
from bot.render import escape
from bot.sheet_store import SheetItem, SheetStore
from index.errors import BriefbotError
from index.records import Answer
from index.service import QAService
from index.sheet import build_sheet
from index.sheet_render import render_docx, render_markdown

__all__ = ["ADD", "REMOVE", "SheetHandlers", "render_list"]

log = logging.getLogger("briefbot.bot")

ADD, REMOVE = "s", "sr"  # callback data prefixes: "s:<answer key>", "sr:<item id>"
SHOWN_QUESTION = 40  # characters of a question in the /sheet list
BUTTONS_PER_ROW = 5


def render_list(items: list[SheetItem]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The /sheet message (HTML) and its remove buttons, numbered as the sheet will be."""
    if not items:
        return escape(texts.SHEET_EMPTY), None
    lines = [f"<b>{escape(texts.SHEET_HEADER.format(count=len(items)))}</b>"]
    for number, item in enumerate(items, 1):
        question = " ".join(item.answer.question.split())
        if len(question) > SHOWN_QUESTION:
            question = question[:SHOWN_QUESTION] + "…"
        shown = item.answer.figure.text if item.answer.figure else ""
        if not item.answer.answered:
            shown = texts.SHEET_NOT_FOUND
        lines.append(f"{number}. {escape(question)}" + (f" — {escape(shown)}" if shown else ""))
    lines.append("")
    lines.append(escape(texts.SHEET_FOOTER))
    buttons = [InlineKeyboardButton(texts.SHEET_REMOVE.format(number=n), callback_data=f"{REMOVE}:{item.id}")
               for n, item in enumerate(items, 1)]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


class SheetHandlers:
    """Collects answers per chat in a SheetStore and sends the sheet as a document."""

    def __init__(self, service: QAService, store: SheetStore, answers: AnswerCache) -> None:
        self.service = service
        self.store = store
        self.answers = answers

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None or query.message is None:
            return
        action, _, rest = (query.data or "").partition(":")
        if action == ADD:
            answer = self.answers.get(rest, chat.id)
            if answer is None:  # after a restart the answer keys are gone; the collected items are not
                await query.answer(texts.EXPIRED, show_alert=True)
                return
            outcome, count = await asyncio.to_thread(self.store.add, chat.id, answer)
            message = {"added": texts.SHEET_ADDED.format(count=count), "already": texts.SHEET_ALREADY,
                       "full": texts.SHEET_FULL.format(limit=self.store.limit)}[outcome]
            log.info("sheet add chat=%d answer=%s outcome=%s count=%d", chat.id, rest, outcome, count)
            await query.answer(message, show_alert=outcome == "full")
            return
        removed = rest.isdigit() and await asyncio.to_thread(self.store.remove, chat.id, int(rest))
        await query.answer(texts.SHEET_REMOVED if removed else texts.SHEET_GONE)
        text, markup = render_list(await asyncio.to_thread(self.store.items, chat.id))
        if removed:
            await context.bot.edit_message_text(text, chat.id, query.message.message_id, reply_markup=markup)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        what = (context.args or [""])[0].lower() if context.args else ""
        if what in {"", "list"}:
            text, markup = render_list(await asyncio.to_thread(self.store.items, chat.id))
            await message.reply_text(text, reply_markup=markup)
        elif what == "clear":
            count = await asyncio.to_thread(self.store.clear, chat.id)
            await message.reply_text(escape(texts.SHEET_CLEARED.format(count=count)))
        elif what in {"docx", "md"}:
            await self._send(update, context, what)
        else:
            await message.reply_text(escape(texts.SHEET_USAGE))

    async def _send(self, update: Update, context: ContextTypes.DEFAULT_TYPE, ext: str) -> None:
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        items = await asyncio.to_thread(self.store.items, chat.id)
        if not items:
            await message.reply_text(escape(texts.SHEET_EMPTY))
            return
        answers = await asyncio.to_thread(self._current, chat.id, items)
        today = datetime.date.today().isoformat()
        sheet = build_sheet(answers, made=today)
        data = await asyncio.to_thread(render_docx, sheet) if ext == "docx" else render_markdown(sheet).encode()
        await context.bot.send_document(
            chat.id, document=data, filename=texts.SHEET_FILE.format(date=today, ext=ext),
            caption=escape(texts.SHEET_CAPTION.format(count=len(answers))),
            reply_to_message_id=message.message_id,
        )
        log.info("sheet sent chat=%d items=%d format=%s bytes=%d", chat.id, len(answers), ext, len(data))

    def _current(self, chat_id: int, items: list[SheetItem]) -> list[Answer]:
        """Each item's answer, checked against the live index; asked afresh when its quotes are gone.

        The check is the service's own (a quote must stand at its offsets in the indexed text), so a sheet
        made after a reindex never quotes a sentence the briefings no longer hold.
        """
        out = []
        for item in items:
            quotes = (*item.answer.quotes, *(p.quote for p in item.answer.history))
            try:
                for quote in quotes:
                    self.service.context(quote)
                out.append(item.answer)
            except BriefbotError:
                fresh = self.service.ask(item.answer.question)
                self.store.replace(chat_id, item.id, fresh)
                log.info("sheet item=%d chat=%d asked afresh: its quotes left the index", item.id, chat_id)
                out.append(fresh)
        return out
