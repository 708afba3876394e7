#include "lang/reference_compare.hpp"

#include "runtime/decision.hpp"
#include "runtime/facts_json.hpp"
#include "runtime/vm.hpp"

namespace precept::lang {

nlohmann::json vm_decide(const std::shared_ptr<const runtime::Executable>& exe,
                         const nlohmann::json& facts, const ReferenceOptions& options) {
  runtime::Facts loaded;
  std::string error;
  if (!runtime::load_facts(*exe, facts, loaded, error)) {
    return nlohmann::json{{"load_error", error}};
  }
  runtime::EvalOptions eval;
  eval.explain = options.explain;
  eval.now = options.now;
  runtime::Vm vm(exe);
  runtime::Decision decision;
  vm.evaluate(loaded, eval, decision);
  return nlohmann::json::parse(runtime::to_json(decision, exe->image()));
}

namespace {

bool has_limit_error(const nlohmann::json& decision) {
  if (!decision.contains("errors") || !decision["errors"].is_array()) return false;
  for (const auto& e : decision["errors"]) {
    if (e.value("kind", "") == "limit") return true;
  }
  return false;
}

// Error messages are free text: compared by kind, path and place only.
nlohmann::json normalised(nlohmann::json decision) {
  if (decision.contains("errors") && decision["errors"].is_array()) {
    for (auto& e : decision["errors"]) e.erase("message");
  }
  return decision;
}

}  // namespace

DecisionComparison compare_decisions(const nlohmann::json& reference, const nlohmann::json& vm) {
  DecisionComparison result;
  if (has_limit_error(reference) || has_limit_error(vm)) {
    result.limited = true;
    return result;
  }
  nlohmann::json a = normalised(reference);
  nlohmann::json b = normalised(vm);
  if (a == b) return result;
  for (const auto& [key, value] : a.items()) {
    if (!b.contains(key) || b[key] != value) result.differences.push_back(key);
  }
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key)) result.differences.push_back(key);
  }
  if (result.differences.empty()) result.differences.push_back("(order)");
  std::string keys;
  for (const std::string& k : result.differences) keys += (keys.empty() ? "" : ", ") + k;
  result.summary = "decisions differ in: " + keys + "\nreference: " + reference.dump() +
                   "\nvm:        " + vm.dump();
  return result;
}

}  // namespace precept::lang
