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

namespace detail {

Status status_from_current_exception() noexcept {
  // "out of memory" fits std::string's inline buffer: reporting it needs no memory.
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return Status(ErrorKind::out_of_memory, "out of memory");
  } catch (const std::exception& e) {
    try {
      return Status(ErrorKind::internal, std::string("internal error: ") + e.what());
    } catch (...) {
      return Status(ErrorKind::out_of_memory, "out of memory");
    }
  } catch (...) {
    return Status(ErrorKind::internal, "internal error");
  }
}

}  // namespace detail
}  // namespace precept
