#!/usr/bin/env bash
# The whole test suite from a clean clone: set up, lint, type-check, then every test (the real model included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1 NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
.venv/bin/ruff check index bot tests bench
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
