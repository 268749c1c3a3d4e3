"""Briefing file → stored text: decoding, clean-up and repair of lines broken by layout.

The text returned here is what every quote offset points into, so characters are never rewritten (no NFKC,
full-width punctuation kept); only invisible characters, indentation, Markdown markers and line breaks that
layout put in the middle of a sentence are removed. Paragraphs are separated by exactly one "\\n", with no
blank lines and no final newline: downstream, each line is a paragraph.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import DependencyError

from index.errors import UnreadableFile

__all__ = ["SUPPORTED", "decode_text", "normalise", "read_document", "repair_breaks"]

SUPPORTED = (".txt", ".md", ".docx", ".pdf")

BINARY = "binary content, not text"
UNDECODABLE = "not UTF-8 or GB18030 text"
ENCRYPTED = "encrypted PDF that cannot be opened here (save an unprotected copy)"

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c")
_MAX_CONTROL_SHARE = 0.1  # real text has next to none; binary decoded by chance has plenty
_DAMAGE_RATIO = 50  # sound UTF-8 characters per damaged one; GBK read as UTF-8 has far fewer

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Invisible characters that would split a quote from what staff see on screen.
_INVISIBLE = {cp: None for cp in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, 0x7F)} | {
    ord(c): None for c in "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
}
_NARROW_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f"}  # U+3000 inside a line is visible: kept

_MD_HEADING = re.compile(r"^#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?$")
_MD_RULE = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,})$")
_MD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")

_CN = "一二三四五六七八九十百千零〇"
# Lines that begin a new block: headings, list items, an editor's note. Never glued to the line before.
_BLOCK_START = re.compile(
    rf"^(?:\*\*|__)?(?:[{_CN}]+[、．.]|[（(][{_CN}]+[）)]|第[{_CN}\d]+(?:[章节条部分篇款]|[，、,])"
    rf"|\d{{1,3}}[、．.](?!\d)|[（(]\d{{1,3}}[）)]|[\u2460-\u2473\u2776-\u277f]|[{_CN}]+是|【|——"
    rf"|[-*+•·●▪][ \t]|附件|注[：:])"
)
_LONG_LINE = 25  # prose cut by layout is at least a page width; titles, dates and signatures are shorter
_TERMINAL = "。！？!?…．."
_CLOSERS = "”’」』）)】》〉]\"'"
_OPEN_END = "，、；,;—–（(【《〈“‘「『["  # a line ending in one of these always continues
_COLONS = "：:"
_NO_LINE_START = "，、。；：！？,.;:!?）)】》〉」』”’%…"  # punctuation that cannot begin a paragraph
_INNER_PUNCT = frozenset("，。、；：！？,;")  # prose has some; a title usually has none
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
_CELL_BREAK = re.compile(r"\s*[\t\n\r\x0b\x0c]+\s*")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)


class _Line(NamedTuple):
    text: str
    barrier: bool  # a Markdown heading, rule or table row: nothing is glued to or from it


def read_document(path: Path, name: str | None = None) -> str:
    """Read a briefing file by its extension and return its stored text."""
    label = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        shown = suffix or "(no extension)"
        raise UnreadableFile(label, f"unsupported file type {shown} (use {', '.join(SUPPORTED)})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(label, f"cannot be opened ({exc.strerror or 'no access'})") from None
    if size == 0:
        raise UnreadableFile(label, "empty file")
    if suffix == ".docx":
        raw = _read_docx(path, label)
    elif suffix == ".pdf":
        raw = _read_pdf(path, label)
    else:
        raw = _read_text(path, label)
    text = repair_breaks(raw)
    if not text:
        empty = {".pdf": "PDF has no extractable text (scanned image?)", ".docx": "document has no text"}
        raise UnreadableFile(label, empty.get(suffix, "empty file"))
    return text


def decode_text(data: bytes) -> str:
    """Decode a text file saved as UTF-8 (BOM or not), UTF-16 with BOM, or GB18030/GBK/GB2312.

    A UTF-8 file with a damaged byte or two keeps U+FFFD in their place. Raises ValueError whose message
    says why the bytes are not text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise ValueError(f"not valid {codec.upper().removesuffix('-SIG')} text") from None
            break
    else:
        if b"\x00" in data:
            raise ValueError(BINARY)
        text = _decode_unmarked(data)
    controls = sum(1 for c in text if (c < " " or c == "\x7f") and c not in _TEXT_CONTROLS)
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise ValueError(BINARY)
    return text


def normalise(text: str) -> str:
    """Clean text line by line: newlines, invisible characters, indentation and light Markdown.

    One output line per input line, so a Markdown rule becomes a blank line; characters are otherwise kept.
    """
    return "\n".join(line.text for line in _lines(text))


def repair_breaks(text: str) -> str:
    """Normalise, then glue lines that layout broke mid-sentence; paragraphs end with one "\\n".

    A line continues the one before when that line ends in a comma-like mark or an opening bracket, or is
    a long prose line that stops without terminal punctuation; headings, list items, Markdown headings,
    rules and table rows always stand alone.
    """
    paragraphs: list[str] = []
    sealed = True
    for line in _lines(text):
        if not line.text:
            sealed = sealed or line.barrier
            continue
        if not sealed and not line.barrier and _continues(paragraphs[-1], line.text):
            paragraphs[-1] = _glue(paragraphs[-1], line.text)
        else:
            paragraphs.append(line.text)
        sealed = line.barrier
    return "\n".join(paragraphs)


def _decode_unmarked(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    if sum(1 for c in lenient if c > "\x7f") - damaged >= _DAMAGE_RATIO * damaged:
        # UTF-8 with a byte or two damaged (a cut last character): read as GB18030 every character would
        # turn into another, so keep it and show the damage as staff's own editor does.
        return lenient
    try:
        # GB18030 is a superset of GBK and GB2312, which is what older staff machines save.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError(UNDECODABLE) from None


def _lines(text: str) -> Iterator[_Line]:
    text = _NEWLINES.sub("\n", text).translate(_INVISIBLE).translate(_NARROW_SPACES)
    for raw in text.split("\n"):
        line = raw.strip()
        if _MD_RULE.match(line):
            yield _Line("", True)
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            yield _Line(_unbold(heading.group(1)).strip(), True)
            continue
        # A tab inside a line is a table row (from .docx or a pasted sheet); "|" starts a Markdown table.
        yield _Line(_unbold(line).strip(), "\t" in line or line.startswith("|"))


def _unbold(line: str) -> str:
    return _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), line)


def _continues(paragraph: str, line: str) -> bool:
    """Whether `line` goes on the sentence that `paragraph` left open.

    Judged on the paragraph so far rather than its last physical line, so that text already repaired
    comes out unchanged.
    """
    if _BLOCK_START.match(line):
        return False
    if line[0] in _NO_LINE_START or paragraph[-1] in _OPEN_END:
        return True
    long = len(paragraph) >= _LONG_LINE
    if paragraph[-1] in _COLONS:
        return long  # a short line ending in "：" is a salutation or lead-in such as "各位代表："
    if not long or _ends_sentence(paragraph):
        return False
    if _BLOCK_START.match(paragraph) and not any(c in _TERMINAL for c in paragraph):
        return False  # a heading that stands alone; one wrapped after a comma is caught above
    return any(c in _INNER_PUNCT for c in paragraph)


def _ends_sentence(line: str) -> bool:
    core = line.rstrip(_CLOSERS)
    return not core or core[-1] in _TERMINAL


def _glue(left: str, right: str) -> str:
    if _is_ascii_letter(left[-1]) and _is_ascii_letter(right[0]):
        return f"{left} {right}"  # English words were broken at a space
    # Chinese has no spaces, and a figure or code is not wrapped inside ("PM" + "2.5" was PM2.5).
    return left + right


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _read_text(path: Path, label: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(label, f"cannot be opened ({exc.strerror or 'no access'})") from None
    try:
        return decode_text(data)
    except ValueError as exc:
        raise UnreadableFile(label, str(exc)) from None


def _read_docx(path: Path, label: str) -> str:
    try:
        document = docx.Document(str(path))
        return "\n".join(_docx_blocks(document.element.body, document))
    except Exception:  # python-docx, zipfile and lxml raise many kinds for a damaged file
        raise UnreadableFile(label, "not a valid .docx file (corrupt or not Word format)") from None


def _docx_blocks(container: etree._Element, parent: DocxDocument) -> Iterator[str]:
    """Paragraph and table-row lines of the body in document order, content controls included."""
    for child in container.iterchildren():
        if isinstance(child, CT_P):
            yield Paragraph(child, parent).text
        elif isinstance(child, CT_Tbl):
            yield from _table_lines(Table(child, parent))
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:  # a content control (cover lines in Word templates) holds body blocks
                yield from _docx_blocks(content, parent)


def _table_lines(table: Table) -> Iterator[str]:
    """One line per row, cells joined by a tab; a one-column (layout) table gives its paragraphs."""
    for row in table.rows:
        cells = list(_unique(row.cells))
        if len(cells) == 1:
            for block in cells[0].iter_inner_content():
                if isinstance(block, Table):
                    yield from _table_lines(block)
                else:
                    yield block.text
            continue
        texts = [_cell_text(cell) for cell in cells]
        if any(texts):
            yield "\t".join(texts)


def _unique(cells: Iterable[_Cell]) -> Iterator[_Cell]:
    previous = None
    for cell in cells:
        if cell is not previous:  # a horizontally merged cell is repeated once per grid column
            yield cell
        previous = cell


def _cell_text(cell: _Cell) -> str:
    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            parts.extend(_table_lines(block))
        else:
            parts.append(block.text)
    # A tab or break inside a cell would read as a column or paragraph end.
    return " ".join(_CELL_BREAK.sub(" ", part).strip() for part in parts if part.strip())


def _read_pdf(path: Path, label: str) -> str:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(label, "PDF is password-protected (save an unprotected copy)")
        pages = [page.extract_text() or "" for page in reader.pages]
        if not pages:
            raise ValueError("no pages")  # what a truncated file opened leniently looks like
    except UnreadableFile:
        raise
    except DependencyError:  # AES without the cryptography package: the file itself is fine
        raise UnreadableFile(label, ENCRYPTED) from None
    except Exception:  # pypdf raises many kinds for a damaged or unusual file
        raise UnreadableFile(label, "not a valid PDF file (corrupt or not PDF)") from None
    return "\n".join(_without_page_furniture(pages))


def _without_page_furniture(pages: list[str]) -> list[str]:
    """Drop page numbers and running heads or feet: left between two pages they stop a sentence rejoining."""
    lines = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    for page in lines:
        for end in (-1, 0):
            if page and _PAGE_NUMBER.match(page[end]):
                page.pop(end)
    edges = Counter(line for page in lines[1:] for line in {page[0], page[-1]} if page)
    running = {line for line, count in edges.items() if count >= 2}
    for number, page in enumerate(lines):
        # The first page keeps its first line: a running head usually repeats the title printed there.
        for end in (-1, 0) if number else (-1,):
            if page and page[end] in running:
                page.pop(end)
    return ["\n".join(page) for page in lines]
