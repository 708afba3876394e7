// ISO 8601 calendar dates as days since 1970-01-01, shared by the checker,
// the fact loader and decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace precept::runtime {

// `YYYY-MM-DD` as days since 1970-01-01, or nothing when the text is not a
// real date (`2026-02-30`, `2026-8-2`).
std::optional<std::int64_t> parse_iso_date(std::string_view text);
std::string format_iso_date(std::int64_t days);

}  // namespace precept::runtime
