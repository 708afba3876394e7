// What a simdjson error code means to the fact loader, across simdjson 3.x.
//
// simdjson 3.0 (Debian 12's) reports an integer beyond 64 bits, which is
// valid JSON, as a NUMBER_ERROR; later 3.x releases report it as
// BIGINT_ERROR, an enumerator 3.0 does not have. The loader rewrites such
// integers and parses again on either code, so that a newer simdjson does
// not turn documents it loads today into errors. Kept apart from the loader
// (and free of simdjson's header) so a test can check both spellings.
#pragma once

namespace precept::runtime {

// Whether `code` says that simdjson refused a number (as opposed to the
// text not being JSON at all): a NUMBER_ERROR, or a BIGINT_ERROR where the
// error enumeration has one.
template <class Code>
constexpr bool refused_number(Code code) {
  if constexpr (requires { Code::BIGINT_ERROR; }) {
    if (code == Code::BIGINT_ERROR) return true;
  }
  return code == Code::NUMBER_ERROR;
}

}  // namespace precept::runtime
