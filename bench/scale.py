"""A million sentences on one machine: answer latency, peak memory, recall of the approximate index, build time.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/scale.py                 # ≥ 1,000,000 sentences
    HF_HUB_OFFLINE=1 .venv/bin/python bench/scale.py --sentences 200000 --questions-max 40   # quicker

The collection: the bundled briefing and `--reports` government work reports, parsed and tokenised once, then
repeated with perturbed names (each copy's file name and title carry its number) until it holds `--sentences`.
Nothing is embedded but `--base` sentences and the questions: each row's vector is a random mix of two real
sentence vectors plus noise, renormalised, so rows are spread like real ones without a million encodings. The
vectors are therefore not the rows' own: answers are timed, not judged.

What runs: the index folder is written by `store.write_generation` (the index type chosen by size, as a build
does; its time is the "build" — embedding excluded) and read back by a fresh process through `Library.open`,
which then answers every question through `Library.ask` (encode, lexical, dense, document filter, re-score) with
the real encoder. Stock reference in the same run: an exact flat index over the same vectors (search time, and
the top-10 that recall is measured against).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import store  # noqa: E402
from index.build import context_tokens, unit_key, unit_text  # noqa: E402
from index.config import Settings  # noqa: E402
from index.embed import load_embedder  # noqa: E402
from index.parse import parse_briefing  # noqa: E402
from index.readers import read_data  # noqa: E402
from index.records import Briefing  # noqa: E402
from index.tokenize import tokens  # noqa: E402
from index.vector_plan import CODES, DEFAULT_TUNABLES, Plan, choose  # noqa: E402

REPORTS = "gov-work-reports-provincial-2025/txt"
NPROBES = (8, 16, 32, 64, 128)


def status_mb() -> dict[str, float]:
    """VmHWM (peak RSS) and, at this moment, RssAnon (the heap) and RssFile (mapped files: vectors, libraries)."""
    with open("/proc/self/status", encoding="utf-8") as status:
        rows = [x.split() for x in status if x.startswith(("VmHWM", "RssAnon", "RssFile"))]
    return {r[0].rstrip(":"): int(r[1]) / 1024 for r in rows}


def read_base(corpus: Path, reports: int) -> list[Briefing]:
    paths = sorted((ROOT / "briefings").glob("*.txt")) + sorted((corpus / REPORTS).glob("*.txt"))[:reports]
    return [parse_briefing(p.name, read_data(p.read_bytes(), ".txt", p.name).text) for p in paths]


def collection(base: list[Briefing], want: int, model: str) -> tuple[list[Briefing], list[store.Unit], list[str]]:
    """Copies of the base briefings, each under a perturbed name, until `want` sentences; their units and texts."""
    own = {(b.file, s.index): tuple(tokens(s.text)) for b in base for s in b.sentences}  # tokenised once
    briefings: list[Briefing] = []
    units: list[store.Unit] = []
    texts: list[str] = []  # one unit text per base sentence, for the sample that is embedded
    copy = 0
    while len(units) < want:
        for b in base:
            c = replace(b, file=f"copy{copy:03d}/{b.file}", title=f"{b.title}（第{copy}套）")
            briefings.append(c)
            for s in c.sentences:
                text = unit_text(c, s)
                units.append(store.Unit(c.file, s.index, unit_key(model, text), own[(b.file, s.index)],
                                        context_tokens(c, s)))
                if copy == 0:
                    texts.append(text)
        copy += 1
    return briefings, units, texts


def synthetic(real: np.ndarray, n: int, seed: int = 7) -> np.ndarray:
    """n unit vectors near the span of real ones: a + w·b + noise, renormalised."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype="float32")
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a, b = rng.integers(0, len(real), m), rng.integers(0, len(real), m)
        w = rng.uniform(0.0, 0.7, (m, 1)).astype("float32")
        block = real[a] + w * real[b] + rng.normal(0, 0.02, (m, real.shape[1])).astype("float32")
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def manifest(model: str, encoder: str, dimension: int, briefings: list[Briefing], units: int) -> dict[str, Any]:
    return {
        "schema_version": store.SCHEMA_VERSION, "model": model, "encoder": encoder, "dimension": dimension,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {"files": len(briefings), "sentences": units, "vectors": units, "skipped": 0},
        "files": {b.file: "synthetic" for b in briefings},
        "records": {b.file: {"characters": len(b.text), "sentences": len(b.sentences)} for b in briefings},
        "replaced": {}, "skipped": {},
    }


def answer_phase(scratch: Path, questions: list[str]) -> dict[str, Any]:
    """In a fresh process: open the index as `ask` does, answer every question, sweep nprobe."""
    from index.library import Library
    from index.profile import STAGES, collect

    settings = replace(Settings.from_env(), index=scratch / "index")
    started = time.perf_counter()
    library = Library.open(settings, build_if_missing=False)
    opened = time.perf_counter() - started
    library.ask(questions[0])
    times, stages = [], []
    for q in questions:
        started = time.perf_counter()
        with collect() as profile:
            library.ask(q)
        times.append((time.perf_counter() - started) * 1000)
        stages.append(profile.ms)
    result = {"open_s": opened, "median_ms": statistics.median(times),
              "stages": {s: statistics.median(p.get(s, 0.0) for p in stages) for s in STAGES[:-1]},
              "p95_ms": statistics.quantiles(times, n=20)[-1], "memory": status_mb(),
              "plan": library.searcher.snapshot.manifest["vector_index"]}
    return result


def sweep(vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> list[dict[str, Any]]:
    """Each kind of IVF codes on the same vectors: build time, memory of the codes, recall@10 and time by nprobe."""
    rows = []
    for codes in CODES:
        plan = replace(choose(len(vectors)), codes=codes)
        if plan.kind == "flat":
            return []
        started = time.perf_counter()
        index = store.vector_index(vectors, plan)
        built = time.perf_counter() - started
        for nprobe in [p for p in NPROBES if p <= plan.nlist]:
            index.nprobe = nprobe
            found, spent = [], []
            for q in queries:
                started = time.perf_counter()
                found.append(store.search_vectors(index, q[None, :], 10)[1][0])
                spent.append((time.perf_counter() - started) * 1000)
            recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
            rows.append({"codes": codes, "nlist": plan.nlist, "nprobe": nprobe, "recall": float(recall),
                         "median_ms": statistics.median(spent), "build_s": built,
                         "codes_mb": int(index.code_size) * len(vectors) / 2**20})
        del index
    return rows


def reference(vectors: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The stock reference: exact flat search over the same vectors (top-10 per query, median ms, build s)."""
    started = time.perf_counter()
    flat = store.flat_index(vectors)
    built = time.perf_counter() - started
    truth, spent = [], []
    for q in queries:
        started = time.perf_counter()
        truth.append(store.search_vectors(flat, q[None, :], 10)[1][0])
        spent.append((time.perf_counter() - started) * 1000)
    return np.asarray(truth), statistics.median(spent), built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--reports", type=int, default=30, help="reports repeated beside the briefing")
    parser.add_argument("--base", type=int, default=384, help="real sentence vectors the rows are mixed from")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "questions_seed.jsonl")
    parser.add_argument("--questions-max", type=int, default=120)
    parser.add_argument("--keep", type=Path, help="write the index folder under this folder and keep it; "
                        "`--answer` that folder then times answers again without rebuilding")
    parser.add_argument("--answer", type=Path, help="answer only, from a folder `--keep` wrote")
    args = parser.parse_args()
    questions = [json.loads(line)["question"]
                 for line in args.questions.read_text(encoding="utf-8").splitlines()][: args.questions_max]
    if args.answer:
        print(json.dumps(answer_phase(args.answer, questions)))
        return

    started = time.perf_counter()
    base = read_base(args.corpus, args.reports)
    embedder = load_embedder(Settings.from_env())
    briefings, units, texts = collection(base, args.sentences, embedder.name)
    step = max(1, len(texts) // args.base)
    real = np.asarray(embedder.encode_documents(texts[::step][: args.base]), dtype="float32")
    queries = np.asarray(embedder.encode_queries(questions), dtype="float32")
    vectors = synthetic(real, len(units))
    prepared = time.perf_counter() - started
    truth, flat_ms, flat_build = reference(vectors, queries)
    swept = sweep(vectors, queries, truth)

    with tempfile.TemporaryDirectory(prefix="briefbot-scale-") as tmp:
        scratch = args.keep or Path(tmp)
        started = time.perf_counter()
        store.write_generation(scratch / "index", manifest(embedder.name, embedder.encoder, embedder.dimension,
                                                           briefings, len(units)), briefings, units, vectors)
        written = time.perf_counter() - started
        n, files, got_dimension = len(units), len(briefings), embedder.dimension
        del vectors, briefings, units, embedder
        env = {**os.environ, "BRIEFBOT_INDEX": str(scratch / "index")}
        proc = subprocess.run([sys.executable, __file__, "--answer", str(scratch),
                               "--questions", str(args.questions), "--questions-max", str(args.questions_max)],
                              env=env, capture_output=True, text=True, check=False)
        if proc.returncode:
            raise SystemExit(f"the answering process failed: {proc.stderr[-2000:]}")
        got = json.loads(proc.stdout.strip().splitlines()[-1])
    got["sweep"], got["dimension"] = swept, got_dimension
    report(n, files, len(base), len(real), len(questions), prepared, flat_ms, flat_build, written, got)


def report(n: int, files: int, base: int, real: int, questions: int, prepared: float, flat_ms: float,
           flat_build: float, written: float, got: dict[str, Any]) -> None:
    plan: Plan = choose(n)
    flat = {"nprobe": 0, "recall": 1.0, "median_ms": flat_ms}
    chosen = next((s for s in got["sweep"] if (s["codes"], s["nprobe"]) == (plan.codes, plan.nprobe)), flat)
    print(f"{n:,} sentences in {files:,} files ({base} parsed, repeated); vectors mixed from {real} real ones; "
          f"{questions} questions; {len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"index chosen by size: {json.dumps(got['plan'])} (threshold {DEFAULT_TUNABLES.approximate_from:,})")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| one whole answer (`Library.ask`), warm | median {got['median_ms']:.1f} ms, p95 {got['p95_ms']:.1f} ms "
          "| median ≤ 50 ms |")
    memory = got["memory"]
    print(f"| peak RSS of the answering process (open + {questions} answers) | {memory['VmHWM']:.0f} MB | ≤ 2,048 MB |")
    print(f"| … of which at the end: heap (RssAnon), mapped files (RssFile: vectors, model, libraries) | "
          f"{memory['RssAnon']:.0f} MB, {memory['RssFile']:.0f} MB | – |")
    per_stage = ", ".join(f"{k} {v:.1f}" for k, v in got["stages"].items())
    print(f"| … per stage, median ms (`index/profile.py`) | {per_stage} | – |")
    print(f"| recall@10 against flat, {plan.codes}, nprobe {chosen['nprobe']} | {chosen['recall']:.3f} | ≥ 0.98 |")
    print(f"| dense search alone, {plan.codes}, nprobe {chosen['nprobe']} | median {chosen['median_ms']:.2f} ms, "
          f"{chosen['median_ms'] / flat_ms:.3f}× flat's {flat_ms:.1f} ms | – |")
    print(f"| build: write the index folder (train + add + records; no embedding) | {written:.1f} s | – |")
    print(f"| open the index (`Library.open`: load, check, BM25, term index, encoder) | {got['open_s']:.1f} s | – |")
    print(f"| preparing the collection (parse, tokenise, embed {real} + questions, mix) | {prepared:.1f} s | – |")
    print("\n| index | codes in memory | build (train + add) | nprobe | recall@10 | dense search median | vs flat |")
    print("|---|---|---|---|---|---|---|")
    print(f"| flat (stock reference) | {n * got['dimension'] * 4 / 2**20:.0f} MB | {flat_build:.1f} s | – | 1.000 | "
          f"{flat_ms:.2f} ms | 1.000× |")
    for s in got["sweep"]:
        print(f"| IVF{s['nlist']} {s['codes']} | {s['codes_mb']:.0f} MB | {s['build_s']:.1f} s | {s['nprobe']} | "
              f"{s['recall']:.3f} | {s['median_ms']:.2f} ms | {s['median_ms'] / flat_ms:.3f}× |")


if __name__ == "__main__":
    main()
