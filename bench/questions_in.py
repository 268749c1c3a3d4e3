"""The questions a smaller collection can be asked: `python bench/questions_in.py FILE --briefings DIR > OUT.jsonl`.

Keeps a question set's answerable questions whose file is in DIR (laid out by `bench/make_corpus.sh DEST PATTERN`)
and every unanswerable one, so refusals can be looked at without indexing the whole corpus. Its figures are not
the corpus's: fewer look-alike documents compete for each question.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--briefings", type=Path, required=True)
    args = parser.parse_args()
    present = {p.relative_to(args.briefings).as_posix() for p in args.briefings.rglob("*") if p.is_file()}
    for line in args.file.read_text(encoding="utf-8").splitlines():
        question = json.loads(line)
        if not question["answerable"] or question["file"] in present:
            sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
