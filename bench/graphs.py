"""Other graphs of the same model against the fp32 graph `briefbot model prepare` makes ("generic").

    HF_HUB_OFFLINE=1 .venv/bin/python bench/graphs.py             # 184 questions, 8 rounds of batches
    HF_HUB_OFFLINE=1 .venv/bin/python bench/graphs.py --rounds 3  # quicker

The graphs: the model exported again into a scratch folder and fused by onnxruntime's transformer optimiser
(`optimize_model(model_type="bert")`: attention, skip layer norms, GELU and embeddings each one kernel, or
a variant of it); `model prepare`'s dynamic int8 graph (unsigned weights); and the generic graph quantized
with signed int8 weights (the kind the CPU's VNNI instructions multiply directly). Each is checked against
sentence-transformers as `model prepare` checks its graphs, then timed against the generic one, run after
run in turn so that a busy machine slows all alike: one question at a time, and forward batches of texts
built from the bundled briefing and reports as `briefbot index build` sorts them (short, middle and long).
Ratios are per pair of runs, the graph's time over the generic graph's.
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
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.build import unit_text  # noqa: E402
from index.config import DEFAULT_MODEL, Settings  # noqa: E402
from index.embed import FORWARD_BATCH  # noqa: E402
from index.model import ensure_default_model  # noqa: E402
from index.onnx_encoder import OnnxEmbedder, externalize  # noqa: E402
from index.onnx_export import GRAPHS, MIN_COSINE, ensure_onnx_model, export_torch, verify  # noqa: E402
from index.parse import parse_briefing  # noqa: E402

REPORTS = "gov-work-reports-provincial-2025/txt"
FUSED = ("full", "no-attention", "multi-head")  # which fusions the optimiser may make
VARIANTS = (*FUSED, "int8", "int8-signed")


def fuse(source: Path, target: Path, heads: int, hidden: int, variant: str) -> dict[str, int]:
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_attention = variant != "no-attention"
    options.use_multi_head_attention = variant == "multi-head"
    fused = optimize_model(str(source), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0,
                           optimization_options=options)
    fused.save_model_to_file(str(target))
    return {op: int(n) for op, n in fused.get_fused_operator_statistics().items() if n}


def quantize_signed(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def texts(corpus: Path, reports: int) -> list[str]:
    paths = sorted((ROOT / "briefings").glob("*.txt")) + sorted((corpus / REPORTS).glob("*.txt"))[:reports]
    out = []
    for path in paths:
        briefing = parse_briefing(path.name, path.read_text(encoding="utf-8"))
        out += [unit_text(briefing, s) for s in briefing.sentences]
    return sorted(out, key=len)


def in_turn(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Milliseconds of each call, the calls run one after the other, `rounds` times."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--reports", type=int, default=9, help="government work reports beside the briefing")
    parser.add_argument("--rounds", type=int, default=8, help="runs of each batch per graph")
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "questions_seed.jsonl")
    args = parser.parse_args()
    settings = replace(Settings.from_env(), model=DEFAULT_MODEL)
    source, generic = ensure_default_model(settings), ensure_onnx_model(settings)
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()]
    corpus = texts(args.corpus, args.reports)
    batches = {f"{FORWARD_BATCH} {label} texts": corpus[at : at + FORWARD_BATCH]
               for label, at in (("short", 0), ("middle", len(corpus) // 2), ("long", len(corpus) - FORWARD_BATCH))}
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    encoders = {"generic": OnnxEmbedder(generic, GRAPHS["onnx"], "generic", "onnx")}
    with tempfile.TemporaryDirectory(prefix="briefbot-fuse-") as scratch:
        work = Path(scratch)
        export_torch(source, work / "exported.onnx")
        shutil.copy2(generic / "tokenizer.json", work / "tokenizer.json")
        for variant in FUSED:
            made = fuse(work / "exported.onnx", work / "inline.onnx", int(config["num_attention_heads"]),
                        int(config["hidden_size"]), variant)
            externalize(work / "inline.onnx", work / f"{variant}.onnx")
            (work / "inline.onnx").unlink()
            print(f"fused ({variant}): {made}")
        for graph in GRAPHS.values():  # copies: nothing is written beside the prepared graphs
            shutil.copy2(generic / graph, work / graph)
            shutil.copy2(generic / f"{graph}.data", work / f"{graph}.data")
        quantize_signed(work / GRAPHS["onnx"], work / "int8-signed.onnx")
        shutil.copy2(work / GRAPHS["onnx-int8"], work / "int8.onnx")
        for variant in VARIANTS:
            kind = "onnx-int8" if variant.startswith("int8") else "onnx"
            check = verify(source, work, {kind: f"{variant}.onnx"})[kind]
            print(f"{variant}: lowest cosine to sentence-transformers {check['min_cosine']} (kept at ≥ "
                  f"{MIN_COSINE[kind]}), check scores {check['check_scores']}")
            encoders[variant] = OnnxEmbedder(work, f"{variant}.onnx", variant, kind)
        ours = {name: e.encode_documents(corpus[:: max(1, len(corpus) // 256)]) for name, e in encoders.items()}
        for variant in VARIANTS:
            cosine = float(np.min(np.sum(ours[variant] * ours["generic"], axis=1)))
            mean = float(np.mean(np.sum(ours[variant] * ours["generic"], axis=1)))
            print(f"cosine to generic, {variant}, {len(ours[variant])} texts: lowest {cosine:.6f}, mean {mean:.6f}")
        ratios = " | ".join(f"{v} / generic" for v in VARIANTS)
        print(f"| input | {' / '.join(encoders)} (median ms) | {ratios} |")
        print("|---" * (2 + len(VARIANTS)) + "|")
        inputs = {"one question": None, **batches}
        for label, batch in inputs.items():
            if batch is None:  # each question once per graph, in turn
                times: dict[str, list[float]] = {name: [] for name in encoders}
                for question in questions:
                    for name, timed in in_turn({n: _query(e, question) for n, e in encoders.items()}, 1).items():
                        times[name] += timed
            else:
                times = in_turn({n: _documents(e, batch) for n, e in encoders.items()}, args.rounds)
            medians = " / ".join(f"{statistics.median(t):.1f}" for t in times.values())
            ratios = [statistics.median(b / a for a, b in zip(times["generic"], times[v], strict=True))
                      for v in VARIANTS]
            print(f"| {label} | {medians} | " + " | ".join(f"{r:.3f}" for r in ratios) + " |")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def _query(encoder: OnnxEmbedder, question: str) -> Callable[[], object]:
    return lambda: encoder.encode_queries([question])


def _documents(encoder: OnnxEmbedder, batch: list[str]) -> Callable[[], object]:
    return lambda: encoder.encode_documents(batch)


if __name__ == "__main__":
    main()
