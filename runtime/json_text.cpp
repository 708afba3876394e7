#include "runtime/json_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace precept::runtime {

namespace {

constexpr std::string_view replacement_char = "\xEF\xBF\xBD";  // U+FFFD

enum class Quoting : std::uint8_t {
  json,  // inside a JSON string: `"` and `\` escaped, control characters escaped
  text,  // for a terminal: control characters (C0, DEL, C1) escaped, nothing else
};

void append_unicode_escape(std::string& out, unsigned code) {
  static constexpr char hex[] = "0123456789abcdef";
  out += "\\u00";
  out += hex[(code >> 4) & 0xF];
  out += hex[code & 0xF];
}

void append_control(std::string& out, unsigned char c) {
  switch (c) {
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      append_unicode_escape(out, c);
      break;
  }
}

// Whether the eight bytes at `p` are printable ASCII other than `"` and `\`
// (bytes that no quoting changes), tested together: a byte is zero in
// `v` exactly when (v - 0x01) & ~v has its top bit set.
bool plain_ascii(const char* p) {
  constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;  // 0x00..0x1F
  const std::uint64_t special = (x & highs)                          // 0x80..0xFF
                                | has_zero(x ^ (ones * 0x7F))        // DEL
                                | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'));
  return (below_space | special) == 0;
}

// Appends `s` with control characters escaped and ill-formed UTF-8 replaced
// by U+FFFD, one per maximal ill-formed subsequence (Unicode's recommended
// practice, table 3-7 for the well-formed byte ranges). Messages carry input
// text, so nothing here may assume valid UTF-8.
void append_escaped(std::string& out, std::string_view s, Quoting quoting) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // The common case: a run of printable ASCII copied at once, found
    // eight bytes at a time.
    std::size_t run = i;
    while (run + 8 <= n && plain_ascii(s.data() + run)) run += 8;
    while (run < n) {
      auto c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c >= 0x7F) break;
      if (quoting == Quoting::json && (c == '"' || c == '\\')) break;
      ++run;
    }
    out.append(s.data() + i, run - i);
    i = run;
    if (i == n) break;

    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20) {
        append_control(out, c);
      } else if (c == 0x7F) {
        if (quoting == Quoting::json) {
          out += static_cast<char>(c);  // valid in JSON; only a terminal minds it
        } else {
          append_unicode_escape(out, c);
        }
      } else {
        out += '\\';  // `"` or `\` in a JSON string (the run above stops there only then)
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }

    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c == 0xE0) {
      need = 2;
      lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      need = 2;
    } else if (c == 0xED) {
      need = 2;
      hi = 0x9F;  // no surrogates
    } else if (c == 0xF0) {
      need = 3;
      lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      need = 3;
    } else if (c == 0xF4) {
      need = 3;
      hi = 0x8F;  // nothing past U+10FFFF
    } else {
      out += replacement_char;  // a stray continuation byte, an overlong lead (C0, C1) or F5..FF
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    for (std::size_t k = 0; k < need; ++k) {
      if (j >= n) break;
      auto next = static_cast<unsigned char>(s[j]);
      if (next < lo || next > hi) break;
      ++j;
      lo = 0x80;
      hi = 0xBF;
    }
    if (j - i != need + 1) {
      out += replacement_char;
    } else if (quoting == Quoting::text && c == 0xC2 &&
               static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      append_unicode_escape(out, static_cast<unsigned char>(s[i + 1]));  // C1 control
    } else {
      out.append(s.data() + i, j - i);
    }
    i = j;
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text, Quoting::json);
  out += '"';
}

void append_terminal_text(std::string& out, std::string_view text) {
  append_escaped(out, text, Quoting::text);
}

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", value);
}

}  // namespace precept::runtime
