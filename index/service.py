"""The seam between the retrieval library and its front ends (CLI, Telegram bot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from index.records import Answer, BuildReport, Context, IndexInfo, Quote

# (stage, done, total): stage is "read", "embed" or "write"
Progress = Callable[[str, int, int], None]


class QAService(Protocol):
    """What a front end needs: answers, the catalogue, and a rebuild that never stops answering."""

    def ask(self, question: str) -> Answer:
        """Answer one question from the live index (thread-safe; called off the event loop).

        The question is the text index.validate.validate_question returned: front ends check it at
        their edge, where they can reply at once, and it is not checked again here.
        """
        ...

    def info(self) -> IndexInfo:
        """The live index: model, size, when built, and every briefing in it."""
        ...

    def context(self, quote: Quote) -> Context:
        """The paragraph around a quote, for "show context"."""
        ...

    def rebuild(self, progress: Progress | None = None) -> BuildReport:
        """Rebuild from the briefings folder beside the live index, then swap it in.

        Questions keep being answered from the old index meanwhile; on failure the old one stays
        and a BriefbotError says why.
        """
        ...
