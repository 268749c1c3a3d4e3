"""Time and peak memory of reading the hostile files of issue 8 at the default limits, one process each.

    .venv/bin/python -m bench.hostile_costs
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CASES = {
    "md-bold-160k": "160 KB .md of one line of \"**a \"",
    "md-numerals-160k": "160 KB .md of one line of \"一二\"",
    "docx-bomb-300mb": ".docx of 0.3 MB unpacking to 300 MB",
    "pdf-100k-pages": "PDF of 16 MB and 100,000 pages",
    "txt-20mb": "20 MB of plain text",
}


def _make(case: str, folder: Path) -> Path:
    from hostile_files import make_pdf, write_docx

    if case.startswith("md-"):
        unit = "**a " if "bold" in case else "一二"
        path = folder / "hostile.md"
        path.write_text((unit * (160 * 1024 // len(unit)))[: 160 * 1024], encoding="utf-8")
    elif case == "docx-bomb-300mb":
        path = folder / "bomb.docx"
        write_docx(path, ["简报。"], padding=300 * 1024 * 1024)
    elif case == "pdf-100k-pages":
        path = folder / "pages.pdf"
        path.write_bytes(make_pdf([bytes([1, 2, 3])] * 100_000, {1: "简", 2: "报", 3: "。"}, shared_content=True))
    else:
        path = folder / "big.txt"
        path.write_bytes(("简报正文，内容。" * (20 * 1024 * 1024 // 24)).encode("utf-8"))
    return path


def _one(case: str) -> None:
    from index.errors import UnreadableFile
    from index.readers import read_document

    with tempfile.TemporaryDirectory() as tmp:
        path = _make(case, Path(tmp))
        size = path.stat().st_size
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            outcome = f"read, {len(read_document(path)):,} characters"
        except UnreadableFile as exc:
            outcome = f"refused: {exc.reason}"
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{case:18s} {size / 2**20:7.1f} MB  {seconds:6.2f} s  peak {peak / 1024:6.0f} MB "
          f"(+{max(0, peak - before) / 1024:.0f} MB reading)  {outcome}")


def main() -> None:
    if len(sys.argv) > 1:
        _one(sys.argv[1])
        return
    for case in CASES:
        subprocess.run([sys.executable, "-m", "bench.hostile_costs", case], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
