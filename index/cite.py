"""Where a sentence stands, and the citation line read out in a meeting (pure)."""

from __future__ import annotations

import re

from index.records import Briefing, PastFigure, Sentence, Source

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def source_of(b: Briefing, s: Sentence) -> Source:
    return Source(
        file=b.file, title=b.title, issue=b.issue_label, date=b.date,
        section=s.section, section_titles=s.section_titles,
    )


def chinese_date(iso: str | None) -> str | None:
    """"2022-09-20" → "2022年9月20日"."""
    if not iso:
        return None
    match = _ISO_DATE.fullmatch(iso)
    if match is None:  # not a date we wrote (e.g. "--" from a damaged record): shown as it is, never a crash
        return iso
    y, m, d = match.groups()
    return f"{int(y)}年{int(m)}月{int(d)}日"


def citation(src: Source) -> str:
    """《宁波支援合作工作简报》2022年第10期（2022年9月20日）一、（二）"""
    text = f"《{src.title}》"
    if src.issue:
        text += src.issue
    date = chinese_date(src.date)
    if date:
        text += f"（{date}）"
    labels = [label for label in src.section if label]
    if labels == ["编者按"]:
        return text + "编者按"
    return text + "".join(labels)


def history_line(past: PastFigure) -> str:
    """"2022年第10期（9月20日）：932.7 万元": one line per earlier issue."""
    src = past.quote.source
    name = src.issue or f"《{src.title}》"
    parts = (past.date or "").split("-")
    if src.issue and len(parts) == 3:
        name += f"（{int(parts[1])}月{int(parts[2])}日）"
    elif past.date:
        name += f"（{chinese_date(past.date)}）"
    return f"{name}：{past.figure.text}"


def doc_label(b: Briefing) -> str:
    """The document's name as retrieval context: title, issue, and the year when the title lacks it."""
    parts = [b.title]
    if b.issue_label:
        parts.append(b.issue_label)
    elif b.year and str(b.year) not in b.title:
        parts.append(f"{b.year}年")
    stem = b.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if b.title not in stem and not any(c in stem for c in "_-") and stem not in b.title:
        parts.append(stem)
    return " ".join(parts)
