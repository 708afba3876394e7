// Bundles: read a file or bytes, check the framing, verify, keep the result.
#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "runtime/api/internal.hpp"
#include "runtime/bundle.hpp"

namespace precept {
inline namespace v1 {

// The public default is the runtime's.
static_assert(LoadOptions{}.max_bundle_bytes == runtime::default_max_bundle_bytes);

namespace {

// Reads at most one byte past the bundle size limit, so a huge file, a FIFO
// or /dev/zero is refused without being read whole.
Status read_bundle_file(const std::filesystem::path& path, std::size_t max_bytes,
                        std::string& bytes) {
  const std::string& name = path.native();
  std::FILE* file = std::fopen(name.c_str(), "rb");
  if (file == nullptr) {
    return Status(ErrorKind::io, fmt::format("cannot read `{}`: {}", name,
                                             std::generic_category().message(errno)));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(file, &std::fclose);
  char chunk[1 << 16];
  while (bytes.size() <= max_bytes) {
    std::size_t n = std::fread(chunk, 1, sizeof chunk, file);
    bytes.append(chunk, n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file)) {
    return Status(ErrorKind::io, fmt::format("cannot read `{}`: {}", name,
                                             std::generic_category().message(errno)));
  }
  if (bytes.size() > max_bytes) {
    return Status(ErrorKind::bad_bundle,
                  fmt::format("`{}` is larger than {} bytes, the limit for a bundle", name,
                              max_bytes));
  }
  return {};
}

// `what` names the bytes in messages: "`governance.rbc`", "the data".
Result<std::shared_ptr<const runtime::Executable>> decode(std::string_view bytes,
                                                          std::string_view what,
                                                          const LoadOptions& options) {
  runtime::Image image;
  std::string problem = runtime::read_bundle(bytes, image, options.max_bundle_bytes);
  if (!problem.empty()) {
    return Status(ErrorKind::bad_bundle,
                  fmt::format("{} is not a valid bundle: {}", what, problem));
  }
  auto executable = runtime::Executable::make(std::move(image), problem);
  if (executable == nullptr) {
    return Status(ErrorKind::bad_bundle,
                  fmt::format("{} was refused by the verifier: {}", what, problem));
  }
  return executable;
}

}  // namespace

Result<Bundle> Bundle::load(const std::filesystem::path& path, const LoadOptions& options) noexcept {
  try {
    const std::string& name = path.native();
    if (name.find('\0') != std::string::npos) {
      return Status(ErrorKind::invalid_argument, "the bundle path contains a NUL byte");
    }
    std::string bytes;
    if (Status read = read_bundle_file(path, options.max_bundle_bytes, bytes); !read) return read;
    auto executable = decode(bytes, fmt::format("`{}`", name), options);
    if (!executable) return executable.status();
    return Bundle(std::move(*executable));
  } catch (...) {
    return detail::status_from_current_exception();
  }
}

Result<Bundle> Bundle::from_bytes(std::string_view bytes, const LoadOptions& options) noexcept {
  try {
    auto executable = decode(bytes, "the data", options);
    if (!executable) return executable.status();
    return Bundle(std::move(*executable));
  } catch (...) {
    return detail::status_from_current_exception();
  }
}

Result<Bundle> Bundle::from_bytes(std::span<const std::byte> bytes,
                                  const LoadOptions& options) noexcept {
  return from_bytes(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                    options);
}

Bundle::Bundle() noexcept = default;
Bundle::~Bundle() = default;
Bundle::Bundle(const Bundle&) noexcept = default;
Bundle& Bundle::operator=(const Bundle&) noexcept = default;
Bundle::Bundle(Bundle&&) noexcept = default;
Bundle& Bundle::operator=(Bundle&&) noexcept = default;
Bundle::Bundle(std::shared_ptr<const runtime::Executable> executable) noexcept
    : executable_(std::move(executable)) {}

bool Bundle::empty() const noexcept { return executable_ == nullptr; }

std::string_view Bundle::name() const noexcept {
  return executable_ ? std::string_view(executable_->image().name) : std::string_view();
}

std::string_view Bundle::version() const noexcept {
  return executable_ ? std::string_view(executable_->image().version) : std::string_view();
}

}  // namespace v1
}  // namespace precept
