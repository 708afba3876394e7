// Loading facts from an nlohmann::json value (the host already parsed the
// document), with the same rules and input errors as FactLoader::load.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "runtime/facts.hpp"

namespace precept::runtime {

// False with `error` set when `document` is not an object or exceeds the limits.
bool load_facts(const Executable& exe, const nlohmann::json& document, Facts& out,
                std::string& error, const FactLimits& limits = {});

}  // namespace precept::runtime
