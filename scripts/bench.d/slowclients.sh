#!/usr/bin/env bash
# scripts/bench slowclients: a normal client's latency (p50/p99/max over REQUESTS searches, default 1000) while SLOW connections (default 200) trickle header bytes and IDLE ones (default 200) say nothing, against a release `tongwen serve` over corpus/.
set -euo pipefail
cd "$(dirname "$0")/../.."
slow="${1:-200}" idle="${2:-200}" requests="${3:-1000}"
cmake --preset release >/dev/null
cmake --build --preset release --target tongwen >/dev/null
data=$(mktemp -d /tmp/tongwen-bench-slow.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
build/release/app/tongwen --data "$data" ingest --quiet corpus >/dev/null
port_file="$data/serve.out"
build/release/app/tongwen --data "$data" --set server.max_connections=2000 \
  --set server.max_connections_per_client=2000 --set server.header_timeout_ms=600000 \
  --set server.keepalive_timeout_ms=600000 serve --port 0 >"$port_file" &
pid=$!
for _ in $(seq 100); do grep -q 'serving' "$port_file" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$port_file" | head -1)
echo "bench slowclients: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $slow trickling + $idle idle connections"
python3 - "$port" "$slow" "$idle" "$requests" <<'PY'
import socket, sys, threading, time
port, slow, idle, n = (int(a) for a in sys.argv[1:])
def conn():
    s = socket.create_connection(("127.0.0.1", port)); return s
tricklers = [conn() for _ in range(slow)]
for t in tricklers: t.sendall(b"GET /api/search?q=innovation HTTP/1.1\r\nHost: x\r\n")
idlers = [conn() for _ in range(idle)]
done = False
def trickle():
    line = b"X-Slow: drip\r\n"; k = 0
    while not done:
        for t in tricklers:
            try: t.send(line[k % len(line):k % len(line) + 1])
            except OSError: pass
        k += 1; time.sleep(0.05)
th = threading.Thread(target=trickle); th.start()
ms = []
req = b"GET /api/search?q=innovation HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
for _ in range(n):
    t0 = time.perf_counter()
    s = conn(); s.sendall(req); got = b""
    while True:
        b = s.recv(65536)
        if not b: break
        got += b
    s.close()
    ms.append((time.perf_counter() - t0) * 1000)
    assert got.startswith(b"HTTP/1.1 200"), got[:80]
done = True; th.join()
ms.sort()
print(f"{n} searches: p50 {ms[n // 2]:.2f} ms, p99 {ms[min(n - 1, n * 99 // 100)]:.2f} ms, max {ms[-1]:.2f} ms")
PY
