"""The real default model: converted once into the shared cache (Settings.from_env), then reused."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from index.config import DEFAULT_MODEL, Settings
from index.embed import Embedder, SentenceTransformerEmbedder, load_embedder, vector_space
from index.errors import ModelUnavailable
from index.model import DIMENSION, MARKER, prepare_model
from index.onnx_encoder import OnnxEmbedder, kept_in_fp32
from index.onnx_export import GRAPHS, MIN_COSINE, ensure_onnx_model

pytestmark = pytest.mark.model

BRIEFINGS = Path(__file__).resolve().parents[1] / "briefings"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return dataclasses.replace(Settings.from_env(), model=DEFAULT_MODEL)


@pytest.fixture(scope="module")
def model_path(settings: Settings) -> Path:
    return Path(prepare_model(settings, log=print))


@pytest.fixture(scope="module")
def embedder(settings: Settings, model_path: Path) -> Embedder:
    return load_embedder(dataclasses.replace(settings, encoder="torch"))


@pytest.fixture(scope="module", params=["onnx", "onnx-int8"])
def onnx_embedder(request: pytest.FixtureRequest, settings: Settings) -> Embedder:
    ensure_onnx_model(settings, log=print)
    return load_embedder(dataclasses.replace(settings, encoder=request.param))


def seed_text() -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(BRIEFINGS.glob("*.txt")))


def test_second_prepare_does_not_convert_again(settings: Settings, model_path: Path) -> None:
    marker = model_path / MARKER
    before = marker.stat().st_mtime_ns
    started = time.perf_counter()
    assert Path(prepare_model(settings)) == model_path
    assert time.perf_counter() - started < 2.0
    assert marker.stat().st_mtime_ns == before
    assert (model_path / "config_sentence_transformers.json").is_file()


def test_vectors_are_384_unit_rows(embedder: Embedder) -> None:
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.name == f"{DEFAULT_MODEL}@0.3.0"
    assert embedder.dimension == DIMENSION
    vectors = embedder.encode_documents(["累计返利 932.7 万元。", "", "How much?"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, DIMENSION)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_queries([]).shape == (0, DIMENSION)
    assert embedder.encode_documents([]).shape == (0, DIMENSION)


def test_batched_documents_keep_their_order(embedder: Embedder) -> None:
    texts = [f"第{i}项：{'园区' * (i % 7)}入驻企业 {i} 家。" for i in range(70)]
    seen: list[tuple[int, int]] = []
    batched = embedder.encode_documents(texts, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(64, 70), (70, 70)]
    one_by_one = np.vstack([embedder.encode_documents([text]) for text in texts[::10]])
    np.testing.assert_allclose(batched[::10], one_by_one, atol=1e-4)


def test_the_int8_graph_keeps_the_chosen_products_in_fp32_and_quantizes_the_others(settings: Settings) -> None:
    import onnx

    folder = ensure_onnx_model(settings)
    fp32, int8 = (onnx.load(str(folder / GRAPHS[e]), load_external_data=False).graph for e in ("onnx", "onnx-int8"))
    weights = {tensor.name for tensor in fp32.initializer}
    products = [node.name for node in fp32.node if node.op_type == "MatMul" and node.input[1] in weights]
    ops = {node.name: node.op_type for node in int8.node}
    kept = kept_in_fp32(list(ops))
    assert kept and all(ops[name] == "MatMul" for name in kept)
    assert sum(op == "MatMulInteger" for op in ops.values()) == len(products) - len(kept)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("消薄飞地累计返利多少？", "累计返利 932.7 万元"),
        ("余姚派出了多少技术人才？", "技术人才100余人"),
        # Cross-lingual: an English question finds a Chinese sentence.
        ("What were Songyang's agricultural product sales in Yuyao in 2021?", "首次突破2000万元"),
    ],
)
def test_the_right_sentence_comes_first(embedder: Embedder, question: str, expected: str) -> None:
    sentences = [s.strip() for s in seed_text().split("。") if s.strip()]
    scores = embedder.encode_documents(sentences) @ embedder.encode_queries([question])[0]
    assert expected in sentences[int(np.argmax(scores))]


def test_a_hub_id_fails_at_once_with_advice(settings: Settings) -> None:
    started = time.perf_counter()
    with pytest.raises(ModelUnavailable, match="local sentence-transformers folder"):
        load_embedder(dataclasses.replace(settings, model="intfloat/multilingual-e5-small"))
    assert time.perf_counter() - started < 30


def test_onnx_fp32_agrees_with_torch_on_the_seed(embedder: Embedder, settings: Settings) -> None:
    fp32 = load_embedder(settings, built_with="onnx")
    assert isinstance(fp32, OnnxEmbedder) and fp32.encoder == "onnx"
    assert fp32.name == embedder.name == vector_space("onnx")
    sentences = [s.strip() for s in seed_text().split("。") if s.strip()]
    ours, theirs = fp32.encode_documents(sentences), embedder.encode_documents(sentences)
    assert float(np.min(np.sum(ours * theirs, axis=1))) >= MIN_COSINE["onnx"]
    question = "消薄飞地累计返利多少？"
    np.testing.assert_allclose(fp32.encode_queries([question]), embedder.encode_queries([question]), atol=1e-4)


def test_int8_is_the_default_stays_close_to_torch_and_has_its_own_name(embedder: Embedder, settings: Settings) -> None:
    int8 = load_embedder(settings)
    assert isinstance(int8, OnnxEmbedder) and int8.encoder == "onnx-int8"
    assert int8.name == vector_space("onnx-int8") != embedder.name
    sentences = [s.strip() for s in seed_text().split("。") if s.strip()]
    cosines = np.sum(int8.encode_documents(sentences) * embedder.encode_documents(sentences), axis=1)
    assert float(np.min(cosines)) >= MIN_COSINE["onnx-int8"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [("消薄飞地累计返利多少？", "累计返利 932.7 万元"), ("余姚派出了多少技术人才？", "技术人才100余人")],
)
def test_onnx_finds_the_right_sentence(onnx_embedder: Embedder, question: str, expected: str) -> None:
    """fp32 puts it first, as torch does; int8 moves sentences by a few ranks (docs/quality.md): in its top 3."""
    sentences = [s.strip() for s in seed_text().split("。") if s.strip()]
    scores = onnx_embedder.encode_documents(sentences) @ onnx_embedder.encode_queries([question])[0]
    ranked = [sentences[i] for i in np.argsort(-scores)]
    assert any(expected in sentence for sentence in ranked[: 1 if onnx_embedder.encoder == "onnx" else 3])


@pytest.mark.slow
def test_a_cold_cache_gets_checked_graphs_and_no_leftovers(
    settings: Settings, model_path: Path, tmp_path: Path
) -> None:
    cold = dataclasses.replace(settings, cache=tmp_path / "cache")
    (cold.cache / "models").mkdir(parents=True)
    shutil.copytree(model_path, cold.cache / "models" / model_path.name)  # the export alone is under test
    folder = ensure_onnx_model(cold)
    cut = f"{folder.name}-cut2"  # the tokenizer with its vocabulary cut (index/model_tokens.py)
    assert sorted(p.name for p in (cold.cache / "models").iterdir()) == sorted([model_path.name, folder.name, cut])
    names = [MARKER, "model-int8.onnx", "model-int8.onnx.data", "model.onnx", "model.onnx.data", "tokenizer.json"]
    assert sorted(p.name for p in folder.iterdir()) == names
    report = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert report["onnx"]["min_cosine"] >= MIN_COSINE["onnx"]
    assert report["onnx-int8"]["min_cosine"] >= MIN_COSINE["onnx-int8"]


def test_the_cut_tokenizer_gives_the_full_tokenizers_ids(settings: Settings) -> None:
    from tokenizers import Tokenizer

    from index.model_tokens import ModelTokens

    full_path = ensure_onnx_model(settings) / "tokenizer.json"
    full = Tokenizer.from_file(str(full_path))
    full.enable_truncation(512)
    full.enable_padding(pad_id=full.token_to_id("<pad>"), pad_token="<pad>")
    lines = [line for line in seed_text().splitlines() if line.strip()]
    texts = [f"passage: {line}" for line in lines] + [
        "query: 消薄飞地累计返利多少？", "query: How much did the enclave return, in ten thousand yuan?",
        "query: Привет, Zürich café ９３２．７ 😀 <mask>", "", "x" * 3000,
    ]
    tokens = ModelTokens(full_path, 512)
    assert tokens._cut is not None  # ensure_onnx_model made the cut copy
    ids, mask = tokens.encode(texts)
    encodings = full.encode_batch(texts)
    assert ids.tolist() == [e.ids for e in encodings]
    assert mask.tolist() == [e.attention_mask for e in encodings]
