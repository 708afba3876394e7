// The language test corpus under tests/lang/: each case is a `.rules` file or
// a folder of them, valid (must check clean) or invalid (its expected
// diagnostics written inline as `// expect:` comments). Shared by the corpus
// runner and the prefix (robustness) test.
#pragma once

#include <string>
#include <vector>

namespace precept::testing {

struct CorpusCase {
  std::string name;                // e.g. "invalid/unknown_field"
  std::vector<std::string> files;  // sorted paths of its .rules files
};

// Every case under tests/lang/<group>/, sorted by name.
std::vector<CorpusCase> corpus_cases(const std::string& group);

// The project's source folder (for locating tests/ and docs/).
std::string source_dir();

}  // namespace precept::testing
