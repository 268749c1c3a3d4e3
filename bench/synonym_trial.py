"""A thesaurus as a trial synonyms table: `python bench/synonym_trial.py THESAURUS [--briefings DIR] > FILE.tsv`.

THESAURUS has one group of synonyms a line, words separated by spaces (cnsyn's sim_words.txt, 同义词词林 exports).
Every word of two or more Han characters gains the other words of its groups that the briefings contain (a word
they never write cannot help BM25). Copy the output over index/data/synonyms.tsv, run `briefbot eval … --split
dev`, and put the shipped file back (`git checkout index/data/synonyms.tsv`): docs/quality.md "Paraphrases".
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def trial_table(groups: list[list[str]], text: str) -> dict[str, list[str]]:
    """Each word → the other words of its groups that `text` holds, in group order."""
    table: dict[str, list[str]] = {}
    for group in groups:
        words = [w for w in group if _HAN_WORD.fullmatch(w)]
        present = [w for w in words if w in text]
        for word in words:
            alternatives = table.setdefault(word, [])
            alternatives += [w for w in present if w != word and w not in alternatives]
    return {w: a for w, a in table.items() if a}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("thesaurus", type=Path)
    parser.add_argument("--briefings", type=Path, default=Path("briefings"))
    args = parser.parse_args()
    groups = [line.split() for line in args.thesaurus.read_text(encoding="utf-8").splitlines()]
    text = "".join(
        "".join(p.read_text(encoding="utf-8").split()) for p in sorted(args.briefings.rglob("*.txt"))
    )
    print(f"# trial table from {args.thesaurus.name}")
    for word, alternatives in trial_table(groups, text).items():
        print(f"{word}\t{','.join(alternatives)}\t{args.thesaurus.name}")


if __name__ == "__main__":
    main()
