"""Building, loading and swapping the index: verbatim offsets, brute-force equality, incremental, atomic."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from paths import ROOT, SEED_NAME, SPEECH

from index import store
from index.build import build_index
from index.embed import FakeEmbedder
from index.errors import IndexMismatch, IndexMissing

SECOND = """宁波支援合作工作简报
(2023 第 3 期)
宁波市对口支援和区域合作局
2023 年 3 月 15 日
一、消薄飞地
（一）返利情况。截至目前，“消薄飞地”累计返利 1100 万元。
"""


def test_every_unit_points_at_a_verbatim_sentence(seed_folder: Path, tmp_path: Path) -> None:
    report = build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    snap = store.load(tmp_path / "idx")
    assert report.files_indexed == 1 and not report.skipped
    assert len(snap.units) == report.vectors == report.sentences > 40
    for u in snap.units:
        b = snap.briefings[u.file]
        s = b.sentences[u.sentence]
        assert b.text[s.start : s.end] == s.text


def test_faiss_equals_brute_force(seed_folder: Path, tmp_path: Path) -> None:
    emb = FakeEmbedder()
    build_index(seed_folder, tmp_path / "idx", emb)
    snap = store.load(tmp_path / "idx")
    rows = snap.vector_rows()
    queries = emb.encode_queries(["消薄飞地累计返利多少", "技术人才", "疗休养人数", "园区入驻企业"])
    scores, found = store.search_vectors(snap.vectors, queries, 5)
    for q, s, f in zip(queries, scores, found, strict=True):
        brute = rows @ q
        expected = np.argsort(-brute, kind="stable")[:5]
        assert np.allclose(s, brute[expected], atol=1e-5)
        assert np.allclose(brute[f], brute[expected], atol=1e-5)  # ties may swap rows, never scores


def test_incremental_build_embeds_only_what_changed(seed_folder: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    emb = FakeEmbedder()
    first = build_index(seed_folder, idx, emb)
    assert emb.documents_encoded == first.vectors

    emb2 = FakeEmbedder()
    again = build_index(seed_folder, idx, emb2)
    assert emb2.documents_encoded == 0 and again.files_reused == 1 and again.files_indexed == 0

    (seed_folder / "second.txt").write_text(SECOND, encoding="utf-8")
    emb3 = FakeEmbedder()
    grown = build_index(seed_folder, idx, emb3)
    added = grown.vectors - first.vectors
    assert emb3.documents_encoded == added > 0 and grown.files_reused == 1

    seed = seed_folder / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8").replace("932.7", "933.8"), encoding="utf-8")
    emb4 = FakeEmbedder()
    edited = build_index(seed_folder, idx, emb4)
    assert emb4.documents_encoded == 1 and edited.files_indexed == 1  # one sentence changed

    emb5 = FakeEmbedder()
    build_index(seed_folder, idx, emb5, full=True)
    assert emb5.documents_encoded == grown.vectors


def test_bad_files_are_skipped_with_reasons_and_the_rest_indexed(seed_folder: Path, tmp_path: Path) -> None:
    (seed_folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (seed_folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (seed_folder / "empty.txt").write_bytes(b"")
    (seed_folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (seed_folder / "sheet.xlsx").write_bytes(b"PK")
    report = build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    skipped = {s.file: s.reason for s in report.skipped}
    assert set(skipped) == {"broken.docx", "broken.pdf", "empty.txt", "binary.txt", "sheet.xlsx"}
    assert all(reason for reason in skipped.values())
    assert report.files_indexed == 1
    manifest = json.loads((tmp_path / "idx" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["skipped"]) == set(skipped)


def test_load_says_how_to_fix_a_missing_or_foreign_index(seed_folder: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="briefbot index build"):
        store.load(tmp_path / "nothing")
    build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    with pytest.raises(IndexMismatch, match="--full"):
        store.load(tmp_path / "idx", expect_model="another/model")


def test_manifest_records_schema_model_counts_and_hashes(seed_folder: Path, tmp_path: Path) -> None:
    build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    m = json.loads((tmp_path / "idx" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert m["schema_version"] == store.SCHEMA_VERSION and m["model"] == FakeEmbedder().name
    assert m["dimension"] == 64 and m["counts"]["files"] == 1 and len(m["files"][SEED_NAME]) == 64


_KILL_SCRIPT = """
import sys, time
from pathlib import Path
from index import store
from index.build import build_index
from index.embed import FakeEmbedder

stage, folder, idx, flag = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])

class Slow(FakeEmbedder):
    def encode_documents(self, texts, progress=None):
        if stage == "embed":
            flag.write_text("ready")
            time.sleep(60)
        return super().encode_documents(texts, progress)

real_write = store._write_json
def slow_write(path, data):
    if stage == "write":
        flag.write_text("ready")
        time.sleep(60)
    real_write(path, data)
store._write_json = slow_write
build_index(folder, idx, Slow(), full=True)
"""


@pytest.mark.parametrize("stage", ["embed", "write"])
def test_build_killed_halfway_leaves_the_previous_index_serving(
    seed_folder: Path, tmp_path: Path, stage: str
) -> None:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    before = store.load(idx)
    (seed_folder / "second.txt").write_text(SECOND, encoding="utf-8")
    flag = tmp_path / "flag"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, stage, str(seed_folder), str(idx), str(flag)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = store.load(idx)
    assert after.path == before.path and len(after.units) == len(before.units)
    if stage == "write":
        assert list((idx / "generations").glob("*.tmp")), "the kill should have left a half-written folder"
    report = build_index(seed_folder, idx, FakeEmbedder())
    assert not list((idx / "generations").glob("*.tmp"))
    assert "second.txt" in store.load(idx).briefings and report.files_indexed == 1


def _speech_index(tmp_path: Path) -> tuple[Path, Path, dict[str, object]]:
    """A built index of one national report: its folder, its manifest's path and the manifest as read."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "2025_国务院政府工作报告.txt").write_text(SPEECH, encoding="utf-8")
    build_index(folder, tmp_path / "idx", FakeEmbedder())
    manifest = tmp_path / "idx" / "current" / "manifest.json"
    return folder, manifest, json.loads(manifest.read_text(encoding="utf-8"))


def test_a_rebuild_parses_again_what_another_parser_read_and_keeps_its_vectors(tmp_path: Path) -> None:
    """An index whose records an earlier parser made is re-parsed by a plain rebuild; no sentence is embedded
    again, and the next rebuild reuses the new records."""
    from index.parse import PARSER_VERSION

    folder, manifest, document = _speech_index(tmp_path)
    assert document["parser"] == PARSER_VERSION
    document["parser"] = PARSER_VERSION - 1
    manifest.write_text(json.dumps(document), encoding="utf-8")
    report = build_index(folder, tmp_path / "idx", FakeEmbedder())
    assert (report.files_indexed, report.files_reused, report.embedded) == (1, 0, 0)
    assert build_index(folder, tmp_path / "idx", FakeEmbedder()).files_reused == 1
    assert store.load(tmp_path / "idx").briefings["2025_国务院政府工作报告.txt"].title == "2025_国务院政府工作报告"


@pytest.mark.parametrize("parser", ["missing", "3", [3], {"version": 3}, 3.5, True, None, "x" * 100_000])
def test_a_hostile_parser_field_is_read_as_another_parser(tmp_path: Path, parser: object) -> None:
    """Whatever the manifest's "parser" holds, a rebuild re-parses and keeps every vector: it never crashes and
    never trusts records it cannot date."""
    folder, manifest, document = _speech_index(tmp_path)
    if parser == "missing":
        del document["parser"]
    else:
        document["parser"] = parser
    manifest.write_text(json.dumps(document), encoding="utf-8")
    report = build_index(folder, tmp_path / "idx", FakeEmbedder())
    assert (report.files_indexed, report.files_reused, report.embedded) == (1, 0, 0)
