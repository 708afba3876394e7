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
// The range parse_iso_date gives: 0000-01-01 to 9999-12-31.
inline constexpr std::int64_t min_iso_date = -719528;
inline constexpr std::int64_t max_iso_date = 2932896;
// Any day count: years past 9999 have more digits; a count beyond any
// calendar (a date `now` set to billions of years away) is written as the
// count itself, `+9223372036854775807 days`, rather than overflowing.
std::string format_iso_date(std::int64_t days);

}  // namespace precept::runtime
