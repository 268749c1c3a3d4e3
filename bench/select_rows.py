"""Rows of named documents in an IVF: read back one at a time and scanned, or searched with them as a selector.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/scale.py --keep var/scale          # writes var/scale/index
    .venv/bin/python bench/select_rows.py var/scale/index/current/vectors.faiss

For row sets of growing size (runs of 48 consecutive rows, as a document's sentences are stored), the median time
of the exact scan (`Snapshot.scores`: rows decoded `SCORE_BLOCK` at a time, then one product) and of
`store.search_within` (one faiss pass over every list, the rows as a selector), and whether both give the same top
100. This sets `index.store.SELECT_FROM_SHARE`. The vectors are the file's own; the query is random.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import store  # noqa: E402
from index.columns import UnitsBuilder  # noqa: E402

RUN = 48  # rows per document in bench/scale.py's collection, about


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    spent, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vectors", type=Path, help="an IVF index file (vectors.faiss of a generation)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import faiss
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # as an answering process runs (index/library.py)
    index = faiss.read_index(str(args.vectors), faiss.IO_FLAG_MMAP)
    n, rng = int(index.ntotal), np.random.default_rng(0)
    query = rng.normal(size=index.d).astype("float32")
    query /= np.linalg.norm(query)
    snapshot = store.Snapshot(args.vectors.parent, {"dimension": int(index.d)}, {}, UnitsBuilder().table(), index)
    print(f"{n:,} rows, nlist {index.nlist}")
    print("| rows named | share | scan, median | selector, median | same top 100 |")
    print("|---|---|---|---|---|")
    for runs in (20, 80, 400, 2000):
        if runs * RUN > n:
            break
        starts = rng.choice(n // RUN, runs, replace=False) * RUN
        rows = np.sort(np.concatenate([np.arange(s, s + RUN) for s in starts])).astype(np.int64)
        scan_ms, scores = timed(lambda rows=rows: snapshot.scores(rows, query), args.repeat)
        select_ms, (_, found) = timed(lambda rows=rows: store.search_within(index, query, rows, 100), args.repeat)
        same = set(rows[np.argsort(-scores, kind="stable")[:100]].tolist()) == set(found[0].tolist())
        print(f"| {len(rows):,} | {len(rows) / n:.2%} | {scan_ms:.1f} ms | {select_ms:.1f} ms | {same} |")


if __name__ == "__main__":
    main()
