"""The default model as ONNX graphs, made once at set-up from the converted sentence-transformers folder.

torch.onnx's TorchScript exporter (dynamo=False): the dynamo exporter and sentence-transformers' own ONNX
backend (which needs optimum) do not work with transformers 5. Exported with eager attention, or ORT's
optimiser finds no attention pattern to fuse; mean pooling and normalisation go inside the graph. Every
graph is checked against sentence-transformers on fixed texts before the folder is kept.
"""

from __future__ import annotations

import shutil
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from index.cachedir import is_complete, make_once
from index.config import Settings
from index.errors import ModelUnavailable
from index.model import (
    CHECK_PASSAGES,
    CHECK_QUERY,
    CHECK_TOKENS,
    Log,
    converted_folder,
    ensure_default_model,
    load_sentence_transformer,
    package_version,
)
from index.model_tokens import ensure_cut_tokenizer

__all__ = ["GRAPHS", "MIN_COSINE", "ensure_onnx_model", "export", "export_torch", "onnx_folder", "verify"]

GRAPHS = {"onnx": "model.onnx", "onnx-int8": "model-int8.onnx"}
# of the folder's files; a new layout gets a new folder (2: the weights beside each graph; 3: signed int8; 4: int8
# with some products in fp32, index.onnx_encoder.FP32_LAYERS)
LAYOUT = 4
OPSET = 17
# Lowest cosine to sentence-transformers' vectors on the check texts for a graph to be kept: `briefbot model
# prepare` measured 1.0 for fp32 and 0.998687 for int8 with six products in fp32 (index.onnx_encoder.FP32_LAYERS;
# 0.995839 with every product in int8), written into the folder's marker, briefbot-converted.json. The int8 floor
# keeps a wide margin: int8 kernels differ by instruction set (VNNI or not), and a failed check fails the whole
# folder, fp32 included. Which products stay fp32 is checked on the graph itself (tests/test_model_real.py).
MIN_COSINE = {"onnx": 0.9999, "onnx-int8": 0.99}


def onnx_folder(settings: Settings) -> Path:
    """Where the graphs live: beside the converted folder, named by it, the layout and onnxruntime's version."""
    source = converted_folder(settings)
    return source.with_name(f"{source.name}-onnx{LAYOUT}-ort-{package_version('onnxruntime')}")


def ensure_onnx_model(settings: Settings, log: Log | None = None) -> Path:
    """The folder of checked graphs, exporting them first (from the converted model) if there is none."""
    target = onnx_folder(settings)
    if is_complete(target):
        ensure_cut_tokenizer(target / "tokenizer.json")  # made here too so that `model prepare` makes it
        return target
    say = log or (lambda _message: None)
    source = ensure_default_model(settings, log=log)
    say(f"Exporting the embedding model to ONNX into {target} (once; about a minute and 2 GB of memory)…")
    started = time.perf_counter()

    def make(work: Path) -> dict[str, Any]:
        export(source, work)
        report = verify(source, work)
        report.update(seconds=round(time.perf_counter() - started, 1), opset=OPSET,
                      versions={p: package_version(p) for p in ("onnxruntime", "onnx", "torch", "tokenizers")})
        return report

    make_once(target, make, failure=lambda error: (
        f"Exporting the embedding model to ONNX failed ({type(error).__name__}: {error}). It needs about "
        f"1.1 GB free in {target.parent} and 2 GB of memory; BRIEFBOT_ENCODER=torch runs without it."
    ))
    ensure_cut_tokenizer(target / "tokenizer.json")
    say(f"ONNX model ready in {time.perf_counter() - started:.1f} s.")
    return target


def export(source: Path, folder: Path) -> None:
    """Write model.onnx (fp32, optimised) and model-int8.onnx (dynamic int8), each with its weights file,
    and the tokenizer into folder."""
    from index.onnx_encoder import externalize, optimize, quantize

    raw, fp32, int8 = folder / "exported.onnx", folder / "fp32.onnx", folder / "int8.onnx"
    export_torch(source, raw)
    optimize(raw, fp32)
    quantize(fp32, int8)
    externalize(fp32, folder / GRAPHS["onnx"])
    externalize(int8, folder / GRAPHS["onnx-int8"])
    for temp in (raw, fp32, int8):
        temp.unlink()
    shutil.copy2(source / "tokenizer.json", folder / "tokenizer.json")


def export_torch(source: Path, target: Path) -> None:
    """The converted model as one ONNX graph, not yet optimised (token ids and mask in, unit vectors out)."""
    import torch
    from transformers import AutoModel

    from index.e5s1 import quiet_transformers

    class Pooled(torch.nn.Module):
        """BERT → mean over the real tokens → unit length, as the folder's Pooling and Normalize do."""

        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    with quiet_transformers():
        bert = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])  # a padded row, so the mask's use is traced
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's notes on indexing and deprecation
        torch.onnx.export(
            Pooled(bert), (ids, mask), str(target), input_names=["input_ids", "attention_mask"],
            output_names=["embedding"], opset_version=OPSET, dynamo=False,
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
        )


def verify(source: Path, folder: Path, graphs: dict[str, str] | None = None) -> dict[str, Any]:
    """Compare each graph (by encoder, GRAPHS unless given) with sentence-transformers on fixed texts;
    returns the lowest cosines."""
    from index.onnx_encoder import OnnxEmbedder

    st = load_sentence_transformer(str(source))
    documents = list(CHECK_PASSAGES + CHECK_TOKENS)
    reference = np.vstack([st.encode_query([CHECK_QUERY]), st.encode_document(documents)]).astype(np.float32)
    report: dict[str, Any] = {}
    for encoder, graph in (graphs or GRAPHS).items():
        onnx = OnnxEmbedder(folder, graph, "check", encoder)
        ours = np.vstack([onnx.encode_queries([CHECK_QUERY]), onnx.encode_documents(documents)])
        cosine = float(np.min(np.sum(ours * reference, axis=1)))
        scores = ours[1 : 1 + len(CHECK_PASSAGES)] @ ours[0]
        if cosine < MIN_COSINE[encoder] or int(np.argmax(scores)) != 0:
            raise ModelUnavailable(
                f"The ONNX model ({graph}) failed its check against sentence-transformers (lowest cosine "
                f"{cosine:.5f}, scores {np.round(scores, 3).tolist()}). Reinstall the pinned packages "
                "(scripts/setup.sh) and run `briefbot model prepare` again, or set BRIEFBOT_ENCODER=torch."
            )
        report[encoder] = {"min_cosine": round(cosine, 6), "check_scores": np.round(scores, 4).tolist()}
    return report
