"""Chinese sentence and clause splitting with character offsets (pure)."""

from __future__ import annotations

import re

# A sentence ends at one of these; "……" and "!?" runs count as one end.
_TERMINATORS = "。！？；!?;…"
# Closing marks stay with the sentence they close: “…。” belongs before the break.
_CLOSERS = "”’」』）)】》〉\"'"
_CLAUSE_MARKS = "，、：,:"

# An English sentence end: ". " followed by a capital; decimals like 932.7 never match.
_LATIN_END = re.compile(r"(?<=[a-z\)])\.(?=\s+[A-Z])")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split one paragraph into sentence spans (absolute offsets), trimmed of surrounding spaces."""
    spans: list[tuple[int, int]] = []
    ends = _sentence_ends(text)
    start = 0
    for end in ends:
        _add_trimmed(text, start, end, offset, spans)
        start = end
    _add_trimmed(text, start, len(text), offset, spans)
    return spans


def _sentence_ends(text: str) -> list[int]:
    ends: list[int] = []
    i, n = 0, len(text)
    latin = {m.start() for m in _LATIN_END.finditer(text)}
    while i < n:
        ch = text[i]
        if ch in _TERMINATORS or i in latin:
            j = i + 1
            while j < n and text[j] in _TERMINATORS:
                j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            ends.append(j)
            i = j
        else:
            i += 1
    return ends


def _add_trimmed(text: str, start: int, end: int, offset: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        out.append((offset + start, offset + end))


def split_clauses(text: str, offset: int = 0) -> tuple[tuple[int, int], ...]:
    """Clause spans inside a sentence, split after ，、：; the trailing mark stays with its clause."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _CLAUSE_MARKS and not _inside_number(text, i):
            _add_trimmed(text, start, i + 1, offset, spans)
            start = i + 1
    _add_trimmed(text, start, len(text), offset, spans)
    return tuple(spans)


def _inside_number(text: str, i: int) -> bool:
    # "1,264.5" is one number, not two clauses.
    return text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
