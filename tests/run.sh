#!/usr/bin/env bash
# Builds the test build (ASan + UBSan) if needed and runs the whole suite with CTest.
#   tests/run.sh [CTEST ARGS...]     e.g. tests/run.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LIFELINE_TEST_BUILD_DIR:-build-tests}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFELINE_SANITIZE=ON
cmake --build "$build"
cd "$build"
# The full side-by-side benchmark (label bench-full, about an hour) runs only when asked for:
#   tests/run.sh -L bench-full
case " $* " in *bench-full*) ;; *) set -- -LE bench-full "$@" ;; esac
exec ctest --output-on-failure --timeout 600 "$@"
