#!/usr/bin/env bash
# scripts/bench query: median and tail query time over the search harness's 550 sampled queries
# (Chinese substrings, English words, phrases, prefixes, mixed; 30% with facet filters), in
# process through SearchService with facets and snippets, on the real documents of
# ../shared/corpus-real plus corpus/. Release build; REPEAT rounds after one warm-up (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
real="${TONGWEN_CORPUS_REAL:-$(cd .. && pwd)/shared/corpus-real}"
[[ -d "$real" ]] || { echo "bench query: $real is absent (set TONGWEN_CORPUS_REAL)" >&2; exit 2; }
cmake --preset release -DTONGWEN_BUILD_BENCH=ON >/dev/null
cmake --build --preset release --target bench_search
data=$(mktemp -d /tmp/tongwen-bench-query.XXXXXX)
trap 'rm -rf "$data"' EXIT
echo "bench query: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
build/release/tests/bench/bench_search "$data" "$real/iwslt-ted-zh-en" "$real/wmt22-generaltest-zh-en" \
  "$real/cn-gov-work-reports-wikisource" "$real/udhr-un" corpus
