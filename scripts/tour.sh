#!/usr/bin/env bash
# Sets up, builds (release) and runs the tour: every chapter on one workload,
# then one table. Arguments go to the tour, e.g. scripts/tour.sh --quick
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/bin/tour "$@"
