"""The FAISS index goes by size: flat for small collections, an IVF above the threshold, as the manifest says."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import store
from index.build import build_index, unit_text
from index.config import Settings
from index.embed import FakeEmbedder
from index.errors import IndexMismatch
from index.library import Library
from index.query import make_query
from index.vector_plan import CODES, FLAT, Plan, Tunables, choose, plan_from_json

DAMAGED = r"damaged index.*briefbot index build --full"
SMALL_THRESHOLD = Tunables(approximate_from=100, nprobe=4)
PLACES = ["宁波", "杭州", "温州", "丽水", "衢州", "台州", "湖州", "嘉兴", "绍兴", "舟山"]
TOPICS = ["消薄飞地", "产业园区", "山海协作", "科创平台", "农业合作", "文旅项目", "教育帮扶", "医疗援建"]


def _folder(tmp_path: Path) -> Path:
    """Three briefings of 240 distinct sentences: enough rows for an inverted file of several lists."""
    folder = tmp_path / "briefings"
    folder.mkdir()
    for issue in range(1, 4):
        lines = [f"支援合作工作简报\n(2023 第 {issue} 期)\n一、工作进展\n"]
        for i, place in enumerate(PLACES):
            for j, topic in enumerate(TOPICS):
                amount = issue * 1000 + i * 37 + j * 11
                lines.append(f"{place}{topic}第{issue}期累计完成投资 {amount} 万元，带动就业 {amount % 97 + j} 人。\n")
        (folder / f"简报-2023-{issue}.txt").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(params=CODES)
def approximate(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path]:
    folder, idx = _folder(tmp_path), tmp_path / "idx"
    build_index(folder, idx, FakeEmbedder(), tunables=replace(SMALL_THRESHOLD, codes=request.param))
    return folder, idx


def test_small_collections_pick_flat(seed_folder: Path, tmp_path: Path) -> None:
    assert choose(55_424) == FLAT  # the whole evaluation corpus stays exact
    build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    snap = store.load(tmp_path / "idx")
    assert snap.manifest["vector_index"] == {"kind": "flat"}
    assert snap.plan == FLAT


def test_a_large_collection_picks_ivf_with_its_parameters() -> None:
    plan = choose(1_000_000)
    assert plan.kind == "ivf" and plan.nlist == 1000 and plan.nprobe <= plan.nlist
    assert plan_from_json(plan.to_json()) == plan


def test_a_forced_small_threshold_builds_an_ivf_which_round_trips_and_finds_flats_top1(
    approximate: tuple[Path, Path],
) -> None:
    folder, idx = approximate
    snap = store.load(idx)
    plan = snap.plan
    assert plan.kind == "ivf" and plan.nlist > 1 and plan.nprobe == 4
    assert snap.manifest["vector_index"] == plan.to_json()
    assert int(snap.vectors.nprobe) == plan.nprobe  # the search parameter comes back from the manifest
    assert snap.vectors.ntotal == len(snap.units) > 3 * len(PLACES) * len(TOPICS)

    embedder = FakeEmbedder()
    texts = [unit_text(snap.briefings[u.file], snap.briefings[u.file].sentences[u.sentence]) for u in snap.units]
    exact = embedder.encode_documents(texts)
    flat = store.flat_index(exact)
    queries = embedder.encode_queries(texts[::3])
    scores, want = store.search_vectors(flat, queries, 2)
    clear = scores[:, 0] - scores[:, 1] > 0.01  # a sentence is its own best match unless repeated verbatim
    assert clear.sum() > 50
    _, got = store.search_vectors(snap.vectors, queries[clear], 1)
    assert (got[:, 0] == want[clear, 0]).all()
    decoded = snap.rows(np.array([0, 5, 9]))  # the codes read back by row id, close to what was stored
    assert (np.sum(decoded * exact[[0, 5, 9]], axis=1) > 0.99).all()

    library = Library.open(Settings(briefings=folder, index=idx, model=embedder.name, cache=idx / "c"),
                           build_if_missing=False, embedder=embedder)
    row = next(i for i, t in enumerate(texts) if "杭州消薄飞地第2期" in t)
    assert library.searcher.search(make_query(texts[row], library.searcher), k=5, mode="dense")[0].row == row
    library.ask("杭州消薄飞地第2期累计完成投资多少？")  # the whole answer path runs over the inverted file


def test_the_rows_of_named_documents_rank_as_a_scan_of_their_decoded_vectors_on_both_paths(
    approximate: tuple[Path, Path],
) -> None:
    """Few rows are read back and scanned, many are searched with a selector: either way, the same top rows."""
    folder, idx = approximate
    embedder = FakeEmbedder()
    library = Library.open(Settings(briefings=folder, index=idx, model=embedder.name, cache=idx / "c"),
                           build_if_missing=False, embedder=embedder)
    searcher = library.searcher
    decoded = searcher.snapshot.vector_rows()  # every row as stored, decoded: what an exact scan reads
    one_file = searcher.rows_of([sorted(searcher.snapshot.briefings)[1]])
    few = one_file[:2]
    assert searcher._select(one_file) and not searcher._select(few)  # both paths are taken below
    for question in ("杭州消薄飞地第2期累计完成投资多少？", "丽水教育帮扶带动就业多少人", "温州文旅项目"):
        query = make_query(question, searcher)
        for rows, k in ((one_file, 30), (few, 30), (one_file, len(one_file))):
            got = searcher.dense(query, k, rows)
            scan = dict(zip(rows.tolist(), (decoded[rows] @ query.vector).tolist(), strict=True))
            best = sorted(scan.values(), reverse=True)[:k]
            # The k best scores, each the row's own: equal scores (repeated texts) may come in either order.
            assert np.allclose([s for _, s in got], best, atol=1e-6)
            assert all(abs(scan[r] - s) < 1e-6 for r, s in got) and len({r for r, _ in got}) == len(got)


def _edit(idx: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = idx / "current" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


DAMAGE: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown type": lambda m: m["vector_index"].update(kind="hnsw"),
    "type not a string": lambda m: m["vector_index"].update(kind=7),
    "nprobe missing": lambda m: m["vector_index"].pop("nprobe"),
    "nprobe above nlist": lambda m: m["vector_index"].update(nprobe=10**6),
    "flat over an ivf file": lambda m: m.update(vector_index={"kind": "flat"}),
    "another nlist": lambda m: m["vector_index"].update(nlist=m["vector_index"]["nlist"] + 1,
                                                        nprobe=1),
    "not an object": lambda m: m.update(vector_index="ivf"),
    "unknown codes": lambda m: m["vector_index"].update(codes="pq"),
    "other codes than the file's": lambda m: m["vector_index"].update(
        codes="sq8" if m["vector_index"]["codes"] == "fp16" else "fp16"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_index_type_says_damaged_and_what_to_run(approximate: tuple[Path, Path], case: str) -> None:
    _, idx = approximate
    _edit(idx, DAMAGE[case])
    with pytest.raises(IndexMismatch, match=DAMAGED):
        store.load(idx)


def test_an_ivf_manifest_over_a_flat_file_says_damaged(seed_folder: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    _edit(idx, lambda m: m.update(vector_index=Plan("ivf", nlist=1, nprobe=1).to_json()))
    with pytest.raises(IndexMismatch, match=DAMAGED):
        store.load(idx)


def test_a_generation_written_before_the_field_reads_as_flat(seed_folder: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    _edit(idx, lambda m: m.pop("vector_index"))
    assert store.load(idx).plan == FLAT
