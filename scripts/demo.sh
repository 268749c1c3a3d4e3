#!/usr/bin/env bash
# The main job from a clean clone: set up, index the bundled briefing, answer a sample question.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/briefbot ask "${1:-消薄飞地累计返利多少？}"
