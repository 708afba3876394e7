// Source files and spans: every AST node and diagnostic points back into the
// text through a Span, and only this file knows how bytes map to lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <deque>
#include <vector>

namespace precept::lang {

using FileId = std::uint32_t;
inline constexpr FileId no_file = 0xFFFF'FFFFu;

// A half-open byte range [begin, end) in one source file. Byte offsets (not
// line/column) keep spans small and exact; lines and columns are computed
// only when a diagnostic is rendered.
struct Span {
  FileId file = no_file;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool valid() const { return file != no_file; }
  // The smallest span covering both (same file assumed).
  static Span cover(Span a, Span b) {
    if (!a.valid()) return b;
    if (!b.valid()) return a;
    return {a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
  friend bool operator==(const Span&, const Span&) = default;
};

// 1-based line; column is 1-based and counts Unicode code points, with a tab
// counting as one (editors and `file:line:col` consumers agree on that).
struct LineCol {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class SourceFile {
public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  LineCol locate(std::uint32_t offset) const;
  // The text of a 1-based line, without its line terminator.
  std::string_view line_text(std::uint32_t line) const;
  // Byte offset where a 1-based line begins.
  std::uint32_t line_start(std::uint32_t line) const { return line_starts_.at(line - 1); }
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }

private:
  // Every `checkpoint_bytes` of text, the column there (0 at a line start),
  // so that locating an offset on a line of megabytes counts at most that
  // many bytes: a file of one long line with thousands of diagnostics is
  // rendered in linear time.
  static constexpr std::uint32_t checkpoint_bytes = 4096;
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
  std::vector<std::uint32_t> checkpoint_columns_;
};

// All files of one compilation; a FileId is an index into it.
class SourceSet {
public:
  FileId add(std::string path, std::string text);
  const SourceFile& file(FileId id) const { return files_.at(id); }
  std::size_t size() const { return files_.size(); }
  LineCol locate(Span span) const { return files_.at(span.file).locate(span.begin); }

private:
  std::deque<SourceFile> files_;  // a deque: references stay valid as files are added
};

}  // namespace precept::lang
