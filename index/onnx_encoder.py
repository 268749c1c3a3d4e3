"""The encoder on ONNX Runtime: index.model_tokens + onnxruntime, no torch (the only importer of onnxruntime).

The graph (index.onnx_export) takes token ids and the attention mask and returns unit vectors: mean
pooling and normalisation are inside it, so this side only tokenises, adds e5's prompts and batches.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from index.e5s1 import PROMPTS
from index.embed import BATCH_SIZE, FORWARD_BATCH, BatchProgress, Vectors, checked, encode_sorted, unit_rows
from index.errors import ModelUnavailable

__all__ = [
    "FP32_LAYERS", "MAX_TOKENS", "OnnxEmbedder", "externalize", "kept_in_fp32", "optimize", "quantize", "session",
]

MAX_TOKENS = 512  # the model's max_position_embeddings; sentence-transformers truncates there too
INPUTS = ("input_ids", "attention_mask")


def _ort() -> Any:
    try:
        import onnxruntime
    except ImportError as error:
        raise ModelUnavailable(f"onnxruntime cannot be imported ({error}): run scripts/setup.sh.") from error
    return onnxruntime


def session(path: Path, threads: int = 1) -> Any:
    """An inference session on the CPU with `threads` intra-op threads that sleep rather than spin.

    Spinning threads hold a core while they wait for work: beside a second busy process (a bot beside a
    rebuild, a test run) that stalls both, as measured with torch's threads (see index/embed.py). With one
    thread a run executes on the calling thread, so several Python threads can run the session at once.
    """
    ort = _ort()
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: warnings would land in the CLI's and bot's output
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def optimize(source: Path, target: Path) -> None:
    """Save the graph after ORT's extended optimisations (attention, layer norm and GELU fused)."""
    ort = _ort()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def externalize(source: Path, target: Path) -> None:
    """Save the graph unchanged with its weights in a file beside it (target + ".data").

    Loading such a graph reads the weights straight from that file instead of parsing them out of one
    protobuf first: a fresh process loading the fp32 graph and the tokenizer took 0.27 s for the session and
    peaked at 464 MB (VmHWM) this way, against 1.45 s and 890 MB with the weights inside the graph file.
    """
    ort = _ort()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.optimized_model_filepath = str(target)
    options.add_session_config_entry("session.optimized_model_external_initializers_file_name", f"{target.name}.data")
    options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    options.log_severity_level = 3
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


# The matrix products left in fp32 by quantize: the second feed-forward product (fed by GELU, whose activations
# spread widest) of layers 0–5. `bench/int8_layers.py` printed, over 1,882 texts against the fp32 graph: mean cosine
# 0.99698 with every product in int8, 0.99903 with these six in fp32, 0.99919 with all twelve, 0.99719 with those of
# layers 6–11; documents/s 2.17×, 1.79×, 1.60× and 1.90× fp32's (docs/quality.md, "int8 with the sensitive
# products in fp32: the default").
FP32_LAYERS = range(6)
FP32_PRODUCT = re.compile(r"/encoder/layer\.(\d+)/output/dense/MatMul$")


def kept_in_fp32(node_names: Sequence[str], layers: Collection[int] = FP32_LAYERS) -> list[str]:
    """The nodes of FP32_PRODUCT in `layers`; raises if the graph does not have each of them exactly once,
    because the export's names changed and quantizing all of them would silently change the vectors."""
    kept = [name for name in node_names if (match := FP32_PRODUCT.search(name)) and int(match.group(1)) in layers]
    if len(kept) != len(layers):
        raise ValueError(f"expected {len(layers)} feed-forward products to keep in fp32, found {kept}")
    return kept


def quantize(source: Path, target: Path, layers: Collection[int] = FP32_LAYERS) -> None:
    """Dynamic int8: signed (QInt8) weights per channel, activations quantised at run time; the word table
    and the products of kept_in_fp32 stay fp32.

    Signed weights: CPUs with VNNI (AVX-512 or AVX-VNNI) multiply unsigned activations by signed int8
    weights in one instruction; with unsigned weights (QUInt8) the same graph ran at 0.70–0.76 of the fp32
    pass's time, with signed ones at 0.36–0.48 (`bench/graphs.py`, docs/quality.md), as close to fp32.
    layers: whose FP32_PRODUCT stays fp32 (other sets are for bench/int8_layers.py). Only MatMul: a quantized
    word table saves memory, not time, and only the pages of the tokens read are loaded anyway.
    DefaultTensorType: the fused attention nodes of an optimised graph carry no type information,
    and the quantizer refuses such a graph without a default.
    """
    import onnx

    _ort()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [node.name for node in onnx.load(str(source), load_external_data=False).graph.node]
    with _quiet_root_logger():  # the quantizer logs a warning per untyped tensor on the root logger
        quantize_dynamic(
            str(source), str(target), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
            nodes_to_exclude=kept_in_fp32(names, layers), extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


class OnnxEmbedder:
    """Implements index.embed.Embedder with an exported graph and the model's tokenizer.json."""

    def __init__(
        self, folder: Path, graph: str, name: str, encoder: str, *, threads: int = 1, intra_op: int = 1,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        """threads: forward passes run at once, each on one thread of its own (see _encode); intra_op: threads
        that share one pass (for a question, which is one pass: see index.embed.load_embedder)."""
        from index.model_tokens import ModelTokens

        try:
            self._session = session(folder / graph, intra_op)
            self._tokens = ModelTokens(folder / "tokenizer.json", MAX_TOKENS)
        except ModelUnavailable:
            raise
        except Exception as error:  # a damaged file in the cache: making it again fixes it
            raise ModelUnavailable(
                f"The ONNX model in {folder} cannot be loaded ({type(error).__name__}: {error}). Delete the "
                "folder and run `briefbot model prepare`, or set BRIEFBOT_ENCODER=torch."
            ) from error
        self.name = name
        self.encoder = encoder
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self.batch_size = batch_size
        self.passes, self.intra_op = threads, int(self._session.get_session_options().intra_op_num_threads)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="encode") if threads > 1 else None

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode([PROMPTS["query"] + text for text in checked(texts)])

    def encode_documents(self, texts: Sequence[str], progress: BatchProgress | None = None) -> Vectors:
        prompted = [PROMPTS["document"] + text for text in checked(texts)]
        return encode_sorted(prompted, self._encode, self.dimension, self.batch_size, progress)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        """Forward passes of FORWARD_BATCH texts, several at once when there are threads for them.

        Whole passes in parallel rather than one pass split over intra-op threads: a pass never waits
        for a thread that a busy neighbour keeps off its core, so a build beside other work keeps going.
        """
        parts = [list(texts[start : start + FORWARD_BATCH]) for start in range(0, len(texts), FORWARD_BATCH)]
        runs = self._pool.map(self._forward, parts) if self._pool else map(self._forward, parts)
        rows = list(runs)
        return unit_rows(np.vstack(rows) if rows else np.zeros((0, self.dimension), np.float32))

    def _forward(self, texts: list[str]) -> Vectors:
        ids, mask = self._tokens.encode(texts)
        feed = {"input_ids": ids, "attention_mask": mask}
        return np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
