"""What one briefing file may cost to read: the one place each limit is checked.

Every check raises UnreadableFile with a reason that names the limit and the variable that sets it, so
the build skips the file and says why, and the rest of the folder is indexed.
"""

from __future__ import annotations

import os
import stat
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from index.config import MB, Limits
from index.errors import UnreadableFile

__all__ = ["Budget", "read_capped"]

_CHUNK = MB


def _mb(n: float) -> str:
    return f"{n / MB:g} MB"


class Budget:
    """The limits for one file, and the clock started when reading it began."""

    def __init__(self, limits: Limits, label: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.label = label
        self._clock = clock
        self._deadline = clock() + limits.seconds

    def refuse(self, what: str, variable: str) -> UnreadableFile:
        return UnreadableFile(self.label, f"{what} (the limit is set by {variable})")

    def check_time(self) -> None:
        if self._clock() > self._deadline:
            raise self.refuse(f"took longer than {self.limits.seconds:g} s to read", "BRIEFBOT_MAX_READ_SECONDS")

    def check_bytes(self, size: int) -> None:
        if size > self.limits.file_bytes:
            raise self.refuse(f"larger than {_mb(self.limits.file_bytes)} on disk", "BRIEFBOT_MAX_FILE_MB")

    def check_pages(self, pages: int) -> None:
        if pages > self.limits.pages:
            raise self.refuse(f"more than {self.limits.pages} pages", "BRIEFBOT_MAX_PAGES")

    def check_characters(self, characters: int) -> None:
        if characters > self.limits.characters:
            raise self.refuse(f"more than {self.limits.characters:,} characters of text", "BRIEFBOT_MAX_CHARACTERS")

    def check_zip(self, archive: zipfile.ZipFile) -> None:
        """Refuse a zip whose members unpack to more than the limit, before python-docx inflates any.

        The sizes the directory declares are checked first (a bomb is refused without inflating a byte);
        then every member is inflated in chunks and counted, so a directory that lies is caught too
        (zipfile itself stops a member at its declared size and checks its CRC).
        """
        cap = self.limits.expanded_bytes
        refuse = self.refuse(f"unpacks to more than {_mb(cap)}", "BRIEFBOT_MAX_EXPANDED_MB")
        if sum(info.file_size for info in archive.infolist()) > cap:
            raise refuse
        total = 0
        for info in archive.infolist():
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > cap:
                        raise refuse
                    self.check_time()


def read_capped(path: Path, budget: Budget) -> bytes:
    """The bytes of a regular file, never more than the size limit read into memory.

    The last component is opened without following a link: the folder walk has already resolved the
    links it allows, so a file swapped for a link after the walk is refused, not followed.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableFile(budget.label, f"cannot be opened ({exc.strerror or 'no access'})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(budget.label, "not a regular file")
        budget.check_bytes(info.st_size)
        try:
            data = handle.read(budget.limits.file_bytes + 1)  # a file that grew since fstat is caught here
        except OSError as exc:
            raise UnreadableFile(budget.label, f"cannot be read ({exc.strerror or 'I/O error'})") from None
    budget.check_bytes(len(data))
    return data
