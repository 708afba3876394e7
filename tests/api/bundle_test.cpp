// Bundles through the API: loading files and bytes, compiling sources in
// memory, and every bad input coming back as an error value.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "precept/precept.hpp"
#include "tests/api/api_support.hpp"

using namespace precept;
using precept::api_test::bundle_path;
using precept::api_test::read_text;

namespace {

const char* const valid_rules = R"(package demo

type Request {
  amount: int
}

facts {
  request: Request
}

rule large {
  when request.amount > 100
  then deny "too large"
}
)";

}  // namespace

TEST_CASE("Bundle::load reads a bundle built by rulec", "[api][bundle]") {
  Result<Bundle> bundle = Bundle::load(bundle_path("aigov.rbc"));
  REQUIRE(bundle.ok());
  CHECK(bundle.status().ok());
  CHECK_FALSE(bundle->empty());
  CHECK(bundle->name() == "aigov");
  CHECK(bundle->version() == "1.2.3");
}

TEST_CASE("Bundle::from_bytes takes bytes as characters or std::byte", "[api][bundle]") {
  std::string bytes = read_text(bundle_path("reload-a.rbc"));
  Result<Bundle> from_chars = Bundle::from_bytes(bytes);
  REQUIRE(from_chars.ok());
  CHECK(from_chars->name() == "reload-a");
  std::vector<std::byte> raw(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) raw[i] = static_cast<std::byte>(bytes[i]);
  Result<Bundle> from_raw = Bundle::from_bytes(std::span<const std::byte>(raw));
  REQUIRE(from_raw.ok());
  CHECK(from_raw->version() == "1.0.0");
}

TEST_CASE("a bundle past LoadOptions::max_bundle_bytes is refused", "[api][bundle][errors]") {
  const std::string path = bundle_path("aigov.rbc");
  const std::string bytes = read_text(path);
  LoadOptions tight;
  tight.max_bundle_bytes = bytes.size() - 1;
  Result<Bundle> file = Bundle::load(path, tight);
  REQUIRE_FALSE(file.ok());
  CHECK(file.status().kind() == ErrorKind::bad_bundle);
  CHECK(file.status().message() == "`" + path + "` is larger than " +
                                       std::to_string(bytes.size() - 1) +
                                       " bytes, the limit for a bundle");
  Result<Bundle> memory = Bundle::from_bytes(bytes, tight);
  REQUIRE_FALSE(memory.ok());
  CHECK(memory.status().message() == "the data is not a valid bundle: the bundle is " +
                                         std::to_string(bytes.size()) + " bytes; the limit is " +
                                         std::to_string(bytes.size() - 1));
  LoadOptions exact;
  exact.max_bundle_bytes = bytes.size();
  CHECK(Bundle::load(path, exact).ok());
  CHECK(Bundle::from_bytes(bytes, exact).ok());
}

TEST_CASE("a missing bundle file is an I/O error naming the file", "[api][bundle][errors]") {
  Result<Bundle> bundle = Bundle::load("no/such/bundle.rbc");
  REQUIRE_FALSE(bundle.ok());
  CHECK(bundle.status().kind() == ErrorKind::io);
  CHECK(bundle.status().message() == "cannot read `no/such/bundle.rbc`: No such file or directory");
}

TEST_CASE("a folder is not a bundle file", "[api][bundle][errors]") {
  Result<Bundle> bundle = Bundle::load(precept::api_test::source_dir());
  REQUIRE_FALSE(bundle.ok());
  CHECK(bundle.status().kind() == ErrorKind::io);
  CHECK_THAT(bundle.status().message(), Catch::Contains("Is a directory"));
}

TEST_CASE("a path with a NUL byte is refused before it reaches the file system",
          "[api][bundle][errors]") {
  std::string path = bundle_path("aigov.rbc").string();
  path.insert(path.size() - 4, 1, '\0');  // a prefix of it could name a real file
  Result<Bundle> bundle = Bundle::load(std::filesystem::path(path));
  REQUIRE_FALSE(bundle.ok());
  CHECK(bundle.status().kind() == ErrorKind::invalid_argument);
  CHECK(bundle.status().message() == "the bundle path contains a NUL byte");
}

TEST_CASE("a rule file is not a bundle", "[api][bundle][errors]") {
  Result<Bundle> bundle =
      Bundle::load(precept::api_test::source_dir() / "tests/api/reload/a/reload.rules");
  REQUIRE_FALSE(bundle.ok());
  CHECK(bundle.status().kind() == ErrorKind::bad_bundle);
  CHECK_THAT(bundle.status().message(),
             Catch::StartsWith("`") && Catch::Contains("reload.rules` is not a valid bundle: "));
}

TEST_CASE("every flipped bit of a bundle is found", "[api][bundle][errors]") {
  // The checksum covers every byte, so no flip may load, and none may crash.
  std::string bytes = read_text(bundle_path("reload-a.rbc"));
  REQUIRE(!bytes.empty());
  std::size_t refused = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      Result<Bundle> bundle = Bundle::from_bytes(damaged);
      if (!bundle.ok() && bundle.status().kind() == ErrorKind::bad_bundle) ++refused;
    }
  }
  CHECK(refused == bytes.size() * 8);
}

TEST_CASE("truncated, empty and foreign bytes are not bundles", "[api][bundle][errors]") {
  std::string bytes = read_text(bundle_path("reload-a.rbc"));
  for (std::size_t size :
       {std::size_t{0}, std::size_t{7}, std::size_t{8}, bytes.size() / 2, bytes.size() - 1}) {
    INFO("size " << size);
    Result<Bundle> bundle = Bundle::from_bytes(std::string_view(bytes.data(), size));
    REQUIRE_FALSE(bundle.ok());
    CHECK(bundle.status().kind() == ErrorKind::bad_bundle);
    CHECK_THAT(bundle.status().message(), Catch::StartsWith("the data is not a valid bundle: "));
  }
  std::string nul_bytes(64, '\0');
  CHECK(Bundle::from_bytes(nul_bytes).status().kind() == ErrorKind::bad_bundle);
  CHECK(Bundle::from_bytes(std::string_view("{\"not\": \"a bundle\"}")).status().kind() ==
        ErrorKind::bad_bundle);
}

TEST_CASE("Bundle::compile builds a bundle in memory", "[api][bundle][compile]") {
  std::vector<Source> sources{{"demo.rules", valid_rules}};
  Result<Bundle> bundle = Bundle::compile(sources, {.name = "demo", .version = "3.1.4"});
  REQUIRE(bundle.ok());
  CHECK(bundle->name() == "demo");
  CHECK(bundle->version() == "3.1.4");

  Result<Bundle> defaults = Bundle::compile(sources);
  REQUIRE(defaults.ok());
  CHECK(defaults->name() == "rules");
  CHECK(defaults->version() == "0.0.0");
}

TEST_CASE("rule sources with errors give the rendered diagnostics", "[api][bundle][compile]") {
  std::string text = valid_rules;
  text.replace(text.find("request.amount > 100"), 20, "request.amuont > 100");
  std::vector<Source> sources{{"demo.rules", text}};
  Result<Bundle> bundle = Bundle::compile(sources);
  REQUIRE_FALSE(bundle.ok());
  CHECK(bundle.status().kind() == ErrorKind::compile);
  CHECK_THAT(bundle.status().message(), Catch::StartsWith("demo.rules:12:") &&
                                            Catch::Contains("error: unknown field") &&
                                            Catch::Contains("did you mean `amount`?") &&
                                            Catch::EndsWith("1 error; nothing was compiled"));
}

TEST_CASE("Bundle::compile holds the sources to its limits", "[api][bundle][compile][errors]") {
  std::vector<Source> sources{{"demo.rules", valid_rules}};
  auto message_with = [&](CompileOptions options) {
    Result<Bundle> bundle = Bundle::compile(sources, options);
    REQUIRE_FALSE(bundle.ok());
    CHECK(bundle.status().kind() == ErrorKind::compile);
    return bundle.status().message();
  };
  CHECK_THAT(message_with({.max_source_bytes = 16}), Catch::Contains("[file-too-large]"));
  CHECK_THAT(message_with({.max_expression_depth = 1}), Catch::Contains("[nesting-too-deep]"));
  CHECK_THAT(message_with({.max_identifier_bytes = 2}), Catch::Contains("demo.rules:"));
  CHECK(Bundle::compile(sources, {.max_source_bytes = 1 << 20}).ok());
}

TEST_CASE("compiling nothing, or NUL bytes, is an error value", "[api][bundle][compile][errors]") {
  Result<Bundle> none = Bundle::compile({});
  CHECK(none.status().kind() == ErrorKind::invalid_argument);
  CHECK(none.status().message() == "no rule sources were given");

  std::string text = valid_rules;
  text.insert(text.find("rule large"), std::string("\0\0", 2));
  std::vector<Source> sources{{"demo.rules", text}};
  Result<Bundle> bundle = Bundle::compile(sources);
  REQUIRE_FALSE(bundle.ok());
  CHECK(bundle.status().kind() == ErrorKind::compile);
}

TEST_CASE("an empty bundle is harmless", "[api][bundle]") {
  Bundle empty;
  CHECK(empty.empty());
  CHECK(empty.name().empty());
  CHECK(empty.version().empty());
  Engine engine{empty};
  Evaluator evaluator = engine.evaluator();
  Result<Decision> decision = evaluator.evaluate("{}");
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().kind() == ErrorKind::invalid_argument);
  CHECK(decision.status().message() == "the engine has no bundle");
  Status reloaded = engine.reload(Bundle());
  CHECK(reloaded.kind() == ErrorKind::invalid_argument);
}

TEST_CASE("error kinds have names", "[api]") {
  CHECK(std::string(to_string(ErrorKind::bad_facts)) == "bad_facts");
  CHECK(std::string(to_string(ErrorKind::none)) == "none");
  CHECK(std::string(version()) == PRECEPT_VERSION_STRING);
}
