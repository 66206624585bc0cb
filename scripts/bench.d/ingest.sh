#!/usr/bin/env bash
# scripts/bench ingest: bulk load of N synthetic bilingual documents (docs/s, MB/s, peak RSS, index size, no-op re-run), side by side with Groonga
#
# Usage: scripts/bench ingest [N...]          (default: 10000 100000)
# The documents come from ../shared/bench-peers/gen-corpus.py (2-4 KB, 55% Chinese / 45% English,
# speakers and topics; corpus N is a prefix of every larger one), as one JSON Lines file per N,
# loaded by `tongwen ingest` (release build) and by Groonga (../shared/bench-peers/peer-groonga.sh)
# in the same run. Peak RSS and CPU seconds come from GNU time; "other CPU" is what the rest of the
# machine used during the step (this machine is shared: compare rows of one run only).
#
# Environment:
#   BENCH_DIR      work folder (default: a new /tmp/tongwen-bench-ingest.XXXXXX, removed unless KEEP=1)
#   KEEP=1         keep the work folder (corpora, indexes, raw results)
#   QUIET_MAX      seconds to wait for a quiet CPU before each timed step (default 120)
#   SETTINGS       extra `--set key=value` pairs for tongwen, space-separated (e.g. "ingest.batch_size=250")
#   LAYOUT         "jsonl" (default): one JSON Lines file per N, as Groonga loads it;
#                  "files:K": the same documents split into files of K documents each (many files:
#                  parallel conversion, and a no-op re-run that checks every file)
#   SKIP_GROONGA=1 load only tongwen
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

sizes=("$@")
((${#sizes[@]})) || sizes=(10000 100000)
peers_src="${TONGWEN_BENCH_PEERS:-$(cd .. && pwd)/shared/bench-peers}"
[[ -d "$peers_src" ]] || { echo "bench ingest: $peers_src is absent (set TONGWEN_BENCH_PEERS)" >&2; exit 2; }

./scripts/setup --bench >&2
cmake --preset release >/dev/null
cmake --build --preset release --target tongwen >/dev/null
bin="$root/build/release/app/tongwen"

work="${BENCH_DIR:-$(mktemp -d /tmp/tongwen-bench-ingest.XXXXXX)}"
mkdir -p "$work"
[[ "${KEEP:-}" == 1 || -n "${BENCH_DIR:-}" ]] || trap 'rm -rf "$work"' EXIT
cp -r "$peers_src" "$work/"  # the peers folder is read-only where it is provided
peers="$work/bench-peers"
export WORK="$work/peer-work" RES="$work/peer-results"
mkdir -p "$WORK" "$RES"
quiet_max="${QUIET_MAX:-120}"

sets=()
for kv in ${SETTINGS:-}; do sets+=(--set "$kv"); done

# The largest corpus once; smaller ones are its prefixes.
max=0
for n in "${sizes[@]}"; do ((n > max)) && max=$n; done
echo "bench ingest: generating $max documents" >&2
python3 "$peers/gen-corpus.py" "$max" > "$work/corpus-$max.jsonl"
for n in "${sizes[@]}"; do
  [[ -f "$work/corpus-$n.jsonl" ]] || head -n "$n" "$work/corpus-$max.jsonl" > "$work/corpus-$n.jsonl"
done

if [[ -z "${SKIP_GROONGA:-}" ]]; then
  "$peers/peer-groonga.sh" install >/dev/null
fi

sysmark() { python3 "$peers/lib/cpu.py" --system; }
quiet() { python3 "$peers/lib/quiet.py" wait "$quiet_max" >/dev/null || true; }

# timed NAME CMD...: GNU time around CMD; stdout to NAME.out, time report to NAME.time, machine CPU
# before/after to NAME.sys
timed() {
  local name=$1; shift
  quiet
  local s0; s0=$(sysmark)
  /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out"
  echo "$s0 $(sysmark)" > "$work/$name.sys"
}

echo "bench ingest: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), settings: ${SETTINGS:-defaults}, layout: ${LAYOUT:-jsonl}" >&2
layout="${LAYOUT:-jsonl}"
for n in "${sizes[@]}"; do
  corpus="$work/corpus-$n.jsonl"
  input="$corpus"
  if [[ "$layout" == files:* ]]; then
    input="$work/split-$n"
    rm -rf "$input" && mkdir -p "$input"
    split -l "${layout#files:}" -d -a 6 --additional-suffix=.jsonl "$corpus" "$input/part-"
  fi
  data="$work/tongwen-$n"
  rm -rf "$data"
  echo "bench ingest: tongwen, $n documents" >&2
  timed "load-$n" "$bin" --data "$data" "${sets[@]}" ingest --quiet --json "$input"
  timed "rerun-$n" "$bin" --data "$data" "${sets[@]}" ingest --quiet --json "$input"
  du -s --block-size=1 "$data/index" | cut -f1 > "$work/index-$n.bytes"
  if [[ -z "${SKIP_GROONGA:-}" ]]; then
    echo "bench ingest: groonga, $n documents" >&2
    quiet
    "$peers/peer-groonga.sh" load "$corpus" > /dev/null
    cp "$RES/groonga-load.json" "$work/groonga-$n.json"
  fi
done

python3 - "$work" "${sizes[@]}" <<'PY'
import json, os, re, sys
work, sizes = sys.argv[1], [int(x) for x in sys.argv[2:]]
def gnu_time(path):
    t = open(path).read()
    g = lambda k: re.search(re.escape(k) + r": (.*)", t).group(1)
    cpu = float(g("User time (seconds)")) + float(g("System time (seconds)"))
    return cpu, int(g("Maximum resident set size (kbytes)")) / 1024
def other(name, cpu):
    a, b = open(os.path.join(work, name + ".sys")).read().split()
    return max(0.0, float(b) - float(a) - cpu)
rows = []
print("| N | input MiB | tongwen s | docs/s | MB/s | peak RSS MiB | CPU s | other CPU s | index MiB | index MiB per MiB | no-op re-run s (% of load) | re-run RSS MiB | Groonga s | Groonga docs/s | Groonga index MiB | tongwen/Groonga speed |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in sizes:
    mib = os.path.getsize(os.path.join(work, f"corpus-{n}.jsonl")) / 2**20
    load = json.load(open(os.path.join(work, f"load-{n}.out")))
    rerun = json.load(open(os.path.join(work, f"rerun-{n}.out")))
    cpu, rss = gnu_time(os.path.join(work, f"load-{n}.time"))
    rcpu, rrss = gnu_time(os.path.join(work, f"rerun-{n}.time"))
    idx = int(open(os.path.join(work, f"index-{n}.bytes")).read()) / 2**20
    secs = load["seconds"]
    g = os.path.join(work, f"groonga-{n}.json")
    if os.path.exists(g):
        gj = json.load(open(g))
        gcols = f"{gj['load_seconds']:.1f} | {gj['docs_per_s']:.0f} | {gj['index_mib']:.0f} | {load['documents_per_second'] / gj['docs_per_s']:.2f}"
    else:
        gcols = "- | - | - | -"
    print(f"| {n:,} | {mib:.1f} | {secs:.1f} | {load['documents_per_second']:.0f} | {mib / secs:.2f} | {rss:.0f} | {cpu:.1f} | "
          f"{other(f'load-{n}', cpu):.1f} | {idx:.0f} | {idx / mib:.2f} | {rerun['seconds']:.2f} ({100 * rerun['seconds'] / secs:.1f}%) | "
          f"{rrss:.0f} | {gcols} |")
    t = load.get("timing", {})
    print(f"<!-- {n}: writer put {t.get('put_seconds', 0):.1f} s, commit {t.get('commit_seconds', 0):.1f} s in {t.get('commits', 0)} commits, "
          f"writer waiting {t.get('writer_wait_seconds', 0):.1f} s, analysis {t.get('analysis_seconds', 0):.1f} thread-s, threads {t.get('threads', 0)}; "
          f"re-run: {rerun['outcomes']['unchanged']} unchanged, hashed {rerun.get('hashed')}, converted {rerun.get('converted')} -->")
PY
[[ "${KEEP:-}" == 1 || -n "${BENCH_DIR:-}" ]] && echo "bench ingest: raw results in $work" >&2
exit 0
