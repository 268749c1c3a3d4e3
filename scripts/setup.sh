#!/usr/bin/env bash
# Sets everything up from a clean clone: a virtual environment in .venv, the pinned packages,
# and the embedding model converted into the user cache (once; later runs reuse it).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python
# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
"$VPY" -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
"$VPY" -m pip install --quiet --disable-pip-version-check -e ".[dev,webhooks]"
export HF_HUB_OFFLINE=1
.venv/bin/briefbot model prepare
