"""`briefbot serve` as staff run it: a separate process, the fake Bot API, SIGTERM to stop."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import signal
from pathlib import Path

import pytest
from conftest import ALICE, env_for
from fake_telegram import FakeTelegram
from serve_process import start_serve

from bot.serve import document_reader, run
from index.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "briefings" / "宁波支援合作工作简报_2022第10期.txt"


def test_missing_token_is_a_clear_error_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(tmp_path / "b", tmp_path / "i", "fake", tmp_path / "c")
    assert run(settings, {}) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert run(settings, {"TELEGRAM_BOT_TOKEN": "oops secret-value"}) == 2
    assert "secret-value" not in capsys.readouterr().err


def _serve_env(fake: FakeTelegram, tmp_path: Path, model: str | None) -> dict[str, str]:
    briefings = tmp_path / "briefings"
    briefings.mkdir()
    shutil.copy(SEED, briefings / SEED.name)
    local = "127.0.0.1,localhost"
    env = {**os.environ, **env_for(fake), "NO_PROXY": local, "no_proxy": local,
           "BRIEFBOT_BRIEFINGS": str(briefings), "BRIEFBOT_INDEX": str(tmp_path / "index"),
           "BRIEFBOT_ALLOWED_USERS": str(ALICE), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    if model is not None:
        env["BRIEFBOT_MODEL"] = model
    return env


async def _serve_and_ask(fake: FakeTelegram, env: dict[str, str], startup_timeout: float) -> str:
    """Start `briefbot serve`, ask one private question, stop it with SIGTERM; return the answer text."""
    process = await start_serve(env, fake, startup_timeout, keep_stdout=True)
    try:
        question = fake.message("消薄飞地累计返利多少？", user=ALICE)
        [reply] = await fake.wait_for("sendMessage", timeout=120,
                                      where=lambda c: c.reply_to == question["message_id"])
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        assert process.returncode == 0
        out = b"".join([await process.stdout.read(), await process.stderr.read()]).decode()  # type: ignore[union-attr]
        assert fake.token not in out and fake.token.split(":")[1] not in out
        return reply.text
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.slow
async def test_serve_subprocess_with_the_fake_embedder(fake: FakeTelegram, tmp_path: Path) -> None:
    """The whole production path (CLI → serve.run → Library → run_polling) without the real model."""
    if importlib.util.find_spec("index.library") is None or importlib.util.find_spec("bot.cli") is None:
        pytest.skip("index.library / bot.cli are not in place yet: `briefbot serve` cannot start")
    text = await _serve_and_ask(fake, _serve_env(fake, tmp_path, model="fake"), startup_timeout=120)
    assert "2022年第10期" in text


@pytest.mark.model
@pytest.mark.slow
async def test_serve_subprocess_real(fake: FakeTelegram, tmp_path: Path) -> None:
    """`briefbot serve` with the real model builds its index and answers with the figure and citation."""
    if importlib.util.find_spec("index.library") is None or importlib.util.find_spec("bot.cli") is None:
        pytest.skip("index.library / bot.cli are not in place yet: `briefbot serve` cannot start")
    text = await _serve_and_ask(fake, _serve_env(fake, tmp_path, model=None), startup_timeout=900)
    assert "932.7" in text
    assert "2022年第10期" in text


def test_uploads_are_read_within_the_configured_file_limits(tmp_path: Path) -> None:
    from index.errors import BriefbotError

    upload = tmp_path / "简报.txt"
    upload.write_text("第一句话。" * 100, encoding="utf-8")
    roomy = document_reader(Settings.from_env({}))
    assert roomy(upload, upload.name).startswith("第一句话")
    tight = document_reader(Settings.from_env({"BRIEFBOT_MAX_CHARACTERS": "50"}))
    with pytest.raises(BriefbotError, match="BRIEFBOT_MAX_CHARACTERS"):
        tight(upload, upload.name)
