#include "tools/rulec/eval_clock.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>

#include "runtime/date.hpp"

namespace precept::rulec {

std::optional<std::int64_t> evaluation_date(const std::string& now) {
  if (now.empty()) {
    auto clock = std::chrono::system_clock::now();
    return std::chrono::duration_cast<std::chrono::hours>(clock.time_since_epoch()).count() / 24;
  }
  auto days = runtime::parse_iso_date(now);
  if (!days) fmt::print(stderr, "rulec: --now `{}` is not a date; write YYYY-MM-DD\n", now);
  return days;
}

}  // namespace precept::rulec
