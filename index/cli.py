"""The `briefbot` command: parses arguments, calls the library, renders, maps errors to exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from index.config import Settings
from index.errors import BadQuestion, BriefbotError
from index.validate import validate_question

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3
EXIT_PIPE = 141  # the reader of our output went away (`briefbot ask … | head`): what the shell reports for SIGPIPE
Handler = Callable[[argparse.Namespace, Settings], int]


def _folders(p: argparse.ArgumentParser) -> None:
    p.add_argument("--briefings", type=Path, help="briefings folder (default $BRIEFBOT_BRIEFINGS or ./briefings)")
    p.add_argument("--index", type=Path, help="index folder (default $BRIEFBOT_INDEX or ./var/index)")


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    """The parser and its subcommand set, so front ends can add their own commands."""
    parser = argparse.ArgumentParser(prog="briefbot", description="Quote the briefings: answers with citations.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    idx = sub.add_parser("index", help="build or inspect the index").add_subparsers(dest="action", required=True)
    b = idx.add_parser("build", help="index the briefings folder (incremental; atomic swap)")
    _folders(b)
    b.add_argument("--full", action="store_true", help="start over instead of reusing unchanged work")
    b.set_defaults(handler=_index_build)
    s = idx.add_parser("status", help="what is indexed")
    _folders(s)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_index_status)

    a = sub.add_parser("ask", help="answer a question ('-' reads one question per line from stdin)")
    a.add_argument("question")
    _folders(a)
    a.add_argument("--json", action="store_true", help="print JSON (JSON lines with '-')")
    a.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid", help=argparse.SUPPRESS)
    a.set_defaults(handler=_ask)

    c = sub.add_parser("cite", help="a meeting sheet: answers, quotes, citations, figure history (.docx or .md)")
    c.add_argument("questions", nargs="+", metavar="QUESTION", help="questions ('-' reads one per line from stdin)")
    _folders(c)
    where = c.add_mutually_exclusive_group()
    where.add_argument("--docx", type=Path, metavar="FILE", help="write a Word document")
    where.add_argument("--md", type=Path, metavar="FILE", help="write Markdown (default: Markdown on stdout)")
    c.set_defaults(handler=_cite)

    m = sub.add_parser("model", help="the embedding model").add_subparsers(dest="action", required=True)
    mp = m.add_parser("prepare", help="convert the bundled model and export it to ONNX in the cache (once); check both")
    mp.set_defaults(handler=_model_prepare)

    e = sub.add_parser("eval", help="measure answer quality and speed on a question file")
    e.add_argument("file", type=Path, nargs="+", help="JSON lines of questions with gold sentences")
    _folders(e)
    e.add_argument("--json", action="store_true")
    e.add_argument("--compare", action="store_true", help="also run BM25 alone, dense alone and a chunk baseline")
    e.add_argument("--floor", type=float, help="exit non-zero when hybrid top-1 falls below this share")
    e.add_argument("--split", choices=["all", "test", "dev"], default="all",
                   help="score only one half of each set (fixed by a hash of the question id); default both")
    e.set_defaults(handler=_eval)
    return parser, sub


def settings_for(args: argparse.Namespace, env: dict[str, str] | None = None) -> Settings:
    settings = Settings.from_env(env)
    if getattr(args, "briefings", None):
        settings = replace(settings, briefings=args.briefings)
    if getattr(args, "index", None):
        settings = replace(settings, index=args.index)
    return settings


def dispatch(args: argparse.Namespace) -> int:
    """Run a parsed command; errors become a message on stderr and an exit code."""
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a mistaken hub name fails at once instead of hanging
    handler: Handler = args.handler
    try:
        code = handler(args, settings_for(args))
        sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
        return code
    except BriefbotError as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, BadQuestion) else EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_PIPE


def _discard_stdout() -> None:
    # Python flushes stdout again at exit and would print a second BrokenPipeError; point it at devnull.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    parser, _ = build_parser()
    return dispatch(parser.parse_args(argv))


def _progress_bar() -> Any:
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            # Off a terminal (a service log, CI) tqdm writes a line every 30 s instead of redrawing.
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="", file=sys.stderr, leave=False,
                                     disable=total < 2, mininterval=0.1 if sys.stderr.isatty() else 30)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return progress


def _index_build(args: argparse.Namespace, settings: Settings) -> int:
    from index import store
    from index.build import build_index
    from index.embed import load_embedder
    from index.tokenize import keep_cache_in

    keep_cache_in(settings.word_cache)
    embedder = load_embedder(settings, build=True, built_with=store.built_with(settings.index))
    report = build_index(settings.briefings, settings.index, embedder, full=args.full, progress=_progress_bar(),
                         limits=settings.limits)
    print(
        f"indexed {report.files_indexed} file(s), reused {report.files_reused} unchanged, "
        f"skipped {len(report.skipped)}; {report.sentences} sentences, {report.embedded} embedded, "
        f"{report.seconds:.1f} s → {settings.index}"
    )
    for s in report.skipped:
        print(f"  skipped {s.file}: {s.reason}")
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def _open(settings: Settings) -> Any:
    from index.library import Library

    return Library.open(settings, progress=_progress_bar())


def _index_status(args: argparse.Namespace, settings: Settings) -> int:
    from index.library import index_info
    from index.render import format_status, json_text, status_json
    from index.store import load

    info = index_info(load(settings.index))  # no model needed to describe the index
    print(json_text(status_json(info), indent=2) if args.json else format_status(info))
    return EXIT_OK


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from index.render import answer_json, format_answer, json_text

    library = _open(settings)

    def one(question: str) -> str:
        # Checked once here; the answer keeps the question as typed, for matching output lines to input.
        answer = replace(library.ask(validate_question(question), mode=args.mode), question=question)
        if args.json:
            return json_text(answer_json(answer), indent=None if args.question == "-" else 2)
        return format_answer(answer)

    if args.question != "-":
        print(one(args.question))
        return EXIT_OK
    for question, problem in batch_questions(sys.stdin.buffer):
        if problem is None:
            try:
                print(one(question), flush=True)
            except BadQuestion as exc:
                problem = str(exc)
        if problem is not None:
            print(json_text({"question": question, "error": problem}) if args.json else f"briefbot: {problem}",
                  flush=True)
        if not args.json:
            print(flush=True)
    return EXIT_OK


def _cite(args: argparse.Namespace, settings: Settings) -> int:
    from index.sheet_command import run_cite

    return run_cite(args, lambda: _open(settings))


def batch_questions(lines: Iterable[bytes]) -> Iterator[tuple[str, str | None]]:
    """(question, None) for each non-blank line, or (the line as far as readable, why) if it is not UTF-8."""
    for number, raw in enumerate(lines, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            shown = raw.decode("utf-8", "backslashreplace").strip()
            yield shown, (f"line {number} is not UTF-8 text (byte {exc.start + 1} of the line); "
                          "save the questions as UTF-8 and send it again")
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")  # a byte order mark from Windows editors
        if text.strip():
            yield text.strip(), None


def _model_prepare(args: argparse.Namespace, settings: Settings) -> int:
    from index.config import DEFAULT_MODEL
    from index.model import prepare_model

    def say(message: str) -> None:
        print(message, file=sys.stderr)

    print(f"model ready: {prepare_model(settings, log=say)}")
    if settings.model == DEFAULT_MODEL:  # the ONNX encoders are made at set-up whichever one is configured
        from index.onnx_export import ensure_onnx_model

        print(f"ONNX model ready: {ensure_onnx_model(settings, log=say)}")
    return EXIT_OK


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from index.evaluate import run_eval

    return run_eval(args, settings, _open(settings))
