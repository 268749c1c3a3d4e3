"""Sheet → Markdown text or a .docx file with real Word styles (python-docx, imported only here and lazily)."""

from __future__ import annotations

import io
import re
from typing import Any

from index.cite import chinese_date, citation, history_line
from index.records import Quote
from index.sheet import HISTORY, MADE, NEAREST, NOT_FOUND, SOURCES, Sheet, SheetEntry, section_name

__all__ = ["DOCX_STYLES", "SOURCE_STYLE", "render_docx", "render_markdown"]

SOURCE_STYLE = "Source Line"  # the citation under each quote, small like a footnote
# Built-in styles of python-docx's default template that the sheet uses, by role.
DOCX_STYLES = {"title": "Title", "made": "Subtitle", "question": "Heading 1", "part": "Heading 2",
               "quote": "Quote", "history": "List Bullet", "source": "List Number"}
SOURCE_PT = 9  # points; Word's footnote text is 10 pt on a 12 pt body, and the body here is 12 pt
BODY_PT = 12
EAST_ASIAN_FONT = "宋体"  # what official documents are set in; Word substitutes if it is missing
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _md(text: str) -> str:
    # Escaped, so a quote shows exactly as the briefing wrote it whatever Markdown reads it.
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_quote(q: Quote) -> list[str]:
    return [f"> {_md(q.text)}", "", f"—— {_md(q.citation or citation(q.source))}", ""]


def _md_entry(number: int, e: SheetEntry) -> list[str]:
    lines = [f"## {number}. {_md(e.question)}", ""]
    if not e.answered:
        lines += [f"**{NOT_FOUND}**", ""]
        if e.nearest:
            lines += [NEAREST, ""]
            lines += [f"- {_md(citation(s))} {_md(section_name(s))}".rstrip() for s in e.nearest]
            lines.append("")
        return lines
    lines += [f"**{_md(e.answer_line or '')}**", ""]
    for q in e.quotes:
        lines += _md_quote(q)
    if e.history:
        lines += [f"### {HISTORY}", ""]
        for p in e.history:
            lines += [f"- {_md(history_line(p))}", ""]
            lines += ["  " + line if line else "" for line in _md_quote(p.quote)]
    return lines


def render_markdown(sheet: Sheet) -> str:
    lines = [f"# {_md(sheet.title)}", "", MADE.format(date=chinese_date(sheet.made)), ""]
    for number, e in enumerate(sheet.entries, 1):
        lines += _md_entry(number, e)
    if sheet.sources:
        lines += [f"## {SOURCES}", ""]
        lines += [f"{n}. {_md(s)}" for n, s in enumerate(sheet.sources, 1)]
        lines.append("")
    return "\n".join(lines)


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    source = doc.styles.add_style(SOURCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    source.base_style = normal
    source.font.size = Pt(SOURCE_PT)
    source.paragraph_format.space_after = Pt(8)


def _docx_quote(doc: Any, q: Quote) -> None:
    doc.add_paragraph(q.text, style=DOCX_STYLES["quote"])
    doc.add_paragraph(f"—— {q.citation or citation(q.source)}", style=SOURCE_STYLE)


def _docx_entry(doc: Any, number: int, e: SheetEntry) -> None:
    doc.add_heading(f"{number}. {e.question}", level=1)
    if not e.answered:
        doc.add_paragraph().add_run(NOT_FOUND).bold = True
        if e.nearest:
            doc.add_paragraph(NEAREST)
            for s in e.nearest:
                doc.add_paragraph(f"{citation(s)} {section_name(s)}".rstrip(), style=DOCX_STYLES["history"])
        return
    doc.add_paragraph().add_run(e.answer_line or "").bold = True
    for q in e.quotes:
        _docx_quote(doc, q)
    if e.history:
        doc.add_heading(HISTORY, level=2)
        for p in e.history:
            doc.add_paragraph(history_line(p), style=DOCX_STYLES["history"])
            _docx_quote(doc, p.quote)


def render_docx(sheet: Sheet) -> bytes:
    """The sheet as a .docx file's bytes."""
    import docx

    doc = docx.Document()
    _styles(doc)
    doc.core_properties.title = sheet.title
    doc.add_heading(sheet.title, level=0)
    doc.add_paragraph(MADE.format(date=chinese_date(sheet.made)), style=DOCX_STYLES["made"])
    for number, e in enumerate(sheet.entries, 1):
        _docx_entry(doc, number, e)
    if sheet.sources:
        doc.add_heading(SOURCES, level=1)
        for s in sheet.sources:
            doc.add_paragraph(s, style=DOCX_STYLES["source"])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
