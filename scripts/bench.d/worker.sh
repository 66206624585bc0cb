#!/usr/bin/env bash
# scripts/bench worker: PDF load rate in process vs through the converter workers (convert.worker_memory_mb)
#
# Builds the release preset (or takes TONGWEN_BENCH_BIN), writes COPIES copies (default 20) of the
# real PDFs in ../shared/corpus-real/office under distinct names, then loads the folder with
# `tongwen ingest` into a fresh data folder RUNS times (default 3) each way: in process
# (convert.worker_memory_mb=0) and through the workers (the default). Prints the best wall time,
# files/s of each and the ratio worker/in-process (1.00 = no cost).
# Usage: scripts/bench worker [COPIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
copies="${1:-20}"
runs="${2:-3}"
real="${TONGWEN_CORPUS_REAL:-$(cd .. && pwd)/shared/corpus-real}"
[[ -d "$real/office" ]] || { echo "bench worker: $real/office is absent (set TONGWEN_CORPUS_REAL)" >&2; exit 2; }
if [[ -n "${TONGWEN_BENCH_BIN:-}" ]]; then
  bin="$TONGWEN_BENCH_BIN"
else
  cmake --preset release >/dev/null
  cmake --build --preset release --target tongwen
  bin="$PWD/build/release/app/tongwen"
fi
work=$(mktemp -d /tmp/tongwen-bench-worker.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
shopt -s nullglob
pdfs=("$real"/office/*.pdf)
((${#pdfs[@]})) || { echo "bench worker: no PDF in $real/office" >&2; exit 2; }
for ((i = 0; i < copies; i++)); do
  for p in "${pdfs[@]}"; do cp "$p" "$work/in/c$i-$(basename "$p")"; done
done
n=$(find "$work/in" -name '*.pdf' | wc -l)
mb=$(du -sm "$work/in" | cut -f1)

best() {  # best wall seconds of RUNS loads with the given --set
  local b="" t
  for ((r = 0; r < runs; r++)); do
    rm -rf "$work/data"
    local s e
    s=$(date +%s.%N)
    "$bin" --data "$work/data" --set "$1" ingest "$work/in" >/dev/null 2>"$work/err" || {
      cat "$work/err" >&2
      exit 1
    }
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [[ -z "$b" ]] || (($(echo "$t < $b" | bc -l))); then b=$t; fi
  done
  echo "$b"
}
inproc=$(best convert.worker_memory_mb=0)
worker=$(best convert.worker_memory_mb=1024)
printf 'PDF load of %s files (%s MB), best of %s runs, %s\n' "$n" "$mb" "$runs" "$bin"
printf '%-12s %10s %10s\n' way seconds files/s
printf '%-12s %10.2f %10.1f\n' in-process "$inproc" "$(echo "$n / $inproc" | bc -l)"
printf '%-12s %10.2f %10.1f\n' worker "$worker" "$(echo "$n / $worker" | bc -l)"
printf 'load rate ratio worker/in-process: %.3f\n' "$(echo "$inproc / $worker" | bc -l)"
