"""`briefbot cite`: ask each question, lay the answers out as a meeting sheet, write .docx or Markdown."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from index.errors import BadQuestion, BriefbotError
from index.library import Library
from index.sheet import build_sheet
from index.sheet_render import render_docx, render_markdown
from index.validate import validate_question

__all__ = ["questions_from", "run_cite"]


def questions_from(args: Iterable[str], stdin: TextIO) -> list[str]:
    """The questions, checked; "-" stands for one question per line of standard input."""
    out: list[str] = []
    for arg in args:
        lines = [line for line in stdin.read().splitlines() if line.strip()] if arg == "-" else [arg]
        out += [line.strip() for line in lines]
    if not out:
        raise BadQuestion("没有问题：请在命令行给出问题，或用 - 从标准输入每行读一个。")
    checked = []
    for q in out:
        try:
            checked.append(validate_question(q))
        except BadQuestion as error:  # say which one, before any answer is searched
            raise BadQuestion(f"“{q[:40]}”：{error}") from None
    return checked


def _write(path: Path, data: bytes) -> None:
    """Write beside and rename, so a reader never opens half a document."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BriefbotError(f"cannot write {path}: the folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise BriefbotError(f"cannot write {path}: {error.strerror or error}") from None


def run_cite(args: argparse.Namespace, open_library: Callable[[], Library], stdin: TextIO = sys.stdin) -> int:
    """Every question is checked before the model and index load, so a typo costs no waiting."""
    questions = questions_from(args.questions, stdin)
    library = open_library()
    answers = [library.ask(q) for q in questions]
    texts = {f: b.text for f, b in library.searcher.snapshot.briefings.items()}
    sheet = build_sheet(answers, made=datetime.date.today().isoformat(), texts=texts)
    missing = sum(not e.answered for e in sheet.entries)
    if args.docx is None and args.md is None:
        print(render_markdown(sheet))
        return 0
    target: Path = args.docx or args.md
    _write(target, render_docx(sheet) if args.docx else render_markdown(sheet).encode("utf-8"))
    print(f"wrote {target}: {len(sheet.entries)} question(s), {missing} not found in the briefings, "
          f"{len(sheet.sources)} source(s)", file=sys.stderr)
    return 0
