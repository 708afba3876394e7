// What a host pays through the embedding API: the same decisions from JSON
// text as BM_decide_text (engine_bench.cpp), made the way a service makes
// them, through the C++ API's Evaluator and through the C ABI's
// precept_evaluate (libprecept), with the Decision reused from one call to
// the next as the embedding guide advises. Set beside BM_decide_text/20, the
// difference is what the API adds: options, the engine's bundle generation
// check, the boundary that turns exceptions into statuses.
//
//   build/tests/precept_bench --benchmark_filter='decide_text/20$|api'
#include <benchmark/benchmark.h>

#include <precept/precept.h>
#include <precept/precept.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "tests/bench/peer_inputs.hpp"
#include "tests/support/allocation_counter.hpp"

namespace {

using precept::bench::fail;

// 2026-12-04, as the engine benchmarks' EvalOptions::now: no clock read.
constexpr std::chrono::sys_days bench_day{std::chrono::days{20'791}};

precept::Engine engine_for(std::int64_t size) {
  const std::string bytes = precept::bench::bundle_bytes(size);
  precept::Result<precept::Bundle> bundle = precept::Bundle::from_bytes(std::string_view(bytes));
  if (!bundle) fail(std::string(bundle.status().message()));
  return precept::Engine(std::move(*bundle));
}

void BM_api_decide_text(benchmark::State& state) {
  precept::Engine engine = engine_for(state.range(0));
  precept::Evaluator evaluator = engine.evaluator();
  const std::vector<std::string> docs = precept::bench::pool_documents();
  const precept::Options options{.now = bench_day};
  precept::Decision decision;
  // Two rounds size every buffer, then the timed loop starts.
  for (int round = 0; round < 2; ++round) {
    for (const std::string& doc : docs) {
      if (!evaluator.evaluate(doc, options, decision)) fail("evaluate failed");
    }
  }
  std::size_t next = 0;
  const std::size_t before = precept::test::allocation_count();
  for (auto _ : state) {
    precept::Status status = evaluator.evaluate(docs[next], options, decision);
    benchmark::DoNotOptimize(status);
    next = next + 1 == docs.size() ? 0 : next + 1;
  }
  state.counters["allocs_per_decision"] =
      benchmark::Counter(static_cast<double>(precept::test::allocation_count() - before),
                         benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_api_decide_text)->Arg(20)->Arg(2000)->Unit(benchmark::kMicrosecond);

// The C ABI, with the outcome read back as a C host would.
void BM_c_api_decide_text(benchmark::State& state) {
  const std::string bytes = precept::bench::bundle_bytes(state.range(0));
  char why[256];
  precept_bundle* bundle = nullptr;
  if (precept_bundle_from_bytes(bytes.data(), bytes.size(), &bundle, why, sizeof why) !=
      PRECEPT_OK) {
    fail(why);
  }
  precept_engine* engine = nullptr;
  precept_evaluator* evaluator = nullptr;
  precept_decision* decision = nullptr;
  if (precept_engine_new(bundle, &engine) != PRECEPT_OK ||
      precept_evaluator_new(engine, &evaluator) != PRECEPT_OK ||
      precept_decision_new(&decision) != PRECEPT_OK) {
    fail("cannot make the C ABI's handles");
  }
  precept_bundle_free(bundle);
  const std::vector<std::string> docs = precept::bench::pool_documents();
  precept_options options;
  precept_options_init(&options);
  options.now = "2026-12-04";
  for (int round = 0; round < 2; ++round) {
    for (const std::string& doc : docs) {
      if (precept_evaluate(evaluator, doc.data(), doc.size(), &options, decision) != PRECEPT_OK) {
        fail(precept_evaluator_error(evaluator));
      }
    }
  }
  std::size_t next = 0;
  const std::size_t before = precept::test::allocation_count();
  for (auto _ : state) {
    precept_evaluate(evaluator, docs[next].data(), docs[next].size(), &options, decision);
    precept_outcome outcome;
    precept_decision_outcome(decision, &outcome);
    benchmark::DoNotOptimize(outcome);
    next = next + 1 == docs.size() ? 0 : next + 1;
  }
  state.counters["allocs_per_decision"] =
      benchmark::Counter(static_cast<double>(precept::test::allocation_count() - before),
                         benchmark::Counter::kAvgIterations);
  precept_decision_free(decision);
  precept_evaluator_free(evaluator);
  precept_engine_free(engine);
}
BENCHMARK(BM_c_api_decide_text)->Arg(20)->Arg(2000)->Unit(benchmark::kMicrosecond);

}  // namespace
