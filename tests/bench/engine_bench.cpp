// Google Benchmark suite of the engine on the peer benchmark's rules and
// documents (tests/bench/peer): compiling the rules in memory, loading their
// bundle, loading facts from JSON text, and deciding, with 20, 200 and 2000
// rules. Deciding also reports heap allocations per decision (a replaced
// global operator new counts them).
//
//   build/tests/precept_bench --benchmark_filter=decide
//
// The side-by-side table with the peer engines comes from
// tests/bench/peer/compare.py (docs/performance.md). api_bench.cpp times the
// same decisions through the embedding API.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/bundle.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"
#include "tests/bench/peer_inputs.hpp"
#include "tests/support/allocation_counter.hpp"

using namespace precept;

namespace {

using bench::compile_image;
using bench::fail;
using bench::pool_documents;
using bench::read_rules;

std::shared_ptr<const runtime::Executable> executable(std::int64_t size) {
  lang::SourceSet sources = read_rules(size);
  std::string error;
  auto exe = runtime::Executable::make(compile_image(sources), error);
  if (exe == nullptr) fail(error);
  return exe;
}

runtime::EvalOptions options() {
  runtime::EvalOptions o;
  o.now = 20'791;  // 2026-12-04
  return o;
}

void BM_compile(benchmark::State& state) {
  lang::SourceSet sources = read_rules(state.range(0));
  for (auto _ : state) {
    lang::SourceSet copy = sources;
    benchmark::DoNotOptimize(compile_image(copy));
  }
}
BENCHMARK(BM_compile)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);

// Reading, verifying and preparing a bundle: what `rulec eval -b` and
// Bundle::load do before the first decision. Freeing the executable is not
// loading (a reload frees the old one when its last user lets go), so it is
// timed apart, by BM_executable_free.
std::shared_ptr<const runtime::Executable> load_bundle(const std::string& bytes) {
  runtime::Image image;
  std::string error = runtime::read_bundle(bytes, image);
  if (!error.empty()) fail(error);
  auto exe = runtime::Executable::make(std::move(image), error);
  if (exe == nullptr) fail(error);
  return exe;
}

void BM_bundle_load(benchmark::State& state) {
  const std::string bytes = bench::bundle_bytes(state.range(0));
  for (auto _ : state) {
    auto exe = load_bundle(bytes);
    benchmark::DoNotOptimize(exe);
    state.PauseTiming();
    exe.reset();
    state.ResumeTiming();
  }
  state.counters["bundle_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_bundle_load)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_executable_free(benchmark::State& state) {
  const std::string bytes = bench::bundle_bytes(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto exe = load_bundle(bytes);
    state.ResumeTiming();
    exe.reset();
  }
}
// A fixed count: each iteration also loads, untimed, and an automatic count
// sized by the freeing alone would spend seconds loading.
BENCHMARK(BM_executable_free)->Arg(2000)->Iterations(100)->Unit(benchmark::kMillisecond);

void BM_load_facts(benchmark::State& state) {
  auto exe = executable(state.range(0));
  const std::vector<std::string> docs = pool_documents();
  runtime::FactLoader loader(exe);
  runtime::Facts facts;
  std::string error;
  std::size_t next = 0;
  for (auto _ : state) {
    if (!loader.load(docs[next], facts, error)) fail(error);
    next = next + 1 == docs.size() ? 0 : next + 1;
  }
}
BENCHMARK(BM_load_facts)->Arg(20)->Unit(benchmark::kMicrosecond);

// One decision per iteration, cycling through the 64 documents in file
// order, as the peers do. `text`: from the JSON text; otherwise the facts are
// loaded beforehand.
void decide(benchmark::State& state, bool from_text) {
  auto exe = executable(state.range(0));
  const std::vector<std::string> docs = pool_documents();
  runtime::FactLoader loader(exe);
  std::vector<runtime::Facts> loaded(docs.size());
  std::string error;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (!loader.load(docs[i], loaded[i], error)) fail(error);
  }
  runtime::Vm vm(exe);
  runtime::Decision decision;
  runtime::Facts facts;
  const runtime::EvalOptions opts = options();
  // Two rounds size every buffer, then the timed loop starts.
  for (int round = 0; round < 2; ++round) {
    for (const runtime::Facts& f : loaded) vm.evaluate(f, opts, decision);
  }
  std::size_t next = 0;
  const std::size_t before = test::allocation_count();
  for (auto _ : state) {
    if (from_text) {
      loader.load(docs[next], facts, error);
      vm.evaluate(facts, opts, decision);
    } else {
      vm.evaluate(loaded[next], opts, decision);
    }
    benchmark::DoNotOptimize(decision.outcome);
    next = next + 1 == docs.size() ? 0 : next + 1;
  }
  state.counters["allocs_per_decision"] = benchmark::Counter(
      static_cast<double>(test::allocation_count() - before), benchmark::Counter::kAvgIterations);
}

// A new loader and VM for the executable, and their first decision: what
// a host pays for an evaluator it makes per request, or for each thread's
// evaluator once a reload has swapped the bundle.
void BM_first_decision(benchmark::State& state) {
  auto exe = executable(state.range(0));
  const std::string doc = pool_documents().front();
  const runtime::EvalOptions opts = options();
  std::string error;
  for (auto _ : state) {
    runtime::FactLoader loader(exe);
    runtime::Vm vm(exe);
    runtime::Facts facts;
    runtime::Decision decision;
    if (!loader.load(doc, facts, error)) fail(error);
    vm.evaluate(facts, opts, decision);
    benchmark::DoNotOptimize(decision.outcome);
  }
}
BENCHMARK(BM_first_decision)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMicrosecond);

void BM_decide_loaded(benchmark::State& state) { decide(state, false); }
BENCHMARK(BM_decide_loaded)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMicrosecond);

void BM_decide_text(benchmark::State& state) { decide(state, true); }
BENCHMARK(BM_decide_text)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
