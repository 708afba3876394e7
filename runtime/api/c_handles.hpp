// The C ABI's opaque handles: each wraps the C++ object it stands for, plus
// the buffers that keep the strings it hands out alive.
#pragma once

#include <string>
#include <string_view>

#include "precept/precept.h"
#include "precept/precept.hpp"

struct precept_bundle {
  precept::Bundle bundle;
};

struct precept_engine {
  precept::Engine engine;
};

struct precept_evaluator {
  precept::Evaluator evaluator;
  std::string error;  // why the last evaluation failed; empty after a success
};

struct precept_decision {
  precept::Decision decision;
  std::string json;  // the last precept_decision_json
  std::string text;  // the last precept_decision_text
};

namespace precept::capi {

// A view as a precept_string; never a null pointer, so C can print it.
inline precept_string to_c(std::string_view text) {
  return precept_string{text.data() != nullptr ? text.data() : "", text.size()};
}

inline precept_status to_c(ErrorKind kind) { return static_cast<precept_status>(kind); }

}  // namespace precept::capi
