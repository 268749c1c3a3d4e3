"""The index folder's JSON forms: written from the dataclasses, read back only if they match their schema.

No pickle, so the folder stays readable and safe to load; and nothing is trusted because it parsed as
JSON: a record of the wrong shape, a count that disagrees with the manifest or an offset past its text
raises Damaged here, which the store turns into "damaged index: run `briefbot index build --full`".
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, get_args

import numpy as np

from index.columns import SentencesBuilder, SentenceTable, UnitsBuilder, UnitTable
from index.records import Briefing, Heading, Unit, UnitKind
from index.vector_plan import plan_from_json

__all__ = ["Damaged", "Unit", "briefing_from_json", "briefing_to_json", "check_consistent", "check_manifest",
           "records_from_json", "unit_from_json", "unit_to_json"]

_BRIEFING_KEYS = {"file", "text", "title", "year", "issue", "date", "issuer", "editor_note", "articles",
                  "headings", "sentences"}
_HEADING_KEYS = {"label", "title", "level", "start", "end"}
_UNIT_KEYS = {"file", "sentence", "key", "own", "context"}
_KINDS = frozenset(get_args(UnitKind))


class Damaged(ValueError):
    """A stored record that does not match its schema or the manifest."""


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise Damaged(what)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_count(v: Any) -> bool:
    return _is_int(v) and v >= 0


def _strings(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _optional(v: Any, kind: type) -> bool:
    return v is None or (isinstance(v, kind) and not isinstance(v, bool))


def _mapping(v: Any, check: Any) -> bool:
    return isinstance(v, dict) and all(isinstance(k, str) and check(x) for k, x in v.items())


def check_manifest(manifest: Any) -> dict[str, Any]:
    """The manifest, if it has every field with the right type; Damaged otherwise."""
    _need(isinstance(manifest, dict), "the manifest is not a JSON object")
    for key, ok in (
        ("schema_version", _is_int), ("model", lambda v: isinstance(v, str)),
        ("dimension", lambda v: _is_int(v) and v > 0), ("built_at", lambda v: isinstance(v, str)),
        ("counts", lambda v: _mapping(v, _is_count) and {"files", "sentences", "vectors"} <= set(v)),
        ("files", lambda v: _mapping(v, lambda h: isinstance(h, str))),
        ("records", lambda v: _mapping(v, lambda r: _mapping(r, _is_count)
                                       and set(r) == {"characters", "sentences"})),
        ("replaced", lambda v: _mapping(v, _is_count)),
        ("skipped", lambda v: _mapping(v, lambda r: isinstance(r, str))),
    ):
        _need(key in manifest and ok(manifest[key]), f"the manifest's {key!r} is missing or malformed")
    _need(set(manifest["files"]) == set(manifest["records"]), "the manifest's files and records differ")
    # Absent in generations written before the column files (index/column_files.py): those parse units.jsonl.
    _need("columns" not in manifest or _mapping(manifest["columns"], lambda h: isinstance(h, str)),
          "the manifest's 'columns' is malformed")
    if "vector_index" in manifest:  # absent in generations written before it existed: those are flat
        try:
            plan_from_json(manifest["vector_index"])
        except ValueError as exc:
            raise Damaged(str(exc)) from None
    checked: dict[str, Any] = manifest
    return checked


def briefing_to_json(b: Briefing) -> dict[str, Any]:
    # Field by field, not asdict: a loaded briefing's sentences are a table that asdict would deep-copy whole.
    data = {f.name: getattr(b, f.name) for f in fields(b)}
    data["articles"] = list(b.articles)
    data["headings"] = [asdict(h) for h in b.headings]
    data["sentences"] = [
        [s.start, s.end, s.kind, list(s.section), list(s.section_titles), [list(c) for c in s.clauses]]
        for s in b.sentences
    ]
    return data


def briefing_from_json(data: Any) -> Briefing:
    """A stored briefing, every field and offset checked against its text."""
    _need(isinstance(data, dict) and set(data) == _BRIEFING_KEYS, "a briefing record has the wrong fields")
    text = data["text"]
    _need(isinstance(text, str) and isinstance(data["file"], str) and isinstance(data["title"], str),
          "a briefing record's text, file or title is not text")
    _need(all(_optional(data[k], int) for k in ("year", "issue"))
          and all(_optional(data[k], str) for k in ("date", "issuer", "editor_note"))
          and _strings(data["articles"]), f"{data['file']}: malformed metadata")
    _need(isinstance(data["headings"], list) and isinstance(data["sentences"], list),
          f"{data['file']}: headings or sentences are not lists")
    n = len(text)
    return Briefing(
        file=data["file"], text=text, title=data["title"], year=data["year"], issue=data["issue"],
        date=data["date"], issuer=data["issuer"], editor_note=data["editor_note"],
        articles=tuple(data["articles"]), headings=tuple(_heading(h, n) for h in data["headings"]),
        sentences=_sentences(data["sentences"], text),
    )


def _span(start: Any, end: Any, n: int) -> bool:
    return _is_int(start) and _is_int(end) and 0 <= start <= end <= n


def _heading(h: Any, n: int) -> Heading:
    _need(isinstance(h, dict) and set(h) == _HEADING_KEYS, "a stored heading has the wrong fields")
    _need(isinstance(h["label"], str) and isinstance(h["title"], str) and _is_count(h["level"])
          and _span(h["start"], h["end"], n), "a stored heading is malformed or points past its text")
    return Heading(**h)


def _sentences(rows: list[Any], text: str) -> SentenceTable:
    table = SentencesBuilder(text)
    for row in rows:
        _need(isinstance(row, list) and len(row) == 6, "a stored sentence has the wrong shape")
        start, end, kind, section, titles, clauses = row
        _need(_span(start, end, len(text)), "a stored sentence points past its text")
        _need(kind in _KINDS and _strings(section) and _strings(titles) and isinstance(clauses, list)
              and all(isinstance(c, list) and len(c) == 2 and _span(c[0], c[1], len(text)) for c in clauses),
              "a stored sentence is malformed")
        table.add(start, end, kind, tuple(section), tuple(titles), [(c[0], c[1]) for c in clauses])
    return table.table()


def unit_to_json(u: Unit) -> dict[str, Any]:
    return {"file": u.file, "sentence": u.sentence, "key": u.key, "own": list(u.tokens_own),
            "context": list(u.tokens_context)}


def unit_from_json(row: Any) -> Unit:
    _need(isinstance(row, dict) and set(row) == _UNIT_KEYS, "a unit record has the wrong fields")
    _need(isinstance(row["file"], str) and _is_count(row["sentence"]) and isinstance(row["key"], str)
          and _strings(row["own"]) and _strings(row["context"]), "a unit record is malformed")
    return Unit(row["file"], row["sentence"], row["key"], tuple(row["own"]), tuple(row["context"]))


def records_from_json(generation: Path) -> tuple[list[Briefing], UnitTable]:
    """The briefings and units of a generation's JSON records, every record parsed and checked."""
    with open(generation / "briefings.jsonl", encoding="utf-8") as handle:
        briefings = [briefing_from_json(json.loads(line)) for line in handle]
    table = UnitsBuilder()
    with open(generation / "units.jsonl", encoding="utf-8") as handle:
        for line in handle:
            table.add(unit_from_json(json.loads(line)))
    return briefings, table.table()


def check_consistent(
    manifest: dict[str, Any], briefings: list[Briefing], units: UnitTable, rows: int, dimension: int
) -> None:
    """The records agree with the manifest and with each other: nothing cut, nothing pointing nowhere."""
    records = manifest["records"]
    by_file = {b.file: b for b in briefings}
    _need(len(by_file) == len(briefings), "a briefing is stored twice")
    _need(set(by_file) == set(records), "the stored briefings are not the ones the manifest lists")
    for b in briefings:
        _need(records[b.file] == {"characters": len(b.text), "sentences": len(b.sentences)},
              f"{b.file}: the stored text or sentences were cut")
    counts = manifest["counts"]
    _need(counts["files"] == len(briefings), "the file count disagrees with the manifest")
    _need(counts["sentences"] == sum(len(b.sentences) for b in briefings),
          "the sentence count disagrees with the manifest")
    _need(counts["vectors"] == len(units) == rows, "the vector count disagrees with the manifest")
    _need(dimension == manifest["dimension"], "the vectors' dimension disagrees with the manifest")
    # Per file, not per unit: the largest sentence number any unit of the file names.
    last = np.full(len(units.files), -1, dtype=np.int64)
    np.maximum.at(last, units.file_ids, units.sentences)
    for file, top in zip(units.files, last.tolist(), strict=True):
        owner = by_file.get(file)
        _need(owner is not None and top < len(owner.sentences), "a unit points past the stored sentences")
