#include "lang/frontend.hpp"

#include "stdlib/modules.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace precept::lang {

namespace fs = std::filesystem;

bool collect_rule_files(const std::vector<std::string>& paths, std::vector<std::string>& files,
                        std::string& error) {
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      error = "cannot find `" + path + "`";
      return false;
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    auto options = fs::directory_options::skip_permission_denied;
    for (fs::recursive_directory_iterator it(path, options, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".rules") {
        found.push_back(it->path().generic_string());
      }
    }
    if (ec) {
      error = "cannot list `" + path + "`: " + ec.message();
      return false;
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return true;
}

bool read_sources(const std::vector<std::string>& files, SourceSet& sources, std::string& error) {
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
      error = "cannot read `" + path + "`";
      return false;
    }
    sources.add(path, std::move(text).str());
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
  auto program = check_program(std::move(modules), sources, diags, options.check);
  diags.sort();
  return program;
}

}  // namespace precept::lang
