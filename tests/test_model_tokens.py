"""The cut tokenizer: the full tokenizer's ids for covered text, the full tokenizer itself for the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from index.cachedir import MARKER
from index.model_tokens import ModelTokens, cut_vocabulary, ensure_cut_tokenizer

PIECES = [
    ("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0), ("返利", -3.0), ("返", -5.0),
    ("利", -5.0), ("при", -4.0), ("▁при", -3.5), ("вет", -4.0), ("п", -6.0), ("р", -6.0), ("и", -6.0),
    ("в", -6.0), ("е", -6.0), ("т", -6.0), ("a", -4.0), ("b", -4.0), ("▁ab", -3.0), ("ấ", -20.0),
    ("<mask>", 0.0),
]


def full_tokenizer(folder: Path) -> Path:
    """A small Unigram tokenizer shaped like e5's: NFKC, Metaspace, <s> … </s>, a <mask> added last."""
    tokenizer = Tokenizer(Unigram(PIECES, unk_id=3, byte_fallback=False))
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tokenizer.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    path = folder / "tokenizer.json"
    tokenizer.save(str(path))
    return path


def test_cut_keeps_covered_special_and_lowest_pieces(tmp_path: Path) -> None:
    document = json.loads(full_tokenizer(tmp_path).read_text(encoding="utf-8"))
    cut, kept = cut_vocabulary(document)
    pieces = [piece for piece, _ in cut["model"]["vocab"]]
    assert pieces == ["<s>", "<pad>", "</s>", "<unk>", "▁", "返利", "返", "利", "a", "b", "▁ab", "ấ", "<mask>"]
    assert [PIECES[i][0] for i in kept] == pieces
    assert next(t["id"] for t in cut["added_tokens"] if t["content"] == "<mask>") == len(pieces) - 1


@pytest.mark.parametrize("texts", [["返利", "ab 返利"], ["привет", "ab", "при вет 返利"], ["", "ａｂ"], []])
def test_ids_and_mask_are_the_full_tokenizers(tmp_path: Path, texts: list[str]) -> None:
    (tmp_path / "model").mkdir()
    path = full_tokenizer(tmp_path / "model")
    full = Tokenizer.from_file(str(path))
    full.enable_truncation(4)
    full.enable_padding(pad_id=1, pad_token="<pad>")
    assert ensure_cut_tokenizer(path) is not None
    ids, mask = ModelTokens(path, 4).encode(texts)  # 4: "при вет 返利" is truncated
    encodings = full.encode_batch(texts)
    assert ids.tolist() == [e.ids for e in encodings]
    assert mask.tolist() == [e.attention_mask for e in encodings]


def test_covered_text_never_loads_the_full_tokenizer(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    path = full_tokenizer(tmp_path / "model")
    ensure_cut_tokenizer(path)
    tokens = ModelTokens(path, 512)
    assert tokens._cut is not None
    tokens.encode(["返利 ab", "ａｂ"])  # full-width letters are covered once normalised
    assert tokens._full is None
    tokens.encode(["привет"])
    assert tokens._full is not None


def test_the_cut_folder_is_made_once_beside_the_model(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    path = full_tokenizer(tmp_path / "model")
    folder = ensure_cut_tokenizer(path)
    assert folder == tmp_path / "model-cut2" and (folder / MARKER).is_file()
    stamp = (folder / "ids.json").stat().st_mtime_ns
    assert ensure_cut_tokenizer(path) == folder and (folder / "ids.json").stat().st_mtime_ns == stamp


def test_a_tokenizer_of_another_kind_is_used_whole(tmp_path: Path) -> None:
    from tokenizers.models import WordLevel

    full = Tokenizer(WordLevel({"<pad>": 0, "<unk>": 1, "返利": 2}, unk_token="<unk>"))
    full.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    (tmp_path / "model").mkdir()
    full.save(str(tmp_path / "model" / "tokenizer.json"))
    ensure_cut_tokenizer(tmp_path / "model" / "tokenizer.json")
    tokens = ModelTokens(tmp_path / "model" / "tokenizer.json", 512)
    ids, mask = tokens.encode(["返利 返利", "x"])
    assert ids.tolist() == [[2, 2], [1, 0]] and mask.tolist() == [[1, 1], [1, 0]]
    assert not json.loads((tmp_path / "model-cut2" / MARKER).read_text(encoding="utf-8"))["cut"]


def test_a_cache_that_cannot_be_written_falls_back_to_the_full_tokenizer(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    path = full_tokenizer(tmp_path / "model")
    (tmp_path / "model-cut2").write_text("in the way", encoding="utf-8")  # the folder cannot be put there
    assert ensure_cut_tokenizer(path) is None
    full = Tokenizer.from_file(str(path))
    full.enable_padding(pad_id=1, pad_token="<pad>")
    ids, mask = ModelTokens(path, 512).encode(["返利 ab", "привет"])
    encodings = full.encode_batch(["返利 ab", "привет"])
    assert ids.tolist() == [e.ids for e in encodings]
    assert mask.tolist() == [e.attention_mask for e in encodings]


def test_tokens_for_a_folder_without_a_cut_use_the_full_tokenizer_and_make_nothing(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    path = full_tokenizer(tmp_path / "model")
    tokens = ModelTokens(path, 512)  # as for a graph being checked in a temp folder at set-up
    assert tokens._cut is None
    assert tokens.encode(["返利"])[0].tolist() == [[0, 4, 5, 2]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
