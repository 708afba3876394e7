// Error kinds, the library's version, and turning exceptions into Status
// values at the API boundary.
#include <exception>
#include <new>

#include "runtime/api/internal.hpp"

namespace precept {
inline namespace v1 {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::none:
      return "none";
    case ErrorKind::invalid_argument:
      return "invalid_argument";
    case ErrorKind::io:
      return "io";
    case ErrorKind::bad_bundle:
      return "bad_bundle";
    case ErrorKind::compile:
      return "compile";
    case ErrorKind::bad_facts:
      return "bad_facts";
    case ErrorKind::out_of_memory:
      return "out_of_memory";
    case ErrorKind::internal:
      return "internal";
  }
  return "unknown";
}

const char* version() noexcept { return PRECEPT_VERSION_STRING; }

}  // namespace v1

}  // namespace precept
