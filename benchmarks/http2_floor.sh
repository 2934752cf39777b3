#!/bin/sh
# HTTP/2 against its floor: h2load (nghttp2's client, -c 1 -m N) and chapters 03
# (default driver, then each driver) and 04 with --http2, N x /delay/1, against
# one events server in its own process, in the same run. Each chapter row is
# its --json wall time, its ratio to h2load's, and the server's own counts
# (connections, peak in flight). A second libcurl, if given, runs the same
# chapters over it (LD_LIBRARY_PATH: libcurl keeps its ABI).
#   benchmarks/http2_floor.sh [BIN_DIR] [N...]   (env: CURL_LIB_DIR=dir)
set -eu
bin=${1:-build/release/bin}
[ $# -gt 0 ] && shift
sizes=${*:-1000 10000}
log=$(mktemp)
"$bin/mock_server" --port 0 --quiet >"$log" 2>&1 &
server=$!
trap 'kill $server' EXIT
until grep -q listening "$log"; do sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$log")

row() {  # label, then the command; prints one table row from its --json
  label=$1
  shift
  "$@" --url "$url" --http2 --json 2>/dev/null | python3 -c "
import json, sys
r = json.load(sys.stdin)
print(f'| $label | {r[\"wall_s\"]:.3f} s | {r[\"wall_s\"] / $floor:.2f}x | '
      f'{r[\"cpu_s\"] / r[\"requests\"] * 1e6:.0f} µs | {r[\"server_connections\"]} | '
      f'{r[\"server_peak_in_flight\"]} | {r[\"failed\"]} |')"
}

for n in $sizes; do
  floor=$(python3 benchmarks/peers/h2load.py "$url" "$n" 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["wall_s"])')
  echo "N = $n: h2load $floor s"
  echo "| run | wall | / h2load | CPU a request | connections | peak | failed |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for lib in "" ${CURL_LIB_DIR:-}; do
    tag=$( [ -n "$lib" ] && echo "libcurl at $lib" || echo "system libcurl" )
    for args in "" "--driver poll" "--driver socket"; do
      # shellcheck disable=SC2086
      LD_LIBRARY_PATH=$lib row "03${args:+ $args} ($tag)" \
        "$bin/03_curl_multi" --requests "$n" --delay 1 $args
    done
    LD_LIBRARY_PATH=$lib row "04 ($tag)" "$bin/04_coroutines" --requests "$n" --delay 1
  done
done
