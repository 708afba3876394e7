// Writing JSON text by hand (decisions are a hot path; no DOM in between).
#pragma once

#include <string>
#include <string_view>

namespace precept::runtime {

// Appends `text` as a JSON string literal, quotes included: `"` and `\`
// escaped, control characters as \n \t \r \b \f or \u00XX, and bytes that
// are not valid UTF-8 replaced by U+FFFD (one per maximal ill-formed
// sequence), so the result is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

// Appends `text` for a terminal: control characters (C0, DEL, C1) escaped as
// above so input cannot drive the terminal, invalid UTF-8 replaced, nothing
// else changed.
void append_terminal_text(std::string& out, std::string_view text);

// A number as JSON: integers exactly, doubles in their shortest round-trip
// form, and NaN or infinity (which JSON cannot hold) as null.
void append_json_number(std::string& out, double value);

}  // namespace precept::runtime
