"""The key-term document index against brute force, the stage profile, and `briefbot eval`'s profile table."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from paths import ROOT

from index.profile import STAGES, collect, stage
from index.terms import TermIndex

ALPHABET = "消薄飞地返利松阳余姚2025年ab"


def test_term_index_equals_a_scan_of_every_text() -> None:
    rng = random.Random(5)
    texts = {f"doc{i}": "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))) for i in range(70)}
    index = TermIndex(texts)
    for _ in range(400):
        terms = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(0, 3))]
        expected = [name for name, text in texts.items() if all(t in text for t in terms)]
        assert index.containing(terms) == expected, terms


def test_term_index_narrows_to_the_documents_that_can_hold_a_term() -> None:
    index = TermIndex({"a": "消薄飞地累计返利", "b": "松阳\x00余姚", "c": "飞"})
    assert index.containing(["飞地"]) == ["a"]
    assert index.containing(["飞"]) == ["a", "c"]
    assert index.containing(["阳余"]) == []  # the separator keeps a document's name and text apart
    assert index.containing([]) == ["a", "b", "c"]
    gram = ord("飞") * 0x110000 + ord("地")
    assert index.postings(gram) == [0]  # a bigram's postings: the documents holding it
    assert index.postings(ord("阳") * 0x110000 + ord("余")) == []


def test_stages_are_timed_exclusively_and_add_up() -> None:
    started = time.perf_counter()
    with collect() as profile:
        with stage("dense"):
            time.sleep(0.02)
            inner = time.perf_counter()
            with stage("encode"):
                time.sleep(0.03)
            inner = (time.perf_counter() - inner) * 1000
        time.sleep(0.01)
    whole = (time.perf_counter() - started) * 1000
    assert profile.ms["encode"] >= 30 and profile.ms["dense"] >= 20 and profile.ms["re-score"] >= 10
    assert profile.ms["encode"] == pytest.approx(inner, abs=2)  # the sleep may overrun; the books may not
    assert sum(profile.ms.values()) == pytest.approx(whole, abs=2)
    assert profile.ms["dense"] <= whole - profile.ms["encode"] - profile.ms["re-score"] + 2


def test_nothing_is_collected_outside_collect() -> None:
    with stage("encode"):
        pass
    with collect() as profile:
        pass
    assert set(profile.ms) <= {"re-score"}


def test_eval_prints_where_the_time_goes(seed_folder: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({
        "id": "q1", "question": "消薄飞地累计返利多少？", "answerable": True,
        "file": "宁波支援合作工作简报_2022第10期.txt", "gold": ["累计返利 932.7 万元"], "figure": None,
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    env = {"BRIEFBOT_MODEL": "fake", "BRIEFBOT_INDEX": str(tmp_path / "idx"), "HF_HUB_OFFLINE": "1",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", str(questions), "--briefings", str(seed_folder), "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    report = json.loads(proc.stdout)["q.jsonl"]
    assert list(report["profile_median_ms"]) == list(STAGES)
    assert report["profile_median_ms"]["encode"] > 0 and report["profile_median_ms"]["render"] > 0
    plain = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", str(questions), "--briefings", str(seed_folder)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert "| hybrid (briefbot), median ms | encode | lexical | dense | document filter |" in plain.stdout


def test_the_chunk_baseline_embeds_once_per_index_and_model(seed_folder: Path, tmp_path: Path) -> None:
    from index.baseline import ChunkBaseline
    from index.build import build_index
    from index.embed import FakeEmbedder
    from index.store import load

    build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    snapshot, first, again = load(tmp_path / "idx"), FakeEmbedder(), FakeEmbedder()
    made = ChunkBaseline.from_snapshot(snapshot, first)
    reused = ChunkBaseline.from_snapshot(snapshot, again)
    assert first.documents_encoded == len(made.chunks) > 0 and again.documents_encoded == 0
    np.testing.assert_array_equal(made.vectors, reused.vectors)
    other = FakeEmbedder()
    other.name = "another/model"
    ChunkBaseline.from_snapshot(snapshot, other)
    assert other.documents_encoded == len(made.chunks)
    assert not list(snapshot.path.glob(".*.tmp"))
