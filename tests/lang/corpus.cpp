#include "tests/lang/corpus.hpp"

#include <algorithm>
#include <filesystem>

namespace precept::testing {

namespace fs = std::filesystem;

std::string source_dir() { return PRECEPT_SOURCE_DIR; }

std::vector<CorpusCase> corpus_cases(const std::string& group) {
  std::vector<CorpusCase> cases;
  fs::path root = fs::path(source_dir()) / "tests" / "lang" / group;
  if (!fs::is_directory(root)) return cases;
  for (const auto& entry : fs::directory_iterator(root)) {
    CorpusCase c;
    c.name = group + "/" + entry.path().filename().string();
    if (entry.is_directory()) {
      for (const auto& file : fs::recursive_directory_iterator(entry.path())) {
        if (file.path().extension() == ".rules") c.files.push_back(file.path().string());
      }
      std::sort(c.files.begin(), c.files.end());
    } else if (entry.path().extension() == ".rules") {
      c.name.resize(c.name.size() - 6);  // drop ".rules"
      c.files.push_back(entry.path().string());
    }
    if (!c.files.empty()) cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(),
            [](const CorpusCase& a, const CorpusCase& b) { return a.name < b.name; });
  return cases;
}

}  // namespace precept::testing
