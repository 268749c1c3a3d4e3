"""Document-level evidence: which documents name every key term of a question."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from index.doc_profiles import evidence_label
from index.plans import YEAR
from index.profile import stage
from index.records import Briefing
from index.tokenize import arabic_years

if TYPE_CHECKING:  # search.py indexes documents under their evidence labels and imports this module
    from index.search import Searcher


def documents_naming(searcher: Searcher, terms: list[str]) -> list[str] | None:
    """The documents that contain every key term of the question (places, programmes, years), if any.

    Look-alike reports capture questions that name a place or programme only one document speaks of;
    searching inside the documents that name them all keeps the answer in the right one. A document whose
    name as evidence holds the places ("2025年江苏省政府工作报告") beats one that mentions them in passing.
    """
    if not terms:
        return None
    with stage("document filter"):
        names = [t for t in terms if not YEAR.fullmatch(t)]
        named = searcher.files_naming(terms)
        labels = {f: searcher.evidence_label(f) for f in named}
        titled = [f for f in named if names and all(t in labels[f] for t in names)]
    return titled or named or None


# Full-width digits and letters ("１９５４年", "ＧＤＰ"), "％", "．" and the ideographic space, as NFKC maps them:
# questions and tokens are read in NFKC. Not NFKC itself over every candidate's context (the reports' test half:
# re-score median 16.94 ms with it, 12.72 ms with this table, `briefbot eval --json`'s profile), nor full-width
# punctuation, which nearly every Chinese text holds and no key term does: most texts are left as they are.
_WIDE = "".join(chr(c) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)))
_FULL_WIDTH = str.maketrans(_WIDE + "％．\u3000", "".join(chr(ord(c) - 0xFEE0) for c in _WIDE) + "%. ")
_ANY_WIDE = re.compile(f"[{_WIDE}％．\u3000]")


def squash(text: str) -> str:
    """The text as words are matched in it: "2022 年" in the text and "2022年" in a question are the same words, and so
    are the full-width "１９５４年" and the "一九五四年" of older documents and "1954年"."""
    if _ANY_WIDE.search(text):
        text = text.translate(_FULL_WIDTH)
    # The older reports write years in Chinese numerals ("到一九八二年"): a question's key term "1982年" must find them.
    return "".join(arabic_years(text).split())


def evidence_labels(briefings: Mapping[str, Briefing]) -> dict[str, str]:
    """Each document's name as evidence (index.doc_profiles.evidence_label), without spaces."""
    return {f: squash(evidence_label(b)) for f, b in briefings.items()}


def term_texts(briefings: Mapping[str, Briefing], labels: Mapping[str, str]) -> dict[str, str]:
    """What a key term is looked for in, per document: its name as evidence, then its text ("\x00" between)."""
    return {f: labels[f] + "\x00" + squash(b.text) for f, b in briefings.items()}
