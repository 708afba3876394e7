#include "tools/rulec/json_lines.hpp"

#include <cerrno>
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
    if (failed_) read_errno_ = errno;
    return false;
  }
  return true;
}

bool JsonLineReader::append_next(std::string& text, std::size_t& number, bool& too_long) {
  const std::size_t from = text.size();
  for (;;) {
    text.resize(from);
    too_long = false;
    bool started = false;
    bool ended = false;
    std::size_t length = 0;  // of the line as read, carriage return included
    while (!ended) {
      if (pos_ == end_ && !fill()) break;
      started = true;
      const char* chunk = buffer_.data() + pos_;
      const void* newline = std::memchr(chunk, '\n', end_ - pos_);
      std::size_t n = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - chunk)
                              : end_ - pos_;
      if (!too_long && length + n > max_line_) {
        too_long = true;
        text.resize(from);
      }
      length += n;
      if (!too_long) text.append(chunk, n);
      pos_ += n;
      if (newline != nullptr) {
        ++pos_;
        ended = true;
      }
    }
    if (!started) return false;
    number = ++number_;
    if (too_long) return true;
    std::string_view line(text.data() + from, text.size() - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      text.resize(from + line.size());
      return true;
    }
  }
}

}  // namespace precept::rulec
