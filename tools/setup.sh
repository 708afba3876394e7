#!/usr/bin/env bash
# Installs every Debian package Precept's build, tests, fuzzers and benchmarks
# need. Idempotent: packages already present are left alone, and apt is not
# touched at all when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev        # libFuzzer and the sanitizer runtimes
  tao-pegtl-dev                   # the grammar
  nlohmann-json3-dev              # manifests, API conversions, test fixtures
  libsimdjson-dev                 # the fact-loading hot path
  libssl-dev                      # libcrypto: SHA-256 of source files
  libxxhash-dev                   # the bundle checksum
  libboost-container-dev          # flat_map / small_vector for hot data
  libfmt-dev
  libcli11-dev                    # rulec's argument parsing
  libre2-dev                      # `matches`: linear-time regular expressions
  catch2                          # unit tests (v2 API)
  libbenchmark-dev                # tests/bench
  python3                         # the ctypes embedding example
  libxml2-utils                   # xmllint: rulec test's JUnit XML checked against its schema
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
