#!/usr/bin/env bash
# Sets up, builds (release) and runs the benchmark suites, then writes
# docs/results.md and docs/charts/*.svg from their JSON. Takes ~15 minutes.
#   scripts/benchmark.sh                 every suite and the peers, 3 repetitions
#   scripts/benchmark.sh server_bench httplib_bench
#                                        those suites only (peers: the peers only);
#                                        the rest of results.md keeps its last results
# Run it on an otherwise idle machine: the figures are wall times (each suite's
# line in results.md gives the load average its runs saw).
# The Python and Node peers run when their runtimes are installed
# (scripts/setup.sh --peers), and are skipped with a note when not.
set -euo pipefail
cd "$(dirname "$0")/.."

all_suites=(server_bench httplib_bench models_bench drivers_bench cpu_bench)
suites=()
run_peers=0
[[ $# -gt 0 ]] || { suites=("${all_suites[@]}"); run_peers=1; }
for name in "$@"; do
  case " ${all_suites[*]} peers " in
    *" $name "*) ;;
    *) echo "usage: scripts/benchmark.sh [${all_suites[*]// /|}|peers]..." >&2
       exit 2 ;;
  esac
  if [[ $name == peers ]]; then run_peers=1; else suites+=("$name"); fi
done

# server_bench and httplib_bench share results.md's server section and charts:
# one is never run without the other, or the report would drop its rows.
for name in "${suites[@]}"; do
  if [[ $name == server_bench || $name == httplib_bench ]]; then
    suites=($(printf '%s\n' "${suites[@]}" server_bench httplib_bench | awk '!seen[$0]++'))
    break
  fi
done

scripts/setup.sh
cmake --preset release >/dev/null
# Only what this run needs: the suites, the report, and the server the peers use.
cmake --build --preset release --target report mock_server "${suites[@]}"

out=build/release/bench
mkdir -p "$out"
# The report gets this run's JSON only: a section of a suite not run keeps its
# text in results.md (it may come from another machine than this folder's JSON).
ran=()
for suite in "${suites[@]}"; do
  rm -f "$out/$suite.json"
  echo "== $suite" >&2
  "build/release/bin/$suite" --benchmark_repetitions=3 \
    --benchmark_out="$out/$suite.json" --benchmark_out_format=json
  ran+=("$out/$suite.json")
done

# Peers: the original lesson's programs against the same server, same workload,
# up to N = 10,000 like the C++ models (a socket each: as many descriptors as
# the hard limit allows, which the chapters raise for themselves).
peers="$out/peers.jsonl"
if [[ $run_peers == 0 ]]; then
  build/release/bin/report docs "${ran[@]}"
  exit 0
fi
rm -f "$peers"
ulimit -n "$(ulimit -Hn)"
build/release/bin/mock_server --port 0 --quiet > "$out/server.txt" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
sleep 0.5
url=$(awk '{print $3}' "$out/server.txt")
run_peer() {  # name, command...
  echo "== peer: $*" >&2
  "${@:2}" >> "$peers" || echo "{\"model\": \"$1\", \"error\": \"failed\"}" >> "$peers"
}
if /usr/bin/python3 -c 'import requests' 2>/dev/null; then
  run_peer requests /usr/bin/python3 benchmarks/peers/sync_requests.py "$url" 10 1
else
  echo '{"model": "Python requests", "skipped": "python3-requests not installed"}' >> "$peers"
fi
for n in 10 100 1000 10000; do
  if /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
    run_peer aiohttp /usr/bin/python3 benchmarks/peers/async_aiohttp.py "$url" "$n" 1
  elif [[ $n == 10 ]]; then
    echo '{"model": "Python aiohttp", "skipped": "python3-aiohttp not installed"}' >> "$peers"
  fi
  if command -v node >/dev/null; then
    run_peer node node benchmarks/peers/fetch_all.mjs "$url" "$n" 1
  elif [[ $n == 10 ]]; then
    echo '{"model": "Node fetch", "skipped": "nodejs not installed"}' >> "$peers"
  fi
done

# Over HTTP/2, one connection each.
for n in 10 100 1000 10000; do
  if command -v h2load >/dev/null; then
    run_peer h2load /usr/bin/python3 benchmarks/peers/h2load.py "$url" "$n" 1
  elif [[ $n == 10 ]]; then
    echo '{"model": "h2load (nghttp2), one connection", "skipped": "nghttp2-client not installed"}' >> "$peers"
  fi
  if command -v node >/dev/null; then
    run_peer node-http2 node benchmarks/peers/http2_all.mjs "$url" "$n" 1
  elif [[ $n == 10 ]]; then
    echo '{"model": "Node http2", "skipped": "nodejs not installed"}' >> "$peers"
  fi
done

build/release/bin/report docs "${ran[@]}" "$peers"
