"""A generation's column files open to the same records and BM25 as parsing and indexing; a bad one is refused."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import store
from index.build import build_index
from index.column_files import LISTED, _digest
from index.config import Settings
from index.embed import FakeEmbedder
from index.errors import IndexMismatch
from index.evidence import evidence_labels, term_texts
from index.lexical import Lexical
from index.library import Library
from index.stored import records_from_json
from index.terms import TermIndex

DAMAGED = "damaged index"
FIX = "briefbot index build --full"
QUESTIONS = ("消薄飞地累计返利多少？", "松阳农产品在余姚销售额是多少", "余姚派了多少名挂职干部", "How much rebate?")
OTHER = "宁波支援合作工作简报\n(2023 第 3 期)\n一、消薄飞地\n（一）返利情况。截至目前，“消薄飞地”累计返利 1100 万元。\n"


@pytest.fixture
def built(seed_folder: Path, tmp_path: Path) -> Path:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    return idx


def _generation(idx: Path) -> Path:
    return (idx / "current").resolve()


def _without_columns(idx: Path) -> None:
    """Make the live generation one written before the column files existed."""
    generation = _generation(idx)
    shutil.rmtree(generation / "columns")
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    del manifest["columns"]
    (generation / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _answers(folder: Path, idx: Path) -> list[Any]:
    settings = Settings(briefings=folder, index=idx, model=FakeEmbedder().name, cache=idx / "cache")
    library = Library.open(settings, build_if_missing=False, embedder=FakeEmbedder())
    return [library.ask(q) for q in QUESTIONS]


def test_the_column_files_give_the_parsed_units_and_the_same_bm25(built: Path) -> None:
    mapped = store.load(built)
    assert mapped.lexical is not None and set(mapped.manifest["columns"]) == set(LISTED)
    briefings, parsed = records_from_json(_generation(built))
    assert list(mapped.units) == list(parsed) and mapped.units.vocab == parsed.vocab
    assert np.array_equal(mapped.units.document_frequencies(), parsed.document_frequencies())
    assert list(mapped.briefings.values()) == briefings
    for b in briefings:
        assert tuple(mapped.briefings[b.file].sentences) == tuple(b.sentences)
    indexed = Lexical(parsed.token_rows(), parsed.vocab)
    for unit in list(parsed)[:40]:
        query = list(unit.tokens_own[:3]) or ["余姚"]
        assert np.array_equal(mapped.lexical.scores(query), indexed.scores(query))  # to the last bit


def test_a_generation_without_column_files_still_opens_and_answers_the_same(seed_folder: Path, built: Path) -> None:
    with_columns = _answers(seed_folder, built)
    _without_columns(built)
    assert store.load(built).lexical is None
    assert _answers(seed_folder, built) == with_columns


def _rewrite(generation: Path, name: str, write: Callable[[Path], None], update_digest: bool) -> None:
    """Replace one listed file; with `update_digest`, the manifest is edited to match, so that only the
    checks of the file's own shape, type and fit are left to catch it."""
    write(generation / name)
    if update_digest:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        manifest["columns"][name] = _digest(generation / name)
        (generation / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _saved(change: Callable[[np.ndarray], np.ndarray]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        array = np.load(path, allow_pickle=False)
        with open(path, "wb") as out:
            np.save(out, change(array), allow_pickle=False)
    return write


def _huge_header(path: Path) -> None:
    array = np.load(path, allow_pickle=False)
    header = {"descr": array.dtype.str, "fortran_order": False, "shape": array.shape, "padding": "x" * 200_000}
    text = repr(header).encode("latin1")
    text += b" " * (-(len(text) + 13) % 64) + b"\n"
    path.write_bytes(b"\x93NUMPY\x02\x00" + len(text).to_bytes(4, "little") + text + array.tobytes())


def _names_edited(path: Path) -> None:
    names = json.loads(path.read_text(encoding="utf-8"))
    names["vocab"] = names["vocab"][:-1]
    path.write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")


def _params_edited(path: Path) -> None:
    params = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**params, "k1": 0.9}), encoding="utf-8")


def _sentences_inline(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows[0][0]["sentences"] = [[0, 1, "sentence", [], [], []]]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


HOSTILE: dict[str, tuple[str, Callable[[Path], None], bool]] = {
    "tokens truncated": ("columns/tokens.npy", _truncated, False),
    "tokens truncated, digest updated": ("columns/tokens.npy", _truncated, True),
    "bm25 matrix truncated, digest updated": ("columns/bm25/data.csc.index.npy", _truncated, True),
    "one unit fewer (wrong shape)": ("columns/own.npy", _saved(lambda a: a[:-1]), True),
    "token starts as a matrix (wrong shape)": ("columns/token_starts.npy", _saved(lambda a: a[:, None]), True),
    "tokens as floats (wrong dtype)": ("columns/tokens.npy", _saved(lambda a: a.astype("float32")), True),
    "sentences as int32 (wrong dtype)": ("columns/sentences.npy", _saved(lambda a: a.astype("int32")), True),
    "bm25 scores as float64 (wrong dtype)": ("columns/bm25/data.csc.index.npy",
                                             _saved(lambda a: a.astype("float64")), True),
    "a word id past the vocabulary": ("columns/tokens.npy", _saved(lambda a: a + np.uint16(60000)), True),
    "huge npy header": ("columns/file_ids.npy", _huge_header, True),
    "word counts as int32 (wrong dtype)": ("columns/document_frequencies.npy", _saved(lambda a: a.astype("int32")),
                                           True),
    "a negative word count": ("columns/document_frequencies.npy", _saved(lambda a: a - 10**6), True),
    "a word dropped from the names": ("columns/names.json", _names_edited, True),
    "bm25 written with other parameters": ("columns/bm25/params.index.json", _params_edited, True),
    "units.jsonl edited after the columns": ("units.jsonl", lambda p: p.write_text("", encoding="utf-8"), False),
    "briefings.jsonl edited after the columns": ("briefings.jsonl", _truncated, False),
    "sentence spans truncated, digest updated": ("columns/sentences/spans.npy", _truncated, True),
    "a sentence past its text": ("columns/sentences/spans.npy", _saved(lambda a: a + np.uint32(10**6)), True),
    "a clause past its text": ("columns/sentences/clauses.npy", _saved(lambda a: a * np.uint32(1000)), True),
    "an unknown sentence kind": ("columns/sentences/kinds.npy", _saved(lambda a: a + np.int8(5)), True),
    "kinds as int64 (wrong dtype)": ("columns/sentences/kinds.npy", _saved(lambda a: a.astype("int64")), True),
    "sentence spans flat (wrong shape)": ("columns/sentences/spans.npy", _saved(lambda a: a.reshape(-1)), True),
    "a sentence fewer": ("columns/sentences/sentence_starts.npy", _saved(lambda a: a - (a > 0)), True),
    "a section past the names": ("columns/sentences/sections.npy", _saved(lambda a: a + np.uint8(200)), True),
    "term documents past the briefings": ("columns/terms/docs.npy", _saved(lambda a: a + np.uint8(7)), True),
    "term bigrams out of order": ("columns/terms/grams.npy", _saved(lambda a: a[::-1].copy()), True),
    "term starts as floats (wrong dtype)": ("columns/terms/starts.npy", _saved(lambda a: a.astype("float64")), True),
    "term digest not text": ("columns/terms/digest.json", lambda p: p.write_text('{"texts": 7}'), True),
    "huge npy header of the sentences": ("columns/sentences/clause_starts.npy", _huge_header, True),
    "a briefing record holding its sentences": ("columns/sentences/briefings.jsonl", _sentences_inline, True),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_bad_column_file_is_a_damaged_index(seed_folder: Path, built: Path, case: str) -> None:
    name, write, update_digest = HOSTILE[case]
    _rewrite(_generation(built), name, write, update_digest)
    with pytest.raises(IndexMismatch, match=DAMAGED) as raised:
        store.load(built)
    assert FIX in str(raised.value)
    build_index(seed_folder, built, FakeEmbedder())  # the next build starts over and serves again
    assert _answers(seed_folder, built)


def test_another_generations_column_file_is_refused(seed_folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    (seed_folder / "second.txt").write_text(OTHER, encoding="utf-8")
    build_index(seed_folder, other, FakeEmbedder())
    (seed_folder / "second.txt").unlink()
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    for name in ("columns/tokens.npy", "columns/bm25/indptr.csc.index.npy"):
        shutil.copy(_generation(other) / name, _generation(idx) / name)
        with pytest.raises(IndexMismatch, match=DAMAGED):
            store.load(idx)


@pytest.mark.parametrize("change", [
    lambda c: {k: v for k, v in c.items() if k != "columns/own.npy"},
    lambda c: {**c, "../../outside": "0" * 64},
    lambda c: ["columns/own.npy"],
], ids=["a file left out", "a file outside", "not a mapping"])
def test_a_manifest_listing_other_column_files_is_a_damaged_index(built: Path, change: Callable[[Any], Any]) -> None:
    path = _generation(built) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "columns": change(manifest["columns"])}), encoding="utf-8")
    with pytest.raises(IndexMismatch, match=DAMAGED):
        store.load(built)


def test_an_incremental_build_rewrites_the_reused_briefings_columns_unchanged(seed_folder: Path, built: Path) -> None:
    (seed_folder / "second.txt").write_text(OTHER, encoding="utf-8")
    report = build_index(seed_folder, built, FakeEmbedder())  # the seed briefing comes from the mapped columns
    assert report.files_reused == 1 and report.files_indexed == 1
    mapped = store.load(built)
    briefings, _ = records_from_json(_generation(built))
    assert len(briefings) == 2
    for b in briefings:
        assert tuple(mapped.briefings[b.file].sentences) == tuple(b.sentences) and mapped.briefings[b.file] == b


def test_stored_term_postings_are_used_only_for_the_texts_they_were_built_from(built: Path) -> None:
    snap = store.load(built)
    assert snap.terms is not None
    texts = term_texts(snap.briefings, evidence_labels(snap.briefings))
    built_now = TermIndex(texts)
    stored = TermIndex(texts, snap.terms)
    for got, want in zip(stored.postings_arrays(), built_now.postings_arrays(), strict=True):
        assert np.array_equal(got, want)
    assert stored.postings_arrays()[0] is snap.terms.grams  # taken as stored, not built again
    # A briefbot whose labels differ from the builder's (index/doc_profiles changed) builds its own.
    relabelled = {f: "松阳余姚" + t for f, t in texts.items()}
    assert TermIndex(relabelled, snap.terms).containing(["松阳余姚"]) == list(relabelled)
    assert not stored.containing(["松阳余姚宁波"])
