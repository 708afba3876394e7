#include "lang/render.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace precept::lang {

namespace {

// Decodes one UTF-8 sequence at text[i], advancing i. Invalid bytes decode
// as themselves (one byte each), so rendering never fails on bad input.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                       : (lead >> 3) == 0x1E ? 4 : 0;
  if (length <= 1 || i + length > text.size()) {
    ++i;
    return lead;
  }
  char32_t cp = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return lead;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += length;
  return cp;
}

// Terminal columns a code point occupies: 0 for combining marks, 2 for East
// Asian wide characters and emoji, 1 otherwise. A small table covers what
// appears in rule files (names, messages, citations in any script).
int display_width(char32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFE0F) return 0;
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
      (cp >= 0x20000 && cp <= 0x3FFFD))
    return 2;
  return 1;
}

// Fills `out` with what goes under `line[from, to)`: a tab under a tab (so
// the caret lines up whatever the tab width), `fill` under everything else,
// repeated by display width.
void pad_under(std::string& out, std::string_view line, std::size_t from, std::size_t to, char fill) {
  std::size_t i = from;
  while (i < to && i < line.size()) {
    char32_t cp = next_code_point(line, i);
    if (cp == '\t') {
      out += fill == ' ' ? '\t' : '^';
      continue;
    }
    out.append(static_cast<std::size_t>(display_width(cp)), fill);
  }
}

// Control characters other than tab would act on the terminal (a message or
// source line quoting ESC could clear the screen); they are shown as escapes
// in messages and as U+FFFD, one column wide, in source lines.
bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F; }

std::string printable_message(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_control(c)) {
      out += fmt::format("\\u{{{:X}}}", static_cast<unsigned>(c));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void append_printable_line(std::string& out, std::string_view line) {
  for (std::size_t i = 0; i < line.size();) {
    std::size_t from = i;
    char32_t cp = next_code_point(line, i);
    if (cp != '\t' && is_control(cp)) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out.append(line.substr(from, i - from));
    }
  }
}

// Moves `offset` by up to `count` code points forward (or backward),
// staying on code-point boundaries.
std::size_t advance_code_points(std::string_view text, std::size_t offset, std::size_t count) {
  while (count > 0 && offset < text.size()) {
    next_code_point(text, offset);
    --count;
  }
  return offset;
}
std::size_t retreat_code_points(std::string_view text, std::size_t offset, std::size_t count) {
  while (count > 0 && offset > 0) {
    --offset;
    while (offset > 0 && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) --offset;
    --count;
  }
  return offset;
}

// Long lines (minified or generated files) are shown as a window around the
// span, so one diagnostic never prints megabytes.
constexpr std::size_t long_line_bytes = 160;
constexpr std::size_t context_code_points = 60;
constexpr std::size_t max_caret_code_points = 80;

void render_snippet(std::string& out, Span span, const SourceSet& sources) {
  const SourceFile& file = sources.file(span.file);
  LineCol start = file.locate(span.begin);
  std::string_view line = file.line_text(start.line);
  std::size_t line_begin = span.begin - file.line_start(start.line);
  // Byte offsets of the span within the line; a span running past the end
  // of the line is cut there, and an empty span still gets one caret.
  std::size_t caret_from = std::min(line_begin, line.size());
  std::size_t span_length = span.end > span.begin ? span.end - span.begin : 0;
  std::size_t caret_to = std::min(caret_from + span_length, line.size());

  std::string_view prefix_mark, suffix_mark;
  if (line.size() > long_line_bytes) {
    caret_to = std::min(caret_to, advance_code_points(line, caret_from, max_caret_code_points));
    std::size_t window_begin = retreat_code_points(line, caret_from, context_code_points);
    std::size_t window_end = advance_code_points(line, caret_to, context_code_points);
    if (window_begin > 0) prefix_mark = "\xE2\x80\xA6";  // …
    if (window_end < line.size()) suffix_mark = "\xE2\x80\xA6";
    line = line.substr(window_begin, window_end - window_begin);
    caret_from -= window_begin;
    caret_to -= window_begin;
  }

  std::string number = std::to_string(start.line);
  std::string gutter(number.size(), ' ');
  out += fmt::format(" {} | {}", number, prefix_mark);
  append_printable_line(out, line);
  out += suffix_mark;
  out += '\n';
  out += fmt::format(" {} | ", gutter);
  if (!prefix_mark.empty()) out += ' ';
  pad_under(out, line, 0, caret_from, ' ');
  std::size_t before = out.size();
  pad_under(out, line, caret_from, caret_to, '^');
  if (out.size() == before) out += '^';
  out += '\n';
}

std::string location(Span span, const SourceSet& sources) {
  if (!span.valid() || span.file >= sources.size()) return "<input>";
  const SourceFile& file = sources.file(span.file);
  LineCol lc = file.locate(span.begin);
  return fmt::format("{}:{}:{}", file.path(), lc.line, lc.column);
}

bool has_source(Span span, const SourceSet& sources) {
  return span.valid() && span.file < sources.size();
}

}  // namespace

std::string render_text(const Diagnostic& d, const SourceSet& sources, const RenderOptions& options) {
  std::string out;
  std::string_view severity = to_string(d.severity);
  if (options.color) {
    const char* color = d.severity == Severity::error ? "\x1b[1;31m" : "\x1b[1;35m";
    out += fmt::format("\x1b[1m{}:\x1b[0m {}{}:\x1b[0m \x1b[1m{}\x1b[0m [{}]\n",
                       location(d.span, sources), color, severity, printable_message(d.message),
                       code_name(d.code));
  } else {
    out += fmt::format("{}: {}: {} [{}]\n", location(d.span, sources), severity,
                       printable_message(d.message), code_name(d.code));
  }
  if (options.show_source && has_source(d.span, sources)) render_snippet(out, d.span, sources);
  for (const Note& note : d.notes) {
    if (has_source(note.span, sources)) {
      out += fmt::format("{}: note: {}\n", location(note.span, sources),
                         printable_message(note.message));
      if (options.show_source) render_snippet(out, note.span, sources);
    } else {
      out += fmt::format("  note: {}\n", printable_message(note.message));
    }
  }
  return out;
}

std::string render_text(const Diagnostics& ds, const SourceSet& sources, const RenderOptions& options) {
  std::string out;
  for (const Diagnostic& d : ds.all()) out += render_text(d, sources, options);
  if (ds.dropped() > 0) {
    out += fmt::format("... and {} more errors and warnings, not shown: only the first {} are kept\n",
                       ds.dropped(), Diagnostics::max_kept);
  }
  return out;
}

std::string render_brief(const Diagnostic& d, const SourceSet& sources) {
  return fmt::format("{}: {}[{}]: {}", location(d.span, sources), to_string(d.severity),
                     code_name(d.code), d.message);
}

namespace {

nlohmann::json span_json(Span span, const SourceSet& sources) {
  nlohmann::json j = nlohmann::json::object();
  if (!has_source(span, sources)) return j;
  const SourceFile& file = sources.file(span.file);
  LineCol begin = file.locate(span.begin);
  LineCol end = file.locate(span.end);
  j["file"] = file.path();
  j["line"] = begin.line;
  j["column"] = begin.column;
  j["end_line"] = end.line;
  j["end_column"] = end.column;
  return j;
}

}  // namespace

std::string render_json(const Diagnostics& ds, const SourceSet& sources) {
  nlohmann::json list = nlohmann::json::array();
  for (const Diagnostic& d : ds.all()) {
    nlohmann::json j = span_json(d.span, sources);
    j["severity"] = to_string(d.severity);
    j["code"] = code_name(d.code);
    j["message"] = d.message;
    nlohmann::json notes = nlohmann::json::array();
    for (const Note& note : d.notes) {
      nlohmann::json n = span_json(note.span, sources);
      n["message"] = note.message;
      notes.push_back(std::move(n));
    }
    j["notes"] = std::move(notes);
    list.push_back(std::move(j));
  }
  nlohmann::json doc = {{"diagnostics", std::move(list)},
                        {"errors", ds.error_count()},
                        {"warnings", ds.warning_count()},
                        {"not_shown", ds.dropped()}};
  // Replace invalid UTF-8 (a message quoting a bad byte) rather than throw.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace precept::lang
