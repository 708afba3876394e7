#include "tools/rulec/test_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "runtime/json_text.hpp"

namespace precept::rulec {

namespace {

using lang::TestResult;
using lang::TestRun;

const char* const green = "\x1b[32m";
const char* const red = "\x1b[31m";
const char* const reset = "\x1b[0m";

// Test names and messages come from rule files: keep them from driving the terminal.
std::string term(std::string_view text) {
  std::string out;
  runtime::append_terminal_text(out, text);
  return out;
}

std::string where(const TestResult& t) { return term(t.file) + fmt::format(":{}", t.line); }

std::string paint(const std::string& text, const char* color, bool on) {
  return on ? color + text + reset : text;
}

std::string summary_line(const TestRun& run, bool color) {
  std::string line = fmt::format("{} passed, {} failed", run.passed(), run.failed());
  return paint(line, run.failed() == 0 ? green : red, color) + "\n";
}

void append_coverage_text(std::string& out, const TestRun& run) {
  std::size_t width = 4;  // "rule"
  for (const lang::RuleCoverage& c : run.coverage) width = std::max(width, c.id.size());
  out += fmt::format("\n{:<{}}  {:>5}  {:>9}  {:>12}\n", "rule", width, "fired", "not fired",
                     "undetermined");
  for (const lang::RuleCoverage& c : run.coverage) {
    out += fmt::format("{:<{}}  {:>5}  {:>9}  {:>12}\n", c.id, width, c.fired, c.not_fired,
                       c.undetermined);
  }
  bool header = false;
  for (const lang::RuleCoverage& c : run.coverage) {
    if (c.fired > 0) continue;
    if (!header) out += "rules no test fired:\n";
    header = true;
    out += fmt::format("  {} ({}:{})\n", c.id, c.file, c.line);
  }
  out += fmt::format("{}/{} rules fired\n", run.rules_fired(), run.coverage.size());
}

// ---------------------------------------------------------------- XML ---

// The length of the well-formed UTF-8 sequence at text[i], with its code
// point in `c`; 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& c) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  std::size_t length = b < 0x80                 ? 1
                       : b >= 0xC2 && b <= 0xDF ? 2
                       : b >= 0xE0 && b <= 0xEF ? 3
                       : b >= 0xF0 && b <= 0xF4 ? 4
                                                : 0;
  if (length == 0 || i + length > text.size()) return 0;
  c = length == 1 ? b : b & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  bool overlong = (length == 3 && c < 0x800) || (length == 4 && c < 0x10000);
  if (overlong || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  return length;
}

// XML 1.0's Char production: anything else cannot appear, even escaped.
bool xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
}

// `text` escaped for XML content or an attribute value; characters XML
// cannot hold and invalid UTF-8 become U+FFFD. In attributes line breaks
// and tabs are character references, so parsers do not fold them to spaces.
std::string xml(std::string_view text, bool attribute = true) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    std::size_t length = utf8_sequence(text, i, c);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
      ++i;
      continue;
    }
    const char* escape = c == '&'     ? "&amp;"
                         : c == '<'   ? "&lt;"
                         : c == '>'   ? "&gt;"
                         : c == '\r'  ? "&#13;"  // a raw CR would be read as a line break
                         : !attribute ? nullptr
                         : c == '"'   ? "&quot;"
                         : c == '\n'  ? "&#10;"
                         : c == '\t'  ? "&#9;"
                                      : nullptr;
    if (escape) {
      out += escape;
    } else if (xml_char(c)) {
      out.append(text.substr(i, length));
    } else {
      out += "\xEF\xBF\xBD";
    }
    i += length;
  }
  return out;
}

struct SuiteCounts {
  std::size_t tests = 0, failures = 0, errors = 0;
  double time = 0;
};

std::string seconds(double s) { return fmt::format("{:.6f}", s); }

// Every failed expectation of a test, one per line, with its line number.
std::string failure_text(const TestResult& t) {
  std::string text;
  for (const lang::ExpectationResult& e : t.expectations) {
    if (e.passed) continue;
    text += fmt::format("{}line {}: {}: {}", text.empty() ? "" : "\n", e.line, e.text, e.message);
  }
  return text;
}

std::string first_failure(const TestResult& t) {
  for (const lang::ExpectationResult& e : t.expectations) {
    if (!e.passed) return e.message;
  }
  return "failed";
}

}  // namespace

// The runner's messages already name what fired and what was missing, so
// the image is not needed to explain a failure.
std::string text_report(const TestRun& run, const runtime::Image& /*image*/,
                        const ReportOptions& options) {
  std::string out;
  for (const TestResult& t : run.tests) {
    if (t.passed) {
      if (options.verbose) {
        out += fmt::format("{}   {} ({})\n", paint("ok", green, options.color), term(t.name),
                           where(t));
      }
      continue;
    }
    out += fmt::format("{} {} ({})\n", paint("FAIL", red, options.color), term(t.name), where(t));
    if (!t.error.empty()) out += fmt::format("  error: {}\n", term(t.error));
    for (const lang::ExpectationResult& e : t.expectations) {
      if (e.passed) continue;
      out += fmt::format("  line {}: {}\n    {}\n", e.line, term(e.text), term(e.message));
    }
  }
  if (options.coverage) append_coverage_text(out, run);
  if (!out.empty()) out += "\n";
  return out + summary_line(run, options.color);
}

std::string json_report(const TestRun& run, const ReportOptions& options) {
  using runtime::append_json_string;
  std::string out = "{\n  \"tests\": [";
  for (std::size_t i = 0; i < run.tests.size(); ++i) {
    const TestResult& t = run.tests[i];
    out += i ? ",\n    {\"name\": " : "\n    {\"name\": ";
    append_json_string(out, t.name);
    out += ", \"package\": ";
    append_json_string(out, t.package);
    out += ", \"file\": ";
    append_json_string(out, t.file);
    out += fmt::format(", \"line\": {}, \"passed\": {}", t.line, t.passed);
    if (!t.error.empty()) {
      out += ", \"error\": ";
      append_json_string(out, t.error);
    }
    out += fmt::format(", \"seconds\": {}, \"expectations\": [", seconds(t.seconds));
    for (std::size_t k = 0; k < t.expectations.size(); ++k) {
      const lang::ExpectationResult& e = t.expectations[k];
      out += k ? ",\n      {\"expect\": " : "\n      {\"expect\": ";
      append_json_string(out, e.text);
      out += fmt::format(", \"line\": {}, \"passed\": {}", e.line, e.passed);
      if (!e.passed) {
        out += ", \"message\": ";
        append_json_string(out, e.message);
      }
      out += "}";
    }
    out += t.expectations.empty() ? "]}" : "\n    ]}";
  }
  out += run.tests.empty() ? "],\n" : "\n  ],\n";
  out += fmt::format("  \"passed\": {},\n  \"failed\": {}", run.passed(), run.failed());
  if (options.coverage) {
    out += ",\n  \"coverage\": {\n    \"rules\": [";
    for (std::size_t i = 0; i < run.coverage.size(); ++i) {
      const lang::RuleCoverage& c = run.coverage[i];
      out += i ? ",\n      {\"id\": " : "\n      {\"id\": ";
      append_json_string(out, c.id);
      out += ", \"file\": ";
      append_json_string(out, c.file);
      out += fmt::format(", \"line\": {}, \"fired\": {}, \"not_fired\": {}, \"undetermined\": {}}}",
                         c.line, c.fired, c.not_fired, c.undetermined);
    }
    out += run.coverage.empty() ? "]," : "\n    ],";
    out += fmt::format("\n    \"fired\": {},\n    \"total\": {}\n  }}", run.rules_fired(),
                       run.coverage.size());
  }
  return out + "\n}";
}

std::string junit_report(const TestRun& run) {
  // Packages in order of first appearance; a test that could not run is an
  // <error>, one whose expectations failed a <failure>.
  std::vector<std::string> packages;
  for (const TestResult& t : run.tests) {
    if (std::find(packages.begin(), packages.end(), t.package) == packages.end())
      packages.push_back(t.package);
  }
  auto counts = [&](const std::string* package) {
    SuiteCounts c;
    for (const TestResult& t : run.tests) {
      if (package && t.package != *package) continue;
      ++c.tests;
      c.errors += !t.error.empty();
      c.failures += !t.passed && t.error.empty();
      c.time += t.seconds;
    }
    return c;
  };
  auto all = counts(nullptr);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"rulec test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
      all.tests, all.failures, all.errors, seconds(all.time));
  for (const std::string& package : packages) {
    auto c = counts(&package);
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" "
        "time=\"{}\">\n",
        xml(package), c.tests, c.failures, c.errors, seconds(c.time));
    for (const TestResult& t : run.tests) {
      if (t.package != package) continue;
      out += fmt::format(
          "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{}\"",
          xml(t.name), xml(package), xml(t.file), t.line, seconds(t.seconds));
      if (t.passed) {
        out += "/>\n";
      } else if (!t.error.empty()) {
        out += fmt::format(
            ">\n      <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>\n",
            xml(t.error), xml(t.error, false));
      } else {
        out += fmt::format(
            ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>\n",
            xml(first_failure(t)), xml(failure_text(t), false));
      }
    }
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

}  // namespace precept::rulec
