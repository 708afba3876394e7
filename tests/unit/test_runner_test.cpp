// The test runner behind `rulec test`: given literals and overrides, every
// kind of expectation passing and failing with a message that says why,
// run-time test errors, coverage counts, filters and parallel runs, and
// given files that must be refused.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "lang/compiler.hpp"
#include "lang/frontend.hpp"
#include "lang/render.hpp"
#include "lang/test_runner.hpp"

using namespace precept;

namespace {

const char* const rules = R"(package shop
enum Tier { low, mid, high }
type Item { name: string, price: number, tags: set<string> = {} }
facts {
  items: list<Item> = []
  country: string
  vip: bool = false
}
output tier: Tier
output labels: set<string>

rule expensive {
  cite "Shop 1"
  for i in items
  when i.price > 100
  then
    review "${i.name} costs ${i.price}"
    raise tier to high
    raise labels to {"expensive"}
}
rule embargo {
  cite "Shop 2"
  when country in {"XX", "YY"}
  then deny "embargoed" require shop.report with { country: country }
}
rule never {
  cite "Shop 3"
  when vip and not vip
  then warn "impossible" require shop.other
}

test "cheap items pass" {
  given { items: [{ name: "pen", price: 2 }], country: "DE" }
  expect outcome allow
  expect no review
  expect no require shop.report
  expect tier == low
  expect labels == {}
  expect complete
}
test "an expensive item needs a review" {
  given { items: [{ name: "pen", price: 2 }, { name: "tv", price: 900, tags: ["x"] }], country: "DE" }
  expect outcome review
  expect review expensive
  expect review shop.*
  expect tier == high
  expect labels == {"expensive"}
}
test "overrides by field and index" {
  given file "FIXTURE" with { items[0].price: 500, country: "XX" }
  expect deny embargo
  expect require shop.report
  expect review expensive
}
test "a missing country" {
  given { items: [] }
  expect missing country
  expect outcome indeterminate
}
test "fails on purpose" {
  given { country: "XX" }
  expect outcome allow
  expect no deny embargo
  expect tier == high
  expect missing items
  expect review expensive
  expect warn never
  expect require shop.other
  expect no require shop.report
}
test "an override of an element that does not exist" {
  given file "FIXTURE" with { items[3].price: 1 }
  expect outcome allow
}
)";

struct Compiled {
  lang::SourceSet sources;
  lang::Diagnostics diags;
  std::unique_ptr<lang::Program> program;
  std::shared_ptr<const runtime::Executable> exe;
};

// `given file` is read from disk, relative to the test file: the fixture
// goes to the temporary folder and the rules name it by its full path.
std::unique_ptr<Compiled> compile() {
  auto c = std::make_unique<Compiled>();
  std::filesystem::path fixture =
      std::filesystem::temp_directory_path() / "precept_test_runner_fixture.json";
  std::ofstream(fixture) << R"({"items": [{"name": "pen", "price": 2}], "country": "DE"})";
  std::string text = rules;
  for (std::size_t at; (at = text.find("FIXTURE")) != std::string::npos;) {
    text.replace(at, 7, fixture.generic_string());
  }
  c->sources.add("shop.rules", text);
  lang::FrontEndOptions options;
  options.check.lints = false;
  options.check.read_given_files = false;
  c->program = lang::check_sources(c->sources, c->diags, options);
  INFO(lang::render_text(c->diags, c->sources, {}));
  REQUIRE(c->program != nullptr);
  REQUIRE_FALSE(c->diags.has_errors());
  std::string error;
  c->exe = runtime::Executable::make(lang::compile(*c->program, c->sources), error);
  REQUIRE(c->exe != nullptr);
  return c;
}

const lang::TestResult& named(const lang::TestRun& run, const std::string& name) {
  for (const auto& t : run.tests) {
    if (t.name == name) return t;
  }
  FAIL("no test " << name);
  return run.tests.front();
}

}  // namespace

TEST_CASE("tests pass, fail with reasons, and count coverage", "[test-runner]") {
  auto c = compile();
  lang::TestRun run = lang::run_tests(*c->program, c->sources, c->exe);
  REQUIRE(run.tests.size() == 6);
  CHECK(run.passed() == 4);
  CHECK(run.failed() == 2);
  CHECK(named(run, "cheap items pass").passed);
  CHECK(named(run, "an expensive item needs a review").passed);
  CHECK(named(run, "overrides by field and index").passed);
  CHECK(named(run, "a missing country").passed);

  const auto& failing = named(run, "fails on purpose");
  CHECK_FALSE(failing.passed);
  CHECK(failing.line == 60);
  REQUIRE(failing.expectations.size() == 8);
  for (const auto& e : failing.expectations) CHECK_FALSE(e.passed);
  CHECK(failing.expectations[0].text == "expect outcome allow");
  CHECK(failing.expectations[0].line == 62);
  // An outcome failure says what fired and what was missing.
  CHECK(failing.expectations[0].message ==
        "expected outcome allow, got outcome deny; denies: shop.embargo; reviews: none; missing: "
        "none");
  CHECK(failing.expectations[1].message ==
        "expected no deny from `shop.embargo`, but shop.embargo fired");
  CHECK(failing.expectations[2].message == "expected `shop.tier` to be \"high\", got \"low\"");
  CHECK(failing.expectations[3].message == "expected `items` to be missing; missing: none");
  CHECK(failing.expectations[6].message.find(
            "expected the obligation `shop.other`; the obligations are: shop.report") == 0);

  const auto& broken = named(run, "an override of an element that does not exist");
  CHECK_FALSE(broken.passed);
  CHECK(broken.error == "cannot override `items[3].price`: `items` has no element 3");
  CHECK(broken.expectations.empty());

  REQUIRE(run.coverage.size() == 3);
  CHECK(run.coverage[0].id == "shop.expensive");
  CHECK(run.coverage[0].fired == 2);         // the expensive item and the override
  CHECK(run.coverage[0].not_fired == 2);     // the pen in two tests
  CHECK(run.coverage[1].fired == 2);         // embargo
  CHECK(run.coverage[1].undetermined == 1);  // the missing country
  CHECK(run.coverage[2].fired == 0);
  CHECK(run.coverage[2].line == 26);
  CHECK(run.rules_fired() == 2);
}

TEST_CASE("a filter selects tests by name; jobs keep the order", "[test-runner]") {
  auto c = compile();
  lang::TestOptions options;
  options.filter = "item";
  lang::TestRun filtered = lang::run_tests(*c->program, c->sources, c->exe, options);
  REQUIRE(filtered.tests.size() == 2);
  CHECK(filtered.tests[0].name == "cheap items pass");
  CHECK(filtered.tests[1].name == "an expensive item needs a review");

  lang::TestOptions parallel;
  parallel.jobs = 3;
  lang::TestRun one = lang::run_tests(*c->program, c->sources, c->exe);
  lang::TestRun many = lang::run_tests(*c->program, c->sources, c->exe, parallel);
  REQUIRE(one.tests.size() == many.tests.size());
  for (std::size_t i = 0; i < one.tests.size(); ++i) {
    CHECK(one.tests[i].name == many.tests[i].name);
    CHECK(one.tests[i].passed == many.tests[i].passed);
  }
  CHECK(one.coverage[0].fired == many.coverage[0].fired);
}

// ------------------------------------------------------- given files ---
//
// A `given file` that is not a regular JSON file within the facts size
// limit is refused where it is named, at once: /dev/zero once read until
// memory ran out, and a FIFO without a writer blocked `rulec check` forever.

namespace {

namespace fs = std::filesystem;

// A fresh folder for this process's fixtures, removed at the end.
struct ScratchFolder {
  fs::path path;
  ScratchFolder() {
    path = fs::temp_directory_path() / ("precept_given_files_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

constexpr std::size_t small_limit = 64;

// One test per kind of file that must be refused, and one that fits.
const char* const given_files = R"(package g
facts { n: int = 0 }
test "zero" {
  given file "/dev/zero"
  expect complete
}
test "fifo" {
  given file "fifo.json"
  expect complete
}
test "folder" {
  given file "folder"
  expect complete
}
test "one byte too many" {
  given file "big.json"
  expect complete
}
test "just fits" {
  given file "fits.json"
  expect complete
}
)";

// `{"n": 1}` padded with spaces to `size` bytes.
void write_json_of_size(const fs::path& path, std::size_t size) {
  std::string text = R"({"n": 1})";
  text.resize(size, ' ');
  std::ofstream(path, std::ios::binary) << text;
}

void make_given_files(const fs::path& folder) {
  REQUIRE(::mkfifo((folder / "fifo.json").c_str(), 0600) == 0);
  fs::create_directory(folder / "folder");
  write_json_of_size(folder / "big.json", small_limit + 1);
  write_json_of_size(folder / "fits.json", small_limit);
}

// Runs `work` on its own thread and waits at most two seconds for it, so a
// read that blocks (on the FIFO) fails the test instead of hanging the
// suite; the thread is then left behind, owning what it uses.
bool finishes_quickly(std::function<void()> work) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  std::thread([done, work = std::move(work)] {
    work();
    done->set_value();
  }).detach();
  return finished.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
}

struct GivenFilesChecked {
  lang::SourceSet sources;
  lang::Diagnostics diags;
  std::unique_ptr<lang::Program> program;
};

std::shared_ptr<GivenFilesChecked> check_given_files(const fs::path& folder, bool read_them) {
  auto c = std::make_shared<GivenFilesChecked>();
  c->sources.add((folder / "given.rules").generic_string(), given_files);
  lang::FrontEndOptions options;
  options.check.lints = false;
  options.check.read_given_files = read_them;
  options.check.max_given_file_bytes = small_limit;
  c->program = lang::check_sources(c->sources, c->diags, options);
  return c;
}

}  // namespace

TEST_CASE("the checker refuses special, folder and oversized given files where they are named",
          "[test-runner][given-file]") {
  ScratchFolder scratch;
  make_given_files(scratch.path);
  auto checked = std::make_shared<std::shared_ptr<GivenFilesChecked>>();
  REQUIRE(finishes_quickly(
      [checked, folder = scratch.path] { *checked = check_given_files(folder, true); }));
  const GivenFilesChecked* c = checked->get();

  std::string listing = lang::render_text(c->diags, c->sources, {});
  INFO(listing);
  CHECK(c->diags.error_count() == 4);
  for (const lang::Diagnostic& d : c->diags.all()) CHECK(d.code == lang::DiagCode::given_file);
  const std::string file = (scratch.path / "given.rules").generic_string();
  CHECK_THAT(listing, Catch::Contains(file + ":4:14: error: the given file `/dev/zero` is not a "
                                             "regular file (a device, FIFO or socket)"));
  CHECK_THAT(listing, Catch::Contains(file + ":8:14: error: the given file `fifo.json` is not a "
                                             "regular file (a device, FIFO or socket)"));
  CHECK_THAT(listing, Catch::Contains(file + ":12:14: error: the given file `folder` is a "
                                             "folder, not a file"));
  CHECK_THAT(listing, Catch::Contains(file + ":16:14: error: the given file `big.json` is larger "
                                             "than 64 bytes, the limit for a facts document"));
  CHECK_THAT(listing, !Catch::Contains(":20:"));  // a file of exactly the limit is fine
}

TEST_CASE("the test runner refuses the same given files when the checker did not read them",
          "[test-runner][given-file]") {
  ScratchFolder scratch;
  make_given_files(scratch.path);
  auto c = check_given_files(scratch.path, false);
  INFO(lang::render_text(c->diags, c->sources, {}));
  REQUIRE_FALSE(c->diags.has_errors());
  std::string error;
  std::shared_ptr<const runtime::Executable> exe =
      runtime::Executable::make(lang::compile(*c->program, c->sources), error);
  REQUIRE(exe != nullptr);

  auto run = std::make_shared<lang::TestRun>();
  REQUIRE(finishes_quickly([run, c, exe] {
    lang::TestOptions options;
    options.fact_limits.max_bytes = small_limit;
    *run = lang::run_tests(*c->program, c->sources, exe, options);
  }));
  REQUIRE(run->tests.size() == 5);
  const std::string folder = scratch.path.generic_string();
  CHECK(named(*run, "zero").error ==
        "the given file `/dev/zero` is not a regular file (a device, FIFO or socket)");
  CHECK(named(*run, "fifo").error ==
        "the given file `" + folder +
            "/fifo.json` is not a regular file (a device, FIFO or socket)");
  CHECK(named(*run, "folder").error ==
        "the given file `" + folder + "/folder` is a folder, not a file");
  CHECK(named(*run, "one byte too many").error ==
        "the given file `" + folder +
            "/big.json` is larger than 64 bytes, the limit for a facts document");
  CHECK(named(*run, "just fits").passed);
}
