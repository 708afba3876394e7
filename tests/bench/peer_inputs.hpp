// The peer benchmark's inputs (tests/bench/peer) for the Google Benchmark
// suites: its rule sets compiled in memory, as bundle bytes, and the 64
// documents every timing loop cycles through.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/source.hpp"
#include "runtime/image.hpp"

namespace precept::bench {

// Throws std::runtime_error: a benchmark whose input is broken stops.
[[noreturn]] void fail(const std::string& what);

// The rules of rules-<size>/ (20, 200 or 2000).
lang::SourceSet read_rules(std::int64_t size);
runtime::Image compile_image(lang::SourceSet& sources);
// rules-<size>/ compiled and written as a bundle (.rbc).
std::string bundle_bytes(std::int64_t size);

// source/facts/pool.jsonl: the 64 documents, in file order.
std::vector<std::string> pool_documents();

}  // namespace precept::bench
