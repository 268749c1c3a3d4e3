"""Lay out RGB-zh (Chen et al., AAAI 2024) as a pooled collection with a question file for `briefbot eval`.

Usage: python3 bench/make_rgb.py [--set refine|int] [--questions N] [--files K] [--seed S] [--dest DIR]

The data is CC BY-NC-SA 4.0 (evaluation only): it is read from ../shared/corpus/rgb-zh at run time and written
under var/ (outside git); nothing of it is committed. The passages (positive and negative) of the chosen questions
are pooled, deduplicated, shuffled by the seed and dealt into K text files, one passage a paragraph; the question
file says `file: null` (the answer may come from any file). The hit rules:
- zh_refine: a quote holds one gold answer string; every string of the answer list counts (nested lists are
  alternatives), as RGB's own retrieval note says ("contains its answer string").
- zh_int: the question has several sub-answers; `parts` lists them (each a list of alternatives) and `gold` is
  their union. A question counts as found at rank k when the first k quotes together hold every part; its fair
  headline is top-3 (two facts rarely sit in one sentence).
Stdlib only, like check_questions.py.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "rgb-zh"
DEFAULT_DEST = ROOT / "var" / "rgb-zh"
SOURCES = {"refine": "zh_refine.json", "int": "zh_int.json"}
# 100 questions into 10 files: the size of the pool measured in issue 10 (2,568 passages); fits the 2-core machine.
DEFAULT_QUESTIONS, DEFAULT_FILES, DEFAULT_SEED = 100, 10, 20240101
PREAMBLE = "本文件汇集 RGB 中文评测集的新闻检索片段，仅供评测使用（CC BY-NC-SA 4.0，不得商用）。"
_SPACE = re.compile(r"\s+")


def normalise(passage: str) -> str:
    """One paragraph per passage: tabs, carriage returns and no-break spaces become single spaces."""
    return _SPACE.sub(" ", passage.replace("\xa0", " ")).strip()


def answer_parts(answer: list[Any]) -> list[list[str]]:
    """RGB's answer list: each element is one required part, a nested list gives its alternatives."""
    return [[str(a) for a in part] if isinstance(part, list) else [str(part)] for part in answer]


def passages_of(row: dict[str, Any]) -> list[str]:
    """Positive and negative passages of one question; zh_int nests its positives per sub-answer."""
    out: list[str] = []
    for p in row.get("positive", []) + row.get("negative", []):
        out += [str(x) for x in p] if isinstance(p, list) else [str(p)]
    return out


def question_record(which: str, row: dict[str, Any]) -> dict[str, Any]:
    parts = answer_parts(row["answer"])
    gold = list(dict.fromkeys(a for part in parts for a in part))
    rec: dict[str, Any] = {
        "id": f"rgb-{which}-{int(row['id']):03d}", "question": row["query"].strip(), "lang": "zh",
        "kind": "other", "answerable": True, "file": None, "gold": gold, "figure": None,
        "origin": f"rgb-zh/{SOURCES[which]}#{row['id']}",
    }
    if which == "int":
        rec["parts"] = parts
    return rec


def lay_out(rows: list[dict[str, Any]], which: str, n_questions: int, n_files: int, seed: int,
            dest: Path) -> tuple[int, int]:
    """Write the pooled files and questions.jsonl; returns (questions, passages)."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(rows, min(n_questions, len(rows))), key=lambda r: int(r["id"]))
    pool = list(dict.fromkeys(p for p in (normalise(x) for r in chosen for x in passages_of(r)) if p))
    rng.shuffle(pool)
    docs = dest / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for old in docs.glob("*.txt"):
        old.unlink()
    for k in range(n_files):
        body = "\n\n".join(pool[k::n_files])
        title = f"RGB-zh {SOURCES[which]} 检索片段汇编 第{k + 1}部分"
        (docs / f"rgb-{which}-{k + 1:02d}.txt").write_text(f"{title}\n\n{PREAMBLE}\n\n{body}\n", encoding="utf-8")
    with (dest / "questions.jsonl").open("w", encoding="utf-8") as out:
        for r in chosen:
            out.write(json.dumps(question_record(which, r), ensure_ascii=False) + "\n")
    return len(chosen), len(pool)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SOURCES), default="refine", dest="which")
    parser.add_argument("--questions", type=int, default=DEFAULT_QUESTIONS, help="0 for all")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--dest", type=Path, help="default var/rgb-zh/<set>")
    args = parser.parse_args(argv)
    src = args.source / SOURCES[args.which]
    if not src.is_file():
        print(f"error: {src} not found; point --source at the rgb-zh folder", file=sys.stderr)
        return 1
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    dest = args.dest or DEFAULT_DEST / args.which
    n_q, n_p = lay_out(rows, args.which, args.questions or len(rows), args.files, args.seed, dest)
    print(f"{n_q} questions, {n_p} passages into {args.files} files → {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
