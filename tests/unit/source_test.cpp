#include <catch2/catch.hpp>

#include "lang/diagnostic.hpp"
#include "lang/source.hpp"

using namespace precept::lang;

TEST_CASE("locate maps byte offsets to line and code-point column", "[source]") {
  SourceFile file("a.rules", "package a\n\trule é {\r\n  x\n");
  CHECK(file.locate(0).line == 1);
  CHECK(file.locate(0).column == 1);
  CHECK(file.locate(8).column == 9);
  // Line 2 starts at byte 10; the tab counts as one column.
  CHECK(file.locate(11).line == 2);
  CHECK(file.locate(11).column == 2);
  // `{` follows the two-byte `é`: byte 19 is column 9, not 10.
  CHECK(file.text()[19] == '{');
  CHECK(file.locate(19).column == 9);
  CHECK(file.line_text(2) == "\trule é {");  // the \r is not part of the line
  CHECK(file.line_text(3) == "  x");
  CHECK(file.line_text(4).empty());
  CHECK(file.line_text(99).empty());
  // Past the end clamps to the end instead of failing.
  CHECK(file.locate(1000).line == 4);
}

TEST_CASE("locate counts columns right across long lines", "[source]") {
  // Columns on a line of megabytes are counted from a checkpoint every few
  // KiB, not from the line's start (a file of one long line with thousands
  // of diagnostics was quadratic). Every offset must still agree with a
  // plain count of code points, across checkpoints, multi-byte characters
  // straddling them, and lines that start between them.
  std::string text = "short\n";
  for (int i = 0; i < 3000; ++i) text += "a\xC3\xA9";  // 3 bytes, 2 code points
  text += "\nnext line\n";
  for (int i = 0; i < 5000; ++i) text += "\xE2\x82\xAC";  // 3 bytes, 1 code point
  SourceFile file("long.rules", text);
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  for (std::uint32_t offset = 0; offset <= text.size(); ++offset) {
    if (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) continue;
    LineCol at = file.locate(offset);
    REQUIRE(at.line == line);
    REQUIRE(at.column == column);
    if (offset < text.size() && text[offset] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
}

TEST_CASE("source sets keep references stable as files are added", "[source]") {
  SourceSet set;
  FileId first = set.add("a.rules", "package a\n");
  const SourceFile* address = &set.file(first);
  for (int i = 0; i < 100; ++i) set.add("b.rules", "package b\n");
  CHECK(&set.file(first) == address);
  CHECK(set.locate(Span{first, 8, 9}).column == 9);
}

TEST_CASE("closest_match suggests plausible misspellings only", "[diagnostic]") {
  std::vector<std::string_view> fields{"classification", "tags", "residency", "name"};
  CHECK(closest_match("clasification", fields) == "classification");
  CHECK(closest_match("residncy", fields) == "residency");
  CHECK(closest_match("tag", fields) == "tags");
  CHECK(closest_match("zzzzzz", fields).empty());
  CHECK(closest_match("x", {"y"}) == "y");  // one edit is always allowed
  CHECK(with_suggestion("unknown field `tgas`", "tgas", fields) ==
        "unknown field `tgas`; did you mean `tags`?");
  CHECK(with_suggestion("unknown field `q`", "q", {}) == "unknown field `q`");
}

TEST_CASE("diagnostics count errors and sort by position", "[diagnostic]") {
  Diagnostics ds;
  ds.warning(DiagCode::missing_cite, Span{0, 30, 31}, "rule `r` has no `cite`");
  ds.error(DiagCode::unknown_field, Span{0, 10, 12}, "unknown field `x`");
  CHECK(ds.has_errors());
  CHECK(ds.error_count() == 1);
  CHECK(ds.warning_count() == 1);
  ds.sort();
  CHECK(ds.all()[0].code == DiagCode::unknown_field);
  CHECK(code_name(DiagCode::unknown_field) == "unknown-field");
  CHECK(code_name(DiagCode::missing_cite) == "missing-cite");
}

TEST_CASE("a byte-order mark is dropped and a lone CR ends a line", "[source]") {
  SourceFile bom("bom.rules", "\xEF\xBB\xBFpackage a\nx");
  CHECK(bom.text() == "package a\nx");
  CHECK(bom.locate(8).column == 9);
  SourceFile mac("mac.rules", "package a\rrule r\r\nx");
  CHECK(mac.line_count() == 3);
  CHECK(mac.line_text(1) == "package a");
  CHECK(mac.line_text(2) == "rule r");
  CHECK(mac.locate(10).line == 2);
  CHECK(mac.locate(18).line == 3);
}
