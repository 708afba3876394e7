#include "tools/rulec/json_lines.hpp"

#include <cstring>

namespace precept::rulec {

JsonLineReader::JsonLineReader(std::FILE* file, std::size_t max_line, std::uint64_t max_total)
    : file_(file), max_line_(max_line), max_total_(max_total), buffer_(std::size_t{1} << 20) {}

bool JsonLineReader::fill() {
  if (eof_) return false;
  if (total_ >= max_total_) {
    eof_ = true;
    too_big_ = true;
    return false;
  }
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
  pos_ = 0;
  total_ += end_;
  if (end_ == 0) {
    eof_ = true;
    failed_ = std::ferror(file_) != 0;
    return false;
  }
  return true;
}

bool JsonLineReader::next(std::string& text, std::size_t& number, bool& too_long) {
  for (;;) {
    text.clear();
    too_long = false;
    bool started = false;
    bool ended = false;
    while (!ended) {
      if (pos_ == end_ && !fill()) break;
      started = true;
      const char* from = buffer_.data() + pos_;
      const void* newline = std::memchr(from, '\n', end_ - pos_);
      std::size_t n = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - from)
                              : end_ - pos_;
      if (!too_long && text.size() + n > max_line_) {
        too_long = true;
        text.clear();
      }
      if (!too_long) text.append(from, n);
      pos_ += n;
      if (newline != nullptr) {
        ++pos_;
        ended = true;
      }
    }
    if (!started) return false;
    number = ++number_;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (too_long || text.find_first_not_of(" \t") != std::string::npos) return true;
  }
}

}  // namespace precept::rulec
