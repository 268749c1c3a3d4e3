"""The tab-separated data files shipped in index/data, read the same way by every module that uses one."""

from __future__ import annotations

from importlib import resources

__all__ = ["tsv_rows"]


def tsv_rows(name: str, columns: int) -> list[list[str]]:
    """The rows of index/data/`name`: blank lines and `#` comments skipped, each row exactly `columns` fields."""
    raw = resources.files("index").joinpath(f"data/{name}").read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != columns:
            raise ValueError(f"{name} line {number}: {len(fields)} tab-separated fields, not {columns} ({line!r})")
        rows.append(fields)
    return rows
