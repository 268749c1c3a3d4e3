"""Where the tests find the bundled briefing and the shared evaluation corpus."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_NAME = "宁波支援合作工作简报_2022第10期.txt"
SEED = ROOT / "briefings" / SEED_NAME
SHARED = ROOT.parent / "shared"
