"""Measure the default model on this machine: conversion time and peak memory, then encoding speed.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/embed_speed.py            # converts into a fresh temp cache
    HF_HUB_OFFLINE=1 .venv/bin/python bench/embed_speed.py --cache ~/.cache/briefbot   # reuse a conversion

Documents are the seed briefings' sentences (split on 。), repeated up to --documents.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.config import DEFAULT_MODEL, Settings  # noqa: E402
from index.embed import SentenceTransformerEmbedder  # noqa: E402
from index.model import default_model_name, prepare_model  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def documents(count: int) -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "briefings").glob("*.txt")))
    sentences = [s.strip() + "。" for s in text.split("。") if s.strip()]
    return [sentences[i % len(sentences)] for i in range(count)]


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--cache", type=Path, help="cache folder (default: a fresh temporary one)")
    parser.add_argument("--documents", type=int, default=1024)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--threads", type=int, help="torch threads (default 1, as in the library)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as scratch:
        cache = args.cache or Path(scratch)
        settings = Settings(ROOT / "briefings", Path(scratch) / "index", DEFAULT_MODEL, cache)
        started = time.perf_counter()
        path = prepare_model(settings, log=lambda message: print(message, file=sys.stderr))
        print(f"prepare_model: {time.perf_counter() - started:.1f} s, peak RSS so far {peak_mb():.0f} MB")

        started = time.perf_counter()
        embedder = SentenceTransformerEmbedder(path, default_model_name(), threads=args.threads)
        print(f"load (imports + weights): {time.perf_counter() - started:.1f} s, RSS {current_mb():.0f} MB")

        texts = documents(args.documents)
        embedder.encode_documents(texts[:64])  # warm-up
        started, cpu = time.perf_counter(), time.process_time()
        embedder.encode_documents(texts)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        chars = statistics.mean(len(t) for t in texts)
        print(
            f"documents: {len(texts)} sentences (mean {chars:.0f} chars) in {seconds:.1f} s "
            f"= {len(texts) / seconds:.0f} sentences/s (batch {embedder.batch_size}, {cpu:.1f} s CPU, "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )

        latencies = []
        for i in range(args.queries):
            started = time.perf_counter()
            embedder.encode_queries([f"第{i}个问题：消薄飞地累计返利多少？"])
            latencies.append((time.perf_counter() - started) * 1000)
        print(f"one query: median {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms")
        print(f"RSS with the model loaded {current_mb():.0f} MB; peak RSS of this process {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
