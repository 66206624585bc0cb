#!/usr/bin/env bash
# scripts/bench peers: Tongwen and Groonga side by side with ../shared/bench-peers (load, index size, queries at 16/64/256 connections), one table of Tongwen/Groonga ratios
#
# Usage: scripts/bench peers [N...]          (default: 20000 100000)
# Builds the release binary, copies ../shared/bench-peers to a writable work folder (it is
# read-only where it is provided) and, per N, runs its run-all.sh with PEERS="tongwen groonga":
# the same generated JSON Lines corpus loaded by both (timed), the same 200 faceted queries with
# wrk 2 threads / 16 connections / 15 s. Then each server is started again for the 64- and
# 256-connection runs. Prints one markdown table per N with the ratios Tongwen/Groonga.
# The machine is shared: run-all.sh waits for a quiet CPU and redoes contended steps; compare
# only rows of one run.
#
# Environment:
#   BENCH_DIR      work folder (default: a new /tmp/tongwen-bench-peers.XXXXXX, removed unless KEEP=1)
#   KEEP=1         keep the work folder (corpora, indexes, raw results)
#   CONNS_EXTRA    extra connection counts after the 16-connection run (default "64 256")
#   TONGWEN_BENCH_PEERS  the bench-peers folder (default ../shared/bench-peers)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

sizes=("$@")
((${#sizes[@]})) || sizes=(20000 100000)
peers_src="${TONGWEN_BENCH_PEERS:-$(cd .. && pwd)/shared/bench-peers}"
[[ -d "$peers_src" ]] || { echo "bench peers: $peers_src is absent (set TONGWEN_BENCH_PEERS)" >&2; exit 2; }

./scripts/setup --bench >&2
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target tongwen >/dev/null
export TONGWEN_BIN="$root/build/release/app/tongwen"

work="${BENCH_DIR:-$(mktemp -d /tmp/tongwen-bench-peers.XXXXXX)}"
mkdir -p "$work"
[[ "${KEEP:-}" == 1 || -n "${BENCH_DIR:-}" ]] || trap 'rm -rf "$work"' EXIT
rm -rf "$work/bench-peers" && cp -r "$peers_src" "$work/"
peers="$work/bench-peers"
extra="${CONNS_EXTRA:-64 256}"

echo "bench peers: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for n in "${sizes[@]}"; do
  export RES="$work/results-$n" WORK="$work/work-$n"
  mkdir -p "$RES" "$WORK"
  echo "bench peers: $n documents" >&2
  (cd "$peers" && PEERS="tongwen groonga" ./run-all.sh "$n" >&2)
  for p in tongwen groonga; do
    [[ -f "$RES/$p-query.json" ]] && cp "$RES/$p-query.json" "$RES/$p-query-c16.json"
    for c in $extra; do
      (cd "$peers" && "./peer-$p.sh" start > "$RES/$p-start-c$c.log" 2>&1) || { echo "bench peers: $p would not start" >&2; continue; }
      sleep 2
      (cd "$peers" && CONNS=$c ./query-load.sh "$p" > "$RES/$p-query-c$c.log" 2>&1) || echo "bench peers: $p at $c connections failed" >&2
      [[ -f "$RES/$p-query.json" ]] && mv "$RES/$p-query.json" "$RES/$p-query-c$c.json"
      (cd "$peers" && "./peer-$p.sh" stop) || true
    done
    [[ -f "$RES/$p-query-c16.json" ]] && cp "$RES/$p-query-c16.json" "$RES/$p-query.json"
  done
done

python3 - "$work" "$extra" "${sizes[@]}" <<'PY'
import json, os, sys
work, extra, sizes = sys.argv[1], [int(c) for c in sys.argv[2].split()], [int(x) for x in sys.argv[3:]]
def j(res, name):
    p = os.path.join(res, name)
    if not os.path.exists(p):
        return None
    return json.loads(open(p).read().strip().splitlines()[-1])
def errors(q):
    e = q.get("errors", 0)
    return sum(e.values()) if isinstance(e, dict) else e
def ratio(a, b):
    return "%.2fx" % (a / b) if a is not None and b else "-"
for n in sizes:
    res = os.path.join(work, f"results-{n}")
    print(f"\n### {n:,} documents\n")
    cols = ["load docs/s", "index MiB", "p50 ms", "p99 ms", "req/s", "server CPU ms/req"]
    for c in extra:
        cols += [f"p99 ms @{c}", f"req/s @{c}", f"errors @{c}"]
    print("| peer | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    vals = {}
    for p in ("tongwen", "groonga"):
        L, Q = j(res, f"{p}-load.json"), j(res, f"{p}-query-c16.json")
        v = [L and L["docs_per_s"], L and L["index_mib"], Q and Q["lat_ms"]["p50"], Q and Q["lat_ms"]["p99"],
             Q and Q["req_per_s"], Q and Q.get("server_cpu_ms_per_req")]
        for c in extra:
            E = j(res, f"{p}-query-c{c}.json")
            v += [E and E["lat_ms"]["p99"], E and E["req_per_s"], E and errors(E)]
        vals[p] = v
        print(f"| {p} | " + " | ".join("-" if x is None else str(x) for x in v) + " |")
    t, g = vals["tongwen"], vals["groonga"]
    print("| tongwen/groonga | " + " | ".join(
        "" if cols[i].startswith("errors") else ratio(t[i], g[i]) for i in range(len(cols))) + " |")
    print("\nFloor (issue 11, at 100,000): load >= 0.6x, index <= 1.3x, req/s >= 2x, p99 <= 1.0x (16 connections).")
PY
[[ "${KEEP:-}" == 1 || -n "${BENCH_DIR:-}" ]] && echo "bench peers: raw results in $work" >&2
exit 0
