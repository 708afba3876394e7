// Files the API tests read: the bundles the build made with rulec, the
// example workloads, the shipped packs' sources.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace precept::api_test {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::filesystem::path source_dir() { return PRECEPT_SOURCE_DIR; }

// The bundles built for the tests (aigov.rbc from rules/, reload-a.rbc and
// reload-b.rbc from tests/api/reload/). PRECEPT_API_BUNDLES in the
// environment points elsewhere: the ThreadSanitizer build uses the bundles
// of the main build, so it need not build rulec.
inline std::filesystem::path bundle_path(std::string_view file) {
  const char* dir = std::getenv("PRECEPT_API_BUNDLES");
  return std::filesystem::path(dir != nullptr && *dir != '\0' ? dir : PRECEPT_API_BUNDLES) / file;
}

// docs/examples/workloads/<name>.json
inline std::string workload(std::string_view name) {
  return read_text(source_dir() / "docs/examples/workloads" / (std::string(name) + ".json"));
}

}  // namespace precept::api_test
