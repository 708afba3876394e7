// JSON Lines input shared by `rulec eval --batch` and `rulec bench`: the
// non-blank lines of a file, with their 1-based line numbers for messages.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace precept::rulec {

struct JsonLine {
  std::string_view text;  // without the line break (and a trailing `\r`)
  std::size_t number = 0;
};

// Lines holding only spaces and tabs are skipped, as JSON Lines readers do.
std::vector<JsonLine> split_json_lines(std::string_view text);

}  // namespace precept::rulec
