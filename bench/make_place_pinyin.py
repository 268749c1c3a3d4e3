"""Write index/data/place_pinyin.tsv: the place names jieba's dictionary and our domain words know, by their pinyin.

Usage: python bench/make_place_pinyin.py [--out index/data/place_pinyin.tsv] [--syllables-out FILE]

An English question names Chinese places in pinyin ("Xiamen", "Boao Lecheng"); the glossary holds only the places
our documents' questions needed so far. This table lets any place jieba tags "ns" (and every "ns" of
index/data/domain_words.txt) be found by its spelling, toneless and without spaces: "xiamen" → 厦门. A spelling
several places share lists them all, the more frequent first (jieba's counts); the answer path keeps those the
indexed documents name. pypinyin is needed here only, not by the answer path.

It writes index/data/pinyin_syllables.txt too: every toneless syllable pypinyin gives a Han character, those with a
vowel (not the interjections "m", "ng", "hm"). A capitalised English word is read as a pinyin name only when it
splits into two or more of them: "Xiamen" does (xia-men), "Under" does not (no syllable "der").
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "index" / "data" / "place_pinyin.tsv"
SYLLABLES_OUT = ROOT / "index" / "data" / "pinyin_syllables.txt"
# jieba tags some places as person names (博鳌 87, 张家界 193): those common enough join the places. A name the
# documents do not hold is never chosen (index/query.py), so a person's name costs nothing but a line here.
NAME_FREQ = 20
HEADER = (
    "# Place names by their toneless pinyin, for English questions over Chinese documents (index/pinyin_names.py).\n"
    "# Written by bench/make_place_pinyin.py from jieba's dictionary (words tagged ns, and nr at least 20 times) and\n"
    "# index/data/domain_words.txt; pinyin <TAB> the places it spells, comma-separated, the more frequent first.\n"
    "# Do not edit: rerun the script.\n"
)


def places() -> dict[str, int]:
    """Each place name (2–4 Han characters) with its jieba frequency; our domain words count as frequent."""
    import jieba

    found: dict[str, int] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq, tag = line.split()
            named = tag == "ns" or (tag == "nr" and int(freq) >= NAME_FREQ)
            if named and 2 <= len(word) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in word):
                found[word] = int(freq)
    for line in (ROOT / "index" / "data" / "domain_words.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("|")[0].split()
        if len(parts) >= 2 and parts[1] == "ns" and 2 <= len(parts[0]) <= 4:
            found[parts[0]] = max(found.get(parts[0], 0), 10**6)
    return found


def table(found: dict[str, int]) -> str:
    from pypinyin import lazy_pinyin

    spelled: dict[str, list[str]] = defaultdict(list)
    for word in sorted(found, key=lambda w: (-found[w], w)):
        spelled["".join(lazy_pinyin(word)).lower()].append(word)
    return HEADER + "".join(f"{p}\t{','.join(words)}\n" for p, words in sorted(spelled.items()))


SYLLABLES_HEADER = (
    "# The toneless pinyin syllables (pypinyin's readings of every Han character it knows, those with a vowel), one a\n"
    "# line: what index/tokenize.py splits a capitalised English word into before reading it as a Chinese name.\n"
    "# Written by bench/make_place_pinyin.py. Do not edit: rerun the script.\n"
)


def syllables() -> str:
    from pypinyin import Style, pinyin

    found: set[str] = set()
    for code in range(0x4E00, 0xA000):
        for reading in pinyin(chr(code), style=Style.NORMAL, heteronym=True, errors="ignore")[:1]:
            found.update(r for r in reading if r.isascii() and r.isalpha() and any(v in r for v in "aeiouv"))
    return SYLLABLES_HEADER + "".join(f"{x}\n" for x in sorted(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--syllables-out", type=Path, default=SYLLABLES_OUT)
    args = parser.parse_args()
    text = table(places())
    args.out.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - HEADER.count(chr(10))} spellings → {args.out}")
    listed = syllables()
    args.syllables_out.write_text(listed, encoding="utf-8")
    print(f"{listed.count(chr(10)) - SYLLABLES_HEADER.count(chr(10))} syllables → {args.syllables_out}")


if __name__ == "__main__":
    main()
