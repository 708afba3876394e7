#!/usr/bin/env bash
# Installs a build into a temporary prefix and uses it as a host would:
#   - the C++ example (docs/examples/embedding/decide.cpp) built with CMake
#     and find_package(Precept), compiling the shipped packs in memory;
#   - the C example (decide.c) built with pkg-config;
#   - the Python example (decide.py) loading libprecept.so with ctypes;
# each deciding the HR workload, with a bundle the installed rulec built
# for the C and Python ones. All three must print the same decision: a deny
# with the residency violation. Also: libprecept exports the API and
# nothing else, and the installed tree works after being moved.
#
#   install_test.sh BUILD_DIR SOURCE_DIR C_COMPILER CXX_COMPILER
set -euo pipefail
build_dir="$1"
source_dir="$2"
c_compiler="$3"
cxx_compiler="$4"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "install_test: $*" >&2
  exit 1
}

cmake --install "$build_dir" --prefix "$work/installed" >"$work/install.log" \
  || { cat "$work/install.log" >&2; fail "cmake --install failed"; }
# Everything below uses the tree from its new place, as after a package
# was unpacked somewhere else.
mv "$work/installed" "$work/prefix"
prefix="$work/prefix"
libdir="$(dirname "$(find "$prefix" -name 'libprecept.so' | head -n 1)")"
[ -f "$libdir/libprecept.so" ] || fail "libprecept.so was not installed"
for header in precept.hpp precept.h decision.hpp result.hpp json.hpp export.h version.h; do
  [ -f "$prefix/include/precept/$header" ] || fail "include/precept/$header was not installed"
done

# The dynamic symbols: the C ABI (precept_*) and the C++ API (precept::v1::).
unexpected="$(nm -DC --defined-only "$libdir/libprecept.so" "$libdir/libprecept_compiler.so" \
  | grep -E '^[0-9a-f]+ [A-Za-z] ' | grep -v -E ' (precept_[a-z_]+|precept::v1::.*)$' || true)"
[ -z "$unexpected" ] || fail "exported beyond the API:"$'\n'"$unexpected"

examples="$source_dir/docs/examples/embedding"
facts="$source_dir/docs/examples/workloads/hr-fine-tuned-model.json"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
version="$(pkg-config --modversion precept)"
"$prefix/bin/rulec" build "$source_dir/rules" -o "$work/aigov.rbc" --name aigov --version "$version" \
  2>"$work/rulec.log" || { cat "$work/rulec.log" >&2; fail "the installed rulec cannot build the packs"; }

# C++: find_package(Precept) from the moved prefix.
cmake -S "$examples" -B "$work/cpp" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx_compiler" >"$work/cpp.log" 2>&1 \
  && cmake --build "$work/cpp" >>"$work/cpp.log" 2>&1 \
  || { cat "$work/cpp.log" >&2; fail "the C++ example does not build against the installed package"; }
"$work/cpp/decide" "$source_dir/rules" "$facts" >"$work/cpp.out"

# C: pkg-config, C99 with warnings as errors.
# shellcheck disable=SC2046
"$c_compiler" -std=c99 -Wall -Wextra -Wpedantic -Werror "$examples/decide.c" \
  $(pkg-config --cflags --libs precept) -o "$work/decide_c" \
  || fail "the C example does not build with pkg-config"
LD_LIBRARY_PATH="$libdir" "$work/decide_c" "$work/aigov.rbc" "$facts" >"$work/c.out"

# Python: ctypes, the standard library only.
python3 "$examples/decide.py" "$work/aigov.rbc" "$facts" "$libdir/libprecept.so" >"$work/py.out"

for out in cpp c py; do
  grep -qx "bundle: aigov $version" "$work/$out.out" || fail "$out: no \`bundle: aigov $version\`"
  grep -qx "outcome: deny" "$work/$out.out" || fail "$out: no \`outcome: deny\`"
  grep -q "^deny aigov.residency.transfer_without_mechanism: " "$work/$out.out" \
    || fail "$out: no residency violation"
done
cmp -s "$work/cpp.out" "$work/c.out" || { diff "$work/cpp.out" "$work/c.out" >&2; fail "C++ and C disagree"; }
cmp -s "$work/c.out" "$work/py.out" || { diff "$work/c.out" "$work/py.out" >&2; fail "C and Python disagree"; }
echo "install_test: C++, C and Python examples agree:"
cat "$work/c.out"
