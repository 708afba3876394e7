// The language reference must stay true to the code: every diagnostic code
// and every builtin is documented there.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "lang/diagnostic.hpp"

using namespace precept::lang;

namespace {

std::string read_reference() {
  std::ifstream in(std::string(PRECEPT_SOURCE_DIR) + "/docs/language.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("docs/language.md documents every diagnostic code", "[docs]") {
  std::string reference = read_reference();
  REQUIRE(!reference.empty());
  std::size_t count = 0;
#define DIAGNOSTIC(id, code, meaning) ++count;
#include "lang/diagnostic_codes.def"
#undef DIAGNOSTIC
  for (std::size_t i = 0; i < count; ++i) {
    std::string code = "`" + std::string(code_name(static_cast<DiagCode>(i))) + "`";
    INFO(code);
    CHECK(reference.find(code) != std::string::npos);
  }
}

TEST_CASE("docs/language.md documents every builtin", "[docs]") {
  std::string reference = read_reference();
  for (const char* name : {
#define BUILTIN(id, name, ...) name,
#include "stdlib/builtins.def"
#undef BUILTIN
       }) {
    std::string documented = "`" + std::string(name) + "(";
    INFO(documented);
    CHECK(reference.find(documented) != std::string::npos);
  }
}
