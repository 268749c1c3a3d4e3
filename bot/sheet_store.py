"""Each chat's collected answers for its meeting sheet, in a small SQLite file that survives restarts."""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.errors import BriefbotError
from index.records import Answer
from index.serial import answer_from_dict, answer_to_dict

__all__ = ["MAX_ITEMS", "SheetItem", "SheetStore"]

# Items per chat. The /sheet list is one message with a remove button per item: 30 items of at most
# 60 characters stay far below Telegram's 4,096 characters and 100 buttons, and a meeting sheet of
# more than 30 questions is no longer something anyone reads out.
MAX_ITEMS = 30
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    answer TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (chat_id, fingerprint)
);
CREATE INDEX IF NOT EXISTS items_by_chat ON items (chat_id, id);
"""


@dataclass(frozen=True)
class SheetItem:
    """One collected answer, numbered by its row id (stable while it is kept)."""

    id: int
    answer: Answer


def _fingerprint(a: Answer) -> str:
    # The same question answered from the same sentence is the same item, however often it is pressed.
    lead = f"{a.quotes[0].source.file}:{a.quotes[0].start}" if a.quotes else ""
    return f"{' '.join(a.question.split())}\n{lead}"


class SheetStore:
    """Add, list, remove and clear a chat's items; every call opens the file, so nothing is held open."""

    def __init__(self, path: Path, limit: int = MAX_ITEMS) -> None:
        self.path = path
        self.limit = limit
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as error:
            raise BriefbotError(
                f"cannot open the meeting-sheet file {path} ({error}); set BRIEFBOT_SHEET_DB to a writable file"
            ) from None

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5.0)
        try:
            with db:  # one transaction: committed on success, rolled back on error
                yield db
        finally:
            db.close()

    def add(self, chat_id: int, answer: Answer) -> tuple[str, int]:
        """("added" | "already" | "full", the chat's item count afterwards)."""
        with self._db() as db:
            count = db.execute("SELECT COUNT(*) FROM items WHERE chat_id = ?", (chat_id,)).fetchone()[0]
            fingerprint = _fingerprint(answer)
            exists = db.execute("SELECT 1 FROM items WHERE chat_id = ? AND fingerprint = ?",
                                (chat_id, fingerprint)).fetchone()
            if exists:
                return "already", count
            if count >= self.limit:
                return "full", count
            db.execute(
                "INSERT INTO items (chat_id, fingerprint, answer, added_at) VALUES (?, ?, ?, ?)",
                (chat_id, fingerprint, json.dumps(answer_to_dict(answer), ensure_ascii=False),
                 datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")),
            )
            return "added", count + 1

    def items(self, chat_id: int) -> list[SheetItem]:
        with self._db() as db:
            rows = db.execute("SELECT id, answer FROM items WHERE chat_id = ? ORDER BY id", (chat_id,)).fetchall()
        return [SheetItem(row[0], answer_from_dict(json.loads(row[1]))) for row in rows]

    def replace(self, chat_id: int, item_id: int, answer: Answer) -> None:
        """Store a fresh answer for an item (after the index changed under it)."""
        with self._db() as db:
            # The fingerprint stays: it names what was pressed, not what the index says today.
            db.execute("UPDATE items SET answer = ? WHERE chat_id = ? AND id = ?",
                       (json.dumps(answer_to_dict(answer), ensure_ascii=False), chat_id, item_id))

    def remove(self, chat_id: int, item_id: int) -> bool:
        with self._db() as db:
            return db.execute("DELETE FROM items WHERE chat_id = ? AND id = ?", (chat_id, item_id)).rowcount > 0

    def clear(self, chat_id: int) -> int:
        with self._db() as db:
            return db.execute("DELETE FROM items WHERE chat_id = ?", (chat_id,)).rowcount
