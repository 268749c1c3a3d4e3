"""Choosing the encoder, and the ONNX Runtime embedder on a small graph and tokenizer made in the test."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from paths import ROOT

from index import store
from index.build import build_index
from index.config import DEFAULT_MODEL, Settings
from index.embed import NEW_INDEX_ENCODER, FakeEmbedder, encoder_for, vector_space
from index.errors import BriefbotError, IndexMismatch, ModelUnavailable
from index.library import index_info
from index.onnx_encoder import FP32_LAYERS, OnnxEmbedder, kept_in_fp32
from index.render import format_status, status_json

WORDS = ["<pad>", "<unk>", "query:", "passage:", "园区", "企业", "返利", "万元", "飞地"]
DIM = 8


def settings(tmp_path: Path, model: str = DEFAULT_MODEL, encoder: str | None = None) -> Settings:
    return Settings(tmp_path / "b", tmp_path / "i", model, tmp_path / "cache", encoder=encoder)


# --- settings and choice -------------------------------------------------------------------------


def test_encoder_and_threads_are_read_from_the_environment() -> None:
    read = Settings.from_env({"BRIEFBOT_ENCODER": "onnx-int8", "BRIEFBOT_THREADS": "3"})
    assert (read.encoder, read.threads) == ("onnx-int8", 3)
    unset = Settings.from_env({})
    assert (unset.encoder, unset.threads) == (None, None)


@pytest.mark.parametrize(("name", "value"), [("BRIEFBOT_ENCODER", "gpu"), ("BRIEFBOT_THREADS", "0"),
                                             ("BRIEFBOT_THREADS", "two")])
def test_a_bad_setting_says_which_variable_to_fix(name: str, value: str) -> None:
    with pytest.raises(BriefbotError, match=name):
        Settings.from_env({name: value})


def test_onnx_int8_is_the_default_for_the_default_model_only(tmp_path: Path) -> None:
    assert encoder_for(settings(tmp_path)) == NEW_INDEX_ENCODER == "onnx-int8"
    assert encoder_for(settings(tmp_path, encoder="torch")) == "torch"
    assert encoder_for(settings(tmp_path, model=str(tmp_path))) == "torch"
    with pytest.raises(ModelUnavailable, match="BRIEFBOT_ENCODER=torch"):
        encoder_for(settings(tmp_path, model=str(tmp_path), encoder="onnx"))


def test_fp32_encoders_share_a_vector_space_and_int8_has_its_own() -> None:
    assert vector_space("torch") == vector_space("onnx")
    assert vector_space("onnx-int8") != vector_space("onnx")


def test_each_int8_graph_has_a_space_of_its_own() -> None:
    """Indexes built with earlier int8 graphs recorded "+int8" (unsigned) and "+int8s" (all products signed)."""
    assert vector_space("onnx-int8") == vector_space("onnx") + "+int8m"


def _exported_names(layers: int) -> list[str]:
    """Node names as torch's exporter gives them to the default model's matrix products."""
    products = ["attention/self/query", "attention/self/key", "attention/self/value", "attention/output/dense",
                "intermediate/dense", "output/dense"]
    return [f"/bert/encoder/layer.{n}/{p}/MatMul" for n in range(layers) for p in products]


def test_the_products_kept_in_fp32_are_the_second_feed_forward_ones_of_the_chosen_layers() -> None:
    kept = kept_in_fp32(["/bert/embeddings/word_embeddings/Gather", *_exported_names(12)])
    assert kept == [f"/bert/encoder/layer.{n}/output/dense/MatMul" for n in FP32_LAYERS]
    assert kept_in_fp32(_exported_names(12), range(0)) == []


@pytest.mark.parametrize("names", [_exported_names(3), [n.replace("MatMul", "Gemm") for n in _exported_names(12)],
                                   _exported_names(12) + _exported_names(1)])
def test_an_export_whose_names_moved_is_refused_rather_than_quantized_whole(names: list[str]) -> None:
    with pytest.raises(ValueError, match="feed-forward products"):
        kept_in_fp32(names)


@pytest.mark.parametrize(("built_with", "expected"), [
    ("onnx-int8", "onnx-int8"), ("onnx", "onnx"), ("torch", "onnx"), (None, NEW_INDEX_ENCODER),
    ("fake", NEW_INDEX_ENCODER), ("gpu", NEW_INDEX_ENCODER),
])
def test_unset_the_encoder_follows_the_index(tmp_path: Path, built_with: str | None, expected: str) -> None:
    assert encoder_for(settings(tmp_path), built_with) == expected


def test_a_set_encoder_or_another_model_ignores_the_index(tmp_path: Path) -> None:
    assert encoder_for(settings(tmp_path, encoder="onnx"), "onnx-int8") == "onnx"
    assert encoder_for(settings(tmp_path, model=str(tmp_path)), "onnx-int8") == "torch"


def test_built_with_reads_the_live_manifest(seed_folder: Path, tmp_path: Path) -> None:
    assert store.built_with(tmp_path / "none") is None
    build_index(seed_folder, tmp_path / "int8", Named("onnx-int8"))
    assert store.built_with(tmp_path / "int8") == "onnx-int8"


@pytest.mark.parametrize("manifest", [b"", b"\xff\xfe", b"[1, 2]", b'{"encoder": 7}', b"[" * 100_000, b'"x"'])
def test_built_with_of_a_damaged_manifest_is_none(tmp_path: Path, manifest: bytes) -> None:
    """The choice falls back to the default; opening the index then says what is wrong with it."""
    (tmp_path / "i" / "current").mkdir(parents=True)
    (tmp_path / "i" / "current" / "manifest.json").write_bytes(manifest)
    assert store.built_with(tmp_path / "i") is None


class Named(FakeEmbedder):
    def __init__(self, encoder: str) -> None:
        super().__init__()
        self.name, self.encoder = vector_space(encoder), encoder


def test_an_index_records_its_encoder_and_is_searched_in_its_own_space_only(
    seed_folder: Path, tmp_path: Path
) -> None:
    build_index(seed_folder, tmp_path / "torch", Named("torch"))
    manifest = json.loads((tmp_path / "torch" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encoder"] == "torch"
    assert store.load(tmp_path / "torch", expect_model=vector_space("onnx")).units  # fp32 reads fp32
    assert "encoder torch" in format_status(index_info(store.load(tmp_path / "torch")))
    build_index(seed_folder, tmp_path / "int8", Named("onnx-int8"))
    assert status_json(index_info(store.load(tmp_path / "int8")))["encoder"] == "onnx-int8"
    with pytest.raises(IndexMismatch, match="BRIEFBOT_ENCODER: the index's is 'onnx-int8'"):
        store.load(tmp_path / "int8", expect_model=vector_space("onnx"))
    with pytest.raises(IndexMismatch, match="'torch'"):
        store.load(tmp_path / "torch", expect_model=vector_space("onnx-int8"))


def test_an_onnx_rebuild_reuses_the_vectors_of_a_torch_index(seed_folder: Path, tmp_path: Path) -> None:
    build_index(seed_folder, tmp_path / "idx", Named("torch"))
    again = Named("onnx")
    report = build_index(seed_folder, tmp_path / "idx", again)
    assert report.embedded == 0 and again.documents_encoded == 0


# --- OnnxEmbedder on a bag-of-words graph ----------------------------------------------------------


def make_model(folder: Path) -> None:
    """A tokenizer.json (word level) and a graph: embedding table → mean over the mask, as the real one."""
    import onnx
    from onnx import TensorProto, helper
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    table = np.random.default_rng(7).normal(size=(len(WORDS), DIM)).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["tokens"]),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "last"], ["mask3"]),
        helper.make_node("Mul", ["tokens", "mask3"], ["kept"]),
        helper.make_node("ReduceSum", ["kept", "one"], ["total"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "one"], ["count"], keepdims=0),
        helper.make_node("Div", ["total", "count"], ["embedding"]),
    ]
    graph = helper.make_graph(
        nodes, "bag", [helper.make_tensor_value_info(n, TensorProto.INT64, ["b", "t"])
                       for n in ("input_ids", "attention_mask")],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["b", DIM])],
        initializer=[helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.ravel().tolist()),
                     helper.make_tensor("last", TensorProto.INT64, [1], [-1]),
                     helper.make_tensor("one", TensorProto.INT64, [1], [1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))


@pytest.fixture
def embedder(tmp_path: Path) -> OnnxEmbedder:
    make_model(tmp_path / "m")
    return OnnxEmbedder(tmp_path / "m", "model.onnx", "bag", "onnx", threads=2, batch_size=3)


def test_prompts_are_added_and_rows_are_unit_length(embedder: OnnxEmbedder) -> None:
    query = embedder.encode_queries(["园区 企业"])
    document = embedder.encode_documents(["园区 企业"])
    assert query.shape == document.shape == (1, DIM) and query.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(np.vstack([query, document]), axis=1), 1.0, atol=1e-6)
    assert float(query[0] @ document[0]) < 0.999  # "query:" vs "passage:" changed the vector
    assert embedder.encode_queries([]).shape == (0, DIM)
    with pytest.raises(TypeError):
        embedder.encode_queries("园区")


def test_padding_does_not_change_a_vector_and_order_is_kept(embedder: OnnxEmbedder) -> None:
    texts = ["园区", "园区 企业 返利 万元 飞地 园区 企业", "返利", "飞地 万元", "企业 企业 企业", "万元"]
    seen: list[tuple[int, int]] = []
    together = embedder.encode_documents(texts, progress=lambda done, total: seen.append((done, total)))
    alone = np.vstack([embedder.encode_documents([text]) for text in texts])
    np.testing.assert_allclose(together, alone, atol=1e-6)
    assert seen == [(3, 6), (6, 6)]


def test_passes_run_at_once_on_threads_keep_every_row_in_place(tmp_path: Path) -> None:
    make_model(tmp_path / "m")
    texts = [" ".join(WORDS[4 + (i + j) % 5] for j in range(1 + i % 9)) for i in range(50)]  # 4 passes of 16
    threaded = OnnxEmbedder(tmp_path / "m", "model.onnx", "bag", "onnx", threads=3)
    single = OnnxEmbedder(tmp_path / "m", "model.onnx", "bag", "onnx", threads=1)
    np.testing.assert_allclose(threaded.encode_documents(texts), single.encode_documents(texts), atol=1e-6)
    np.testing.assert_allclose(threaded.encode_documents(texts)[7], single.encode_documents([texts[7]])[0], atol=1e-6)


def test_a_damaged_graph_says_how_to_fix_it(tmp_path: Path) -> None:
    make_model(tmp_path / "m")
    (tmp_path / "m" / "model.onnx").write_bytes(b"not a graph")
    with pytest.raises(ModelUnavailable, match="briefbot model prepare"):
        OnnxEmbedder(tmp_path / "m", "model.onnx", "bag", "onnx")



def test_a_prepared_onnx_folder_loads_without_torch(tmp_path: Path) -> None:
    """The default path of `ask` and the bot: settings → load_embedder → ONNX Runtime, torch never imported."""
    from index.cachedir import MARKER
    from index.onnx_export import GRAPHS, onnx_folder

    folder = onnx_folder(settings(tmp_path))
    make_model(folder)
    shutil.copy(folder / "model.onnx", folder / GRAPHS["onnx-int8"])
    (folder / MARKER).write_text("{}", encoding="utf-8")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from index.config import DEFAULT_MODEL, Settings\n"
        "from index.embed import load_embedder\n"
        "tmp = Path(sys.argv[1])\n"
        "for encoder, built_with in ((None, 'torch'), (None, 'onnx-int8'), ('onnx-int8', 'torch')):\n"
        "    e = load_embedder(Settings(tmp / 'b', tmp / 'i', DEFAULT_MODEL, tmp / 'cache', encoder=encoder),\n"
        "                      built_with=built_with)\n"
        "    print(type(e).__name__, e.encoder, e.name, e.encode_queries(['园区']).shape)\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"OnnxEmbedder onnx {vector_space('onnx')} (1, {DIM})"  # an fp32 index, followed
    assert lines[1] == f"OnnxEmbedder onnx-int8 {vector_space('onnx-int8')} (1, {DIM})"  # an int8 index
    assert lines[2] == lines[1]  # set, it wins over the index's
    assert lines[3] == "[]"


def test_a_build_runs_a_pass_per_core_and_a_question_splits_its_pass_over_every_core(tmp_path: Path) -> None:
    import os

    from index.cachedir import MARKER
    from index.embed import load_embedder
    from index.onnx_export import GRAPHS, onnx_folder

    folder = onnx_folder(settings(tmp_path))
    make_model(folder)
    shutil.copy2(folder / GRAPHS["onnx"], folder / GRAPHS["onnx-int8"])  # the default's graph; threads are under test
    (folder / MARKER).write_text("{}", encoding="utf-8")
    cores = len(os.sched_getaffinity(0))
    question = load_embedder(settings(tmp_path))
    build = load_embedder(settings(tmp_path), build=True)
    one = load_embedder(dataclasses.replace(settings(tmp_path), threads=1))
    assert isinstance(question, OnnxEmbedder) and isinstance(build, OnnxEmbedder) and isinstance(one, OnnxEmbedder)
    assert (question.passes, question.intra_op) == (1, cores)
    assert (build.passes, build.intra_op) == (cores, 1)
    assert (one.passes, one.intra_op) == (1, 1)  # BRIEFBOT_THREADS=1: one thread, as before
    np.testing.assert_allclose(question.encode_queries(["园区"]), one.encode_queries(["园区"]), atol=1e-6)
