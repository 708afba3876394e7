#include "lang/source.hpp"

#include <algorithm>

namespace precept::lang {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  // A UTF-8 byte-order mark is not text: dropping it here keeps columns on
  // line 1 right and keeps it out of rendered source lines.
  if (text_.starts_with("\xEF\xBB\xBF")) text_.erase(0, 3);
  line_starts_.push_back(0);
  std::uint32_t column = 0;  // code points since the line's start
  for (std::uint32_t i = 0; i < text_.size(); ++i) {
    if (i % checkpoint_bytes == 0) checkpoint_columns_.push_back(column);
    // \n, \r\n and a lone \r (old Mac files) all end a line.
    bool lone_cr = text_[i] == '\r' && (i + 1 == text_.size() || text_[i + 1] != '\n');
    if (text_[i] == '\n' || lone_cr) {
      line_starts_.push_back(i + 1);
      column = 0;
    } else if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
}

LineCol SourceFile::locate(std::uint32_t offset) const {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  auto line_index = static_cast<std::uint32_t>(next - line_starts_.begin() - 1);
  std::uint32_t from = line_starts_[line_index];
  std::uint32_t column = 1;
  // Start from the last checkpoint on this line, if one is nearer.
  const std::uint32_t checkpoint = offset / checkpoint_bytes;
  if (checkpoint < checkpoint_columns_.size() && checkpoint * checkpoint_bytes > from) {
    from = checkpoint * checkpoint_bytes;
    column = checkpoint_columns_[checkpoint] + 1;
  }
  for (std::uint32_t i = from; i < offset; ++i) {
    // Count code points: every byte that is not a UTF-8 continuation byte.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {line_index + 1, column};
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  std::uint32_t begin = line_starts_[line - 1];
  std::uint32_t end = line < line_starts_.size() ? line_starts_[line]
                                                 : static_cast<std::uint32_t>(text_.size());
  std::string_view view(text_.data() + begin, end - begin);
  if (!view.empty() && view.back() == '\n') view.remove_suffix(1);
  if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
  return view;
}

FileId SourceSet::add(std::string path, std::string text) {
  files_.emplace_back(std::move(path), std::move(text));
  return static_cast<FileId>(files_.size() - 1);
}

}  // namespace precept::lang
