// Optional: deciding facts the host already holds as an nlohmann::json
// value. Kept out of precept.hpp so that hosts without nlohmann never see
// it; header-only, so libprecept's ABI does not depend on nlohmann's.
//
//   #include <precept/json.hpp>
//   nlohmann::json facts = {{"workload", {{"name", "helpdesk-bot"}}}};
//   precept::Result<precept::Decision> d = precept::evaluate(evaluator, facts);
//
// The value is written as JSON text and read by the fact loader, the same
// path as evaluate(text): for a document of a few kilobytes that costs a few
// microseconds more than passing the text the host received.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "precept/precept.hpp"

namespace precept {
inline namespace v1 {

inline Status evaluate(Evaluator& evaluator, const nlohmann::json& facts, const Options& options,
                       Decision& out) noexcept {
  std::string text;
  try {
    text = facts.dump();
  } catch (const nlohmann::json::exception&) {
    return Status(ErrorKind::bad_facts, "the facts hold a string that is not valid UTF-8");
  } catch (...) {
    return Status(ErrorKind::out_of_memory, "out of memory");
  }
  return evaluator.evaluate(text, options, out);
}

inline Result<Decision> evaluate(Evaluator& evaluator, const nlohmann::json& facts,
                                 const Options& options = {}) noexcept {
  Decision decision;
  if (Status status = evaluate(evaluator, facts, options, decision); !status) return status;
  return decision;
}

}  // namespace v1
}  // namespace precept
