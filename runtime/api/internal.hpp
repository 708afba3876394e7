// What the API's handles hold, shared by the files of runtime/api/. Never
// installed: this is where the public types meet the runtime's.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/api/boundary.hpp"
#include "precept/precept.hpp"
#include "runtime/decision.hpp"
#include "runtime/executable.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"

namespace precept::detail {

// A runtime decision and the executable whose image its entries index
// (rules, outputs and effects are indices). Holding the executable keeps a
// decision readable after the engine has moved on to another bundle.
struct DecisionData {
  runtime::Decision decision;
  std::shared_ptr<const runtime::Executable> executable;  // null: the decision is empty

  static DecisionData* of(const Decision& d) { return d.data_.get(); }
  static std::unique_ptr<DecisionData>& slot(Decision& d) { return d.data_; }
};

// The engine's current bundle. Evaluators read `generation` (one atomic load
// of a line nobody writes between reloads) at the start of every
// evaluation, and take the mutex only when it moved.
struct EngineState {
  std::mutex mutex;
  std::shared_ptr<const runtime::Executable> current;  // guarded by mutex
  std::atomic<std::uint64_t> generation{0};            // bumped, under mutex, on every reload

  // The current executable and the generation it belongs to.
  std::shared_ptr<const runtime::Executable> snapshot(std::uint64_t& generation_out) {
    std::lock_guard<std::mutex> lock(mutex);
    generation_out = generation.load(std::memory_order_relaxed);
    return current;
  }
};

// One evaluator's reusable state, built for one executable and one set of
// fact limits, rebuilt when either changes.
struct EvaluatorScratch {
  std::shared_ptr<const runtime::Executable> executable;
  std::uint64_t generation = 0;
  runtime::FactLimits limits;
  std::optional<runtime::FactLoader> loader;
  std::optional<runtime::Vm> vm;
  runtime::Facts facts;
  std::string error;
};

// The runtime's options for one evaluation (reading the clock when
// `options.now` is unset) and its fact limits.
runtime::EvalOptions to_eval_options(const Options& options);
runtime::FactLimits to_fact_limits(const Options& options);

}  // namespace precept::detail
