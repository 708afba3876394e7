// Evaluators: one thread's loader, VM and facts, rebuilt only when the
// engine's bundle or the fact limits changed.
#include <chrono>

#include "runtime/api/internal.hpp"

namespace precept {

namespace detail {

// The runtime's defaults are the API's: the public header cannot include
// the runtime's, so the numbers are written twice and checked here.
static_assert(Options{}.fuel == runtime::EvalOptions{}.fuel);
static_assert(Options{}.max_entries == runtime::EvalOptions{}.max_entries);
static_assert(Options{}.max_fact_bytes == runtime::FactLimits{}.max_bytes);
static_assert(Options{}.max_fact_depth == runtime::FactLimits{}.max_depth);

runtime::EvalOptions to_eval_options(const Options& options) {
  runtime::EvalOptions eval;
  eval.explain = options.explain;
  // The only clock read in an evaluation, and only when the host did not say.
  std::chrono::sys_days now =
      options.now ? *options.now
                  : std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  eval.now = now.time_since_epoch().count();
  eval.fuel = options.fuel;
  eval.max_entries = options.max_entries;
  return eval;
}

runtime::FactLimits to_fact_limits(const Options& options) {
  runtime::FactLimits limits;
  limits.max_bytes = options.max_fact_bytes;
  limits.max_depth = options.max_fact_depth;
  return limits;
}

namespace {

// Brings the scratch state up to the engine's current bundle and `limits`.
Status pick_up(EngineState& engine, EvaluatorScratch& s, const runtime::FactLimits& limits) {
  // The common case: the bundle has not changed since the last evaluation.
  std::uint64_t generation = engine.generation.load(std::memory_order_acquire);
  if (s.executable == nullptr || generation != s.generation) {
    std::shared_ptr<const runtime::Executable> current = engine.snapshot(s.generation);
    if (current == nullptr) {
      return Status(ErrorKind::invalid_argument, "the engine has no bundle");
    }
    if (current != s.executable) {
      s.loader.reset();
      s.vm.reset();
      s.executable = std::move(current);
    }
  }
  if (!s.loader || s.limits.max_bytes != limits.max_bytes ||
      s.limits.max_depth != limits.max_depth) {
    s.loader.emplace(s.executable, limits);
    s.limits = limits;
  }
  if (!s.vm) s.vm.emplace(s.executable);
  return {};
}

// Makes `data` an empty decision: what a failed evaluation leaves.
void make_empty(DecisionData* data) noexcept {
  if (data == nullptr) return;
  data->executable.reset();
  data->decision.clear();  // keeps its entries for reuse
}

}  // namespace

}  // namespace detail

inline namespace v1 {

Evaluator::Evaluator() noexcept = default;
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;
Evaluator::Evaluator(std::shared_ptr<detail::EngineState> engine) noexcept
    : engine_(std::move(engine)) {}

Status Evaluator::evaluate(std::string_view facts_json, const Options& options,
                           Decision& out) noexcept {
  auto& slot = detail::DecisionData::slot(out);
  try {
    if (!engine_) {
      detail::make_empty(slot.get());
      return Status(ErrorKind::invalid_argument,
                    "the evaluator has no engine (default-made or moved from)");
    }
    if (!scratch_) scratch_ = std::make_unique<detail::EvaluatorScratch>();
    detail::EvaluatorScratch& s = *scratch_;
    if (Status picked = detail::pick_up(*engine_, s, detail::to_fact_limits(options)); !picked) {
      detail::make_empty(slot.get());
      return picked;
    }
    if (!s.loader->load(facts_json, s.facts, s.error)) {
      detail::make_empty(slot.get());
      return Status(ErrorKind::bad_facts, s.error);
    }
    if (!slot) slot = std::make_unique<detail::DecisionData>();
    // Compared first, so the steady state touches no reference count.
    if (slot->executable != s.executable) slot->executable = s.executable;
    s.vm->evaluate(s.facts, detail::to_eval_options(options), slot->decision);
    return {};
  } catch (...) {
    detail::make_empty(slot.get());
    return detail::status_from_current_exception();
  }
}

Result<Decision> Evaluator::evaluate(std::string_view facts_json, const Options& options) noexcept {
  Decision decision;
  if (Status status = evaluate(facts_json, options, decision); !status) return status;
  return decision;
}

}  // namespace v1
}  // namespace precept
