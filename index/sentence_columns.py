"""The briefings of a generation as columns: each record without its sentences, and every sentence as arrays.

Reading `briefings.jsonl` makes and checks one list per sentence in Python: at a million sentences the largest
part of opening once the units were columns (bench/scale.py, docs/quality.md "Scale"). Here the sentences of all
briefings are a few arrays, checked at once with numpy, and each briefing's SentenceTable is a slice of them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from index.columns import SentenceTable, sentence_table
from index.records import Briefing
from index.stored import Damaged, briefing_from_json, briefing_to_json

__all__ = ["FILES", "read_sentences", "write_sentences"]

_ARRAYS = ("sentence_starts", "spans", "kinds", "sections", "clause_starts", "clauses")
FILES = ("briefings.jsonl", *(f"{a}.npy" for a in _ARRAYS))
_KINDS = 3  # index.columns._KINDS: sentence, heading, meta

Names = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


def _narrow(values: np.ndarray) -> np.ndarray:
    return values.astype(np.min_scalar_type(int(values.max(initial=0))))


def _steps(offsets: np.ndarray) -> np.ndarray:
    """Each count from its offsets (never negative where the offsets are in order)."""
    steps: np.ndarray = np.diff(offsets.astype(np.int64))
    return steps


def write_sentences(folder: Path, briefings: list[Briefing]) -> None:
    """Write the records (sentences left out) and the sentences' arrays of every briefing, in order."""
    folder.mkdir()
    columns = [sentence_table(b.text, b.sentences).columns() for b in briefings]
    with open(folder / "briefings.jsonl", "w", encoding="utf-8") as out:
        for b, c in zip(briefings, columns, strict=True):
            names = [[list(labels), list(titles)] for labels, titles in c[3]]
            out.write(json.dumps([briefing_to_json(replace(b, sentences=())), names], ensure_ascii=False) + "\n")
    counts = np.array([len(c[0]) for c in columns], dtype=np.int64)
    clause_counts = np.concatenate([_steps(c[4]) for c in columns])
    arrays = {
        "sentence_starts": _narrow(np.concatenate([[0], np.cumsum(counts)])),
        "spans": _narrow(np.concatenate([c[0].astype(np.int64) for c in columns])),
        "kinds": np.concatenate([c[1] for c in columns]).astype(np.int8),
        "sections": _narrow(np.concatenate([c[2].astype(np.int64) for c in columns])),
        "clause_starts": _narrow(np.concatenate([[0], np.cumsum(clause_counts)])),
        # A loaded table's clause starts index the clauses of all its generation's briefings: its own are a slice.
        "clauses": _narrow(np.concatenate([c[5][int(c[4][0]):int(c[4][-1])].astype(np.int64) for c in columns])),
    }
    for name in _ARRAYS:
        np.save(folder / f"{name}.npy", arrays[name], allow_pickle=False)


def read_sentences(folder: Path) -> list[Briefing]:
    """The briefings `write_sentences` wrote, each with a SentenceTable over the arrays; Damaged if any is off."""
    with open(folder / "briefings.jsonl", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    records = [_record(row) for row in rows]
    names = [_names(row[1]) for row in rows]
    a = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    _check(a, [len(b.text) for b in records], [len(n) for n in names])
    starts = a["sentence_starts"].tolist()
    return [
        replace(b, sentences=SentenceTable(b.text, a["spans"][s0:s1], a["kinds"][s0:s1], a["sections"][s0:s1], n,
                                           a["clause_starts"][s0:s1 + 1], a["clauses"]))
        for b, n, s0, s1 in zip(records, names, starts[:-1], starts[1:], strict=True)
    ]


def _record(row: Any) -> Briefing:
    if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], dict) and row[0].get("sentences") == []):
        raise Damaged("a briefing record of the columns has the wrong shape")
    return briefing_from_json(row[0])


def _names(pairs: Any) -> Names:
    def strings(v: Any) -> bool:
        return isinstance(v, list) and all(isinstance(x, str) for x in v)

    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 and strings(p[0])
                                              and strings(p[1]) for p in pairs):
        raise Damaged("a briefing's section names in the columns are malformed")
    return tuple((tuple(labels), tuple(titles)) for labels, titles in pairs)


def _check(a: dict[str, np.ndarray], text_lengths: list[int], name_counts: list[int]) -> None:
    """The arrays' types and lengths fit together and every offset stays inside its briefing's text."""
    starts, spans, clause_starts, clauses = a["sentence_starts"], a["spans"], a["clause_starts"], a["clauses"]
    if any(a[k].dtype.kind != "u" for k in ("sentence_starts", "spans", "sections", "clause_starts", "clauses")) \
            or a["kinds"].dtype != np.int8 or spans.ndim != 2 or clauses.ndim != 2 or spans.shape[1:] != (2,) \
            or clauses.shape[1:] != (2,) or any(a[k].ndim != 1 for k in ("sentence_starts", "kinds", "sections",
                                                                           "clause_starts")):
        raise Damaged("a sentence column has the wrong shape or type")
    n = len(spans)
    counts = _steps(starts)
    if len(starts) != len(text_lengths) + 1 or starts[0] != 0 or starts[-1] != n or bool(np.any(counts < 0)) \
            or len(a["kinds"]) != n or len(a["sections"]) != n or len(clause_starts) != n + 1 \
            or clause_starts[0] != 0 or clause_starts[-1] != len(clauses) \
            or bool(np.any(_steps(clause_starts) < 0)):
        raise Damaged("the sentence columns disagree on their counts")
    limit = np.repeat(np.asarray(text_lengths, dtype=np.int64), counts)
    owner = np.repeat(np.arange(n), _steps(clause_starts))
    if bool(np.any(spans[:, 0] > spans[:, 1])) or bool(np.any(spans[:, 1] > limit)) \
            or bool(np.any(clauses[:, 0] > clauses[:, 1])) or bool(np.any(clauses[:, 1] > limit[owner])):
        raise Damaged("a stored sentence points past its text")
    if bool(np.any((a["kinds"] < 0) | (a["kinds"] >= _KINDS))) \
            or bool(np.any(a["sections"] >= np.repeat(np.asarray(name_counts, dtype=np.int64), counts))):
        raise Damaged("a stored sentence has an unknown kind or section")
