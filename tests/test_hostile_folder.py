"""Hostile briefings folders: names that are not UTF-8, links out of the folder, bad PDFs, files edited mid-build."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from hostile_files import make_pdf
from paths import SEED, SEED_NAME

from index import store
from index.build import build_index
from index.config import Settings
from index.embed import FakeEmbedder
from index.folder import DANGLING, OUTSIDE, SAME_NAME
from index.library import Library, index_info
from index.parse import parse_briefing
from index.readers import read_document

GBK_NAME = "第10期简报.txt".encode("gbk")  # what unzipping a Windows archive leaves on disk


def _settings(folder: Path, idx: Path) -> Settings:
    return Settings(briefings=folder, index=idx, model="fake", cache=idx / "cache")


def test_a_file_name_in_gbk_bytes_is_indexed_under_its_decoded_name(seed_folder: Path, tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(seed_folder), GBK_NAME)
    with open(raw, "wb") as handle:
        handle.write(SEED.read_bytes())
    with open(os.path.join(os.fsencode(seed_folder), b"\xff\xfe.txt"), "wb") as handle:
        handle.write("另一份简报。\n内容在此。".encode())  # bytes that are neither UTF-8 nor GB18030
    idx = tmp_path / "idx"
    report = build_index(seed_folder, idx, FakeEmbedder())
    assert not report.skipped and report.files_indexed == 3
    manifest = json.loads((idx / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert "第10期简报.txt" in manifest["files"] and "\ufffd\ufffd.txt" in manifest["files"]
    info = index_info(store.load(idx))  # what `index status` prints
    json.dumps([b.file for b in info.briefings], ensure_ascii=False).encode("utf-8")
    library = Library.open(_settings(seed_folder, idx), embedder=FakeEmbedder())  # `ask` and `serve`
    answer = library.ask("消薄飞地累计返利多少？")
    assert {q.source.file for q in answer.quotes} <= {SEED_NAME, "第10期简报.txt"}
    again = build_index(seed_folder, idx, FakeEmbedder())
    assert again.files_reused == 3


def test_a_fresh_index_over_a_gbk_name_opens_for_ask(tmp_path: Path) -> None:
    folder = tmp_path / "briefings"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), GBK_NAME), "wb") as handle:
        handle.write(SEED.read_bytes())
    library = Library.open(_settings(folder, tmp_path / "idx"), embedder=FakeEmbedder())
    assert [b.file for b in library.info().briefings] == ["第10期简报.txt"]


def test_links_are_followed_only_inside_the_folder(seed_folder: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密文件\n密码是 swordfish。", encoding="utf-8")
    (seed_folder / "leak.txt").symlink_to(secret)
    (seed_folder / "passwd.txt").symlink_to("/etc/passwd")
    (seed_folder / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (seed_folder / "outside").symlink_to(tmp_path)
    hidden = seed_folder / ".drafts"
    hidden.mkdir()
    shutil.copy(SEED, hidden / "draft.txt")
    (seed_folder / "latest.txt").symlink_to(hidden / "draft.txt")  # inside the folder: followed
    (seed_folder / "same.txt").symlink_to(seed_folder / SEED_NAME)  # read once, under its own name
    idx = tmp_path / "idx"
    report = build_index(seed_folder, idx, FakeEmbedder())
    skipped = {s.file: s.reason for s in report.skipped}
    assert skipped["leak.txt"] == OUTSIDE and skipped["passwd.txt"] == OUTSIDE
    assert skipped["gone.txt"] == DANGLING and "outside" in skipped
    snap = store.load(idx)
    assert set(snap.briefings) == {SEED_NAME, "latest.txt"}
    assert not any("swordfish" in b.text or "root:" in b.text for b in snap.briefings.values())


def test_a_pdf_whose_map_yields_a_lone_surrogate_never_blocks_a_rebuild(seed_folder: Path, tmp_path: Path) -> None:
    pdf = make_pdf([bytes([1, 2, 3, 1, 2, 4])], {1: "简", 2: "报", 3: "\ud800", 4: "。"})
    (seed_folder / "bad.pdf").write_bytes(pdf)
    idx = tmp_path / "idx"
    first = build_index(seed_folder, idx, FakeEmbedder())
    assert first.replaced == {"bad.pdf": 1} and not first.skipped
    assert store.load(idx).briefings["bad.pdf"].text == "简报\ufffd简报。"
    (seed_folder / "second.txt").write_text("另一份简报\n内容。", encoding="utf-8")
    again = build_index(seed_folder, idx, FakeEmbedder())
    assert again.files_reused == 2 and again.files_indexed == 1
    manifest = json.loads((idx / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["replaced"] == {"bad.pdf": 1}
    full = build_index(seed_folder, idx, FakeEmbedder(), full=True)
    assert full.replaced == {"bad.pdf": 1} and full.files_indexed == 3


_WATCHED: dict[str, int] = {}  # path → opens seen; an audit hook cannot be removed, so it only counts


def _count_opens(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str | bytes) and _WATCHED:
        path = os.fsdecode(args[0])
        if path in _WATCHED:
            _WATCHED[path] += 1


sys.addaudithook(_count_opens)


def test_a_file_is_opened_once_per_build_and_hashed_from_the_bytes_parsed(seed_folder: Path, tmp_path: Path) -> None:
    seed = str(seed_folder / SEED_NAME)
    _WATCHED[seed] = 0
    try:
        build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
        opens = _WATCHED[seed]
    finally:
        _WATCHED.clear()
    assert opens == 1  # a second open could see the file after an edit: hash of one, text of another
    manifest = json.loads((tmp_path / "idx" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][SEED_NAME] == hashlib.sha256(SEED.read_bytes()).hexdigest()


@pytest.mark.parametrize("cut", ["text", "sentences"])
def test_a_stored_record_cut_short_is_not_carried_into_the_next_build(
    seed_folder: Path, tmp_path: Path, cut: str
) -> None:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    records = idx / "current" / "briefings.jsonl"
    row = json.loads(records.read_text(encoding="utf-8"))
    if cut == "text":
        row["text"] = row["text"][: len(row["text"]) - 40]
        row["sentences"] = [s for s in row["sentences"] if s[1] <= len(row["text"])]
    else:
        row["sentences"] = row["sentences"][:-3]
    records.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    build_index(seed_folder, idx, FakeEmbedder())
    stored = store.load(idx).briefings[SEED_NAME]
    whole = read_document(SEED)
    assert stored.text == whole and stored.sentences == parse_briefing(SEED_NAME, whole).sentences


def test_two_names_that_decode_alike_keep_one_and_say_why(seed_folder: Path, tmp_path: Path) -> None:
    with open(os.path.join(os.fsencode(seed_folder), GBK_NAME), "wb") as handle:
        handle.write(SEED.read_bytes())
    (seed_folder / "第10期简报.txt").write_text("另一份简报。\n内容在此。", encoding="utf-8")
    report = build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    assert [(s.file, s.reason) for s in report.skipped] == [("第10期简报.txt", SAME_NAME)]
    assert "第10期简报.txt" in store.load(tmp_path / "idx").briefings
