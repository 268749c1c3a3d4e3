"""The model's token ids, from its tokenizer with the vocabulary cut to the scripts briefings are written in.

The full tokenizer.json holds 250,002 pieces; loading it cost 0.6–0.9 s of CPU and 284 MB of memory
(one process, `Tokenizer.from_file`, measured by VmRSS before and after). Most pieces are in scripts no
briefing uses. The cut copy keeps every piece made only of COVERED characters (ASCII, general and CJK
punctuation, Han, the word marker ▁), the special pieces and the lowest-scored piece (its score sets
the unknown-piece penalty). For a text whose normalised characters are all COVERED, the Unigram model can
only use pieces made of those characters, so the cut copy picks the same pieces with the same scores:
the ids, mapped back through `ids.json`, are those of the full tokenizer. Any other text goes to the full
tokenizer, loaded the first time one arrives. A tokenizer of another kind is not cut: it does all the work.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.cachedir import MARKER, is_complete, make_once

__all__ = ["COVERED", "ModelTokens", "cut_folder", "cut_vocabulary", "ensure_cut_tokenizer"]

log = logging.getLogger(__name__)

COVERED = re.compile(r"[\u0000-\u007f\u2000-\u206f\u2581\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]*")
LAYOUT = 2  # of the cut folder's files (2: the marker says whether the vocabulary could be cut)
CUT_FILE, IDS_FILE = "tokenizer.json", "ids.json"


def cut_vocabulary(document: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """(the tokenizer.json document with the cut vocabulary, each kept piece's id in the full one)."""
    model = document["model"]
    if model.get("type") != "Unigram" or model.get("byte_fallback"):
        raise ValueError("only a Unigram tokenizer without byte fallback can be cut")
    vocab = model["vocab"]
    special = {t["content"] for t in document.get("added_tokens", [])} | {vocab[model["unk_id"]][0]}
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    kept = [i for i, (piece, _) in enumerate(vocab) if piece in special or i == lowest or COVERED.fullmatch(piece)]
    new_id = {old: new for new, old in enumerate(kept)}
    cut = json.loads(json.dumps(document))  # a deep copy
    cut["model"]["vocab"] = [vocab[i] for i in kept]
    cut["model"]["unk_id"] = new_id[model["unk_id"]]
    for token in cut.get("added_tokens", []):
        token["id"] = new_id[token["id"]]
    for token in (cut.get("post_processor") or {}).get("special_tokens", {}).values():
        token["ids"] = [new_id[i] for i in token["ids"]]
    return cut, kept


def cut_folder(full: Path) -> Path:
    """Where the cut tokenizer for the full tokenizer.json `full` lives: beside the full one's folder."""
    return full.parent.with_name(f"{full.parent.name}-cut{LAYOUT}")


def ensure_cut_tokenizer(full: Path) -> Path | None:
    """The folder of the cut tokenizer for the full tokenizer.json `full`, made beside its folder once.

    None when it cannot be made there (a cache the user may read but not write): the full tokenizer
    then does all the work, slower to load but the same ids.
    """
    target = cut_folder(full)
    if is_complete(target):
        return target

    def make(work: Path) -> dict[str, Any]:
        document = json.loads(full.read_text(encoding="utf-8"))
        try:
            cut, kept = cut_vocabulary(document)
        except ValueError as error:
            return {"cut": False, "why": str(error)}
        (work / CUT_FILE).write_text(json.dumps(cut, ensure_ascii=False), encoding="utf-8")
        (work / IDS_FILE).write_text(json.dumps(kept), encoding="utf-8")
        return {"cut": True, "pieces": len(document["model"]["vocab"]), "kept": len(kept)}

    try:
        return make_once(target, make)
    except OSError as error:
        log.warning("the cut tokenizer cannot be made in %s (%s): using the full one", target.parent, error)
        return None


class ModelTokens:
    """Token ids and attention masks as the full tokenizer gives them, truncated and padded alike.

    Uses the cut tokenizer if ensure_cut_tokenizer has made it (index.onnx_export does, for the installed
    folder only: a graph being checked in a temp folder gets the full tokenizer and leaves nothing behind).
    """

    def __init__(self, full: Path, max_tokens: int) -> None:
        from tokenizers import Tokenizer

        folder = cut_folder(full)
        self._full_path, self._max_tokens = full, max_tokens
        self._full: Any = None
        self._lock = threading.Lock()
        self._cut: Any = None
        if is_complete(folder) and json.loads((folder / MARKER).read_text(encoding="utf-8")).get("cut"):
            self._cut = Tokenizer.from_file(str(folder / CUT_FILE))
            self._cut.enable_truncation(max_tokens)
            self._ids = np.asarray(json.loads((folder / IDS_FILE).read_text(encoding="utf-8")), dtype=np.int64)
        pad = self._full_tokenizer().token_to_id("<pad>") if self._cut is None else self._cut.token_to_id("<pad>")
        self.pad_id = 0 if pad is None else (pad if self._cut is None else int(self._ids[pad]))

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(ids, attention mask), each (len(texts), longest), int64, padded on the right."""
        rows: list[list[int]] = [[] for _ in texts]
        covered = [] if self._cut is None else [
            i for i, t in enumerate(texts) if COVERED.fullmatch(self._normalise(t))
        ]
        if covered:
            for i, encoding in zip(covered, self._cut.encode_batch([texts[i] for i in covered]), strict=True):
                rows[i] = self._ids[encoding.ids].tolist()
        others = sorted(set(range(len(texts))) - set(covered))
        if others:
            for i, encoding in zip(others, self._full_tokenizer().encode_batch([texts[i] for i in others]),
                                   strict=True):
                rows[i] = list(encoding.ids)
        width = max((len(r) for r in rows), default=0)
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return ids, mask

    def _normalise(self, text: str) -> str:
        normalizer = self._cut.normalizer
        return text if normalizer is None else str(normalizer.normalize_str(text))

    def _full_tokenizer(self) -> Any:
        with self._lock:
            if self._full is None:
                from tokenizers import Tokenizer

                full = Tokenizer.from_file(str(self._full_path))
                full.enable_truncation(self._max_tokens)
                self._full = full
            return self._full
