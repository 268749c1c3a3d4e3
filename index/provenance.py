"""The last check before anything is shown: quotes are verbatim, numbers come from quotes."""

from __future__ import annotations

from collections.abc import Mapping

from index.figures import numbers_in
from index.records import Answer


class ProvenanceError(AssertionError):
    """An answer that is not backed by its sources: a bug, never shown to a user."""


def check_answer(answer: Answer, texts: Mapping[str, str]) -> None:
    """Raise ProvenanceError unless every quote and number in the answer is found in the sources."""
    for q in answer.quotes:
        stored = texts.get(q.source.file)
        if stored is None or stored[q.start : q.end] != q.text:
            raise ProvenanceError(f"quote is not verbatim at {q.source.file}:{q.start}-{q.end}")
    if not answer.answered:
        return
    if not answer.quotes:
        raise ProvenanceError("an answer without quotes")
    lead = answer.quotes[0].text
    if answer.answer is not None and answer.answer not in lead:
        raise ProvenanceError("answer span is not inside the first quote")
    if answer.figure is not None:
        f = answer.figure
        if f.text not in lead or (f.start >= 0 and texts[answer.quotes[0].source.file][f.start : f.end] != f.text):
            raise ProvenanceError("figure is not inside the first quote")
    _check_history(answer, texts)
    quoted = set().union(*(numbers_in(q.text) for q in answer.quotes))
    shown = numbers_in(answer.answer or "") | (numbers_in(answer.figure.text) if answer.figure else set())
    if not shown <= quoted:
        raise ProvenanceError(f"numbers {sorted(shown - quoted)} are not in any quote")


def _check_history(answer: Answer, texts: Mapping[str, str]) -> None:
    """Each earlier figure is quoted verbatim and stands inside its own quote, at its own offsets."""
    for past in answer.history:
        q, f = past.quote, past.figure
        stored = texts.get(q.source.file)
        if stored is None or stored[q.start : q.end] != q.text:
            raise ProvenanceError(f"history quote is not verbatim at {q.source.file}:{q.start}-{q.end}")
        if not (q.start <= f.start and f.end <= q.end) or stored[f.start : f.end] != f.text:
            raise ProvenanceError(f"history figure {f.text!r} is not inside its quote")
