#!/usr/bin/env bash
# Sets up, builds and runs every test:
#   scripts/test.sh [dev|asan|tsan|clang|release]   (default dev) Extra arguments go to ctest, e.g. scripts/test.sh dev -L server
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${1:-dev}
shift || true
case "$preset" in
  dev|release|asan|tsan|clang) ;;
  *) echo "test.sh: unknown preset '$preset' (expected dev, release, asan, tsan or clang)" >&2
     exit 2 ;;
esac

scripts/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" "$@"
