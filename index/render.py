"""Answer → terminal text or the JSON other tools depend on (pure)."""

from __future__ import annotations

import json
from typing import Any

from index.cite import chinese_date, citation, history_line
from index.records import Answer, Figure, IndexInfo, PastFigure, Quote, Source
from index.why_refused import WHY_REFUSED

NOT_FOUND = "未在已收录的简报中找到答案。"
HISTORY = "此前各期："
# Characters json.dumps(ensure_ascii=False) leaves raw that str.splitlines() (and JavaScript before ES2019)
# treat as line ends: escaped, a JSON line stays one line for every reader. Control characters below
# U+0020 are escaped by json itself.
_LINE_BREAKERS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_text(data: Any, indent: int | None = None) -> str:
    """JSON with Chinese kept readable and every line-breaking character escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    # They can only occur inside JSON strings, where the escape means the same character.
    for raw, escaped in _LINE_BREAKERS.items():
        text = text.replace(raw, escaped)
    return text


def figure_json(f: Figure | None) -> dict[str, Any] | None:
    return None if f is None else {"text": f.text, "value": f.value, "unit": f.unit}


def source_json(s: Source) -> dict[str, Any]:
    return {"file": s.file, "title": s.title, "issue": s.issue, "date": s.date, "section": list(s.section)}


def quote_json(q: Quote) -> dict[str, Any]:
    return {
        "text": q.text, "start": q.start, "end": q.end, "score": q.score,
        "source": source_json(q.source), "citation": q.citation,
    }


def past_json(p: PastFigure) -> dict[str, Any]:
    return {"figure": figure_json(p.figure), "date": p.date, "quote": quote_json(p.quote)}


def answer_json(a: Answer) -> dict[str, Any]:
    return {
        "question": a.question,
        "answered": a.answered,
        "answer": a.answer,
        "figure": figure_json(a.figure),
        "quotes": [quote_json(q) for q in a.quotes],
        "as_of": a.as_of,
        "nearest": [{**source_json(s), "citation": citation(s)} for s in a.nearest],
        "refused_by": a.refused_by or None,
        "history": [past_json(p) for p in a.history],
        "timings_ms": a.timings_ms,
    }


def _section_name(s: Source) -> str:
    return s.section_titles[-1] if s.section_titles else ""


def format_answer(a: Answer) -> str:
    """A reply for the terminal: the answer first, then each quote with its citation."""
    if not a.answered:
        lines = [NOT_FOUND]
        if a.refused_by in WHY_REFUSED:
            lines.append(WHY_REFUSED[a.refused_by])
        if a.nearest:
            lines.append("最接近的章节：")
            lines += [f"  - {citation(s)} {_section_name(s)}".rstrip() for s in a.nearest]
        return "\n".join(lines)
    head = f"答：{a.answer}" if a.answer else "答："
    as_of = chinese_date(a.as_of)
    if as_of:
        head += f"（截至 {as_of}）"
    lines = [head]
    if a.figure:
        lines.append(f"数字：{a.figure.text}")
    for i, q in enumerate(a.quotes, 1):
        lines += ["", f"[{i}] “{q.text}”", f"    —— {q.citation}"]
    if a.history:
        lines += ["", HISTORY, *(f"  {history_line(p)}" for p in a.history)]
    return "\n".join(lines)


def format_status(info: IndexInfo) -> str:
    lines = [
        f"index:     {info.path}",
        f"model:     {info.model} ({info.dimension} dimensions, encoder {info.encoder})",
        f"built at:  {info.built_at}",
        f"files:     {info.files}   sentences: {info.sentences}   vectors: {info.vectors}",
        "",
    ]
    for b in info.briefings:
        issue = b.issue or "-"
        lines.append(f"  {b.date or '-':10}  {issue:12}  {b.sentences:5d} sentences  {b.title}  [{b.file}]")
    return "\n".join(lines)


def status_json(info: IndexInfo) -> dict[str, Any]:
    return {
        "path": info.path, "model": info.model, "encoder": info.encoder, "dimension": info.dimension,
        "built_at": info.built_at,
        "files": info.files, "sentences": info.sentences, "vectors": info.vectors,
        "briefings": [
            {"file": b.file, "title": b.title, "issue": b.issue, "date": b.date, "sentences": b.sentences}
            for b in info.briefings
        ],
    }
