#!/usr/bin/env bash
# Lays out the evaluation collection: the bundled briefing plus the government work reports of ../shared/corpus,
# under the names bench/questions_reports.jsonl refers to. Usage: bench/make_corpus.sh [DEST] (default var/corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-var/corpus}
shared=${SHARED:-../shared}/corpus
rm -rf "$dest" && mkdir -p "$dest/provincial-2025" "$dest/provincial-2026" "$dest/national"
cp briefings/*.txt "$dest/"
cp "$shared"/gov-work-reports-provincial-2025/txt/*.txt "$dest/provincial-2025/"
cp "$shared"/gov-work-reports-provincial-2026/txt/*.txt "$dest/provincial-2026/"
cp "$shared"/gov-work-reports-national/txt/*.txt "$dest/national/"
find "$dest" -type f | wc -l
