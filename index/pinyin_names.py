"""English place names spelled in pinyin ("Xiamen") → the Chinese places they may be (厦门), from a shipped table.

index/data/place_pinyin.tsv is written by bench/make_place_pinyin.py from jieba's place names, the common names it
tags as persons, and our domain words. Which of a spelling's places is meant is for the caller to decide by the
documents (index/query.py).
"""

from __future__ import annotations

import functools
import re

from index.datafiles import tsv_rows

__all__ = ["spelled"]

_NOT_LETTER = re.compile(r"[^a-z]")


def spelled(name: str) -> tuple[str, ...]:
    """The places a pinyin spelling names, the more frequent first; () when none ("Lhasa" is not how pinyin spells
    拉萨)."""
    return _table().get(_NOT_LETTER.sub("", name.lower()), ())


@functools.cache
def _table() -> dict[str, tuple[str, ...]]:
    return {p: tuple(words.split(",")) for p, words in tsv_rows("place_pinyin.tsv", 2)}
