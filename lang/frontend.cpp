#include "lang/frontend.hpp"

#include "stdlib/modules.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace precept::lang {

namespace fs = std::filesystem;

namespace {

// The same file named twice (`a.rules a.rules`, or a folder and a file in
// it) is read once: otherwise every declaration in it would be a duplicate.
void add_unique(std::vector<std::string>& files, std::vector<fs::path>& seen, const fs::path& file) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(file, ec);
  if (ec) canonical = file;
  if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) return;
  seen.push_back(canonical);
  files.push_back(file.lexically_normal().generic_string());  // `./a.rules` is `a.rules`
}

}  // namespace

bool collect_rule_files(const std::vector<std::string>& paths, std::vector<std::string>& files,
                        std::string& error) {
  std::vector<fs::path> seen;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      error = "cannot find `" + path + "`";
      return false;
    }
    if (fs::is_regular_file(status)) {
      add_unique(files, seen, path);
      continue;
    }
    if (!fs::is_directory(status)) {
      // A device, FIFO or socket could block or never end.
      error = "`" + path + "` is not a regular file or a folder";
      return false;
    }
    // Nothing is skipped silently: an unreadable folder or a broken link
    // named *.rules could hide rules, so either is an error.
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(path, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const fs::path& entry = it->path();
      if (entry.extension() != ".rules") continue;
      std::error_code entry_ec;
      if (it->is_directory(entry_ec)) continue;
      if (!it->is_regular_file(entry_ec)) {
        error = "cannot read `" + entry.generic_string() + "`: " +
                (entry_ec ? entry_ec.message() : "not a regular file (a broken link?)");
        return false;
      }
      found.push_back(entry);
    }
    if (ec) {
      error = "cannot list `" + (it != end ? it->path().generic_string() : path) + "`: " + ec.message();
      return false;
    }
    std::sort(found.begin(), found.end());
    for (const fs::path& file : found) add_unique(files, seen, file);
  }
  return true;
}

bool read_sources(const std::vector<std::string>& files, SourceSet& sources, std::string& error,
                  std::size_t max_bytes) {
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "cannot read `" + path + "`: " + std::strerror(errno);
      return false;
    }
    // Read at most one byte past the limit: enough for the parser to report
    // `file-too-large`, and a huge or endless file cannot exhaust memory.
    std::string text;
    std::size_t cap = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
    char buffer[1 << 16];
    while (text.size() < cap) {
      in.read(buffer, static_cast<std::streamsize>(std::min(sizeof buffer, cap - text.size())));
      text.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (!in) break;  // end of file, or an error checked below
    }
    if (in.bad()) {
      error = "cannot read `" + path + "`: " + std::strerror(errno);
      return false;
    }
    sources.add(path, std::move(text));
  }
  return true;
}

namespace {

// Closes a file descriptor on every way out of read_input_file.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

std::string system_error_text(int error_number) {
  return std::generic_category().message(error_number);
}

// Why an opened file may not be read, or empty when it may.
std::string refusal(const struct stat& info, const InputFile& how) {
  if (S_ISDIR(info.st_mode)) return fmt::format("{} is a folder, not a file", how.what);
  if (how.regular_only && !S_ISREG(info.st_mode)) {
    return fmt::format("{} is not a regular file (a device, FIFO or socket)", how.what);
  }
  return {};
}

std::string too_large(const InputFile& how) {
  return fmt::format("{} is larger than {} bytes, {}", how.what, how.max_bytes, how.limit);
}

}  // namespace

bool read_input_file(const std::string& path, const InputFile& how, std::string& text,
                     std::string& error) {
  text.clear();
  // Non-blocking, so opening a FIFO that has no writer returns at once and
  // fstat can refuse it; a regular file reads the same either way.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (how.regular_only ? O_NONBLOCK : 0));
  if (fd < 0) {
    error = fmt::format("cannot read {}: {}", how.what, system_error_text(errno));
    return false;
  }
  FdCloser closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    error = fmt::format("cannot read {}: {}", how.what, system_error_text(errno));
    return false;
  }
  error = refusal(info, how);
  if (!error.empty()) return false;
  // A regular file's size is known before reading; files under /proc say 0
  // and devices say nothing, so the reads below are bounded too.
  if (S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) > how.max_bytes) {
    error = too_large(how);
    return false;
  }
  const std::size_t cap = how.max_bytes == SIZE_MAX ? SIZE_MAX : how.max_bytes + 1;
  char buffer[1 << 16];
  while (text.size() < cap) {
    ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, cap - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = fmt::format("cannot read {}: {}", how.what, system_error_text(errno));
      text.clear();
      return false;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (text.size() > how.max_bytes) {
    error = too_large(how);
    text.clear();
    return false;
  }
  return true;
}

namespace {

// `std/eu.rules` declares package `std.eu`.
std::string package_of_standard_module(std::string_view path) {
  std::string name(path.substr(0, path.size() - std::string_view(".rules").size()));
  for (char& c : name) c = c == '/' ? '.' : c;
  return name;
}

// Adds and parses the standard modules that `modules` import, and those
// they import in turn. Only what is imported is loaded, so a program that
// uses no standard module pays nothing for them.
void add_imported_standard_modules(SourceSet& sources, Diagnostics& diags,
                                   const FrontEndOptions& options,
                                   std::vector<std::unique_ptr<Module>>& modules) {
  std::vector<bool> loaded(stdlib::standard_modules().size(), false);
  for (std::size_t next = 0; next < modules.size(); ++next) {
    for (const Import& import : modules[next]->imports) {
      std::string imported = import.path.str();
      for (std::size_t i = 0; i < loaded.size(); ++i) {
        const stdlib::Module& module = stdlib::standard_modules()[i];
        if (loaded[i] || package_of_standard_module(module.path) != imported) continue;
        loaded[i] = true;
        FileId id = sources.add(std::string(standard_module_prefix) +
                                    std::string(module.path.substr(std::string_view("std/").size())),
                                std::string(module.text));
        if (auto parsed = parse_module(sources, id, diags, options.limits)) {
          modules.push_back(std::move(parsed));
        }
      }
    }
  }
}

}  // namespace

std::unique_ptr<Program> check_sources(SourceSet& sources, Diagnostics& diags,
                                       const FrontEndOptions& options) {
  std::vector<std::unique_ptr<Module>> modules;
  const FileId user_files = static_cast<FileId>(sources.size());
  for (FileId id = 0; id < user_files; ++id) {
    if (auto module = parse_module(sources, id, diags, options.limits)) {
      modules.push_back(std::move(module));
    }
  }
  add_imported_standard_modules(sources, diags, options, modules);
  // A file that does not parse would make the checker report its names as
  // undefined everywhere else; syntax errors alone are clearer.
  if (diags.has_errors()) {
    diags.sort();
    return nullptr;
  }
  // Every standard module can be suggested for a misspelt import, loaded or not.
  CheckOptions check = options.check;
  for (const stdlib::Module& module : stdlib::standard_modules()) {
    check.known_packages.push_back(package_of_standard_module(module.path));
  }
  auto program = check_program(std::move(modules), sources, diags, check);
  diags.sort();
  return program;
}

}  // namespace precept::lang
