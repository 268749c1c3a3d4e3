"""The `briefbot` entry point: the library's commands plus `serve`, which runs the Telegram bot."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from index.cli import build_parser, dispatch
from index.config import Settings


def main(argv: list[str] | None = None) -> int:
    parser, sub = build_parser()
    serve = sub.add_parser("serve", help="run the Telegram bot (builds the index first if there is none)")
    serve.add_argument("--briefings", type=Path, help="briefings folder (default $BRIEFBOT_BRIEFINGS or ./briefings)")
    serve.add_argument("--index", type=Path, help="index folder (default $BRIEFBOT_INDEX or ./var/index)")
    serve.set_defaults(handler=_serve)
    return dispatch(parser.parse_args(argv))


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve import run

    return run(settings, dict(os.environ))


if __name__ == "__main__":
    sys.exit(main())
