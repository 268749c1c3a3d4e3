"""The speed targets in one run, each as a ratio against stock torch one-thread encoding measured in that run
(the machine is shared, so only ratios within one run compare).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/speed.py              # the briefing + 9 reports, every measure
    HF_HUB_OFFLINE=1 .venv/bin/python bench/speed.py --reports 2  # smaller and quicker

Measures: a standalone `briefbot index build` (sentences/s, alone and beside a busy process) against torch
encoding the same kind of text; one whole answer, warm (median, p95, alone and beside a busy process) against
one torch query encoding; a cold `briefbot ask` (wall time; the index exists); the peak RSS of `briefbot ask -`
over the question file. Each ONNX encoder (--encoders) builds its own index and answers from it; cold ask and
RSS are also measured with BRIEFBOT_ENCODER=torch on the fp32 index for the "before".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.build import unit_text  # noqa: E402
from index.config import DEFAULT_MODEL, Settings  # noqa: E402
from index.embed import SentenceTransformerEmbedder, load_embedder, vector_space  # noqa: E402
from index.library import Library  # noqa: E402
from index.model import prepare_model  # noqa: E402

REPORTS = "gov-work-reports-provincial-2025/txt"
Row = tuple[str, str, str]


@contextlib.contextmanager
def busy_beside(on: bool) -> Iterator[None]:
    """A second process keeping one core busy, as a rebuild or a test run beside the bot does."""
    if not on:
        yield
        return
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        yield
    finally:
        burner.kill()
        burner.wait()


_PEAK = (
    "import sys\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0]\n"
    "print('PEAK', peak.split()[1], file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run_measured(args: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[str, float, float]:
    """Run `briefbot …` in a fresh process: (stdout, wall seconds, its own peak RSS in MB).

    The peak is the process's VmHWM read at its end: a child's rusage would start from this process's peak.
    """
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, *args], cwd=ROOT, env=env, text=True, input=stdin or "",
                          capture_output=True, check=False)
    wall = time.perf_counter() - started
    found = re.search(r"^PEAK (\d+)$", proc.stderr, re.MULTILINE)
    if proc.returncode or not found:
        raise SystemExit(f"briefbot {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return proc.stdout, wall, int(found.group(1)) / 1024


def build(env: dict[str, str]) -> float:
    """Sentences per second of a full standalone build."""
    out, _, _ = run_measured(["index", "build", "--full"], env)
    found = re.search(r"(\d+) sentences, (\d+) embedded, ([\d.]+) s", out)
    if not found:
        raise SystemExit(f"unexpected build output: {out}")
    return int(found.group(2)) / float(found.group(3))


def timed(calls: Iterator[object]) -> list[float]:
    times, started = [], time.perf_counter()
    for _ in calls:
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=9, help="government work reports indexed beside the briefing")
    parser.add_argument("--busy-reports", type=int, default=2, help="reports in the build beside a busy process")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "questions_seed.jsonl")
    parser.add_argument("--documents", type=int, default=256, help="texts torch encodes for the reference")
    parser.add_argument("--encoders", default="onnx,onnx-int8", help="ONNX encoders to build with and answer by")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()]
    encoders = args.encoders.split(",")

    with tempfile.TemporaryDirectory(prefix="briefbot-speed-") as scratch:
        folder = Path(scratch) / "briefings"
        folder.mkdir()
        for path in sorted((ROOT / "briefings").glob("*.txt")):
            shutil.copy(path, folder)
        for path in sorted((args.corpus / REPORTS).glob("*.txt"))[: args.reports]:
            shutil.copy(path, folder)
        small = Path(scratch) / "small"  # a smaller collection beside a busy process: only the rate is compared
        small.mkdir()
        for path in sorted(folder.iterdir())[: 1 + args.busy_reports]:
            shutil.copy(path, small)
        base = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
        base.update(BRIEFBOT_BRIEFINGS=str(folder), HF_HUB_OFFLINE="1")
        env = {e: {**base, "BRIEFBOT_INDEX": f"{scratch}/index-{e}", "BRIEFBOT_ENCODER": e} for e in encoders}
        settings = {e: replace(Settings.from_env(env[e]), model=DEFAULT_MODEL, threads=None) for e in encoders}
        builds = {e: (build(env[e]), _build_busy(env[e], small)) for e in encoders}

        snap = Library.open(settings[encoders[0]], build_if_missing=False).searcher.snapshot
        step = max(1, len(snap.units) // args.documents)
        texts = [unit_text(snap.briefings[u.file], snap.briefings[u.file].sentences[u.sentence])
                 for u in snap.units[::step]][: args.documents]
        torch = SentenceTransformerEmbedder(prepare_model(settings[encoders[0]]), vector_space("torch"), threads=1)
        torch.encode_documents(texts[:16])
        started = time.perf_counter()
        torch.encode_documents(texts)
        torch_docs = len(texts) / (time.perf_counter() - started)
        torch_query = statistics.median(timed(torch.encode_queries([q]) for q in questions))
        del torch
        rows = [("torch, 1 thread: encoding (reference)", f"{torch_docs:.1f} sentences/s; one query "
                 f"{torch_query:.1f} ms", "1.00×")]
        rows += _encoding_alone(settings[encoders[0]], encoders, texts, torch_docs)
        for e in encoders:
            rows.append((f"build throughput, standalone ({e}, every core)", f"{builds[e][0]:.1f} sentences/s",
                         f"{builds[e][0] / torch_docs:.2f}×"))
            rows.append(("… beside a busy process", f"{builds[e][1]:.1f} sentences/s",
                         f"{builds[e][1] / torch_docs:.2f}×"))
        for e in encoders:
            rows += _warm(settings[e], e, questions, torch_query)
        rows += _cold(env, questions)

    files = 1 + min(args.reports, len(list((args.corpus / REPORTS).glob("*.txt"))))
    print(f"{files} files, {len(snap.units)} sentences; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| measure | value | ratio |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def _build_busy(env: dict[str, str], small: Path) -> float:
    with busy_beside(True):
        return build({**env, "BRIEFBOT_BRIEFINGS": str(small), "BRIEFBOT_INDEX": env["BRIEFBOT_INDEX"] + "-small"})


def _encoding_alone(settings: Settings, encoders: list[str], texts: list[str], torch_docs: float) -> list[Row]:
    rows, cores = [], len(os.sched_getaffinity(0))
    for encoder in encoders:
        for threads in (1, cores):
            onnx = load_embedder(replace(settings, encoder=encoder, threads=threads), build=True)
            onnx.encode_documents(texts[:16])
            started = time.perf_counter()
            onnx.encode_documents(texts)
            rate = len(texts) / (time.perf_counter() - started)
            rows.append((f"encoding alone: {encoder}, {threads} thread(s)", f"{rate:.1f} sentences/s",
                         f"{rate / torch_docs:.2f}×"))
    return rows


def _warm(settings: Settings, encoder: str, questions: list[str], torch_query: float) -> list[Row]:
    """One whole answer from the index this encoder built, alone and beside a busy process."""
    library = Library.open(settings, build_if_missing=False)
    library.ask(questions[0])
    warm = timed(library.ask(q) for q in questions)
    with busy_beside(True):
        warm_busy = timed(library.ask(q) for q in questions)
    return [(label, f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms",
             f"{statistics.median(times) / torch_query:.2f}× one torch query")
            for label, times in ((f"one whole answer, warm ({encoder})", warm), ("… beside a busy process", warm_busy))]


def _cold(env: dict[str, dict[str, str]], questions: list[str]) -> list[Row]:
    """Cold `ask` and the peak RSS of `ask -`, torch (on the fp32 index) against each ONNX encoder."""
    runs = dict(env)
    if "onnx" in env:  # torch searches fp32 vectors only
        runs = {"torch": {**env["onnx"], "BRIEFBOT_ENCODER": "torch"}, **env}
    cold, peak = {}, {}
    for encoder, run_env in runs.items():
        _, cold[encoder], _ = run_measured(["ask", questions[0]], run_env)
        _, _, peak[encoder] = run_measured(["ask", "-", "--json"], run_env, "\n".join(questions) + "\n")
    first = next(iter(runs))
    rows = [(f"cold `briefbot ask` ({e})", f"{cold[e]:.1f} s", f"{cold[e] / cold[first]:.2f}× {first}'s")
            for e in runs]
    rows += [(f"peak RSS of `ask -` over {len(questions)} questions ({e})", f"{peak[e]:.0f} MB",
              f"{peak[e] / peak[first]:.2f}× {first}'s") for e in runs]
    return rows


if __name__ == "__main__":
    main()
