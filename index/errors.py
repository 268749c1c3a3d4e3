"""Errors whose messages are safe to show a user and say what to do."""

from __future__ import annotations


class BriefbotError(Exception):
    """Base class: str(error) is a message a user can act on."""


class UnreadableFile(BriefbotError):
    """A briefing file that cannot be read (corrupt, binary, empty, undecodable)."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class IndexMissing(BriefbotError):
    """No index at the configured place."""


class IndexMismatch(BriefbotError):
    """The index on disk was built differently (schema, model, dimension) or is damaged."""


class ModelUnavailable(BriefbotError):
    """The embedding model cannot be prepared or loaded."""


class BadQuestion(BriefbotError):
    """A question that cannot be searched (empty, only symbols, too long)."""


class SettingsError(BriefbotError):
    """An environment variable that is set but cannot be read."""
