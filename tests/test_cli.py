"""The `briefbot` command as scripts use it: bad input lines, a closed pipe, JSON lines that stay lines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT, SEED, SEED_NAME

from index.cli import EXIT_PIPE, batch_questions
from index.records import Answer, Quote, Source
from index.render import answer_json, json_text

QUESTION = "消薄飞地累计返利多少？"
GBK_LINE = "园区入驻企业多少家？".encode("gbk")  # a question file saved by a Windows editor


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A briefings folder with the seed briefing and an index built from it once for the module."""
    base = tmp_path_factory.mktemp("cli")
    briefings = base / "briefings"
    briefings.mkdir()
    shutil.copy(SEED, briefings / SEED_NAME)
    briefbot(base, ["index", "build"], briefings=briefings)
    return base, briefings


def _env(base: Path, briefings: Path) -> dict[str, str]:
    return {"BRIEFBOT_MODEL": "fake", "BRIEFBOT_INDEX": str(base / "idx"), "BRIEFBOT_BRIEFINGS": str(briefings),
            "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(base)}


def briefbot(base: Path, args: list[str], briefings: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, cwd=ROOT,
                          env=_env(base, briefings), timeout=300, check=False)


def test_batch_questions_reads_utf8_and_names_the_line_that_is_not() -> None:
    lines = [f"\ufeff{QUESTION}\r\n".encode(), b"\n", GBK_LINE + b"\n", b"  \xff\n", "第二问？".encode()]
    got = list(batch_questions(lines))
    assert (got[0][0], got[3][0]) == (QUESTION, "第二问？")
    assert "\\xc7\\xf8" in got[1][0] and got[2][0] == "\\xff"  # shown as far as readable, bad bytes escaped
    assert got[0][1] is None and got[3][1] is None
    assert got[1][1] is not None and got[1][1].startswith("line 3 is not UTF-8 text (byte 3 ")
    assert got[2][1] is not None and got[2][1].startswith("line 4 is not UTF-8 text (byte 3 ")


def test_a_line_that_is_not_utf8_is_an_error_on_its_line_and_the_batch_goes_on(folders: tuple[Path, Path]) -> None:
    base, briefings = folders
    stdin = QUESTION.encode() + b"\n" + GBK_LINE + b"\n" + QUESTION.encode() + b"\n"
    proc = briefbot(base, ["ask", "-", "--json"], briefings, stdin)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode()
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(lines) == 3
    assert lines[0]["question"] == lines[2]["question"] == QUESTION and "answered" in lines[2]
    assert "line 2 is not UTF-8" in lines[1]["error"] and "answered" not in lines[1]

    text = briefbot(base, ["ask", "-"], briefings, stdin)
    out = text.stdout.decode()
    assert text.returncode == 0 and b"Traceback" not in text.stderr, text.stderr.decode()
    assert "briefbot: line 2 is not UTF-8 text" in out
    assert out.count("\n\n") == 3  # three answers (or "not found"s), each followed by a blank line


def test_a_closed_pipe_ends_quietly(folders: tuple[Path, Path]) -> None:
    base, briefings = folders
    env = _env(base, briefings)
    # `briefbot ask - --json < questions | head -n 1`, with the reader leaving after its first line.
    reader = subprocess.Popen([sys.executable, "-m", "bot.cli", "ask", "-", "--json"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    assert reader.stdin is not None and reader.stdout is not None and reader.stderr is not None
    reader.stdin.write((QUESTION + "\n").encode() * 200)
    reader.stdin.close()
    first = reader.stdout.readline()
    reader.stdout.close()
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=300) == EXIT_PIPE, err
    assert json.loads(first)["question"] == QUESTION
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err


def test_a_closed_pipe_after_a_single_answer_ends_quietly(folders: tuple[Path, Path]) -> None:
    base, briefings = folders
    # `true` leaves long before the answer is ready: the write fails at the final flush.
    script = f"{sys.executable} -m bot.cli ask {QUESTION} --json | true; exit ${{PIPESTATUS[0]}}"
    env = _env(base, briefings)
    proc = subprocess.run(["bash", "-c", script], capture_output=True, cwd=ROOT, env=env, timeout=300, check=False)
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr, proc.stderr.decode()
    assert proc.returncode == EXIT_PIPE


def test_json_lines_escape_every_line_breaking_character(folders: tuple[Path, Path]) -> None:
    base, briefings = folders
    odd = "消薄飞地\u2028累计返利\u2029多少\x85？"
    proc = briefbot(base, ["ask", "-", "--json"], briefings, f"{odd}\n{QUESTION}\n".encode())
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["question"] == odd
    for raw in ("\u2028", "\u2029", "\x85"):
        assert raw not in proc.stdout.decode()


def test_json_text_keeps_a_quote_with_u2028_on_one_line() -> None:
    source = Source(file="a.txt", title="简报", issue="2022年第1期", date="2022-01-01", section=())
    text = "第一句\u2028第二句\u2029第三句\x85。"
    answer = Answer("问？", answered=True, answer=text, figure=None,
                    quotes=(Quote(text, 0, len(text), 1.0, source, "《简报》"),))
    line = json_text(answer_json(answer))
    assert len(line.splitlines()) == 1
    assert json.loads(line)["quotes"][0]["text"] == text
    assert json_text({"k": "中文"}) == '{"k": "中文"}'  # Chinese stays readable


def test_index_build_honours_the_file_limits_from_the_environment(tmp_path: Path) -> None:
    briefings = tmp_path / "briefings"
    briefings.mkdir()
    shutil.copy(SEED, briefings / SEED_NAME)
    env = {**_env(tmp_path, briefings), "BRIEFBOT_MAX_CHARACTERS": "100"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build"], capture_output=True, cwd=ROOT,
                          env=env, timeout=300, check=False)
    out = (proc.stdout + proc.stderr).decode()
    assert proc.returncode == 3, out  # a file was skipped
    assert "BRIEFBOT_MAX_CHARACTERS" in out and "Traceback" not in out
