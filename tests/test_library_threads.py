"""A process that answers runs BLAS on one thread unless told otherwise: spinning helpers stole the other core."""

from __future__ import annotations

from pathlib import Path

from threadpoolctl import threadpool_info, threadpool_limits

from index.build import build_index
from index.config import Settings
from index.embed import FakeEmbedder
from index.library import Library


def _blas_threads() -> set[int]:
    return {int(pool["num_threads"]) for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_opening_the_library_limits_blas_to_the_threads_setting(seed_folder: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    settings = Settings(briefings=seed_folder, index=idx, model=FakeEmbedder().name, cache=idx / "cache")
    with threadpool_limits(limits=2, user_api="blas"):  # as numpy starts on two cores; restored afterwards
        Library.open(settings, build_if_missing=False, embedder=FakeEmbedder())
        assert _blas_threads() == {1}
        Library.open(Settings(briefings=seed_folder, index=idx, model=FakeEmbedder().name, cache=idx / "cache",
                              threads=2), build_if_missing=False, embedder=FakeEmbedder())
        assert _blas_threads() == {2}
