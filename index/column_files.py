"""A generation's optional column files: briefings, units, BM25's matrix and the key-term postings as arrays.

Without them, opening parses every record of `briefings.jsonl` and `units.jsonl` and has bm25s index every row in
Python: at a million sentences nearly all of the opening time (bench/scale.py, docs/quality.md "Scale"). With
them, the arrays are mapped from `columns/` and only checked. They are an extra: a generation written before them
(no "columns" in its manifest) opens as before, by parsing and indexing. When the manifest lists them, each file
(and the records they were made from) must have the SHA-256 it records, and the arrays the shapes and types that
fit together; anything else is Damaged, which the store reports as a damaged index.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from index.columns import UnitsBuilder, UnitTable
from index.evidence import evidence_labels, term_texts
from index.lexical import Lexical
from index.records import Briefing, Unit
from index.sentence_columns import FILES, read_sentences, write_sentences
from index.stored import Damaged
from index.terms import Postings, TermIndex, check_postings, texts_digest

__all__ = ["LISTED", "read_columns", "write_columns"]

FOLDER = "columns"
_ARRAYS = ("file_ids", "sentences", "keys", "key_ends", "token_starts", "tokens", "own", "document_frequencies")
_BM25 = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "vocab.index.json",
         "params.index.json")  # what bm25s 0.3.16's BM25.save writes for its default method
_POSTINGS = ("grams", "starts", "docs")
# Every file the manifest's "columns" lists, relative to the generation: the records they were made from first.
LISTED = ("briefings.jsonl", "units.jsonl", f"{FOLDER}/names.json", *(f"{FOLDER}/{a}.npy" for a in _ARRAYS),
          *(f"{FOLDER}/bm25/{b}" for b in _BM25), *(f"{FOLDER}/sentences/{f}" for f in FILES),
          *(f"{FOLDER}/terms/{t}" for t in ("digest.json", *(f"{p}.npy" for p in _POSTINGS))))


def write_columns(generation: Path, briefings: list[Briefing], units: list[Unit]) -> dict[str, str]:
    """Write the column files beside the records (already written); their digests, for the manifest."""
    builder = UnitsBuilder()
    for u in units:
        builder.add(u)
    table = builder.table()
    folder = generation / FOLDER
    folder.mkdir()
    arrays = {"file_ids": table.file_ids, "sentences": table.sentences, "keys": table.key_bytes(),
              "key_ends": table.key_ends, "token_starts": table.token_starts, "tokens": table.tokens,
              "own": table.own, "document_frequencies": table.document_frequencies()}
    for name in _ARRAYS:
        np.save(folder / f"{name}.npy", arrays[name], allow_pickle=False)
    names = {"files": list(table.files), "vocab": list(table.vocab)}
    (folder / "names.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    Lexical(table.token_rows(), table.vocab).save(folder / "bm25")
    write_sentences(folder / "sentences", briefings)
    _write_postings(folder / "terms", {b.file: b for b in briefings})
    return {name: _digest(generation / name) for name in LISTED}


def read_columns(generation: Path, listed: dict[str, str]) -> tuple[list[Briefing], UnitTable, Lexical, Postings]:
    """The briefings, the units, their BM25 index and the key-term postings from the column files, each checked;
    Damaged if any is off."""
    if set(listed) != set(LISTED):
        raise Damaged("the manifest's 'columns' lists other files than this briefbot writes")
    for name in LISTED:
        if _digest(generation / name) != listed[name]:
            raise Damaged(f"{name} is not the file this generation was written with")
    folder = generation / FOLDER
    names = json.loads((folder / "names.json").read_text(encoding="utf-8"))
    files, vocab = _names(names, "files"), _names(names, "vocab")
    a = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    _check_units(a, len(files), len(vocab))
    table = UnitTable(files, a["file_ids"], a["sentences"], a["keys"], a["key_ends"], vocab, a["token_starts"],
                      a["tokens"], a["own"], a["document_frequencies"])
    try:
        lexical = Lexical.load(folder / "bm25", len(table), table.vocab)
    except ValueError as exc:
        raise Damaged(str(exc)) from None
    briefings = read_sentences(folder / "sentences")
    return briefings, table, lexical, _read_postings(folder / "terms", len(briefings))


def _write_postings(folder: Path, briefings: dict[str, Briefing]) -> None:
    """The key-term index's postings, with the digest of the texts they index: the labels come from code
    (index/doc_profiles), so a briefbot whose labels differ from the builder's rebuilds them at opening."""
    folder.mkdir()
    texts = term_texts(briefings, evidence_labels(briefings))
    for name, array in zip(_POSTINGS, TermIndex(texts).postings_arrays(), strict=True):
        np.save(folder / f"{name}.npy", array, allow_pickle=False)
    (folder / "digest.json").write_text(json.dumps({"texts": texts_digest(texts)}), encoding="utf-8")


def _read_postings(folder: Path, texts: int) -> Postings:
    digest = json.loads((folder / "digest.json").read_text(encoding="utf-8"))
    if not isinstance(digest, dict) or not isinstance(digest.get("texts"), str):
        raise Damaged("the term postings' digest is malformed")
    grams, starts, docs = (np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _POSTINGS)
    try:
        check_postings(grams, starts, docs, texts)
    except ValueError as exc:
        raise Damaged(str(exc)) from None
    return Postings(digest["texts"], grams, starts, docs)


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _names(data: Any, key: str) -> tuple[str, ...]:
    values = data.get(key) if isinstance(data, dict) else None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values) or len(set(values)) != len(values):
        raise Damaged(f"the columns' {key} are not a list of distinct names")
    return tuple(values)


def _check_units(a: dict[str, np.ndarray], files: int, words: int) -> None:
    """The unit arrays have the types and lengths that fit together, and every id names something."""
    n = len(a["sentences"])
    if any(x.ndim != 1 for x in a.values()) or a["sentences"].dtype != np.int64 or a["keys"].dtype != np.uint8 \
            or a["document_frequencies"].dtype != np.int64 or len(a["document_frequencies"]) != words \
            or any(a[k].dtype.kind != "u" for k in ("file_ids", "key_ends", "token_starts", "tokens", "own")):
        raise Damaged("a column file has the wrong shape or type")
    if not n or any(len(a[k]) != n for k in ("file_ids", "key_ends", "own")) or len(a["token_starts"]) != n + 1:
        raise Damaged("the column files disagree on the number of units")
    starts, ends = a["token_starts"], a["key_ends"]
    lengths = np.diff(starts.astype(np.int64))
    if starts[0] != 0 or starts[-1] != len(a["tokens"]) or bool(np.any(lengths < 0)) or ends[-1] != len(a["keys"]) \
            or bool(np.any(np.diff(ends.astype(np.int64)) < 0)) or bool(np.any(a["own"] > lengths)):
        raise Damaged("the column files' offsets do not fit together")
    if int(a["file_ids"].max()) >= files or int(a["sentences"].min()) < 0 \
            or (len(a["tokens"]) and int(a["tokens"].max()) >= words) \
            or bool(np.any((a["document_frequencies"] < 0) | (a["document_frequencies"] > n))):
        raise Damaged("a column file names a file, sentence or word that is not there")
