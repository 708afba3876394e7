// Runs the language corpus: valid programs must check without diagnostics;
// invalid programs must report exactly the diagnostics their `// expect:`
// comments pin:
//   // expect: error unknown-field 12:7 "clasification" "did you mean"
//   // expect: warning missing-cite 3
// (line[:column] where the diagnostic starts; quoted text the message must
// contain). Every reported error and warning must be expected, and every
// expectation met.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <regex>
#include <sstream>

#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "tests/lang/corpus.hpp"

using namespace precept;
using namespace precept::lang;

namespace {

struct Expectation {
  std::string file;
  std::string severity;
  std::string code;
  std::uint32_t line = 0;
  std::uint32_t column = 0;  // 0: any column
  std::vector<std::string> fragments;
  std::string written;  // the comment as written, for failure messages
  bool met = false;
};

std::vector<Expectation> read_expectations(const SourceFile& file) {
  static const std::regex expect_re(
      R"re(//\s*expect:\s*(error|warning)\s+([a-z0-9-]+)\s+(\d+)(?::(\d+))?((?:\s+"[^"]*")*)\s*$)re");
  static const std::regex fragment_re(R"re("([^"]*)")re");
  std::vector<Expectation> out;
  for (std::uint32_t line = 1; line <= file.line_count(); ++line) {
    std::string text(file.line_text(line));
    std::smatch m;
    if (!std::regex_search(text, m, expect_re)) {
      // A malformed expectation must not be silently ignored.
      if (text.find("// expect:") != std::string::npos) {
        FAIL(fmt::format("{}:{}: malformed expectation: {}", file.path(), line, text));
      }
      continue;
    }
    Expectation e;
    e.file = file.path();
    e.severity = m[1];
    e.code = m[2];
    e.line = static_cast<std::uint32_t>(std::stoul(m[3]));
    if (m[4].matched) e.column = static_cast<std::uint32_t>(std::stoul(m[4]));
    std::string fragments = m[5];
    for (std::sregex_iterator it(fragments.begin(), fragments.end(), fragment_re), end; it != end; ++it) {
      e.fragments.push_back((*it)[1]);
    }
    e.written = text;
    out.push_back(std::move(e));
  }
  return out;
}

bool meets(const Expectation& e, const Diagnostic& d, const SourceSet& sources) {
  if (!d.span.valid() || sources.file(d.span.file).path() != e.file) return false;
  if (e.severity != to_string(d.severity) || e.code != code_name(d.code)) return false;
  LineCol at = sources.locate(d.span);
  if (at.line != e.line || (e.column != 0 && at.column != e.column)) return false;
  for (const std::string& fragment : e.fragments) {
    if (d.message.find(fragment) == std::string::npos) return false;
  }
  return true;
}

void run_case(const testing::CorpusCase& c) {
  SourceSet sources;
  std::string error;
  REQUIRE(read_sources(c.files, sources, error));
  Diagnostics diags;
  check_sources(sources, diags);

  std::vector<Expectation> expected;
  for (FileId id = 0; id < sources.size(); ++id) {
    auto more = read_expectations(sources.file(id));
    expected.insert(expected.end(), more.begin(), more.end());
  }

  std::ostringstream problems;
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Severity::note) continue;
    auto match = std::find_if(expected.begin(), expected.end(), [&](const Expectation& e) {
      return !e.met && meets(e, d, sources);
    });
    if (match != expected.end()) {
      match->met = true;
    } else {
      problems << "unexpected: " << render_brief(d, sources) << "\n";
    }
  }
  for (const Expectation& e : expected) {
    if (!e.met) problems << "not reported: " << e.file << ":" << e.line << ": " << e.written << "\n";
  }
  INFO(problems.str());
  CHECK(problems.str().empty());
}

}  // namespace

TEST_CASE("valid programs check without diagnostics", "[corpus]") {
  auto cases = testing::corpus_cases("valid");
  REQUIRE(!cases.empty());
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) { run_case(c); }
  }
}

TEST_CASE("invalid programs report exactly their expected diagnostics", "[corpus]") {
  auto cases = testing::corpus_cases("invalid");
  REQUIRE(!cases.empty());
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) { run_case(c); }
  }
}

TEST_CASE("invalid programs each expect at least one diagnostic", "[corpus]") {
  for (const auto& c : testing::corpus_cases("invalid")) {
    SourceSet sources;
    std::string error;
    REQUIRE(read_sources(c.files, sources, error));
    bool any = false;
    for (FileId id = 0; id < sources.size(); ++id) {
      any = any || !read_expectations(sources.file(id)).empty();
    }
    INFO(c.name);
    CHECK(any);
  }
}
