#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "lang/render.hpp"

using namespace precept::lang;

namespace {

// The span of the first occurrence of `needle` in file `id`.
Span span_of(const SourceSet& set, FileId id, std::string_view needle) {
  auto at = set.file(id).text().find(needle);
  REQUIRE(at != std::string::npos);
  return Span{id, static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(at + needle.size())};
}

}  // namespace

TEST_CASE("text rendering shows location, source line and caret", "[render]") {
  SourceSet set;
  FileId id = set.add("rules/x.rules", "package x\nrule r {\n  when d.clasification == public\n}\n");
  Diagnostic d{Severity::error, DiagCode::unknown_field, span_of(set, id, "clasification"),
               "unknown field `clasification` on type `Dataset`; did you mean `classification`?", {}};
  CHECK(render_text(d, set) ==
        "rules/x.rules:3:10: error: unknown field `clasification` on type `Dataset`; did you mean "
        "`classification`? [unknown-field]\n"
        " 3 |   when d.clasification == public\n"
        "   |          ^^^^^^^^^^^^^\n");
}

TEST_CASE("the caret stays under the span after tabs", "[render]") {
  SourceSet set;
  FileId id = set.add("t.rules", "\t\twhen\tx == 1\n");
  Diagnostic d{Severity::error, DiagCode::undefined_name, span_of(set, id, "x"), "undefined name `x`", {}};
  std::string text = render_text(d, set);
  CHECK(text ==
        "t.rules:1:8: error: undefined name `x` [undefined-name]\n"
        " 1 | \t\twhen\tx == 1\n"
        "   | \t\t    \t^\n");
}

TEST_CASE("the caret stays under the span after multi-byte UTF-8", "[render]") {
  SourceSet set;
  // é is two bytes and one column; 規 is three bytes and two terminal columns.
  FileId id = set.add("u.rules", "deny \"é規\" + nom\n");
  Diagnostic d{Severity::error, DiagCode::undefined_name, span_of(set, id, "nom"), "undefined name `nom`", {}};
  std::string text = render_text(d, set);
  CHECK(text ==
        "u.rules:1:13: error: undefined name `nom` [undefined-name]\n"
        " 1 | deny \"é規\" + nom\n"
        "   |              ^^^\n");
}

TEST_CASE("rendering survives invalid UTF-8, empty spans and end of file", "[render]") {
  SourceSet set;
  FileId id = set.add("bad.rules", std::string("rule \xff\xfe x"));
  Diagnostic at_end{Severity::error, DiagCode::syntax_error, Span{id, 9, 9}, "unexpected end of file", {}};
  std::string text = render_text(at_end, set);
  CHECK(text.find("bad.rules:1:10:") == 0);
  CHECK(text.find("^\n") != std::string::npos);
  Diagnostic no_span{Severity::error, DiagCode::syntax_error, Span{}, "no location", {}};
  CHECK(render_text(no_span, set) == "<input>: error: no location [syntax]\n");
}

TEST_CASE("notes render with their own location", "[render]") {
  SourceSet set;
  FileId id = set.add("d.rules", "rule a { then deny \"x\" }\nrule a { then deny \"y\" }\n");
  Diagnostic d{Severity::error, DiagCode::duplicate_rule, Span{id, 30, 31}, "duplicate rule `a`",
               {Note{Span{id, 5, 6}, "first declared here"}, Note{Span{}, "rename one of them"}}};
  std::string text = render_text(d, set);
  CHECK(text.find("d.rules:2:6: error: duplicate rule `a` [duplicate-rule]") == 0);
  CHECK(text.find("d.rules:1:6: note: first declared here\n 1 | rule a") != std::string::npos);
  CHECK(text.find("  note: rename one of them\n") != std::string::npos);
}

TEST_CASE("json rendering carries every field", "[render]") {
  SourceSet set;
  FileId id = set.add("j.rules", "package j\nrule r { then deny \"x\" }\n");
  Diagnostics ds;
  ds.warning(DiagCode::missing_cite, span_of(set, id, "r {") , "rule `r` has no `cite`");
  auto doc = nlohmann::json::parse(render_json(ds, set));
  CHECK(doc["errors"] == 0);
  CHECK(doc["warnings"] == 1);
  const auto& first = doc["diagnostics"][0];
  CHECK(first["file"] == "j.rules");
  CHECK(first["line"] == 2);
  CHECK(first["column"] == 6);
  CHECK(first["severity"] == "warning");
  CHECK(first["code"] == "missing-cite");
  CHECK(first["message"] == "rule `r` has no `cite`");
}

TEST_CASE("long lines are shown as a window around the span", "[render]") {
  SourceSet set;
  std::string line = "const X = " + std::string(5000, 'a') + " + nope + " + std::string(5000, 'b');
  FileId id = set.add("long.rules", line + "\n");
  Diagnostic d{Severity::error, DiagCode::undefined_name, span_of(set, id, "nope"), "undefined name `nope`", {}};
  std::string text = render_text(d, set);
  CHECK(text.size() < 600);
  CHECK(text.find(" 1 | \xE2\x80\xA6" + std::string(57, 'a') + " + nope + ") != std::string::npos);
  // The caret sits under `nope` in the window: the mark, 57 a's and " + ".
  CHECK(text.find("\n   | " + std::string(1 + 57 + 3, ' ') + "^^^^\n") != std::string::npos);
}

TEST_CASE("a huge span gets a bounded caret", "[render]") {
  SourceSet set;
  FileId id = set.add("ident.rules", "let " + std::string(100000, 'x') + " = 1\n");
  Diagnostic d{Severity::error, DiagCode::syntax_error, Span{id, 4, 100004}, "name is too long", {}};
  std::string text = render_text(d, set);
  CHECK(text.size() < 600);
  CHECK(text.find(std::string(80, '^') + "\n") != std::string::npos);
  CHECK(text.find(std::string(81, '^')) == std::string::npos);
}

TEST_CASE("control characters never reach the terminal raw", "[render]") {
  SourceSet set;
  FileId id = set.add("ctl.rules", "when d > \"\x1b[2J\x07\" x\n");
  Diagnostic d{Severity::error, DiagCode::invalid_date, span_of(set, id, "\""),
               "`\x1b[2J\x07` is not a valid date", {}};
  std::string text = render_text(d, set);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find("`\\u{1B}[2J\\u{7}` is not a valid date") != std::string::npos);
  // Each control character becomes one U+FFFD, so the caret stays aligned.
  CHECK(text.find(" 1 | when d > \"\xEF\xBF\xBD[2J\xEF\xBF\xBD\" x\n   |          ^\n") != std::string::npos);
}
