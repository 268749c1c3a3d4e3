"""Document vectors of one encoder searched with query vectors of another: `briefbot eval` on such a pairing.

    BRIEFBOT_ENCODER=onnx-int8 briefbot index build --index /tmp/int8-index
    HF_HUB_OFFLINE=1 .venv/bin/python bench/mixed_vectors.py /tmp/int8-index bench/questions_seed.jsonl --compare
    HF_HUB_OFFLINE=1 .venv/bin/python bench/mixed_vectors.py /tmp/fp32-index --query onnx-int8 \
        bench/questions_seed.jsonl

An index records the vector space of the encoder that built it and `briefbot` refuses to search it with
another; this bench opens an index with another query encoder (`--query`, fp32 unless given) on purpose, to
measure what that pairing (int8 for the bulk build and fp32 for the question, or the reverse) would keep.
Any `briefbot eval` option passes through.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import store  # noqa: E402
from index.cli import build_parser, settings_for  # noqa: E402
from index.embed import load_embedder  # noqa: E402
from index.evaluate import run_eval  # noqa: E402
from index.library import Library  # noqa: E402
from index.search import Searcher  # noqa: E402


def main(argv: list[str]) -> int:
    index, rest = Path(argv[0]), argv[1:]
    encoder = "onnx"
    if rest[:1] == ["--query"]:
        encoder, rest = rest[1], rest[2:]
    parser, _ = build_parser()
    args = parser.parse_args(["eval", *rest, "--index", str(index)])
    settings = replace(settings_for(args), encoder=encoder)
    query = load_embedder(settings)
    snapshot = store.load(index)  # in whatever space it was built: the pairing is the point
    return run_eval(args, settings, Library(settings, query, Searcher(snapshot, query)))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
