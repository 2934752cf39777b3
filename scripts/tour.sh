#!/usr/bin/env bash
# Sets up, builds (release) and runs the tour: every chapter on one workload,
# then one table. Arguments go to the tour, e.g. scripts/tour.sh --quick
# Builds only the tour and the chapter programs it runs, not the tests,
# benchmarks or fuzz targets (scripts/test.sh builds those).
# On a shared or small machine, limit the parallel compile jobs:
#   CMAKE_BUILD_PARALLEL_LEVEL=1 scripts/tour.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target tour
exec build/release/bin/tour "$@"
