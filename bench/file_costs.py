"""What reading the largest briefing files costs: bytes, unpacked bytes, pages, characters, seconds.

The defaults of index.config.Limits are set from what this prints for the evaluation corpus:
    python -m bench.file_costs ../shared/corpus
"""

from __future__ import annotations

import argparse
import time
import zipfile
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from index.config import Limits
from index.errors import UnreadableFile
from index.folder import scan_folder
from index.readers import SUPPORTED, read_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    folder = parser.parse_args().folder
    unlimited = replace(Limits(), file_bytes=2**40, expanded_bytes=2**40, pages=2**31, characters=2**40,
                        seconds=1e9)
    rows: dict[str, list[tuple[int, int, int, int, float]]] = {}
    files, _ = scan_folder(folder)
    for file in files:
        suffix = file.path.suffix.lower()
        if suffix not in SUPPORTED:
            continue
        data = file.path.read_bytes()
        started = time.perf_counter()
        try:
            characters = len(read_data(data, suffix, file.name, unlimited).text)
        except UnreadableFile:
            continue
        seconds = time.perf_counter() - started
        expanded = pages = 0
        if suffix == ".docx":
            with zipfile.ZipFile(file.path) as archive:
                expanded = sum(info.file_size for info in archive.infolist())
        if suffix == ".pdf":
            pages = len(PdfReader(file.path).pages)
        group = "text" if suffix in (".txt", ".md") else suffix
        rows.setdefault(group, []).append((len(data), expanded, pages, characters, seconds))
    print("format  files  largest: bytes  unpacked   pages  characters  seconds")
    for group, found in sorted(rows.items()):
        size, expanded, pages, characters, seconds = (max(column) for column in zip(*found, strict=True))
        print(f"{group:7s} {len(found):<6d} {size:<15,d} {expanded:<10,d} {pages:<6d} {characters:<11,d} "
              f"{seconds:.2f}")


if __name__ == "__main__":
    main()
