// The C ABI for decisions: counts and entries by index, and the JSON and
// text forms kept in the handle so their pointers outlive the call.
#include <new>

#include "runtime/api/c_handles.hpp"

using namespace precept;
using precept::capi::to_c;

namespace {

// Violations, reviews, warnings or obligations; false for the other lists.
bool entries_of(const Decision& d, precept_list list, List<Entry>& out) {
  switch (list) {
    case PRECEPT_VIOLATIONS:
      out = d.violations();
      return true;
    case PRECEPT_REVIEWS:
      out = d.reviews();
      return true;
    case PRECEPT_WARNINGS:
      out = d.warnings();
      return true;
    case PRECEPT_OBLIGATIONS:
      out = d.obligations();
      return true;
    default:
      return false;
  }
}

// Entry `index` of `list`; false when there is none.
bool entry_at(const precept_decision* decision, precept_list list, size_t index, Entry& out) {
  List<Entry> entries;
  if (decision == nullptr || !entries_of(decision->decision, list, entries)) return false;
  if (index >= entries.size()) return false;
  out = entries[index];
  return true;
}

void set(precept_string* out, std::string_view text) {
  if (out != nullptr) *out = to_c(text);
}

}  // namespace

extern "C" {

precept_status precept_decision_new(precept_decision** out) {
  if (out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  auto* handle = new (std::nothrow) precept_decision;
  if (handle == nullptr) return PRECEPT_OUT_OF_MEMORY;
  *out = handle;
  return PRECEPT_OK;
}

void precept_decision_free(precept_decision* decision) { delete decision; }

precept_status precept_decision_outcome(const precept_decision* decision, precept_outcome* out) {
  if (decision == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  *out = static_cast<precept_outcome>(decision->decision.outcome());
  return PRECEPT_OK;
}

precept_status precept_decision_complete(const precept_decision* decision, int* out) {
  if (decision == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  *out = decision->decision.complete() ? 1 : 0;
  return PRECEPT_OK;
}

precept_status precept_decision_bundle(const precept_decision* decision, precept_string* name,
                                       precept_string* version) {
  if (decision == nullptr) return PRECEPT_INVALID_ARGUMENT;
  set(name, decision->decision.bundle_name());
  set(version, decision->decision.bundle_version());
  return PRECEPT_OK;
}

precept_status precept_decision_count(const precept_decision* decision, precept_list list,
                                      size_t* out) {
  if (decision == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  const Decision& d = decision->decision;
  List<Entry> entries;
  if (entries_of(d, list, entries)) {
    *out = entries.size();
    return PRECEPT_OK;
  }
  switch (list) {
    case PRECEPT_OUTPUTS:
      *out = d.outputs().size();
      return PRECEPT_OK;
    case PRECEPT_MISSING:
      *out = d.missing().size();
      return PRECEPT_OK;
    case PRECEPT_ERRORS:
      *out = d.errors().size();
      return PRECEPT_OK;
    default:
      return PRECEPT_INVALID_ARGUMENT;
  }
}

precept_status precept_decision_entry(const precept_decision* decision, precept_list list,
                                      size_t index, precept_entry* out) {
  Entry entry;
  if (out == nullptr || !entry_at(decision, list, index, entry)) return PRECEPT_INVALID_ARGUMENT;
  out->rule = to_c(entry.rule);
  out->title = to_c(entry.title);
  out->message = to_c(entry.message);
  out->obligation = to_c(entry.obligation);
  out->severity = static_cast<precept_severity>(entry.severity);
  out->citation_count = entry.citations.size();
  out->binding_count = entry.bindings.size();
  return PRECEPT_OK;
}

precept_status precept_decision_entry_citation(const precept_decision* decision, precept_list list,
                                               size_t index, size_t citation, precept_string* out) {
  Entry entry;
  if (out == nullptr || !entry_at(decision, list, index, entry) ||
      citation >= entry.citations.size()) {
    return PRECEPT_INVALID_ARGUMENT;
  }
  *out = to_c(entry.citations[citation]);
  return PRECEPT_OK;
}

precept_status precept_decision_entry_binding(const precept_decision* decision, precept_list list,
                                              size_t index, size_t binding, precept_string* name,
                                              precept_string* value) {
  Entry entry;
  if (!entry_at(decision, list, index, entry) || binding >= entry.bindings.size()) {
    return PRECEPT_INVALID_ARGUMENT;
  }
  Binding b = entry.bindings[binding];
  set(name, b.name);
  set(value, b.value);
  return PRECEPT_OK;
}

precept_status precept_decision_output(const precept_decision* decision, size_t index,
                                       precept_string* id, precept_string* value) {
  if (decision == nullptr || index >= decision->decision.outputs().size()) {
    return PRECEPT_INVALID_ARGUMENT;
  }
  Output output = decision->decision.outputs()[index];
  set(id, output.id);
  set(value, output.value);
  return PRECEPT_OK;
}

precept_status precept_decision_missing(const precept_decision* decision, size_t index,
                                        precept_string* path) {
  if (decision == nullptr || index >= decision->decision.missing().size()) {
    return PRECEPT_INVALID_ARGUMENT;
  }
  set(path, decision->decision.missing()[index].path);
  return PRECEPT_OK;
}

precept_status precept_decision_error(const precept_decision* decision, size_t index,
                                      precept_string* kind, precept_string* path,
                                      precept_string* at, precept_string* message) {
  if (decision == nullptr || index >= decision->decision.errors().size()) {
    return PRECEPT_INVALID_ARGUMENT;
  }
  DecisionError error = decision->decision.errors()[index];
  set(kind, to_string(error.kind));
  set(path, error.path);
  set(at, error.at);
  set(message, error.message);
  return PRECEPT_OK;
}

precept_status precept_decision_json(precept_decision* decision, int pretty, precept_string* out) {
  if (decision == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  decision->json = decision->decision.to_json(pretty != 0);
  // A decision's JSON is never empty: empty means memory ran out.
  if (decision->json.empty()) return PRECEPT_OUT_OF_MEMORY;
  *out = to_c(decision->json);
  return PRECEPT_OK;
}

precept_status precept_decision_text(precept_decision* decision, precept_string* out) {
  if (decision == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  decision->text = decision->decision.to_text();
  if (decision->text.empty()) return PRECEPT_OUT_OF_MEMORY;
  *out = to_c(decision->text);
  return PRECEPT_OK;
}

}  // extern "C"
