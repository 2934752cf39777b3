#!/usr/bin/env bash
# Sets up, builds and runs every test:
#   scripts/test.sh [dev|asan|tsan|clang|release]   (default dev)
# Extra arguments go to ctest, e.g. scripts/test.sh dev -L server
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
# ctest prints a failing test's output where it ran, hundreds of tests up;
# CI keeps only the end of the log, so the last 60 lines of each failure's
# output are printed again below ctest's summary.
if ! ctest --preset "$preset" "$@"; then
  awk '/^[0-9]+\/[0-9]+ Testing: / { name = $0; n = 0 }
       /^<end of output>$/ { reading = 0 }
       reading { kept[n++] = $0 }
       /^Output:$/ { reading = 1; getline }
       /^Test Failed\./ {
         print "\n=== the output of " name ", again"
         for (i = n > 60 ? n - 60 : 0; i < n; i++) print kept[i]
       }' "build/$preset/Testing/Temporary/LastTest.log" >&2 || true
  exit 1
fi
