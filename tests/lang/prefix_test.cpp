// Robustness: the parser and checker see every prefix of every corpus file
// (the other files of its case left whole), and the renderer renders what
// they report. Truncated input is what an editor sends on every keystroke;
// none of it may crash, hang or throw.
#include <catch2/catch.hpp>

#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "tests/lang/corpus.hpp"

using namespace precept;
using namespace precept::lang;

namespace {

void check_prefixes(const testing::CorpusCase& c) {
  SourceSet whole;
  std::string error;
  REQUIRE(read_sources(c.files, whole, error));
  for (FileId cut = 0; cut < whole.size(); ++cut) {
    const std::string& text = whole.file(cut).text();
    // Every byte boundary for ordinary files; large files are sampled so the
    // test stays fast under sanitizers.
    std::size_t step = std::max<std::size_t>(1, text.size() / 1500);
    for (std::size_t length = 0; length <= text.size(); length += step) {
      SourceSet sources;
      for (FileId id = 0; id < whole.size(); ++id) {
        const SourceFile& f = whole.file(id);
        sources.add(f.path(), id == cut ? text.substr(0, length) : f.text());
      }
      Diagnostics diags;
      check_sources(sources, diags);
      render_text(diags, sources);
    }
  }
}

}  // namespace

TEST_CASE("every prefix of every corpus file checks without crashing", "[corpus][prefix]") {
  for (const char* group : {"valid", "invalid"}) {
    for (const auto& c : testing::corpus_cases(group)) {
      INFO(c.name);
      check_prefixes(c);
    }
  }
  SUCCEED();
}
