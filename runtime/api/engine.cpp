// The engine: the current bundle, swapped under a mutex and announced to
// evaluators through a generation counter.
#include <utility>

#include "runtime/api/internal.hpp"

namespace precept {
inline namespace v1 {

Engine::Engine(Bundle bundle) noexcept {
  try {
    state_ = std::make_shared<detail::EngineState>();
    state_->current = std::move(bundle.executable_);
  } catch (...) {
    // Out of memory: the engine stays without state and its evaluators say so.
    state_.reset();
  }
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

Evaluator Engine::evaluator() const noexcept { return Evaluator(state_); }

Status Engine::reload(Bundle bundle) noexcept {
  if (!state_) {
    return Status(ErrorKind::invalid_argument,
                  "the engine has no state (moved from, or out of memory)");
  }
  if (bundle.empty()) return Status(ErrorKind::invalid_argument, "cannot reload an empty bundle");
  std::shared_ptr<const runtime::Executable> previous;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    previous = std::exchange(state_->current, std::move(bundle.executable_));
    // Release: an evaluator that sees the new generation also sees `current`.
    state_->generation.fetch_add(1, std::memory_order_release);
  }
  // `previous` is released here, outside the lock; the last evaluator still
  // on it frees it.
  return {};
}

Bundle Engine::bundle() const noexcept {
  if (!state_) return Bundle();
  std::lock_guard<std::mutex> lock(state_->mutex);
  return Bundle(state_->current);
}

}  // namespace v1
}  // namespace precept
