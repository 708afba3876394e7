// The API's boundary rule: no exception leaves it. Inline, so that each
// shared library (libprecept, libprecept_compiler) has its own hidden copy.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "precept/result.hpp"

namespace precept::detail {

// The Status for the exception being handled: called in a catch (...) at
// the API boundary. "out of memory" fits std::string's inline buffer, so
// reporting it needs no memory.
inline Status status_from_current_exception() noexcept {
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

}  // namespace precept::detail
