#!/usr/bin/env bash
# Builds Precept with warnings as errors and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${PRECEPT_BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja -DPRECEPT_WERROR=ON
cmake --build "$build_dir"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
