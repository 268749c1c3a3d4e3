"""The index folder: save, load, check, and swap generations atomically (the only importer of faiss).

Layout of the index folder:
    current              symlink → generations/<id>   (replaced atomically by a rename)
    generations/<id>/    manifest.json (written last), briefings.jsonl, units.jsonl, vectors.faiss,
                         columns/ (the units as arrays and BM25's matrix: index/column_files.py)
    .lock                held while a build runs
A reader resolves `current` once and reads one complete generation; a crashed build leaves only a
`*.tmp` folder that nothing points to and the next build removes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.column_files import read_columns, write_columns
from index.columns import UnitTable
from index.errors import BriefbotError, IndexMismatch, IndexMissing
from index.lexical import Lexical
from index.records import Briefing
from index.stored import (
    Damaged,
    Unit,
    briefing_to_json,
    check_consistent,
    check_manifest,
    records_from_json,
    unit_to_json,
)
from index.terms import Postings
from index.vector_plan import DEFAULT_TUNABLES, FLAT, Plan, Tunables, choose, plan_from_json

__all__ = ["SCHEMA_VERSION", "Snapshot", "Unit", "build_lock", "exists", "flat_index", "load", "search_vectors",
           "vector_index", "write_generation"]

SCHEMA_VERSION = 2  # 2: the manifest lists each record's characters and sentences
_KEEP_GENERATIONS = 2
SCORE_BLOCK = 8192  # rows decoded at a time for an exact scan: 12 MB of 384-dimensional float32
# From this share of an IVF's rows on, the rows of the named documents are searched by one faiss pass over every
# list with the rows as a selector, not read back one at a time. `bench/select_rows.py` (BLAS on one thread, as
# answering runs) on bench/scale.py's folders: at 1,010,331 rows, 3,840 rows (0.38%) 7.0 ms scanned against 36.6 ms
# selected, 19,200 (1.9%) 33.1 against 39.2 ms, 96,000 (9.5%) 159.1 against 57.0 ms; at 204,624 rows, 3,840
# (1.9%) 9.2 against 8.7 ms, 19,200 (9.4%) 30.2 against 12.7 ms. Both sizes cross near 2%.
SELECT_FROM_SHARE = 0.02


@dataclass(frozen=True)
class Snapshot:
    """One complete, loaded generation of the index."""

    path: Path
    manifest: dict[str, Any]
    briefings: dict[str, Briefing]
    units: UnitTable  # a sequence of Unit, held as columns
    vectors: Any  # faiss.IndexFlatIP, or faiss.IndexIVFScalarQuantizer above the size threshold
    lexical: Lexical | None = None  # BM25 as stored with the generation; None: the searcher indexes the units
    terms: Postings | None = None  # the key-term index's postings as stored; None: the searcher builds them

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def plan(self) -> Plan:
        return plan_from_json(self.manifest.get("vector_index", FLAT.to_json()))

    def vector_rows(self) -> np.ndarray:
        """Every row (as stored: an IVF's codes come back decoded, to within their precision)."""
        n = self.vectors.ntotal
        if n == 0:
            return np.zeros((0, int(self.manifest["dimension"])), dtype="float32")
        return np.asarray(self.vectors.reconstruct_n(0, n), dtype="float32")

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """The given rows only: a million rows are never copied out whole to score a few."""
        if not len(ids):
            return np.zeros((0, int(self.manifest["dimension"])), dtype="float32")
        return np.asarray(self.vectors.reconstruct_batch(np.asarray(ids, dtype=np.int64)), dtype="float32")


    def scores(self, ids: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Inner products of the given rows with one query, decoded a block at a time.

        A key term can name a hundred thousand rows at a million sentences; decoded at once they would be a
        ~150 MB temporary per question.
        """
        out = np.zeros(len(ids), dtype="float32")
        for start in range(0, len(ids), SCORE_BLOCK):
            out[start:start + SCORE_BLOCK] = self.rows(ids[start:start + SCORE_BLOCK]) @ query
        return out


def _faiss() -> Any:
    import faiss

    return faiss


def flat_index(vectors: np.ndarray) -> Any:
    """An exact inner-product index: the right choice for normalised vectors at this size."""
    index = _faiss().IndexFlatIP(int(vectors.shape[1]))
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype="float32"))
    return index


def vector_index(vectors: np.ndarray, plan: Plan, train_per_list: int = DEFAULT_TUNABLES.train_per_list) -> Any:
    """The index the plan names, holding the vectors (row position = unit id)."""
    if plan.kind == "flat":
        return flat_index(vectors)
    faiss = _faiss()
    data = np.ascontiguousarray(vectors, dtype="float32")
    dimension = int(data.shape[1])
    index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dimension), dimension, plan.nlist,
                                          _quantizer(plan), faiss.METRIC_INNER_PRODUCT)
    # k-means on an even sample: training on every row of a million costs minutes and gains nothing.
    step = max(1, len(data) // (train_per_list * plan.nlist))
    index.train(data[::step])
    index.add(data)
    index.make_direct_map()  # so rows can be read back by id (exact scans, incremental builds)
    index.nprobe = plan.nprobe
    return index


def _quantizer(plan: Plan) -> int:
    quantizer = _faiss().ScalarQuantizer
    return int(quantizer.QT_fp16 if plan.codes == "fp16" else quantizer.QT_8bit)


def _matches(index: Any, plan: Plan, dimension: int) -> bool:
    faiss = _faiss()
    if index.d != dimension or index.metric_type != faiss.METRIC_INNER_PRODUCT:
        return False
    if plan.kind == "flat":
        return isinstance(index, faiss.IndexFlat)
    return (isinstance(index, faiss.IndexIVFScalarQuantizer) and int(index.nlist) == plan.nlist
            and int(index.sq.qtype) == _quantizer(plan))


def search_vectors(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, rows) per query; rows are -1 where fewer than k exist."""
    k = max(1, min(k, int(index.ntotal) or 1))
    scores, rows = index.search(np.ascontiguousarray(queries, dtype="float32"), k)
    return scores, rows


def search_within(index: Any, query: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, rows) among the given rows of an IVF, every list visited: exact over them, as a scan is
    (scores agree with a scan's to float rounding; rows are -1 where fewer than k are given)."""
    faiss = _faiss()
    n = int(index.ntotal)
    member = np.zeros(n, dtype=bool)
    member[rows] = True
    bitmap = np.packbits(member, bitorder="little")  # kept referenced until the search returns
    selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
    params = faiss.SearchParametersIVF(sel=selector, nprobe=int(index.nlist))
    scores, found = index.search(np.ascontiguousarray(query[None, :], dtype="float32"), max(1, min(k, len(rows))),
                                 params=params)
    return scores, found


# --- writing -------------------------------------------------------------------------------------


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BriefbotError("另一次索引重建正在进行 (another index build is running); try again later") from None
        yield


def write_generation(
    root: Path,
    manifest: dict[str, Any],
    briefings: list[Briefing],
    units: list[Unit],
    vectors: np.ndarray,
    tunables: Tunables = DEFAULT_TUNABLES,
) -> Path:
    """Write a new generation beside the live one and point `current` at it; its index type goes by size."""
    plan = choose(len(vectors), tunables)
    manifest = {**manifest, "vector_index": plan.to_json()}
    generations = root / "generations"
    generations.mkdir(parents=True, exist_ok=True)
    _remove_unfinished(generations)
    gen_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = generations / f"{gen_id}.tmp"
    tmp.mkdir()
    with open(tmp / "briefings.jsonl", "w", encoding="utf-8") as out:
        for b in briefings:
            out.write(json.dumps(briefing_to_json(b), ensure_ascii=False) + "\n")
    with open(tmp / "units.jsonl", "w", encoding="utf-8") as out:
        for u in units:
            out.write(json.dumps(unit_to_json(u), ensure_ascii=False) + "\n")
    if units:  # an empty index has nothing to map
        manifest["columns"] = write_columns(tmp, briefings, units)
    _faiss().write_index(vector_index(vectors, plan, tunables.train_per_list), str(tmp / "vectors.faiss"))
    _write_json(tmp / "manifest.json", manifest)  # last: a folder without it is not an index
    _fsync_dir(tmp)
    final = generations / gen_id
    os.rename(tmp, final)
    _point_current(root, final)
    _prune(generations, keep=final)
    return final


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.flush()
        os.fsync(out.fileno())


def _fsync_dir(path: Path) -> None:
    for child in (p for p in path.rglob("*") if p.is_file()):
        with open(child, "rb") as handle:
            os.fsync(handle.fileno())


def _point_current(root: Path, target: Path) -> None:
    link = root / "current"
    tmp_link = root / f".current.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(os.path.relpath(target, root), tmp_link)
    os.replace(tmp_link, link)  # atomic: readers see the old or the new generation, never neither


def _remove_unfinished(generations: Path) -> None:
    for child in generations.glob("*.tmp"):
        shutil.rmtree(child, ignore_errors=True)


def _prune(generations: Path, keep: Path) -> None:
    done = sorted((p for p in generations.iterdir() if not p.name.endswith(".tmp")), key=lambda p: p.name)
    for old in done[:-_KEEP_GENERATIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


# --- reading -------------------------------------------------------------------------------------


def exists(root: Path) -> bool:
    return (root / "current" / "manifest.json").is_file()


def built_with(root: Path) -> str | None:
    """The encoder the live generation records, or None when there is no index or its manifest is unreadable
    (then `load` says what is wrong with it): read first, so the index is searched by what built it."""
    path = root / "current" / "manifest.json"
    try:
        encoder = json.loads(path.read_text(encoding="utf-8")).get("encoder")
    except (OSError, ValueError, RecursionError, AttributeError):
        return None
    return encoder if isinstance(encoder, str) else None


def load(root: Path, expect_model: str | None = None) -> Snapshot:
    """Load the live generation and check every record against its schema and the manifest.

    The one place an index is read: whatever is wrong with it (cut, edited, foreign, half-written) is an
    IndexMissing or IndexMismatch whose message says which command fixes it.
    """
    link = root / "current"
    if not (link / "manifest.json").is_file():
        raise IndexMissing(f"no index at {root}: run `briefbot index build`")
    path = link.resolve()
    try:
        manifest = check_manifest(json.loads((path / "manifest.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, RecursionError) as exc:
        raise _damaged(path, "manifest", exc) from exc
    _check_manifest(manifest, expect_model, root)
    try:
        listed = manifest.get("columns")
        if listed is None:  # written before the column files: every record parsed and checked
            (briefings, units), lexical, terms = records_from_json(path), None, None
        else:
            briefings, units, lexical, terms = read_columns(path, listed)
        vectors = _read_vectors(path / "vectors.faiss", manifest)
        check_consistent(manifest, briefings, units, int(vectors.ntotal), int(vectors.d))
        _searched_as_built(vectors, manifest)
    except (OSError, ValueError, RuntimeError, OverflowError, Damaged) as exc:
        raise _damaged(path, "index", exc) from exc
    return Snapshot(path=path, manifest=manifest, briefings={b.file: b for b in briefings}, units=units,
                    vectors=vectors, lexical=lexical, terms=terms)


def _read_vectors(path: Path, manifest: dict[str, Any]) -> Any:
    """The vector index; an approximate one mapped from its file, not copied into memory.

    Mapped, its codes are read from the page cache as lists are probed (bench/scale.py, docs/quality.md
    "Scale"): opening costs nothing and the codes are not in the process's heap while the rest of the index
    is being set up. The file is never rewritten in place (a build writes a new generation), so the mapping
    stays valid; faiss checks the file's length against the lists when mapping it.
    """
    faiss = _faiss()
    mapped = plan_from_json(manifest.get("vector_index", FLAT.to_json())).kind != "flat"
    return faiss.read_index(str(path), faiss.IO_FLAG_MMAP) if mapped else faiss.read_index(str(path))


def _searched_as_built(index: Any, manifest: dict[str, Any]) -> None:
    plan = plan_from_json(manifest.get("vector_index", FLAT.to_json()))
    if not _matches(index, plan, int(manifest["dimension"])):
        raise Damaged(f"vectors.faiss is not the {plan.kind} index the manifest records")
    if plan.kind != "flat":
        index.nprobe = plan.nprobe


def _damaged(path: Path, what: str, exc: Exception) -> IndexMismatch:
    return IndexMismatch(f"damaged index: the {what} at {path} is unreadable ({exc}): "
                         "run `briefbot index build --full`")


def _check_manifest(manifest: dict[str, Any], expect_model: str | None, root: Path) -> None:
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexMismatch(
            f"index at {root} has schema {manifest.get('schema_version')}, this briefbot reads {SCHEMA_VERSION}: "
            "run `briefbot index build --full`"
        )
    if expect_model is not None and manifest.get("model") != expect_model:
        raise IndexMismatch(
            f"index at {root} was built with model {manifest.get('model')!r}, but {expect_model!r} is configured: "
            f"run `briefbot index build --full` or set BRIEFBOT_MODEL (and BRIEFBOT_ENCODER: the index's is "
            f"{manifest.get('encoder', 'torch')!r}) to what built it"
        )
