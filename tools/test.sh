#!/usr/bin/env bash
# Builds Precept and runs every test, twice:
#   1. GCC, warnings as errors (build/);
#   2. clang with AddressSanitizer and UndefinedBehaviorSanitizer, plus the
#      libFuzzer targets run briefly on their corpora (build-asan/).
# PRECEPT_SKIP_SANITIZERS=1 runs only the first, for a quick local loop.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"

build_dir="${PRECEPT_BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja -DPRECEPT_WERROR=ON
cmake --build "$build_dir"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"

if [ "${PRECEPT_SKIP_SANITIZERS:-0}" = "1" ]; then
  echo "test: sanitizer build skipped (PRECEPT_SKIP_SANITIZERS=1)"
  exit 0
fi

asan_dir="${PRECEPT_ASAN_BUILD_DIR:-build-asan}"
cmake -S . -B "$asan_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DPRECEPT_WERROR=ON -DPRECEPT_SANITIZE="address;undefined" -DPRECEPT_FUZZ=ON
cmake --build "$asan_dir"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$asan_dir" --output-on-failure -j "$jobs"
