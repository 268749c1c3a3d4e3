"""Shared fixtures: the bundled seed briefing, a small briefings folder, and libraries over them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from paths import SEED, SEED_NAME, SHARED

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def seed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "briefings"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED_NAME)
    return folder


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not present")
    return SHARED
