"""Cache folders made once: a failure leaves nothing behind and, when asked, says what to check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.cachedir import MARKER, make_once
from index.errors import ModelUnavailable


def _disk_full(work: Path) -> dict[str, Any]:
    (work / "half.bin").write_bytes(b"\0" * 10)
    raise OSError(28, "No space left on device")


def test_a_failure_becomes_the_callers_message_and_leaves_no_folder(tmp_path: Path) -> None:
    target = tmp_path / "models" / "m"
    with pytest.raises(ModelUnavailable, match=r"^making m failed \(OSError") as caught:
        make_once(target, _disk_full, failure=lambda error: f"making m failed ({type(error).__name__})")
    assert isinstance(caught.value.__cause__, OSError)
    assert list((tmp_path / "models").iterdir()) == []


def test_without_a_failure_message_the_error_is_raised_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="No space left"):
        make_once(tmp_path / "m", _disk_full)


def test_model_unavailable_keeps_its_own_message(tmp_path: Path) -> None:
    def refuse(work: Path) -> dict[str, Any]:
        raise ModelUnavailable("the SHA-256 does not match")

    with pytest.raises(ModelUnavailable, match="SHA-256"):
        make_once(tmp_path / "m", refuse, failure=lambda error: "generic")


def test_a_made_folder_is_kept_and_not_made_again(tmp_path: Path) -> None:
    calls: list[Path] = []

    def make(work: Path) -> dict[str, Any]:
        calls.append(work)
        (work / "weights.bin").write_bytes(b"w")
        return {"ok": True}

    target = make_once(tmp_path / "m", make, failure=lambda error: "generic")
    assert (target / MARKER).is_file() and (target / "weights.bin").read_bytes() == b"w"
    assert make_once(tmp_path / "m", make) == target and len(calls) == 1
