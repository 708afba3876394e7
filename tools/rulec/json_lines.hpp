// JSON Lines input shared by `rulec eval --batch` and `rulec bench`: the
// non-blank lines of a file, streamed, with their 1-based line numbers for
// messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace precept::rulec {

// Reads JSON Lines from a file (a FIFO or a pipe too) a buffer at a time,
// so a batch of any length streams through bounded memory: a line longer
// than `max_line` bytes is reported as too long and its bytes are dropped
// as they are read, never held. Past `max_total` bytes of input it stops,
// as if the input ended there, and too_big() says so (an endless stream,
// like /dev/zero, ends instead of hanging).
class JsonLineReader {
 public:
  JsonLineReader(std::FILE* file, std::size_t max_line, std::uint64_t max_total);

  // The next non-blank line into `text` (its buffer reused), with its
  // 1-based number; false at the end of the input. `too_long` is set, and
  // `text` empty, for a line over the limit.
  bool next(std::string& text, std::size_t& number, bool& too_long) {
    text.clear();
    return append_next(text, number, too_long);
  }
  // The same, appended to `text` after what it holds (a block of lines in
  // one buffer); on false or too_long nothing is appended.
  bool append_next(std::string& text, std::size_t& number, bool& too_long);
  // A read error (not the end of the file) stopped the input, and its
  // errno, kept when it happened: deciding lines since may have changed errno.
  bool failed() const { return failed_; }
  int read_errno() const { return read_errno_; }
  bool too_big() const { return too_big_; }

 private:
  bool fill();

  std::FILE* file_;
  std::size_t max_line_;
  std::uint64_t max_total_;
  std::uint64_t total_ = 0;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::size_t number_ = 0;
  bool eof_ = false;
  bool failed_ = false;
  int read_errno_ = 0;
  bool too_big_ = false;
};

}  // namespace precept::rulec
