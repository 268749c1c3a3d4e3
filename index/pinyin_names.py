"""English place names spelled in pinyin ("Xiamen") → the Chinese places they may be (厦门), from a shipped table.

index/data/place_pinyin.tsv is written by bench/make_place_pinyin.py (jieba's place names and our domain words);
which of a spelling's places is meant is for the caller to decide by the documents (index/query.py).
"""

from __future__ import annotations

import functools
import re

from index.datafiles import tsv_rows

__all__ = ["spelled"]

_NOT_LETTER = re.compile(r"[^a-z]")


def spelled(name: str) -> tuple[str, ...]:
    """The places a pinyin spelling names, the more frequent first; () when none ("Boao" is not in the table)."""
    return _table().get(_NOT_LETTER.sub("", name.lower()), ())


@functools.cache
def _table() -> dict[str, tuple[str, ...]]:
    return {p: tuple(words.split(",")) for p, words in tsv_rows("place_pinyin.tsv", 2)}
