"""Answer ↔ plain dict, every field kept (offsets, section titles, history), for storing answers as JSON."""

from __future__ import annotations

import dataclasses
from typing import Any

from index.records import Answer, Figure, PastFigure, Quote, Source

__all__ = ["answer_from_dict", "answer_to_dict"]


def answer_to_dict(a: Answer) -> dict[str, Any]:
    """Everything but the timings, which describe one run and not the answer."""
    data = dataclasses.asdict(a)
    data.pop("timings_ms", None)
    return data


def _source(d: dict[str, Any]) -> Source:
    return Source(file=d["file"], title=d["title"], issue=d["issue"], date=d["date"],
                  section=tuple(d["section"]), section_titles=tuple(d.get("section_titles", ())))


def _quote(d: dict[str, Any]) -> Quote:
    return Quote(text=d["text"], start=d["start"], end=d["end"], score=d["score"], source=_source(d["source"]),
                 citation=d["citation"])


def _figure(d: dict[str, Any] | None) -> Figure | None:
    return None if d is None else Figure(**d)


def answer_from_dict(d: dict[str, Any]) -> Answer:
    """The inverse of answer_to_dict; KeyError or TypeError when the data is not an answer."""
    history = tuple(
        PastFigure(figure=Figure(**p["figure"]), date=p["date"], quote=_quote(p["quote"]))
        for p in d.get("history", ())
    )
    return Answer(
        question=d["question"], answered=d["answered"], answer=d["answer"], figure=_figure(d["figure"]),
        quotes=tuple(_quote(q) for q in d["quotes"]), as_of=d["as_of"],
        nearest=tuple(_source(s) for s in d["nearest"]), history=history, refused_by=_text(d.get("refused_by", "")),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value
