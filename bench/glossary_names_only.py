"""The glossary without its terms, for a trial: `python bench/glossary_names_only.py > FILE.tsv`.

The glossary's terms were written for the words our questions used; how much of them a kept dictionary
(index/english_words.py) stands in for is measured on words it was not written for by leaving the terms out. Copy
the output over index/data/glossary.tsv, run `briefbot eval … --split dev` with `DICTIONARY_WORDS` in index/query.py
at each value tried, and put the shipped file back (`git checkout index/data/glossary.tsv`): docs/quality.md,
"English words beyond the glossary: CC-CEDICT".
"""

from __future__ import annotations

from pathlib import Path

GLOSSARY = Path(__file__).resolve().parent.parent / "index" / "data" / "glossary.tsv"


def names_only(text: str) -> str:
    """The glossary's comments and name rows, its term rows left out."""
    kept = [ln for ln in text.splitlines(keepends=True) if ln.startswith("#") or not ln.rstrip("\n").endswith("\tterm")]
    return "".join(kept)


def main() -> None:
    print(names_only(GLOSSARY.read_text(encoding="utf-8")), end="")


if __name__ == "__main__":
    main()
