"""Text → unit vectors: the Embedder seam, the sentence-transformers implementation, a fake for tests,
and the choice of encoder (index.onnx_encoder runs the same model on ONNX Runtime without torch)."""

from __future__ import annotations

import itertools
import os
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from index.config import DEFAULT_MODEL, ENCODERS, Settings
from index.errors import ModelUnavailable
from index.model import Log, default_model_name, load_sentence_transformer, prepare_model

__all__ = [
    "BatchProgress",
    "Embedder",
    "FakeEmbedder",
    "SentenceTransformerEmbedder",
    "checked",
    "encode_sorted",
    "encoder_for",
    "load_embedder",
    "unit_rows",
    "vector_space",
]

Vectors = NDArray[np.float32]
BatchProgress = Callable[[int, int], None]  # (texts done, texts in total), after each batch

BATCH_SIZE = 64  # texts between two progress reports
FORWARD_BATCH = 16  # texts per forward pass: on 2 cores 16 ran ~25 % faster than 64 (less padding, warmer cache)
FAKE_MODEL = "fake"
# What builds a new index when BRIEFBOT_ENCODER is unset: int8 with six products in fp32 (index.onnx_encoder).
# `bench/speed.py` printed a build at 117.9 sentences/s against fp32's 62.7 and a warm answer's median 9.4 ms against
# 13.3 ms; over the four question sets it answered one test question more and four dev questions fewer than fp32
# at top-1, the dev halves being those the answerer was tuned on with fp32 vectors (docs/quality.md, "int8 with the
# sensitive products in fp32: the default"). An index built in fp32 stays fp32 (encoder_for).
NEW_INDEX_ENCODER = "onnx-int8"


class Embedder(Protocol):
    """Turns texts into float32 rows of length `dimension`, each of unit length (inner product = cosine)."""

    name: str  # the vector space, recorded in the index manifest: an index is only searched in its own space
    encoder: str  # what computes the vectors (one of index.config.ENCODERS, or "fake"); recorded beside it
    dimension: int

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Vectors for questions, shape (len(texts), dimension)."""
        ...

    def encode_documents(self, texts: Sequence[str], progress: BatchProgress | None = None) -> Vectors:
        """Vectors for indexed passages, shape (len(texts), dimension); progress after each batch."""
        ...


def load_embedder(
    settings: Settings, log: Log | None = None, *, build: bool = False, built_with: str | None = None
) -> Embedder:
    """The embedder settings name; raises ModelUnavailable with a message a user can act on.

    build: the embedder is for a standalone `index build`, so it may use every core.
    built_with: the encoder the existing index records (index.store.built_with), if there is one.
    """
    if settings.model == FAKE_MODEL:
        return FakeEmbedder()
    cores = len(os.sched_getaffinity(0))
    # A build runs a pass per core, each on its own thread; a question is one short pass, split over every core
    # (ORT's threads sleep when idle, so a busy neighbour is not stalled): `bench/speed.py` printed the fp32 warm
    # answer's median 18.1 → 14.7 ms alone and 17.1 → 13.4 ms beside a busy process (docs/quality.md, "A
    # question's pass on every core").
    passes, intra_op = (settings.threads or cores, 1) if build else (1, settings.threads or cores)
    encoder = encoder_for(settings, built_with)
    if encoder == "torch":
        path = prepare_model(settings, log)
        name = default_model_name() if settings.model == DEFAULT_MODEL else settings.model
        # torch's threads spin: more than one only when asked for (see _set_torch_threads)
        return SentenceTransformerEmbedder(path, name, threads=settings.threads)
    from index.onnx_encoder import OnnxEmbedder
    from index.onnx_export import GRAPHS, ensure_onnx_model

    folder = ensure_onnx_model(settings, log)
    return OnnxEmbedder(folder, GRAPHS[encoder], vector_space(encoder), encoder, threads=passes, intra_op=intra_op)


def encoder_for(settings: Settings, built_with: str | None = None) -> str:
    """The encoder to run: ONNX Runtime is made for the default model only; any other runs on torch.

    Unset, the default model follows the index it is given (built_with), so an index keeps being searched
    and extended in the vector space it was built in, whatever the default for a new one (NEW_INDEX_ENCODER).
    """
    if settings.encoder is None:
        if settings.model != DEFAULT_MODEL:
            return "torch"
        if built_with == "onnx-int8":
            return "onnx-int8"
        return "onnx" if built_with in ("onnx", "torch") else NEW_INDEX_ENCODER
    if settings.encoder != "torch" and settings.model != DEFAULT_MODEL:
        raise ModelUnavailable(
            f"BRIEFBOT_ENCODER={settings.encoder} works with the default model only: set BRIEFBOT_ENCODER=torch "
            f"for {settings.model}."
        )
    return settings.encoder


def vector_space(encoder: str) -> str:
    """The name an index records for the default model's vectors from this encoder.

    torch and ONNX fp32 give the same vectors (cosine ≥ 0.9999 on the check texts, tested at set-up), so
    they share a name and each can search or extend the other's index; int8 vectors differ (cosine ~0.999)
    and get their own name, so an index never mixes them and is never searched with the other kind. Each
    change of the int8 graph moves its vectors and gets a new name, so an index built with an earlier graph
    is refused rather than searched with the new one: "+int8" (unsigned weights), "+int8s" (signed), "+int8m"
    (signed, some products in fp32: index.onnx_encoder.quantize).
    """
    if encoder not in ENCODERS:
        raise ValueError(f"unknown encoder {encoder!r}")
    return default_model_name() + ("+int8m" if encoder == "onnx-int8" else "")


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, using its saved "query"/"document" prompts."""

    def __init__(
        self, model: str, name: str | None = None, *, batch_size: int = BATCH_SIZE, threads: int | None = None
    ) -> None:
        self._model: Any = load_sentence_transformer(model)
        _set_torch_threads(threads)
        dimension = self._model.get_embedding_dimension()
        if not dimension:
            raise ModelUnavailable(f"Model {model!r} does not say how long its vectors are: use another.")
        self.name = name or model
        self.encoder = "torch"
        self.dimension = int(dimension)
        self.batch_size = batch_size

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if not checked(texts):
            return np.zeros((0, self.dimension), np.float32)
        return self._encode(self._model.encode_query, list(texts))

    def encode_documents(self, texts: Sequence[str], progress: BatchProgress | None = None) -> Vectors:
        def batch(part: Sequence[str]) -> Vectors:
            return self._encode(self._model.encode_document, list(part))

        return encode_sorted(checked(texts), batch, self.dimension, self.batch_size, progress)

    def _encode(self, method: Callable[..., Any], texts: list[str]) -> Vectors:
        vectors = method(texts, batch_size=FORWARD_BATCH, show_progress_bar=False, convert_to_numpy=True)
        return unit_rows(np.asarray(vectors, dtype=np.float32))


def encode_sorted(
    texts: Sequence[str], encode: Callable[[Sequence[str]], Vectors], dimension: int, batch_size: int,
    progress: BatchProgress | None,
) -> Vectors:
    """Encode in batches of batch_size, reporting progress after each; rows come back in the texts' order."""
    total = len(texts)
    out = np.zeros((total, dimension), np.float32)
    # Longest first, so each batch pads to similar lengths and any memory peak comes early.
    order = sorted(range(total), key=lambda i: len(texts[i]), reverse=True)
    for start in range(0, total, batch_size):
        rows = order[start : start + batch_size]
        out[rows] = encode([texts[i] for i in rows])
        if progress is not None:
            progress(start + len(rows), total)
    return out


class FakeEmbedder:
    """Deterministic and fast, without torch: hashed character unigrams and bigrams, normalised.

    Texts sharing many characters get close vectors, so retrieval tests with it mean something.
    The counters let tests check what a rebuild sent to the model.
    """

    def __init__(self, dimension: int = 64, *, batch_size: int = BATCH_SIZE) -> None:
        self.name = FAKE_MODEL
        self.encoder = FAKE_MODEL
        self.dimension = dimension
        self.batch_size = batch_size
        self.query_calls = 0
        self.queries_encoded = 0
        self.document_calls = 0
        self.documents_encoded = 0

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        checked(texts)
        self.query_calls += 1
        self.queries_encoded += len(texts)
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str], progress: BatchProgress | None = None) -> Vectors:
        checked(texts)
        self.document_calls += 1
        self.documents_encoded += len(texts)
        total = len(texts)
        out = np.zeros((total, self.dimension), np.float32)
        for start in range(0, total, self.batch_size):
            out[start : start + self.batch_size] = self._encode(texts[start : start + self.batch_size])
            if progress is not None:
                progress(min(start + self.batch_size, total), total)
        return out

    def _encode(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimension), np.float32)
        for row, text in enumerate(texts):
            chars = [c for c in unicodedata.normalize("NFKC", text).lower() if not c.isspace()]
            for gram in chars + [a + b for a, b in itertools.pairwise(chars)]:
                code = zlib.crc32(gram.encode("utf-8"))  # stable across runs, unlike hash()
                out[row, code % self.dimension] += 1.0 if code & (1 << 20) else -1.0
        return unit_rows(out)


def checked(texts: Sequence[str]) -> Sequence[str]:
    """A str is a Sequence[str] too: refuse it rather than embed it one character at a time."""
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got a single str")
    return texts


def unit_rows(vectors: Vectors) -> Vectors:
    """Rows scaled to unit length; an all-zero row (empty text) becomes the first basis vector."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.size == 0:
        return vectors
    norms = np.linalg.norm(vectors, axis=1)
    empty = norms == 0
    vectors[empty, 0] = 1.0
    norms[empty] = 1.0
    result: Vectors = vectors / norms[:, None]
    return result


def _set_torch_threads(threads: int | None) -> None:
    """One intra-op thread unless told otherwise.

    Measured on the 2-core machines: with a second process busy (a rebuild beside the bot, a test run),
    2 threads fell from 31 to 8 sentences/s and a query took ~1 s instead of ~35 ms, as each thread
    spins waiting for the other; 1 thread keeps ~33 sentences/s and ~35 ms per query whatever runs beside it.
    """
    import torch

    torch.set_num_threads(max(1, threads or 1))
