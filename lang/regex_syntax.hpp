// Compile-time validation of the regular expressions given to `matches`.
//
// Patterns use RE2's syntax, validated by RE2 itself: the VM matches with
// RE2, so what the checker accepts is exactly what runs, in time linear in
// the input (no backreferences or lookaround). RE2 bounds repetition counts
// (1000) and pattern size, and parses without recursion, so a hostile
// pattern cannot exhaust the stack.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace precept::lang {

// Why `pattern` is not a valid regular expression (a lowercase message
// fragment such as "missing `)`"), or nothing when it is valid.
std::optional<std::string> regex_syntax_error(std::string_view pattern);

}  // namespace precept::lang
