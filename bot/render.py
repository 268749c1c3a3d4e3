"""Pure rendering: answers and index records → Telegram-HTML messages, escaped, each under the size limit.

Text is split into plain pieces first (at sentence ends) and only then escaped and wrapped in tags, so a
split can never fall inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from bot import texts
from index.cite import citation, history_line
from index.records import Answer, BriefingInfo, BuildReport, Context, IndexInfo, Quote, Source
from index.why_refused import WHY_REFUSED

__all__ = [
    "MESSAGE_LIMIT",
    "SHOWN_QUOTES",
    "cite_source",
    "format_date",
    "pack",
    "render_answer",
    "render_briefings",
    "render_citation",
    "render_context",
    "render_more",
    "render_progress",
    "render_report",
    "render_status",
]

# Telegram rejects texts over 4096 UTF-16 units; staying well below leaves room for tag overhead.
MESSAGE_LIMIT = 4000
SHOWN_QUOTES = 3  # quotes in the reply itself; the rest sit behind "更多出处"

Tags = tuple[str, ...]
Segment = tuple[str, Tags]  # plain text and the tags wrapping it, outermost first

_ENDS = frozenset("。！？；!?;")
_CLOSERS = frozenset("”’」』）)\"'")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def format_date(iso: str | None) -> str:
    if not iso:
        return ""
    match = _DATE.match(iso)
    if not match:
        return iso
    year, month, day = (int(part) for part in match.groups())
    return f"{year}年{month}月{day}日"


def cite_source(source: Source) -> str:
    """《title》2022年第10期（2022年9月20日）一、（二） — the library's own citation line."""
    return citation(source)


def split_sentences(text: str) -> list[str]:
    """Cut after sentence-ending punctuation (with any closing quotes) and at line breaks; lossless."""
    pieces: list[str] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        i += 1
        if ch in _ENDS or ch == "\n":
            while i < n and (text[i] in _ENDS or text[i] in _CLOSERS or text[i] == "\n"):
                i += 1
            pieces.append(text[start:i])
            start = i
    if start < n:
        pieces.append(text[start:])
    return pieces


def _hard_split(text: str, budget: int) -> list[str]:
    """Cut a sentence with no usable break so each piece's escaped form fits the budget."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for ch in text:
        width = utf16_len(escape(ch))
        if current and size + width > budget:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += width
    if current:
        pieces.append("".join(current))
    return pieces


def _render(atoms: Sequence[Segment]) -> str:
    """Wrap atoms in their tags, keeping a tag open across neighbours that share it."""
    out: list[str] = []
    stack: list[str] = []
    for text, tags in atoms:
        keep = 0
        while keep < min(len(stack), len(tags)) and stack[keep] == tags[keep]:
            keep += 1
        while len(stack) > keep:
            out.append(f"</{stack.pop()}>")
        for tag in tags[keep:]:
            out.append(f"<{tag}>")
            stack.append(tag)
        out.append(escape(text))
    while stack:
        out.append(f"</{stack.pop()}>")
    return "".join(out)


def _trim(atoms: list[Segment]) -> list[Segment]:
    """Drop blank lines at either end of a message (Telegram would strip them anyway)."""
    while atoms and not atoms[0][0].strip():
        atoms.pop(0)
    while atoms and not atoms[-1][0].strip():
        atoms.pop()
    if atoms:
        atoms[0] = (atoms[0][0].lstrip("\n"), atoms[0][1])
        atoms[-1] = (atoms[-1][0].rstrip("\n"), atoms[-1][1])
    return atoms


def pack(segments: Iterable[Segment], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Lay segments out as few messages as possible, each at most `limit` UTF-16 units of HTML."""
    atoms: list[Segment] = []
    for text, tags in segments:
        budget = limit - sum(2 * len(tag) + 5 for tag in tags)
        for sentence in split_sentences(text):
            atoms.extend((piece, tags) for piece in _hard_split(sentence, budget))
    messages: list[str] = []
    current: list[Segment] = []
    for atom in atoms:
        if current and utf16_len(_render([*current, atom])) > limit:
            if kept := _trim(current):
                messages.append(_render(kept))
            current = []
        if current or atom[0].strip():
            current.append(atom)
    if kept := _trim(current):
        messages.append(_render(kept))
    return messages


def _quote_segments(quote: Quote, highlight: str | None = None) -> list[Segment]:
    segments: list[Segment] = [("\n", ())]
    at = quote.text.find(highlight) if highlight else -1
    if highlight and at >= 0:
        end = at + len(highlight)
        parts = [(quote.text[:at], ()), (quote.text[at:end], ("b",)), (quote.text[end:], ())]
        segments += [(text, ("blockquote", *tags)) for text, tags in parts if text]
    else:
        segments.append((quote.text, ("blockquote",)))
    segments.append((f"\n{texts.SOURCE_PREFIX}{quote.citation or cite_source(quote.source)}\n", ()))
    return segments


def render_answer(answer: Answer) -> list[str]:
    """The reply to a question: figure or short answer (bold), as-of date, then quotes with citations."""
    if not answer.answered or not answer.quotes:
        return _render_not_found(answer)
    segments: list[Segment] = []
    headline = answer.figure.text if answer.figure else answer.answer
    if headline:
        segments.append((headline, ("b",)))
    if answer.as_of:
        as_of = texts.AS_OF.format(date=format_date(answer.as_of))
        segments.append((f"（{as_of}）" if headline else as_of, ()))
    for quote in answer.quotes[:SHOWN_QUOTES]:
        highlight = answer.answer if quote is answer.quotes[0] and answer.answer != quote.text else None
        segments += _quote_segments(quote, highlight)
    if answer.history:
        segments += [("\n", ()), (texts.HISTORY_HEADER, ("b",))]
        segments += [(f"\n{history_line(past)}", ()) for past in answer.history]
    return pack(segments)


def _render_not_found(answer: Answer) -> list[str]:
    shown = answer.question.strip()
    shown = shown if len(shown) <= 60 else shown[:60] + "…"
    segments: list[Segment] = [(texts.NOT_FOUND.format(question=shown), ())]
    if answer.refused_by in WHY_REFUSED:
        segments.append((WHY_REFUSED[answer.refused_by], ()))
    if answer.nearest:
        segments.append((f"\n\n{texts.NEAREST}", ()))
        for source in answer.nearest:
            title = source.section_titles[-1] if source.section_titles else ""
            label = source.section[-1] if source.section else ""
            title = title.removeprefix(label).strip().rstrip("。") if title else ""
            segments.append((f"\n• {cite_source(source)}{' ' + title if title else ''}", ()))
    segments.append((f"\n\n{texts.NOT_FOUND_HINT}", ()))
    return pack(segments)


def render_more(answer: Answer) -> list[str]:
    """The quotes that did not fit the reply, newest briefing first."""
    rest = answer.quotes[SHOWN_QUOTES:]
    if not rest:
        return [escape(texts.NO_MORE)]
    segments: list[Segment] = [(texts.MORE_HEADER, ("b",))]
    for quote in rest:
        segments += _quote_segments(quote)
    return pack(segments)


def render_context(context: Context) -> list[str]:
    """The paragraph around a quote, the quote itself bold and underlined."""
    text, start, end = context.text, context.quote_start, context.quote_end
    segments: list[Segment] = [
        (texts.CONTEXT_HEADER, ("b",)),
        ("\n", ()),
        (text[:start], ()),
        (text[start:end], ("b", "u")),
        (text[end:], ()),
        (f"\n{texts.SOURCE_PREFIX}{cite_source(context.source)}", ()),
    ]
    return pack(segment for segment in segments if segment[0])


def reference(source: Source) -> str:
    """A GB/T 7714-like reference line: 题名[R]. 期号, 日期: 章节."""
    line = f"{source.title}[R]"
    when = ", ".join(part for part in (source.issue, source.date) if part)
    if when:
        line += f". {when}"
    if source.section:
        line += f": {''.join(source.section).rstrip('、')}"
    return f"{texts.CITE_SOURCE}{line}."


def render_citation(answer: Answer) -> list[str]:
    """Quotes with 出处 lines, in a <pre> block so one tap copies them into meeting notes."""
    if not answer.quotes:
        return [escape(texts.NOTHING_TO_CITE)]
    blocks = [f"“{quote.text}”\n{reference(quote.source)}" for quote in answer.quotes]
    segments: list[Segment] = [(texts.CITE_HEADER, ("b",)), (texts.CITE_HINT + "\n", ())]
    segments.append(("\n\n".join(blocks), ("pre",)))
    return pack(segments)


def _briefing_key(briefing: BriefingInfo) -> tuple[str, str, str]:
    return (briefing.date or "", briefing.issue or "", briefing.title)


def render_briefings(info: IndexInfo) -> list[str]:
    if not info.briefings:
        return [escape(texts.BRIEFINGS_EMPTY)]
    header = texts.BRIEFINGS_HEADER.format(count=len(info.briefings))
    segments: list[Segment] = [(header, ("b",)), (texts.BRIEFINGS_ORDER, ())]
    for briefing in sorted(info.briefings, key=_briefing_key, reverse=True):
        source = Source(file=briefing.file, title=briefing.title, issue=briefing.issue, date=briefing.date,
                        section=())
        count = texts.BRIEFING_SENTENCES.format(count=briefing.sentences)
        segments.append((f"\n• {cite_source(source)} — {count}", ()))
    return pack(segments)


def render_status(info: IndexInfo) -> str:
    return texts.STATUS.format(
        files=info.files,
        sentences=info.sentences,
        vectors=info.vectors,
        dimension=info.dimension,
        model=escape(info.model),
        built_at=escape(info.built_at),
        path=escape(info.path),
    )


def render_progress(stage: str, done: int, total: int) -> str:
    return escape(texts.REINDEX_PROGRESS.format(stage=texts.STAGES.get(stage, stage), done=done, total=total))


def render_report(report: BuildReport) -> list[str]:
    summary = texts.REINDEX_DONE.format(
        files=report.files_indexed + report.files_reused,
        indexed=report.files_indexed,
        reused=report.files_reused,
        sentences=report.sentences,
        embedded=report.embedded,
        seconds=report.seconds,
    )
    segments: list[Segment] = [(texts.REINDEX_DONE_TITLE, ("b",)), (f"\n{summary}", ())]
    if report.skipped:
        segments += [("\n\n", ()), (texts.REINDEX_SKIPPED, ("b",))]
    segments += [(f"\n• {item.file}：{item.reason}", ()) for item in report.skipped]
    return pack(segments)
