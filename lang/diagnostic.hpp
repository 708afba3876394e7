// The one diagnostic type of Precept. Every phase (parser, checker, and later
// the compiler and test harness) reports problems as Diagnostics collected in
// a Diagnostics list; one renderer prints them (text with a caret, or JSON).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/source.hpp"

namespace precept::lang {

enum class Severity : std::uint8_t { error, warning, note };
std::string_view to_string(Severity);

enum class DiagCode : std::uint16_t {
#define DIAGNOSTIC(id, code, meaning) id,
#include "lang/diagnostic_codes.def"
#undef DIAGNOSTIC
};

// The stable text of a code, e.g. "unknown-field".
std::string_view code_name(DiagCode);
// One line on what the code means (for `rulec explain` and the docs).
std::string_view code_meaning(DiagCode);

// A secondary message, optionally pointing at another place ("first declared
// here"). A note without a span is printed as `note: ...` under the main one.
struct Note {
  Span span;
  std::string message;
};

// Messages follow one style: lowercase, no final period, one line, user
// input in backticks, never a C++ type name:
//   unknown field `clasification` on type `Dataset`; did you mean `classification`?
struct Diagnostic {
  Severity severity = Severity::error;
  DiagCode code = DiagCode::syntax_error;
  Span span;
  std::string message;
  std::vector<Note> notes;
};

class Diagnostics {
public:
  Diagnostic& error(DiagCode code, Span span, std::string message);
  Diagnostic& warning(DiagCode code, Span span, std::string message);
  void add(Diagnostic d);

  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  std::size_t warning_count() const { return warnings_; }
  // The diagnostics kept: the first max_kept. A file with thousands of
  // problems (one mistake repeated, or a hostile file) costs no more to
  // report than that; the counts stay exact.
  static constexpr std::size_t max_kept = 1000;
  const std::vector<Diagnostic>& all() const { return list_; }
  std::size_t dropped() const { return errors_ + warnings_ - kept_counted_; }
  bool empty() const { return list_.empty(); }

  // Sorts by file, position, then severity, so output is stable whatever
  // order the phases found things in.
  void sort();

private:
  std::vector<Diagnostic> list_;
  Diagnostic dropped_;  // where notes for a diagnostic past max_kept go
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  std::size_t kept_counted_ = 0;  // errors and warnings in list_
};

// "did you mean" support: the candidate closest to `name` by edit distance,
// or empty when none is close enough to be a plausible misspelling.
std::string_view closest_match(std::string_view name, const std::vector<std::string_view>& candidates);
// Appends "; did you mean `x`?" to a message when there is a close match.
std::string with_suggestion(std::string message, std::string_view name,
                            const std::vector<std::string_view>& candidates);

}  // namespace precept::lang
