"""The briefings folder: which files a build reads, under which names, and which it skips and why.

A name is what staff see in citations and what the manifest stores, so it must be valid Unicode even
when the file system's bytes are not UTF-8 (a Windows archive unzipped leaves GBK names). A link is
followed only to a file inside the folder; anything else is listed with the reason it was not read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from index.errors import BriefbotError
from index.records import Skipped

__all__ = ["BriefingFile", "display_name", "scan_folder"]

OUTSIDE = "a link to outside the briefings folder (not followed)"
DANGLING = "a link whose target does not exist"
FOLDER_LINK = "a link to a folder (not followed; put the files themselves in the briefings folder)"
NOT_REGULAR = "not a regular file"
SAME_NAME = "another file has the same name once decoded (rename one of them)"


@dataclass(frozen=True)
class BriefingFile:
    """One file to read: where its bytes are, and its name relative to the folder."""

    path: Path  # the file, or for a link the file inside the folder it points to
    name: str  # "/"-separated, relative to the folder, valid Unicode


def display_name(relative: Path) -> str:
    """A relative path as valid Unicode text, read the way file contents are.

    Bytes that are not UTF-8 are read as GB18030 (what GBK-era archives hold); bytes that are neither
    keep a U+FFFD each rather than a surrogate that cannot be written out.
    """
    raw = os.fsencode(relative.as_posix())
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", errors="replace")


def scan_folder(folder: Path) -> tuple[list[BriefingFile], list[Skipped]]:
    """Every visible file under `folder` in name order, and the entries skipped with their reasons."""
    if not folder.is_dir():
        raise BriefbotError(f"briefings folder {folder} does not exist: set BRIEFBOT_BRIEFINGS or --briefings")
    root = folder.resolve()
    entries = list(_walk(folder))
    regular = {os.path.realpath(p) for p in entries if not p.is_symlink() and p.is_file()}
    found: dict[str, BriefingFile] = {}
    skipped: list[Skipped] = []
    for path in sorted(entries, key=lambda p: display_name(p.relative_to(folder))):
        name = display_name(path.relative_to(folder))
        target, reason = _target(path, root, regular)
        if reason is None and name in found:
            reason = SAME_NAME
        if reason is not None:
            skipped.append(Skipped(name, reason))
        elif target is not None:
            found[name] = BriefingFile(target, name)
    return list(found.values()), skipped


def _walk(folder: Path) -> list[Path]:
    """Files and links under `folder`, hidden names left out; links to folders are listed, not entered."""
    out: list[Path] = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in [*files, *dirs]:
            path = Path(top) / name
            if not name.startswith(".") and (name in files or path.is_symlink()):
                out.append(path)
    return out


def _target(path: Path, root: Path, regular: set[str]) -> tuple[Path | None, str | None]:
    """What to read for an entry (None: nothing), or why it is skipped."""
    if not path.is_symlink():
        return (path, None) if path.is_file() else (None, NOT_REGULAR)
    real = os.path.realpath(path)
    if not os.path.exists(real):
        return None, DANGLING
    if not Path(real).is_relative_to(root):
        return None, OUTSIDE
    if os.path.isdir(real):
        return None, FOLDER_LINK
    if real in regular:
        return None, None  # the file is read under its own name; reading it twice would quote it twice
    return (Path(real), None) if os.path.isfile(real) else (None, NOT_REGULAR)
