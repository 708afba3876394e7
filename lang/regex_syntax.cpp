#include "lang/regex_syntax.hpp"

#include <re2/re2.h>

namespace precept::lang {

namespace {

// RE2's error codes in the project's message style. The runtime matches with
// RE2 too, so a pattern the checker accepts is exactly one the VM can run,
// in linear time (RE2 has no backreferences or lookaround).
std::string describe(const RE2& re) {
  std::string fragment = "`" + re.error_arg() + "`";
  switch (re.error_code()) {
    case RE2::ErrorMissingParen: return "missing `)`";
    case RE2::ErrorUnexpectedParen: return "unmatched `)`";
    case RE2::ErrorMissingBracket: return "missing `]`";
    case RE2::ErrorBadEscape: return "unknown escape " + fragment;
    case RE2::ErrorTrailingBackslash: return "trailing `\\`";
    case RE2::ErrorBadCharClass: return "unknown character class " + fragment;
    case RE2::ErrorBadCharRange: return "invalid character range " + fragment;
    case RE2::ErrorRepeatArgument: return "nothing to repeat before " + fragment;
    case RE2::ErrorRepeatSize: return "repetition count " + fragment + " is out of range (at most 1000)";
    case RE2::ErrorRepeatOp: return "invalid repetition " + fragment;
    case RE2::ErrorBadPerlOp:
      return "unsupported group " + fragment + " (lookaround and backreferences are not linear-time)";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named group " + fragment;
    case RE2::ErrorPatternTooLarge: return "the pattern is too large";
    default: return "invalid pattern";
  }
}

}  // namespace

std::optional<std::string> regex_syntax_error(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (re.ok()) return std::nullopt;
  return describe(re);
}

}  // namespace precept::lang
