#!/usr/bin/env bash
# scripts/bench convert: conversion throughput (MB/s) of `tongwen convert` on real samples of every format
#
# Builds the release preset, then measures two ways:
#   1. whole process: `tongwen convert --compact FILE > /dev/null` RUNS times per file (default 5,
#      after one warm-up) with hyperfine when installed (scripts/setup --bench), else a bash loop;
#   2. in process: tests/bench/bench_convert repeats the conversion for at least a second per file
#      (what a bulk load pays per file: no start-up, no JSON output). Files: ../shared/corpus-real (office DOCX/PDF/HTML, JSON Lines, TED,
# WMT, TMX, TEI, UDHR XML, legacy-encoded text), the project's subtitle fixtures, a 1,000-document
# JSON Lines file from ../shared/bench-peers/gen-corpus.py, and the 72 government work reports
# written out as one 3 MB plain-text file. Each run is a whole process: start-up (ICU data,
# registry) is measured on a 600-byte file and shown, and "net MB/s" subtracts it.
# Usage: scripts/bench convert [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-${RUNS:-5}}"
real="${TONGWEN_CORPUS_REAL:-$(cd .. && pwd)/shared/corpus-real}"
peers="${TONGWEN_BENCH_PEERS:-$(cd .. && pwd)/shared/bench-peers}"
[[ -d "$real" ]] || { echo "bench convert: $real is absent (set TONGWEN_CORPUS_REAL)" >&2; exit 2; }

if [[ -n "${TONGWEN_BENCH_BIN:-}" ]]; then
  bin="$TONGWEN_BENCH_BIN"  # an already-built release binary (e.g. from another build folder)
else
  cmake --preset release -DTONGWEN_BUILD_BENCH=ON >/dev/null
  cmake --build --preset release --target tongwen bench_convert
  bin="$PWD/build/release/app/tongwen"
fi
inproc="${TONGWEN_BENCH_CONVERT:-$PWD/build/release/tests/bench/bench_convert}"

work=$(mktemp -d /tmp/tongwen-bench-convert.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Generated inputs.
files=()
if [[ -f "$peers/gen-corpus.py" ]]; then
  python3 "$peers/gen-corpus.py" 1000 > "$work/gen-corpus-1000.jsonl"
  files+=("$work/gen-corpus-1000.jsonl")
fi
python3 - "$real/cn-gov-work-reports-wikisource/government_work_reports.jsonl" "$work/gov-reports.txt" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("title: 政府工作报告 1954-2025\nlang: zh-Hans\n\n")
    for line in src:
        r = json.loads(line)
        out.write(r["title"] + "\n\n" + r["content"].strip() + "\n\n")
PY
files+=("$work/gov-reports.txt")

# Real samples, one or more per format.
shopt -s nullglob
files+=("$real"/office/*.docx "$real"/office/*.pdf "$real"/office/*.html)
files+=("$real/cn-gov-work-reports-wikisource/government_work_reports.jsonl")
files+=("$real"/udhr-un/*.xml)
files+=("$real"/iwslt-ted-zh-en/iwslt15/*.xml)
files+=("$real"/wmt22-generaltest-zh-en/*.xml)
files+=("$real"/tico19-tmx-zh-en/*.tmx)
files+=("$real"/parla-clarin-tei/examples/Parla-CLARIN-Exemplar.xml "$real"/parla-clarin-tei/siParl2.0/SDT2/*.xml)
files+=("$real"/parla-clarin-tei/ParlaMint-GB-sample/2017/*.xml)
files+=("$real"/legacy-encodings/chardet-tests/Big5/_ude_1.txt "$real"/legacy-encodings/cpython-cjkencodings/gb18030.txt)
files+=(tests/data/subtitles/*.srt tests/data/subtitles/*.vtt)

have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1

# Mean and standard deviation in seconds of `tongwen convert FILE` over $runs runs.
time_convert() {
  local file="$1"
  if ((have_hyperfine)); then
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/h.json" --style none \
      "$bin convert --compact $file" >/dev/null 2>&1 || return 1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["mean"], r["stddev"] or 0)' "$work/h.json"
  else
    "$bin" convert --compact "$file" >/dev/null 2>&1 || return 1
    local times=() i s e
    for ((i = 0; i < runs; i++)); do
      s=$(date +%s%N)
      "$bin" convert --compact "$file" >/dev/null 2>&1
      e=$(date +%s%N)
      times+=("$((e - s))")
    done
    python3 -c 'import statistics,sys; t=[int(x)/1e9 for x in sys.argv[1:]]; print(statistics.mean(t), statistics.stdev(t) if len(t)>1 else 0)' "${times[@]}"
  fi
}

tiny="tests/data/subtitles/open-science.zh.srt"
read -r startup _ < <(time_convert "$tiny")

echo "bench convert: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $runs runs per file," \
  "$( ((have_hyperfine)) && echo hyperfine || echo 'bash loop')," "$(date -u +%Y-%m-%dT%H:%MZ)"
python3 -c 'import sys; print(f"process start-up + tiny file: {float(sys.argv[1])*1000:.1f} ms\n")' "$startup"
printf "%-10s %-52s %10s %10s %8s %8s %9s\n" format file bytes "mean ms" "± ms" "MB/s" "net MB/s"
total_bytes=0
total_net=0
for f in "${files[@]}"; do
  [[ -f "$f" ]] || continue
  format=$("$bin" convert --compact "$f" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["format"])' 2>/dev/null) || format="(error)"
  size=$(stat -c %s "$f")
  name="${f#"$real"/}"
  name="${name#"$work"/}"
  if [[ "$format" == "(error)" ]] || ! read -r mean sd < <(time_convert "$f"); then
    printf "%-10s %-52s %10d %10s\n" "(error)" "${name:0:52}" "$size" "-"
    continue
  fi
  python3 - "$format" "${name:0:52}" "$size" "$mean" "$sd" "$startup" <<'PY'
import sys
fmt, name, size, mean, sd, startup = sys.argv[1], sys.argv[2], int(sys.argv[3]), *map(float, sys.argv[4:])
mb = size / 1e6
net = mean - startup
print(f"{fmt:<10} {name:<52} {size:>10} {mean*1000:>10.1f} {sd*1000:>8.1f} {mb/mean:>8.2f} {(mb/net if net > 0.002 else float('nan')):>9.2f}")
PY
done
echo
echo "MB = 10^6 bytes of input file. net MB/s = bytes / (mean - start-up); n/a (nan) when the file"
echo "converts within 2 ms of the start-up time. Output JSON is written to /dev/null (serialising is included)."

if [[ -x "$inproc" ]]; then
  echo
  echo "In process (bench_convert: convert_file_each repeated for >= 1 s per file, no start-up, no JSON output)"
  printf "%-10s %-52s %10s %8s %10s %8s\n" format file bytes runs "ms/file" "MB/s"
  existing=()
  for f in "${files[@]}"; do [[ -f "$f" ]] && existing+=("$f"); done
  "$inproc" "${existing[@]}" | while IFS=$'\t' read -r format size n ms mbs path _; do
    name="${path#"$real"/}"
    name="${name#"$work"/}"
    printf "%-10s %-52s %10s %8s %10s %8s\n" "$format" "${name:0:52}" "$size" "$n" "$ms" "$mbs"
  done
fi
