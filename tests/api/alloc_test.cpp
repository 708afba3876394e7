// The API adds no allocation to the runtime's: deciding through
// Evaluator::evaluate into a reused Decision takes from the heap exactly
// what the runtime's FactLoader and Vm take on their own for the same
// documents, so when the runtime's steady state allocates nothing, neither
// does a host's (tests/perf/zero_alloc_test.cpp is the runtime's side).
// Counted with a replaced global operator new, which is why this test has
// an executable of its own; it also links the runtime, to compare.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "precept/precept.hpp"
#include "runtime/bundle.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"
#include "tests/api/api_support.hpp"
#include "tests/support/allocation_counter.hpp"

namespace {

const std::int64_t fixed_day = 20791;  // 2026-12-04

std::vector<std::string> workloads() {
  std::vector<std::string> documents;
  for (const char* name : {"credit-copilot", "customer-service-chatbot", "hr-fine-tuned-model",
                           "incomplete-submission", "us-internal-tool"}) {
    documents.push_back(precept::api_test::workload(name));
  }
  return documents;
}

// Allocations of deciding every document once more, after two rounds.
template <class Decide>
std::size_t third_round(const std::vector<std::string>& documents, Decide decide) {
  for (int round = 0; round < 2; ++round) {
    for (const std::string& d : documents) decide(d);
  }
  std::size_t before = precept::test::allocation_count();
  for (const std::string& d : documents) decide(d);
  return precept::test::allocation_count() - before;
}

}  // namespace

TEST_CASE("deciding through the API allocates what the runtime does", "[api][alloc]") {
  std::string bytes = precept::api_test::read_text(precept::api_test::bundle_path("aigov.rbc"));
  std::vector<std::string> documents = workloads();
  for (bool explain : {false, true}) {
    INFO((explain ? "explained" : "not explained"));
    precept::runtime::Image image;
    REQUIRE(precept::runtime::read_bundle(bytes, image).empty());
    std::string error;
    auto executable = precept::runtime::Executable::make(std::move(image), error);
    REQUIRE(executable != nullptr);
    precept::runtime::FactLoader loader(executable);
    precept::runtime::Vm vm(executable);
    precept::runtime::Facts facts;
    precept::runtime::Decision runtime_decision;
    precept::runtime::EvalOptions eval;
    eval.explain = explain;
    eval.now = fixed_day;
    std::size_t by_runtime = third_round(documents, [&](const std::string& d) {
      if (loader.load(d, facts, error)) vm.evaluate(facts, eval, runtime_decision);
    });

    precept::Engine engine{*precept::Bundle::from_bytes(bytes)};
    precept::Evaluator evaluator = engine.evaluator();
    precept::Decision decision;
    precept::Options options{.explain = explain,
                             .now = std::chrono::sys_days(std::chrono::days(fixed_day))};
    bool all_ok = true;
    std::size_t by_api = third_round(documents, [&](const std::string& d) {
      all_ok = evaluator.evaluate(d, options, decision).ok() && all_ok;
    });
    CHECK(all_ok);
    CHECK(by_api == by_runtime);

    // Without a date the evaluation reads the clock: still nothing more
    // (at most what the runtime took, which after more rounds may be less).
    options.now.reset();
    std::size_t today = third_round(documents, [&](const std::string& d) {
      all_ok = evaluator.evaluate(d, options, decision).ok() && all_ok;
    });
    CHECK(all_ok);
    CHECK(today <= by_runtime);
  }
}
