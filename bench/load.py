"""Load and fairness of the real `briefbot serve` against the fake Bot API: many users at once, one flooding.

    HF_HUB_OFFLINE=1 NO_PROXY=127.0.0.1,localhost .venv/bin/python bench/load.py              # 20 × 10 + flood 100
    HF_HUB_OFFLINE=1 NO_PROXY=127.0.0.1,localhost .venv/bin/python bench/load.py --users 5 --questions 2 --flood 30

Starts `briefbot serve` as a subprocess (the real model unless --model fake) over the bundled briefing, then:
one user asks a few questions one after another (one question's time); the users ask all their questions at
once (calm); then one user sends --flood questions at once and the users ask theirs again (flood). Prints
replies lost and errors (both must be 0) and the p50/p95 reply time of the users, calm and under the flood.
A reply's time runs from the moment the update is handed to the bot to its first message at the fake API.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "bot")]

from fake_telegram import Call, FakeTelegram  # noqa: E402

from bot import texts  # noqa: E402
from bot.render import escape  # noqa: E402

SEED = ROOT / "briefings" / "宁波支援合作工作简报_2022第10期.txt"
FIRST_USER, FLOODER = 50_000, 59_999
IDLE_SECONDS = 3.0  # the flooder's replies are over when none came for this long


@dataclass(frozen=True)
class Phase:
    """What one wave of questions got back."""

    name: str
    asked: int
    lost: int  # questions of the users that got no reply at all
    errors: int  # apologies sent and messages the fake API refused
    seconds: list[float]  # reply time of each of the users' questions that got one
    flood_answered: int = 0
    flood_told: int = 0  # "please wait" notices
    flood_asked: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def p95(self) -> float:
        if len(self.seconds) < 2:
            return self.seconds[0] if self.seconds else float("nan")
        return statistics.quantiles(self.seconds, n=20, method="inclusive")[18]

    def line(self) -> str:
        text = (f"{self.name:5}: {self.asked} questions, {self.lost} replies lost, {self.errors} errors; "
                f"reply p50 {self.p50:.2f} s, p95 {self.p95:.2f} s")
        if self.flood_asked:
            untaken = self.flood_asked - self.flood_answered - self.flood_told
            text += (f"; flooder sent {self.flood_asked}: {self.flood_answered} answered, "
                     f"{self.flood_told} told to wait, {untaken} not taken (line full)")
        return text


@dataclass(frozen=True)
class Report:
    single: float  # one question alone, median of a few asked one after another
    calm: Phase
    flood: Phase
    log_errors: int  # ERROR lines in serve's log

    def lines(self, args: str) -> list[str]:
        return [f"bench/load.py {args}".rstrip(),
                f"one question alone: {self.single:.2f} s",
                self.calm.line(),
                self.flood.line(),
                f"serve log: {self.log_errors} ERROR lines",
                f"flood delay: p50 {self.flood.p50 - self.calm.p50:+.2f} s, "
                f"p95 {self.flood.p95 - self.calm.p95:+.2f} s"]


def _questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "bench" / "questions_seed.jsonl").read_text("utf-8").splitlines()]
    return [row["question"] for row in rows if row["answerable"] and row["lang"] == "zh"]


def _serve_env(fake: FakeTelegram, work: Path, users: list[int], model: str | None) -> dict[str, str]:
    local = "127.0.0.1,localhost"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url,
           "BRIEFBOT_ALLOWED_USERS": ",".join(str(user) for user in [*users, FLOODER]),
           "BRIEFBOT_BRIEFINGS": str(work / "briefings"), "BRIEFBOT_INDEX": str(work / "index"),
           "HF_HUB_OFFLINE": "1", "NO_PROXY": local, "no_proxy": local, "PYTHONUNBUFFERED": "1"}
    env.pop("BRIEFBOT_MODEL", None)
    if model is not None:
        env["BRIEFBOT_MODEL"] = model
    return env


def _replies(fake: FakeTelegram) -> dict[int, Call]:
    """Question message id → the first message replying to it."""
    first: dict[int, Call] = {}
    for call in fake.successful("sendMessage"):
        if call.reply_to is not None and call.reply_to not in first:
            first[call.reply_to] = call
    return first


async def _wait_for_replies(fake: FakeTelegram, ids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(i in _replies(fake) for i in ids):
        await asyncio.sleep(0.1)


async def _wait_until_quiet(fake: FakeTelegram, chat_id: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    count, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len([c for c in fake.calls if c.chat_id == chat_id])
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= IDLE_SECONDS:
            return
        await asyncio.sleep(0.1)


async def _phase(fake: FakeTelegram, name: str, users: list[int], questions: list[str], per_user: int,
                 flood: int, timeout: float) -> Phase:
    mark = fake.mark()
    flood_ids = [fake.message(questions[n % len(questions)], user=FLOODER)["message_id"] for n in range(flood)]
    pushed: dict[int, float] = {}
    for round_ in range(per_user):  # each user's questions in order, users interleaved
        for number, user in enumerate(users):
            question = questions[(number * per_user + round_) % len(questions)]
            pushed[fake.message(question, user=user)["message_id"]] = time.monotonic()
    await _wait_for_replies(fake, list(pushed), timeout)
    if flood:
        await _wait_until_quiet(fake, FLOODER, timeout)
    replies = _replies(fake)
    apology = escape(texts.APOLOGY)
    since = [c for c in fake.calls[mark:] if c.method == "sendMessage"]
    errors = sum(c.text == apology for c in since if c.failed is None) + sum(
        c.failed is not None and c.failed.startswith("Bad Request") for c in since)
    notice = escape(texts.LINE_FULL.format(limit=10)).split("，")[0]
    flood_replies = [replies[i] for i in flood_ids if i in replies]
    told = sum(c.text.startswith(notice) for c in flood_replies)
    return Phase(name=name, asked=len(pushed), lost=sum(i not in replies for i in pushed), errors=errors,
                 seconds=sorted(replies[i].at - at for i, at in pushed.items() if i in replies),
                 flood_answered=len(flood_replies) - told, flood_told=told, flood_asked=flood)


async def _single(fake: FakeTelegram, questions: list[str], user: int, count: int = 5) -> float:
    times = []
    for question in questions[:count]:
        started = time.monotonic()
        message = fake.message(question, user=user)
        await _wait_for_replies(fake, [message["message_id"]], 120)
        times.append(_replies(fake)[message["message_id"]].at - started)
    return statistics.median(times)


async def run_load(users: int = 20, per_user: int = 10, flood: int = 100, model: str | None = None,
                   startup_timeout: float = 900, timeout: float = 600) -> Report:
    """Start serve over a scratch copy of the bundled briefing and run the three waves; serve is stopped after."""
    fake = FakeTelegram()
    await fake.start()
    user_ids = [FIRST_USER + n for n in range(users)]
    questions = _questions()
    with tempfile.TemporaryDirectory(prefix="briefbot-load-") as scratch:
        work = Path(scratch)
        (work / "briefings").mkdir()
        shutil.copy(SEED, work / "briefings" / SEED.name)
        log_path = work / "serve.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "serve", cwd=ROOT, env=_serve_env(fake, work, user_ids, model),
                stdout=log, stderr=log)
            try:
                await fake.wait_for("setMyCommands", timeout=startup_timeout)
                single = await _single(fake, questions, user_ids[0])
                calm = await _phase(fake, "calm", user_ids, questions, per_user, 0, timeout)
                flooded = await _phase(fake, "flood", user_ids, questions, per_user, flood, timeout)
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(process.wait(), 60)
                    except TimeoutError:
                        process.kill()
                        await process.wait()
                await fake.close()
        log_errors = sum(" ERROR " in line for line in log_path.read_text("utf-8", "replace").splitlines())
    return Report(single=single, calm=calm, flood=flooded, log_errors=log_errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="questions per user, sent at once")
    parser.add_argument("--flood", type=int, default=100, help="questions the flooding user sends at once")
    parser.add_argument("--model", help="BRIEFBOT_MODEL for serve (default: the real model; 'fake' for a dry run)")
    args = parser.parse_args()
    report = asyncio.run(run_load(args.users, args.questions, args.flood, args.model))
    shown = " ".join(sys.argv[1:])
    for line in report.lines(shown):
        print(line)
    failed = report.calm.lost + report.flood.lost + report.calm.errors + report.flood.errors + report.log_errors
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
