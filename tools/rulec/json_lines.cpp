#include "tools/rulec/json_lines.hpp"

namespace precept::rulec {

std::vector<JsonLine> split_json_lines(std::string_view text) {
  std::vector<JsonLine> lines;
  for (std::size_t start = 0, number = 1; start < text.size(); ++number) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.push_back({line, number});
    start = end + 1;
  }
  return lines;
}

}  // namespace precept::rulec
