#!/usr/bin/env bash
# The browser tests (ctest test_ui): load corpus/ into a fresh data folder, start `tongwen serve` on
# a free port, run ui.test.mjs against it in Debian's chromium. Screenshots go to SHOTS.
# Usage: tests/ui/run.sh TONGWEN_BINARY SCREENSHOT_DIR
set -euo pipefail
bin=$1
shots=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"  # config/tongwen.properties and its glossary path are relative to the checkout

if [[ ! -x /usr/bin/chromium ]]; then
  echo "test_ui: /usr/bin/chromium is missing; ./scripts/setup installs it" >&2
  exit 1
fi
if [[ ! -d "$here/node_modules/playwright-core" || ! -d "$here/node_modules/axe-core" ]]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/tongwen-ui.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

"$bin" --data "$data" ingest corpus --quiet >/dev/null
mkfifo "$data/out"
"$bin" --data "$data" serve --port 0 >"$data/out" 2>"$data/err" &
server_pid=$!
exec 3<"$data/out"
url=""
while IFS= read -r -t 60 line <&3; do
  if [[ "$line" =~ on\ (http://[^ ]+)/ ]]; then url=${BASH_REMATCH[1]}; break; fi
done
if [[ -z "$url" ]]; then
  echo "test_ui: the server did not start:" >&2
  cat "$data/err" >&2
  exit 1
fi
# Keep draining the server's output so that it never blocks on a full pipe.
cat <&3 >/dev/null &
mkdir -p "$shots"
rm -f "$shots"/*.png
TONGWEN_URL="$url" TONGWEN_SHOTS="$shots" node "$here/ui.test.mjs"
