"""The real default model: converted once into the shared cache (Settings.from_env), then reused."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import pytest

from index.config import DEFAULT_MODEL, Settings
from index.embed import Embedder, SentenceTransformerEmbedder, load_embedder
from index.errors import ModelUnavailable
from index.model import DIMENSION, MARKER, prepare_model

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
    return load_embedder(settings)


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
