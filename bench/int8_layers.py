"""Which matrix products of the int8 graph to leave in fp32: each choice against the fp32 graph.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/int8_layers.py
    HF_HUB_OFFLINE=1 .venv/bin/python bench/int8_layers.py --variants none,0-11,0-5   # fewer

A variant names the layers whose second feed-forward product (index.onnx_encoder.FP32_PRODUCT, fed by GELU)
stays fp32; "none" quantizes every product. Each is quantized from the prepared fp32 graph the way `model
prepare` quantizes (index.onnx_encoder.quantize) and measured against that fp32 graph on the same texts: the
cosine of its vectors (every second sentence of the bundled briefing and 9 provincial reports, and the seed
questions), how often the dense top-1 sentence of a question stays the fp32 one (both sides in the variant),
documents encoded per second with a pass per core as `index build` runs them, and one question's pass on every
core as an answer runs it, the graphs in turn so that load slows all alike. The ratios are to the fp32 graph
in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.graphs import in_turn, texts  # noqa: E402
from index.config import DEFAULT_MODEL, Settings  # noqa: E402
from index.onnx_encoder import OnnxEmbedder, externalize, quantize  # noqa: E402
from index.onnx_export import GRAPHS, ensure_onnx_model  # noqa: E402

VARIANTS = "none,0-11,0-5,6-11,3-5,4"


def layers(variant: str) -> range:
    if variant == "none":
        return range(0)
    first, _, last = variant.partition("-")
    return range(int(first), int(last or first) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "questions_seed.jsonl")
    parser.add_argument("--variants", default=VARIANTS, help=f"comma-separated (default {VARIANTS})")
    args = parser.parse_args()
    prepared = ensure_onnx_model(replace(Settings.from_env(), model=DEFAULT_MODEL))
    cores = len(os.sched_getaffinity(0))
    pool = texts(args.corpus, 9)[::2]
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()]
    print(f"{len(pool)} texts, {len(questions)} questions; {cores} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="briefbot-int8-") as scratch:
        work = Path(scratch)
        for name in (GRAPHS["onnx"], f"{GRAPHS['onnx']}.data", "tokenizer.json"):
            shutil.copy2(prepared / name, work / name)
        graphs = {"fp32": GRAPHS["onnx"]}
        for variant in args.variants.split(","):
            quantize(work / GRAPHS["onnx"], work / "inline.onnx", layers(variant))
            externalize(work / "inline.onnx", work / f"{variant}.onnx")
            (work / "inline.onnx").unlink()
            graphs[variant] = f"{variant}.onnx"
        measure(work, graphs, pool, questions, cores)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def measure(work: Path, graphs: dict[str, str], pool: list[str], questions: list[str], cores: int) -> None:
    vectors, rates = {}, {}
    for variant, graph in graphs.items():
        build = OnnxEmbedder(work, graph, variant, "onnx", threads=cores)
        started = time.perf_counter()
        documents = build.encode_documents(pool)
        rates[variant] = len(pool) / (time.perf_counter() - started)
        vectors[variant] = (documents, build.encode_queries(questions))
    answering = {v: OnnxEmbedder(work, g, v, "onnx", intra_op=cores) for v, g in graphs.items()}
    times: dict[str, list[float]] = {variant: [] for variant in graphs}
    for question in questions:
        calls = {v: (lambda e=e, q=question: e.encode_queries([q])) for v, e in answering.items()}
        for variant, timed in in_turn(calls, 1).items():
            times[variant] += timed
    documents0, questions0 = vectors["fp32"]
    top0 = np.argmax(questions0 @ documents0.T, axis=1)
    print("| layers whose product stays fp32 | documents: cosine to fp32, lowest / mean | questions: lowest "
          "| dense top-1 kept | documents/s, a pass per core | vs fp32 | one question's pass, median | vs fp32 |")
    print("|---" * 8 + "|")
    for variant, (documents, asked) in vectors.items():
        cosine, asked_cosine = np.sum(documents * documents0, axis=1), np.sum(asked * questions0, axis=1)
        kept = float(np.mean(np.argmax(asked @ documents.T, axis=1) == top0))
        median = statistics.median(times[variant])
        print(f"| {variant} | {cosine.min():.5f} / {cosine.mean():.5f} | {asked_cosine.min():.5f} | {kept:.3f} "
              f"| {rates[variant]:.1f} | {rates[variant] / rates['fp32']:.2f}× | {median:.2f} ms "
              f"| {median / statistics.median(times['fp32']):.2f}× |")


if __name__ == "__main__":
    main()
