"""Hostile files made byte by byte: a PDF with any ToUnicode map and any number of pages, a .docx bomb."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _hex16(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def make_pdf(pages: Sequence[bytes], to_unicode: Mapping[int, str], shared_content: bool = False) -> bytes:
    """A PDF whose pages show the given one-byte codes in a font whose ToUnicode map is `to_unicode`.

    The map may name any code point, a lone surrogate included, as a hostile file's map does. With
    `shared_content` every page draws the first page's content stream (a small file of many pages).
    """
    cmap = "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CMapName /Hostile def",
        "1 begincodespacerange <00> <FF> endcodespacerange", f"{len(to_unicode)} beginbfchar",
        *(f"<{code:02X}> <{_hex16(text)}>" for code, text in to_unicode.items()),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ]).encode("ascii")
    contents = pages[:1] if shared_content else pages
    first_page = 5 + len(contents)
    kids = " ".join(f"{first_page + i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>",
        _stream(cmap),
        *(_stream(b"BT /F1 12 Tf 72 720 Td <" + codes.hex().encode() + b"> Tj ET") for codes in contents),
    ]
    for i in range(len(pages)):
        content = 5 + (0 if shared_content else i)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {content} 0 R >>".encode()
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def write_docx(path: Path, paragraphs: Sequence[str], padding: int = 0) -> None:
    """A minimal valid .docx; `padding` bytes of XML comment make it expand far beyond its size."""
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>" for p in paragraphs)
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>{body}'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head.encode())
            chunk = b"<!--" + b"x" * (1024 * 1024 - 7) + b"-->"
            for _ in range(padding // len(chunk)):
                member.write(chunk)
            member.write(b"</w:body></w:document>")
