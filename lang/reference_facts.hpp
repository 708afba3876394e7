// The reference interpreter's fact loader: a JSON document into values,
// through the schema the program declares (LANGUAGE.md "Types and the fact
// schema", docs/language.md "Evaluation", "Facts"). Independent of the
// runtime's loaders on purpose: the differential tests compare the two.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lang/checker.hpp"
#include "lang/reference_eval.hpp"
#include "lang/reference_value.hpp"

namespace precept::lang::reference {

// The record fields some rule, output or function reads. Fields no
// expression reads are not converted, so a wrong value there is not an
// input error (docs/language.md: "Fields no rule reads are not converted").
// A field named only inside an expression whose value is known at compile
// time (`true or x`, `if true then 1 else x`) is not read.
class ReadFields {
 public:
  explicit ReadFields(const Program& program);
  bool reads(const Type* record, const std::string& field) const {
    return read_.count({record, field}) > 0;
  }

 private:
  void walk(const Expr* e);
  const Program& program_;
  std::set<std::pair<const Type*, std::string>> read_;
};

// The facts root record of `document` (an object). Input errors are
// appended to `errors` in schema field order, then element order; their
// paths read as missing. Defaults are evaluated with `defaults`.
Value load_facts(const Program& program, const nlohmann::json& document, const ReadFields& read,
                 Evaluator& defaults, std::vector<ErrorEntry>& errors);

}  // namespace precept::lang::reference
