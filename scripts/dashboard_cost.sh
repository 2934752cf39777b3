#!/usr/bin/env bash
# Does the dashboard slow a big run? Runs 03_curl_multi --requests N against one
# release mock_server, alternately without and with /dashboard open in headless
# Chromium (polling every 0.5 s), ROUNDS times each, and prints each run's wall
# time and client CPU (from --json) and the server's CPU during it.
#   scripts/dashboard_cost.sh [N=10000] [ROUNDS=3]
# Needs the release build (scripts/tour.sh makes it) and Chromium
# (scripts/setup.sh --browser).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-10000}
rounds=${2:-3}
bin=build/release/bin
for program in "$bin/mock_server" "$bin/03_curl_multi"; do
  [[ -x "$program" ]] || { echo "dashboard_cost: no $program; run scripts/tour.sh first" >&2; exit 1; }
done
chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$chromium" ]] || { echo "dashboard_cost: no Chromium; run scripts/setup.sh --browser" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"  # 10,000 connections on each side

work=$(mktemp -d)
server=""
browser=""
cleanup() {
  [[ -n "$browser" ]] && kill "$browser" 2>/dev/null
  [[ -n "$server" ]] && kill "$server" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/mock_server" --port 0 --quiet > "$work/server.out" &
server=$!
for _ in $(seq 50); do
  url=$(sed -n 's/^listening on //p' "$work/server.out")
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { echo "dashboard_cost: the server did not start" >&2; exit 1; }

server_cpu_s() {  # the server's user + system CPU so far, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$server/stat"
}

run() {  # run LABEL: one 03 run, one line of figures
  local before after
  before=$(server_cpu_s)
  "$bin/03_curl_multi" --url "$url" --requests "$n" --delay 1 --json > "$work/run.json"
  after=$(server_cpu_s)
  python3 - "$1" "$work/run.json" "$before" "$after" <<'EOF'
import json, sys
label, path, before, after = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
r = json.load(open(path))
print(f"{label:<16} wall {r['wall_s']:.3f} s   client CPU {r['cpu_s']:.3f} s"
      f"   ok {r['ok']}/{r['requests']}   server CPU {after - before:.3f} s")
EOF
}

echo "03_curl_multi --requests $n --delay 1 against $url (release), $rounds rounds"
for round in $(seq "$rounds"); do
  run "without the page"
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile-$round" "$url/dashboard" > /dev/null 2>&1 &
  browser=$!
  sleep 3  # loaded and polling
  run "with the page"
  kill "$browser"
  wait "$browser" 2>/dev/null || true
  browser=""
  sleep 2
done
