"""Where the tests find the bundled briefing and the shared evaluation corpus."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_NAME = "宁波支援合作工作简报_2022第10期.txt"
SEED = ROOT / "briefings" / SEED_NAME
SHARED = ROOT.parent / "shared"
# A speech as the State Council's reports open: no title line, the salutation and the prose first.
SPEECH = ("各位代表：\n\n现在，我代表国务院，向大会报告政府工作。\n\n"
          "一、2024年工作回顾\n\n国内生产总值达到134.9万亿元。\n")
