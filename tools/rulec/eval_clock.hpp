// The evaluation date of `rulec eval` and `rulec bench`: --now, or today.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace precept::rulec {

// Days since 1970-01-01 for `--now YYYY-MM-DD`, or today (UTC) when `now` is
// empty; nullopt after printing an error when it is not a date. The only
// place rulec reads the clock, so a decision is reproducible with --now.
std::optional<std::int64_t> evaluation_date(const std::string& now);

}  // namespace precept::rulec
