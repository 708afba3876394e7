// Errors are values. A Status says whether a call worked and, when it did
// not, what kind of failure it was and why, in one line for people; a
// Result<T> is a T or the Status that explains why there is none. Nothing in
// the API throws: failures inside it, running out of memory included, come
// back as one of these.
//
//   precept::Result<precept::Bundle> bundle = precept::Bundle::load("governance.rbc");
//   if (!bundle) {
//     // "cannot read `governance.rbc`: No such file or directory"
//     std::fprintf(stderr, "%s\n", bundle.status().message().c_str());
//     return 2;
//   }
//   precept::Engine engine{*bundle};
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "precept/export.h"

namespace precept {
inline namespace v1 {

// The numbers match the C ABI's precept_status.
enum class ErrorKind : std::uint8_t {
  none = 0,              // no error
  invalid_argument = 1,  // a caller mistake: a path with a NUL byte, an engine without a bundle
  io = 2,                // a file could not be read
  bad_bundle = 3,  // not a bundle, damaged, of another format version, or refused by the verifier
  compile = 4,     // rule sources with errors (Bundle::compile); the message has the diagnostics
  bad_facts = 5,   // facts that are not a JSON object, or past the fact limits
  out_of_memory = 6,
  internal = 7,  // a bug in Precept: please report it with the message
};

// `bad_facts`: the name of the kind, for logs and metrics.
PRECEPT_API const char* to_string(ErrorKind kind) noexcept;

class [[nodiscard]] Status {
 public:
  // Success.
  Status() = default;
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  bool ok() const noexcept { return kind_ == ErrorKind::none; }
  explicit operator bool() const noexcept { return ok(); }
  ErrorKind kind() const noexcept { return kind_; }
  // Lowercase, one line, no final period; empty on success.
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorKind kind_ = ErrorKind::none;
  std::string message_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}
  // `error` must be a failure: an ok Status here is a bug in the caller, and
  // becomes an internal error rather than a Result with nothing in it.
  Result(Status error) : status_(std::move(error)) {
    if (status_.ok())
      status_ = Status(ErrorKind::internal, "a result with neither value nor error");
  }

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  // Success, or why there is no value.
  const Status& status() const noexcept { return status_; }

  // The value. Only when ok(): asking an error for its value is a bug, and
  // since the API does not throw, it ends the program with the error.
  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &value(); }

 private:
  T& checked() {
    if (!value_) {
      std::fprintf(stderr, "precept: the value of a failed result was used: %s\n",
                   status_.message().c_str());
      std::abort();
    }
    return *value_;
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace v1
}  // namespace precept
