"""A meeting sheet: several answers laid out to be read out, pasted into minutes, and traced (pure).

The sheet holds the answers' own quotes, history and citations unchanged; renderers (index/sheet_render.py)
turn it into Markdown or .docx. Nothing here is regenerated text: every quote was cut from a briefing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from index.cite import chinese_date, citation
from index.provenance import check_answer
from index.records import Answer, PastFigure, Quote, Source

__all__ = ["NOT_FOUND", "TITLE", "Sheet", "SheetEntry", "answer_line", "build_sheet", "section_name"]

TITLE = "会议材料：简报原文摘录"
NOT_FOUND = "简报中未找到"
MADE = "生成日期：{date}"
NEAREST = "最接近的章节："
HISTORY = "此前各期"
SOURCES = "资料来源"


@dataclass(frozen=True)
class SheetEntry:
    """One question as the sheet shows it."""

    question: str
    answered: bool
    answer_line: str | None  # "答：累计返利 932.7 万元（截至 2022年9月20日）"
    quotes: tuple[Quote, ...]
    history: tuple[PastFigure, ...]
    nearest: tuple[Source, ...]  # when not answered: where the briefings come closest


@dataclass(frozen=True)
class Sheet:
    """A titled, dated list of entries and the documents they quote."""

    title: str
    made: str  # "YYYY-MM-DD"
    entries: tuple[SheetEntry, ...]
    sources: tuple[str, ...]  # one line per quoted document: "《…》2022年第10期（2022年9月20日）"


def answer_line(a: Answer) -> str | None:
    """"答：" + the tightest span, the figure when the span lacks it, and the date it stands at."""
    if not a.answered:
        return None
    line = f"答：{a.answer or ''}"
    if a.figure is not None and a.figure.text not in (a.answer or ""):
        line += f"（{a.figure.text}）"
    as_of = chinese_date(a.as_of)
    if as_of:
        line += f"（截至 {as_of}）"
    return line


def section_name(s: Source) -> str:
    """The deepest heading's words without its label: "飞地经济引领消薄增收"."""
    if not s.section_titles:
        return ""
    label = s.section[-1] if s.section else ""
    return s.section_titles[-1].removeprefix(label).strip().rstrip("。")


def build_sheet(
    answers: Iterable[Answer], made: str, title: str = TITLE, texts: Mapping[str, str] | None = None,
) -> Sheet:
    """The sheet for `answers` in the order given; with `texts` every answer is checked against its sources."""
    entries = []
    for a in answers:
        if texts is not None:
            check_answer(a, texts)
        quotes = a.quotes if a.answered else ()
        entries.append(SheetEntry(
            question=a.question.strip(), answered=a.answered and bool(quotes), answer_line=answer_line(a),
            quotes=quotes, history=a.history if a.answered else (), nearest=() if a.answered else a.nearest,
        ))
    return Sheet(title=title, made=made, entries=tuple(entries), sources=_sources(entries))


def document_citation(s: Source) -> str:
    """The citation of a whole document: no section."""
    return citation(replace(s, section=(), section_titles=()))


def _sources(entries: list[SheetEntry]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for e in entries:
        for q in (*e.quotes, *(p.quote for p in e.history)):
            seen.setdefault(q.source.file, f"{document_citation(q.source)}，文件 {q.source.file}")
    return tuple(seen.values())
