"""Which way a question's people or goods go between two places, so a flow the other way does not answer it.

"2021年松阳到余姚疗休养的人数同比增长多少？" meets "宁波市赴松阳疗养人数达1.65万人次、同比增长近1倍": the right
places, the right kind of figure, but the trips go *to* 松阳, the question's starting point. Support between two
places runs both ways in these documents (余姚 sends staff to 松阳, 松阳 sends staff to 余姚), so a sentence that
goes only to where the question starts answers the other direction.
"""

from __future__ import annotations

import re
import unicodedata

from index.tokenize import places

__all__ = ["comes_from_elsewhere", "flow", "goes_the_other_way"]

_TO = "赴|到|去|来|前往|派往"
_SUFFIX = re.compile(r"(?:省|市|县|区|镇|乡|村)$")
_GAP = 14  # most characters between the starting place and the verb of motion: "余姚累计组织了多少名职工到松阳"


def flow(question: str) -> tuple[str, str] | None:
    """(from, to) when the question names a place and then goes to another one ("松阳到余姚"), else None."""
    text = unicodedata.normalize("NFKC", question)
    named = list(dict.fromkeys(_stem(p) for p in places(text)))
    if len(named) < 2:
        return None
    names = "|".join(re.escape(n) for n in sorted(named, key=len, reverse=True))
    m = re.search(rf"({names})[^，,。？?；;]{{0,{_GAP}}}?(?:{_TO})({names})", text)
    if m is None or m.group(1) == m.group(2):
        return None
    return m.group(1), m.group(2)


def goes_the_other_way(way: tuple[str, str], sentence: str) -> bool:
    """The sentence goes to the question's starting place and never to its destination."""
    start, end = way
    text = "".join(sentence.split())
    return _goes_to(start, text) and not _goes_to(end, text)


def comes_from_elsewhere(way: tuple[str, str], sentence: str) -> bool:
    """The sentence goes to the question's destination, but only ever from another place: "宁波市赴松阳疗养人数"
    counts all of Ningbo's trips, not those from 余姚 that the question asks about."""
    start, end = way
    text = "".join(unicodedata.normalize("NFKC", sentence).split())
    named = sorted({_stem(p) for p in places(text)}, key=len, reverse=True)
    if not named:
        return False
    names = "|".join(re.escape(n) for n in named)
    origins = [m.group(1) for m in re.finditer(rf"({names})[^，,。；;]{{0,{_GAP}}}?(?:{_TO}){re.escape(end)}", text)]
    return bool(origins) and not any(start in o or o in start for o in origins)


def _goes_to(place: str, text: str) -> bool:
    return re.search(rf"(?:{_TO}){re.escape(place)}", text) is not None


def _stem(name: str) -> str:
    stem = _SUFFIX.sub("", name)
    return stem if len(stem) >= 2 else name
