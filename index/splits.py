"""Dev and test halves of every question set, fixed by a hash of the question id.

Tune only on dev; report test (dev beside it). The half a question falls in depends on its id alone, so it never
changes when a set grows, is reordered or is split across files, and it is the same on every machine and Python
(sha256, not the salted built-in hash()).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Literal, TypeVar

Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = ("test", "dev")  # the order reports show them in: test first
T = TypeVar("T")


def split_of(question_id: str) -> Split:
    """The half a question id belongs to: the low bit of the first byte of its sha256."""
    return "test" if hashlib.sha256(question_id.encode("utf-8")).digest()[0] & 1 else "dev"


def in_split(items: Iterable[T], split: str, id_of: Callable[[T], str]) -> list[T]:
    """The items of one half; "all" keeps every item."""
    if split == "all":
        return list(items)
    if split not in SPLITS:
        raise ValueError(f"split must be dev, test or all, not {split!r}")
    return [item for item in items if split_of(id_of(item)) == split]


def report_groups(rows: list[dict[str, object]], split: str) -> list[tuple[str, list[dict[str, object]]]]:
    """The groups a report shows for scored rows (each with "split" and "origin"): test and dev side by side
    (and all) unless one half was asked for, then one group per origin when a set mixes them (blind, own), and
    one per language of the half asked for when a set mixes languages (en, zh)."""
    if split == "all":
        groups = [(s, [r for r in rows if r["split"] == s]) for s in SPLITS] + [("all", rows)]
    else:
        groups = [(split, rows)]
    origins = sorted({origin_group(str(r["origin"])) for r in rows})
    if len(origins) > 1:
        groups += [(f"{split} {o}", [r for r in rows if origin_group(str(r["origin"])) == o]) for o in origins]
    langs = sorted({str(r.get("lang", "zh")) for r in rows})
    if len(langs) > 1:
        groups += [(f"{split} {lang}", [r for r in rows if r.get("lang", "zh") == lang]) for lang in langs]
    return groups


def origin_group(origin: str) -> str:
    """The set an origin names, without the question's place in it: "rgb-zh/zh_int.json#7" -> "rgb-zh/zh_int.json"."""
    return origin.split("#", 1)[0]
