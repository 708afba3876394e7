#!/usr/bin/env bash
# Builds Precept and runs every test, twice, then the threaded test once more:
#   1. GCC, warnings as errors (build/);
#   2. clang with AddressSanitizer and UndefinedBehaviorSanitizer, plus the
#      libFuzzer targets run briefly on their corpora (build-asan/);
#   3. clang with ThreadSanitizer, building only the reload concurrency test
#      (eight threads deciding while the engine reloads) and running it
#      (build-tsan/).
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

# The engine is the part of Precept that threads share: its test alone,
# with libprecept and the runtime under ThreadSanitizer. It decides with the
# bundles the first build made, so rulec and the compiler are not rebuilt.
tsan_dir="${PRECEPT_TSAN_BUILD_DIR:-build-tsan}"
cmake -S . -B "$tsan_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DPRECEPT_WERROR=ON -DPRECEPT_SANITIZE=thread
cmake --build "$tsan_dir" --target precept_api_reload_tests
PRECEPT_API_BUNDLES="$(cd "$build_dir" && pwd)/tests/api-bundles" \
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$tsan_dir/tests/precept_api_reload_tests"
