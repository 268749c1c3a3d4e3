"""The real `briefbot serve` as a subprocess against the fake Bot API, for the end-to-end bot tests."""

from __future__ import annotations

import asyncio
import sys

import pytest
from fake_telegram import FakeTelegram
from paths import ROOT


async def start_serve(env: dict[str, str], fake: FakeTelegram, startup_timeout: float,
                      keep_stdout: bool = False) -> asyncio.subprocess.Process:
    """Start `briefbot serve` and wait until it polls; fail with its stderr if it exits first."""
    mark = fake.mark()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE if keep_stdout else asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    ready = asyncio.ensure_future(fake.wait_for("setMyCommands", timeout=startup_timeout,
                                                where=lambda c: c.seq >= mark))
    exited = asyncio.ensure_future(process.wait())
    await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
    if not ready.done():
        ready.cancel()
        err = (await process.stderr.read()).decode() if process.stderr else ""
        pytest.fail(f"serve exited with {process.returncode} before polling:\n{err[-3000:]}")
    exited.cancel()
    return process
