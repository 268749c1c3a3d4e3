#!/usr/bin/env bash
# Lays out the evaluation collection: the bundled briefing plus the government work reports of ../shared/corpus,
# under the names bench/questions_reports.jsonl refers to. Usage: bench/make_corpus.sh [DEST] [PATTERN]
# (default var/corpus). PATTERN (an extended regular expression on the report's file name) keeps only the reports
# it matches, for a small collection that is quick to index: `bench/make_corpus.sh var/sub '广东|^2021_国务院'`.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-var/corpus}
pattern=${2:-.}
shared=${SHARED:-../shared}/corpus
rm -rf "$dest" && mkdir -p "$dest/provincial-2025" "$dest/provincial-2026" "$dest/national"
cp briefings/*.txt "$dest/"
for pair in gov-work-reports-provincial-2025:provincial-2025 gov-work-reports-provincial-2026:provincial-2026 \
    gov-work-reports-national:national; do
    for f in "$shared/${pair%%:*}"/txt/*.txt; do
        if basename "$f" | grep -Eq -- "$pattern"; then cp "$f" "$dest/${pair#*:}/"; fi
    done
done
find "$dest" -type f | wc -l
