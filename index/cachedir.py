"""Folders in the user cache made once, checked, and moved into place whole.

A folder is complete when its marker file exists: the marker is written last, inside a temp folder
beside the target, and the temp folder is renamed into place. A crash leaves only a temp folder whose
process is gone, which the next attempt removes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.errors import ModelUnavailable

__all__ = ["MARKER", "is_complete", "make_once"]

MARKER = "briefbot-converted.json"  # written last: its presence means the folder is complete and verified


def is_complete(target: Path) -> bool:
    return (target / MARKER).is_file()


def make_once(
    target: Path, make: Callable[[Path], dict[str, Any]], failure: Callable[[Exception], str] | None = None,
) -> Path:
    """Run make(work) in a temp folder beside target, write its report as the marker, swap it in.

    With `failure`, any other error than ModelUnavailable (disk full, out of memory, a changed library)
    becomes ModelUnavailable(failure(error)): a message that says what to check.
    """
    if is_complete(target):
        return target
    try:
        return _make(target, make)
    except ModelUnavailable:
        raise
    except Exception as error:
        if failure is None:
            raise
        raise ModelUnavailable(failure(error)) from error


def _make(target: Path, make: Callable[[Path], dict[str, Any]]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    work.chmod(0o755)  # mkdtemp's 0700 would hide a shared cache from other users
    try:
        report = make(work)
        (work / MARKER).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _install(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _install(work: Path, target: Path) -> None:
    """Move a complete, verified folder into place; a folder there without a marker is a leftover."""
    if target.exists() and not is_complete(target):
        shutil.rmtree(target)
    try:
        os.rename(work, target)
    except OSError as error:
        if not is_complete(target):  # another process finishing first is fine; anything else is not
            raise ModelUnavailable(f"Cannot move the prepared model into {target}: {error}") from error


def _remove_stale_temps(target: Path) -> None:
    """Delete temp folders left by runs whose process has gone (a crash or a kill)."""
    pattern = re.compile(re.escape(f".{target.name}.tmp-") + r"(\d+)-")
    for candidate in target.parent.glob(f".{target.name}.tmp-*"):
        match = pattern.match(candidate.name)
        if match and not process_alive(int(match.group(1))):
            shutil.rmtree(candidate, ignore_errors=True)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    try:  # a killed process stays a zombie until it is reaped: that is gone too
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")
