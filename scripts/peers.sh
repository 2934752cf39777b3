#!/usr/bin/env bash
# Runs the original lesson's Python programs (benchmarks/peers/) against the
# bundled delay server, on this machine: the requests loop (01), a
# ThreadPoolExecutor (02), asyncio + aiohttp gather (04), and chapter 05's CPU
# work on threads and on processes (the GIL, measured).
#   scripts/peers.sh [N]   N requests of 1 s each (default 10)
# Needs python3-requests and python3-aiohttp: scripts/setup.sh --peers.
# Compare with the C++ chapters: scripts/tour.sh (same workload, same server).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10}"
python=/usr/bin/python3  # Debian's, where setup.sh --peers installs the modules

if ! "$python" -c 'import requests, aiohttp' 2>/dev/null; then
  echo "peers.sh: needs python3-requests and python3-aiohttp:" \
       "scripts/setup.sh --peers" >&2
  exit 1
fi
cmake --preset release >/dev/null
cmake --build --preset release --target mock_server >/dev/null

# The server in its own process, on a free port; its first line is its URL.
log="$(mktemp)"
build/release/bin/mock_server --port 0 --quiet > "$log" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 50); do [[ -s "$log" ]] && break; sleep 0.1; done
url="$(head -1 "$log" | awk '{print $3}')"
[[ -n "$url" ]] || { echo "peers.sh: the server did not start" >&2; exit 1; }

echo "Python against $url: $n requests of 1 s each"
printf '  %-48s %9s %9s %6s\n' program wall cpu ok
row() {  # one JSON line from a peer -> one row
  "$python" -c 'import json, sys
r = json.loads(sys.stdin.read())
print("  %-48s %7.3f s %7.3f s %6d" % (r["model"], r["wall_s"], r["cpu_s"], r["ok"]))'
}
"$python" benchmarks/peers/sync_requests.py "$url" "$n" 1 | row
"$python" benchmarks/peers/thread_pool.py "$url" "$n" 1 | row
"$python" benchmarks/peers/async_aiohttp.py "$url" "$n" 1 | row
echo
"$python" benchmarks/peers/cpu_pool.py
