"""Briefing file → stored text: formats (.txt/.md, .docx, .pdf), decoding, and limits on what a file may cost.

The clean-up and the repair of lines broken by layout live in index.layout. Text leaving here is valid
Unicode: code points that cannot be written as UTF-8 (a lone surrogate from a PDF's ToUnicode map) or are
not characters at all are replaced by U+FFFD, one for one so offsets hold, and counted.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

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

from index.budget import Budget, read_capped
from index.config import Limits
from index.errors import UnreadableFile
from index.layout import normalise, repair_breaks

__all__ = [
    "SUPPORTED", "Extracted", "decode_text", "normalise", "read_data", "read_document", "repair_breaks",
    "valid_unicode",
]

SUPPORTED = (".txt", ".md", ".docx", ".pdf")

BINARY = "binary content, not text"
UNDECODABLE = "not UTF-8 or GB18030 text"
ENCRYPTED = "encrypted PDF that cannot be opened here (save an unprotected copy)"

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c")
_MAX_CONTROL_SHARE = 0.1  # real text has next to none; binary decoded by chance has plenty
_DAMAGE_RATIO = 50  # sound UTF-8 characters per damaged one; GBK read as UTF-8 has far fewer
# Surrogates (unencodable alone) and Unicode's noncharacters: U+FDD0–U+FDEF and the last two of each plane.
_NOT_CHARACTERS = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
    + "]"
)
_BLOCKS_PER_CHECK = 200  # .docx paragraphs or table rows between two looks at the clock

_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
# A run of white space holding a tab or a break: a column or paragraph end inside a table cell.
_CELL_SPACE = re.compile(r"\s+")
_CELL_BREAKS = frozenset("\t\n\r\x0b\x0c")
_PAGE_NUMBER = re.compile(
    r"(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,6}\s*页(?:\s*(?:[,，/]\s*)?共\s*\d{1,6}\s*页)?"
    r"|\d{1,6}\s*/\s*\d{1,6})"
)


@dataclass(frozen=True)
class Extracted:
    """A file's stored text and how many code points in it had to be replaced to make it valid Unicode."""

    text: str
    replaced: int = 0


def read_document(path: Path, name: str | None = None, limits: Limits | None = None) -> str:
    """Read a briefing file by its extension and return its stored text."""
    label = name or path.name
    suffix = _supported_suffix(path.suffix, label)
    budget = Budget(limits or Limits(), label)
    return read_data(read_capped(path, budget), suffix, label, limits).text


def read_data(data: bytes, suffix: str, label: str, limits: Limits | None = None) -> Extracted:
    """The stored text of a file's bytes, read as the format `suffix` names, within `limits`.

    The build hashes the same bytes it passes here, so the manifest's hash is of the text indexed.
    """
    suffix = _supported_suffix(suffix, label)
    budget = Budget(limits or Limits(), label)
    budget.check_bytes(len(data))
    if not data:
        raise UnreadableFile(label, "empty file")
    if suffix == ".docx":
        raw = _read_docx(data, budget)
    elif suffix == ".pdf":
        raw = _read_pdf(data, budget)
    else:
        raw = _read_text(data, budget)
    budget.check_characters(len(raw))
    raw, replaced = valid_unicode(raw)
    text = repair_breaks(raw, budget.check_time)
    if not text:
        empty = {".pdf": "PDF has no extractable text (scanned image?)", ".docx": "document has no text"}
        raise UnreadableFile(label, empty.get(suffix, "empty file"))
    return Extracted(text, replaced)


def valid_unicode(text: str) -> tuple[str, int]:
    """`text` with every surrogate and noncharacter replaced by U+FFFD, and how many there were."""
    return _NOT_CHARACTERS.subn("\ufffd", text)


def _supported_suffix(suffix: str, label: str) -> str:
    suffix = suffix.lower()
    if suffix not in SUPPORTED:
        shown = suffix or "(no extension)"
        raise UnreadableFile(label, f"unsupported file type {shown} (use {', '.join(SUPPORTED)})")
    return suffix


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


def _read_text(data: bytes, budget: Budget) -> str:
    try:
        return decode_text(data)
    except ValueError as exc:
        raise UnreadableFile(budget.label, str(exc)) from None


def _read_docx(data: bytes, budget: Budget) -> str:
    bad = UnreadableFile(budget.label, "not a valid .docx file (corrupt or not Word format)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget.check_zip(archive)
    except UnreadableFile:
        raise
    except Exception:  # zipfile raises many kinds for a damaged archive
        raise bad from None
    lines: list[str] = []
    characters = 0
    try:
        document = docx.Document(io.BytesIO(data))
        for number, line in enumerate(_docx_blocks(document.element.body, document)):
            if number % _BLOCKS_PER_CHECK == 0:
                budget.check_time()
            characters += len(line) + 1
            budget.check_characters(characters)
            lines.append(line)
    except UnreadableFile:
        raise
    except Exception:  # python-docx, zipfile and lxml raise many kinds for a damaged file
        raise bad from None
    return "\n".join(lines)


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
    return " ".join(_CELL_SPACE.sub(_cell_space, part).strip() for part in parts if part.strip())


def _cell_space(m: re.Match[str]) -> str:
    return " " if _CELL_BREAKS.intersection(m.group()) else m.group()


def _read_pdf(data: bytes, budget: Budget) -> str:
    label = budget.label
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(label, "PDF is password-protected (save an unprotected copy)")
        budget.check_pages(_declared_pages(reader))  # before the page tree is walked
        pages: list[str] = []
        characters = 0
        for page in reader.pages:
            budget.check_pages(len(pages) + 1)
            budget.check_time()
            pages.append(page.extract_text() or "")
            characters += len(pages[-1])
            budget.check_characters(characters)
        if not pages:
            raise ValueError("no pages")  # what a truncated file opened leniently looks like
    except UnreadableFile:
        raise
    except DependencyError:  # AES without the cryptography package: the file itself is fine
        raise UnreadableFile(label, ENCRYPTED) from None
    except Exception:  # pypdf raises many kinds for a damaged or unusual file
        raise UnreadableFile(label, "not a valid PDF file (corrupt or not PDF)") from None
    return "\n".join(_without_page_furniture(pages))


def _declared_pages(reader: PdfReader) -> int:
    """The page count the document's page tree declares (0 when it declares none)."""
    count = reader.root_object["/Pages"].get_object().get("/Count", 0)  # type: ignore[union-attr]
    return int(count) if isinstance(count, int) else 0


def _without_page_furniture(pages: list[str]) -> list[str]:
    """Drop page numbers and running heads or feet: left between two pages they stop a sentence rejoining."""
    lines = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    for page in lines:
        for end in (-1, 0):
            if page and _PAGE_NUMBER.fullmatch(page[end]):
                page.pop(end)
    edges = Counter(line for page in lines[1:] if page for line in {page[0], page[-1]})
    running = {line for line, count in edges.items() if count >= 2}
    for number, page in enumerate(lines):
        # The first page keeps its first line: a running head usually repeats the title printed there.
        for end in (-1, 0) if number else (-1,):
            if page and page[end] in running:
                page.pop(end)
    return ["\n".join(page) for page in lines]
