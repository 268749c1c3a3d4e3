"""Extracted text → stored text: newlines, invisible characters, light Markdown, lines broken by layout (pure).

The text returned here is what every quote offset points into, so characters are never rewritten (no NFKC,
full-width punctuation kept); only invisible characters, indentation, Markdown markers and line breaks that
layout put in the middle of a sentence are removed. Paragraphs are separated by exactly one "\\n", with no
blank lines and no final newline: downstream, each line is a paragraph.

Every pattern here runs on text a stranger may have written, so each one costs time linear in its line:
anchored patterns backtrack over one run at most, and pairing Markdown markers is a scan, not a regex
(a lazy ".+?" between markers retried at every position took 37 s on 80 KB of "**a ").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

__all__ = ["normalise", "repair_breaks", "unbold"]

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Invisible characters that would split a quote from what staff see on screen.
_INVISIBLE = {cp: None for cp in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, 0x7F)} | {
    ord(c): None for c in "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
}
_NARROW_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f"}  # U+3000 inside a line is visible: kept

_MD_HEADING = re.compile(r"#{1,6}(?:[ \t]+|$)")
_MD_RULE = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,})")
_BOLD_MARKS = ("**", "__")

_CN = "一二三四五六七八九十百千零〇"
# Lines that begin a new block: headings, list items, an editor's note. Never glued to the line before.
# Only the first few characters decide, so a numeral run is looked at no further than a heading goes.
_BLOCK_START = re.compile(
    rf"(?:\*\*|__)?(?:[{_CN}]{{1,8}}[、．.]|[（(][{_CN}]{{1,8}}[）)]|第[{_CN}\d]{{1,8}}(?:[章节条部分篇款]|[，、,])"
    rf"|\d{{1,3}}[、．.](?!\d)|[（(]\d{{1,3}}[）)]|[\u2460-\u2473\u2776-\u277f]|[{_CN}]{{1,8}}是|【|——"
    rf"|[-*+•·●▪][ \t]|附件|注[：:])"
)
_LONG_LINE = 25  # prose cut by layout is at least a page width; titles, dates and signatures are shorter
_TERMINAL = "。！？!?…．."
_CLOSERS = "”’」』）)】》〉]\"'"
_OPEN_END = "，、；,;—–（(【《〈“‘「『["  # a line ending in one of these always continues
_COLONS = "：:"
_NO_LINE_START = "，、。；：！？,.;:!?）)】》〉」』”’%…"  # punctuation that cannot begin a paragraph
_INNER_PUNCT = frozenset("，。、；：！？,;")  # prose has some; a title usually has none
_CHECK_EVERY = 1000  # lines between two looks at the clock
_HEAD = 32  # characters of a paragraph that _BLOCK_START can look at, and more


class _Line(NamedTuple):
    text: str
    barrier: bool  # a Markdown heading, rule or table row: nothing is glued to or from it


def normalise(text: str) -> str:
    """Clean text line by line: newlines, invisible characters, indentation and light Markdown.

    One output line per input line, so a Markdown rule becomes a blank line; characters are otherwise kept.
    """
    return "\n".join(line.text for line in _lines(text))


def repair_breaks(text: str, check: Callable[[], None] | None = None) -> str:
    """Normalise, then glue lines that layout broke mid-sentence; paragraphs end with one "\\n".

    A line continues the one before when that line ends in a comma-like mark or an opening bracket, or is
    a long prose line that stops without terminal punctuation; headings, list items, Markdown headings,
    rules and table rows always stand alone. `check` is called every so many lines (a reader's time limit).
    """
    paragraphs: list[_Paragraph] = []
    sealed = True
    for number, line in enumerate(_lines(text)):
        if check is not None and number % _CHECK_EVERY == 0:
            check()
        if not line.text:
            sealed = sealed or line.barrier
            continue
        if not sealed and not line.barrier and _continues(paragraphs[-1], line.text):
            paragraphs[-1].add(line.text)
        else:
            paragraphs.append(_Paragraph(line.text))
        sealed = line.barrier
    return "\n".join("".join(p.parts) for p in paragraphs)


class _Paragraph:
    """A paragraph being glued together, with what `_continues` asks of it kept up to date.

    Asking the joined text again for each glued line made a paragraph of many short lines quadratic.
    """

    def __init__(self, text: str) -> None:
        self.parts = [text]
        self.head = text[:_HEAD]
        self.length = len(text)
        self.last = text[-1]
        self.core_last = _core_last(text, "")
        self.terminal = any(c in _TERMINAL for c in text)
        self.inner = any(c in _INNER_PUNCT for c in text)

    def add(self, text: str) -> None:
        joint = " " if _is_ascii_letter(self.last) and _is_ascii_letter(text[0]) else ""
        # English words were broken at a space; Chinese has no spaces, and a figure or code is not
        # wrapped inside ("PM" + "2.5" was PM2.5).
        self.parts += [joint, text]
        if len(self.head) < _HEAD:
            self.head = (self.head + joint + text)[:_HEAD]
        self.length += len(joint) + len(text)
        self.last = text[-1]
        self.core_last = _core_last(text, self.core_last)
        self.terminal = self.terminal or any(c in _TERMINAL for c in text)
        self.inner = self.inner or any(c in _INNER_PUNCT for c in text)


def _core_last(text: str, before: str) -> str:
    """The last character that is not a closing mark, "" when there is none."""
    core = text.rstrip(_CLOSERS)
    return core[-1] if core else before


def unbold(line: str) -> str:
    """Drop Markdown bold markers around text: "**消薄飞地**" → "消薄飞地".

    A pair is an opening marker before a non-space and the first closing marker after a non-space, as
    the pattern `\\*\\*(?=\\S)(.+?)(?<=\\S)\\*\\*` read it, but in one pass: each marker's next opening is
    remembered rather than looked for again, and once no closing marker follows an opening one, none
    follows any later one either, so that marker is dropped.
    """
    out: list[str] = []
    done = 0
    following = {mark: _opening(line, mark, 0) for mark in _BOLD_MARKS}
    while following:
        at, mark = min((at, mark) for mark, at in following.items())
        if at < 0:
            del following[mark]
            continue
        close = _closing(line, mark, at + len(mark) + 1)
        if close < 0:
            del following[mark]
            continue
        out += [line[done:at], line[at + len(mark) : close]]
        done = close + len(mark)
        following = {m: a if a >= done else _opening(line, m, done) for m, a in following.items()}
    out.append(line[done:])
    return "".join(out)


def _opening(line: str, mark: str, pos: int) -> int:
    at = line.find(mark, pos)
    while at >= 0 and not (at + len(mark) < len(line) and not line[at + len(mark)].isspace()):
        at = line.find(mark, at + 1)
    return at


def _closing(line: str, mark: str, pos: int) -> int:
    at = line.find(mark, pos)
    while at >= 0 and line[at - 1].isspace():
        at = line.find(mark, at + 1)
    return at


def _heading(line: str) -> str | None:
    """The text of a Markdown heading line ("## 标题 ##" → "标题"), or None."""
    m = _MD_HEADING.match(line)
    if m is None:
        return None
    rest = line[m.end() :]
    body = rest.rstrip("#")
    if body != rest and body[-1:] in (" ", "\t"):  # a closing run of "#" after a space
        rest = body.rstrip(" \t")
    return rest


def _lines(text: str) -> Iterator[_Line]:
    text = _NEWLINES.sub("\n", text).translate(_INVISIBLE).translate(_NARROW_SPACES)
    for raw in text.split("\n"):
        line = raw.strip()
        if _MD_RULE.fullmatch(line):
            yield _Line("", True)
            continue
        heading = _heading(line)
        if heading is not None:
            yield _Line(unbold(heading).strip(), True)
            continue
        # A tab inside a line is a table row (from .docx or a pasted sheet); "|" starts a Markdown table.
        yield _Line(unbold(line).strip(), "\t" in line or line.startswith("|"))


def _continues(paragraph: _Paragraph, line: str) -> bool:
    """Whether `line` goes on the sentence that `paragraph` left open.

    Judged on the paragraph so far rather than its last physical line, so that text already repaired
    comes out unchanged.
    """
    if _BLOCK_START.match(line):
        return False
    if line[0] in _NO_LINE_START or paragraph.last in _OPEN_END:
        return True
    long = paragraph.length >= _LONG_LINE
    if paragraph.last in _COLONS:
        return long  # a short line ending in "：" is a salutation or lead-in such as "各位代表："
    if not long or not paragraph.core_last or paragraph.core_last in _TERMINAL:
        return False
    if _BLOCK_START.match(paragraph.head) and not paragraph.terminal:
        return False  # a heading that stands alone; one wrapped after a comma is caught above
    return paragraph.inner


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()
