"""A damaged index says what to run, everywhere; a build killed at any point leaves an index that answers."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tqdm import tqdm
from tqdm.auto import tqdm as auto_tqdm

from index import store
from index.build import build_index
from index.cli import main
from index.config import Settings
from index.embed import FakeEmbedder
from index.errors import BriefbotError, IndexMismatch
from index.library import Library

SECOND = (
    "宁波支援合作工作简报\n(2023 第 3 期)\n一、消薄飞地\n（一）返利情况。截至目前，“消薄飞地”累计返利 1100 万元。\n"
)
DAMAGED = "damaged index"
FIX = "briefbot index build --full"


def _settings(folder: Path, idx: Path) -> Settings:
    return Settings(briefings=folder, index=idx, model=FakeEmbedder().name, cache=idx / "cache")


def _edit_json(path: Path, change: Callable[[Any], Any]) -> None:
    path.write_text(json.dumps(change(json.loads(path.read_text(encoding="utf-8"))), ensure_ascii=False),
                    encoding="utf-8")


def _edit_lines(path: Path, change: Callable[[list[Any]], list[Any]]) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in change(rows)), encoding="utf-8")


def _drop(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda m: {k: v for k, v in m.items() if k != key}


def _first_heading(rows: list[Any], extra: dict[str, Any]) -> list[Any]:
    rows[0]["headings"][0].update(extra)
    return rows


def _unit_past_the_end(rows: list[Any]) -> list[Any]:
    rows[-1]["sentence"] = 10_000
    return rows


DAMAGE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "manifest without dimension": ("manifest.json", lambda p: _edit_json(p, _drop("dimension"))),
    "manifest that is a list": ("manifest.json", lambda p: _edit_json(p, lambda m: [m])),
    "manifest with counts as text": ("manifest.json", lambda p: _edit_json(p, lambda m: {**m, "counts": "many"})),
    "heading with an unknown key": ("briefings.jsonl", lambda p: _edit_lines(p, lambda r: _first_heading(r, {"x": 1}))),
    "heading past its text": ("briefings.jsonl", lambda p: _edit_lines(p, lambda r: _first_heading(r, {"end": 10**9}))),
    "record that is a list": ("briefings.jsonl", lambda p: _edit_lines(p, lambda r: [list(r[0])])),
    "unit past the sentences": ("units.jsonl", lambda p: _edit_lines(p, _unit_past_the_end)),
    "unit with a wrong type": ("units.jsonl", lambda p: _edit_lines(p, lambda r: [{**r[0], "own": 3}, *r[1:]])),
    "units cut": ("units.jsonl", lambda p: _edit_lines(p, lambda r: r[:-1])),
    # nesting deeper than the JSON decoder's recursion limit raises RecursionError, not ValueError
    "manifest nested too deep": ("manifest.json", lambda p: p.write_text("[" * 100_000, encoding="utf-8")),
    "record nested too deep": ("briefings.jsonl", lambda p: p.write_text("[" * 100_000 + "\n", encoding="utf-8")),
}


@pytest.fixture
def built(seed_folder: Path, tmp_path: Path) -> Path:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    return idx


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_record_off_its_schema_says_damaged_everywhere(
    seed_folder: Path, built: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name, damage = DAMAGE[case]
    damage(built / "current" / name)
    with pytest.raises(IndexMismatch, match=DAMAGED) as raised:  # what `status` loads
        store.load(built)
    assert FIX in str(raised.value)
    with pytest.raises(IndexMismatch, match=FIX):  # what `ask` and `serve` open
        Library.open(_settings(seed_folder, built), embedder=FakeEmbedder())
    assert main(["index", "status", "--index", str(built)]) == 1
    assert FIX in capsys.readouterr().err
    report = build_index(seed_folder, built, FakeEmbedder())  # incremental: starts over, never trusts it
    assert report.files_indexed == 1 and store.load(built).units


def _answers(folder: Path, idx: Path) -> None:
    library = Library.open(_settings(folder, idx), build_if_missing=False, embedder=FakeEmbedder())
    answer = library.ask("消薄飞地累计返利多少？")
    assert answer.quotes or answer.nearest  # quotes or the nearest sections: the index is searched


def _build_in_a_child(folder: Path, idx: Path) -> int:
    """A full build in a forked copy of this process (imports already loaded, so kills land in the build)."""
    return _in_a_child(lambda: build_index(folder, idx, FakeEmbedder(), full=True))


def _in_a_child(work: Callable[[], object]) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        # tqdm (bm25s creates its bars even when they are off) guards them with a lock shared across fork: a child
        # killed while it holds that lock would leave this process waiting on it for ever. The child takes its own,
        # for every tqdm class that made one: tqdm.auto's, which bm25s uses, keeps its own once it has made a bar.
        for cls in _tqdm_classes():
            cls.set_lock(threading.RLock())
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def _tqdm_classes() -> list[type[tqdm]]:
    found, todo = [], [tqdm]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("bars", [tqdm, auto_tqdm], ids=["tqdm", "tqdm.auto"])
def test_a_child_killed_holding_the_progress_lock_does_not_stall_this_process(bars: type[tqdm]) -> None:
    bars(range(1), disable=True)  # this process's lock exists before the fork, as after any build
    pid = _in_a_child(lambda: (bars.get_lock().acquire(), time.sleep(60)))
    time.sleep(0.5)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    bar = threading.Thread(target=lambda: bars(range(1), disable=True), daemon=True)
    bar.start()
    bar.join(timeout=5)
    assert not bar.is_alive(), "a progress bar waits on a lock the killed child held"


@pytest.mark.slow
def test_builds_killed_at_random_points_always_leave_an_index_that_answers(seed_folder: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(seed_folder, idx, FakeEmbedder())
    (seed_folder / "second.txt").write_text(SECOND, encoding="utf-8")
    for name in ("third", "fourth"):
        shutil.copy(seed_folder / "second.txt", seed_folder / f"{name}.txt")
    started = time.perf_counter()
    build_index(seed_folder, tmp_path / "timing", FakeEmbedder(), full=True)
    duration = time.perf_counter() - started
    rng = random.Random(8)
    finished = 0
    for _ in range(20):
        pid = _build_in_a_child(seed_folder, idx)
        time.sleep(rng.uniform(0, duration * 1.5))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        finished += os.waitstatus_to_exitcode(status) == 0
        _answers(seed_folder, idx)  # the previous generation, or the new one if it was complete
    assert finished < 15, f"{finished} of 20 builds finished before the kill: the kills landed too late"
    build_index(seed_folder, idx, FakeEmbedder())
    assert not list((idx / "generations").glob("*.tmp")) and len(store.load(idx).briefings) == 4


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(path.name).randbytes(max(64, path.stat().st_size)))


def _remove(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize("name", ["manifest.json", "briefings.jsonl", "units.jsonl", "vectors.faiss"])
@pytest.mark.parametrize("corrupt", [_truncate, _garbage, _remove], ids=["truncated", "garbage", "removed"])
def test_each_stored_file_corrupted_gives_an_answer_or_says_what_to_run(
    seed_folder: Path, built: Path, name: str, corrupt: Callable[[Path], None]
) -> None:
    corrupt(built / "current" / name)
    try:
        _answers(seed_folder, built)
    except BriefbotError as exc:
        assert "briefbot index build" in str(exc)
    build_index(seed_folder, built, FakeEmbedder())
    _answers(seed_folder, built)


def test_a_dangling_current_link_says_what_to_run(seed_folder: Path, built: Path) -> None:
    target = (built / "current").resolve()
    shutil.rmtree(target)
    with pytest.raises(BriefbotError, match="briefbot index build"):
        _answers(seed_folder, built)
    build_index(seed_folder, built, FakeEmbedder())
    _answers(seed_folder, built)
