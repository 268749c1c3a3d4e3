"""Where the tests find the bundled briefing and the shared evaluation corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SEED_NAME = "宁波支援合作工作简报_2022第10期.txt"
SEED = ROOT / "briefings" / SEED_NAME
SHARED = ROOT.parent / "shared"
# A speech as the State Council's reports open: no title line, the salutation and the prose first.
SPEECH = ("各位代表：\n\n现在，我代表国务院，向大会报告政府工作。\n\n"
          "一、2024年工作回顾\n\n国内生产总值达到134.9万亿元。\n")


def bench_script(name: str) -> ModuleType:
    """A script of bench/ loaded as a module (registered, so its dataclasses resolve their own module)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
