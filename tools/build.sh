#!/usr/bin/env bash
# Configures (once) and builds Precept into build/ with Ninja.
# Extra arguments are passed to the configure step, e.g. -DPRECEPT_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${PRECEPT_BUILD_DIR:-build}"
if [ ! -f "$build_dir/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$build_dir" -G Ninja "$@"
fi
cmake --build "$build_dir"
