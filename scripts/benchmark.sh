#!/usr/bin/env bash
# Sets up, builds (release) and runs the benchmark suites, then writes
# docs/results.md and docs/charts/*.svg from their JSON. Takes ~10 minutes.
#   scripts/benchmark.sh                 every suite, 3 repetitions
#   scripts/benchmark.sh models_bench    one suite
# Run it on an otherwise idle machine: the figures are wall times.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release

suites=("${@:-server_bench models_bench}")
out=build/release/bench
mkdir -p "$out"
for suite in ${suites[@]}; do
  echo "== $suite" >&2
  "build/release/bin/$suite" --benchmark_repetitions=3 \
    --benchmark_out="$out/$suite.json" --benchmark_out_format=json
done
build/release/bin/report docs "$out"/*.json
