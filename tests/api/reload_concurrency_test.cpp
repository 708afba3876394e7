// Reloading under load: eight threads decide while a ninth reloads the
// engine 1000 times, alternating between two bundles. Every decision must
// come whole from one of them (its bundle's name and version, and its
// bytes equal to what that bundle decides alone), none may be lost, and
// after the last reload every thread must be on the last bundle. tools/test.sh
// runs this executable under ThreadSanitizer too.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "precept/precept.hpp"
#include "tests/api/api_support.hpp"

using namespace precept;
using precept::api_test::bundle_path;

namespace {

constexpr int evaluating_threads = 8;
constexpr int reloads = 1000;

// Facts that both bundles decide differently: denied by A, reviewed by B;
// below the limit; and undetermined.
const std::array<std::string, 3> documents = {
    R"({"request": {"user": "ann", "amount": 150}})",
    R"({"request": {"user": "bo", "amount": 20}})",
    R"({"request": {"user": "cy"}})",
};

struct Version {
  std::string name;
  std::string version;
  // Each reload loads a new Bundle from these bytes: reloading the same two
  // objects over and over would have every thread update their two
  // reference counts, and those atomic operations would order the threads
  // enough to hide a missing lock from ThreadSanitizer.
  std::string bytes;
  std::array<std::string, documents.size()> expected;  // each document's decision, decided alone
};

Version make_version(const char* file) {
  std::string bytes = precept::api_test::read_text(bundle_path(file));
  Result<Bundle> bundle = Bundle::from_bytes(bytes);
  INFO(file << ": " << bundle.status().message());
  REQUIRE(bundle.ok());
  Version v{std::string(bundle->name()), std::string(bundle->version()), bytes, {}};
  Engine alone{*bundle};
  Evaluator evaluator = alone.evaluator();
  for (std::size_t i = 0; i < documents.size(); ++i) {
    Result<Decision> d = evaluator.evaluate(documents[i]);
    REQUIRE(d.ok());
    v.expected[i] = d->to_json();
  }
  return v;
}

// What one evaluating thread saw. Catch2's assertions are not thread-safe,
// so the threads count and the test checks the counts afterwards.
struct Tally {
  std::uint64_t attempted = 0;
  std::uint64_t from_a = 0;
  std::uint64_t from_b = 0;
  std::uint64_t failed = 0;      // evaluate() returned an error
  std::uint64_t unknown = 0;     // a bundle name or version that is neither A nor B
  std::uint64_t mismatched = 0;  // named A (or B) but not what A (or B) decides
  std::string last_bundle;       // of the evaluation after the last reload
};

}  // namespace

TEST_CASE("eight threads decide while the engine reloads 1000 times", "[api][reload][threads]") {
  const Version a = make_version("reload-a.rbc");
  const Version b = make_version("reload-b.rbc");
  REQUIRE(a.name != b.name);
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i != 1) CHECK(a.expected[i] != b.expected[i]);  // the amount below the limit decides alike
  }

  Engine engine{*Bundle::from_bytes(a.bytes)};
  std::atomic<std::uint64_t> decided{0};
  std::atomic<bool> reloading_done{false};
  std::vector<Tally> tallies(evaluating_threads);

  auto evaluate_one = [&](Evaluator& evaluator, Decision& decision, std::size_t document,
                          Tally& tally) {
    ++tally.attempted;
    if (!evaluator.evaluate(documents[document], {}, decision).ok()) {
      ++tally.failed;
      return;
    }
    const Version* made_by = decision.bundle_name() == a.name   ? &a
                             : decision.bundle_name() == b.name ? &b
                                                                : nullptr;
    if (made_by == nullptr || decision.bundle_version() != made_by->version) {
      ++tally.unknown;
      return;
    }
    ++(made_by == &a ? tally.from_a : tally.from_b);
    if (decision.to_json() != made_by->expected[document]) ++tally.mismatched;
    tally.last_bundle = made_by->name;
    decided.fetch_add(1, std::memory_order_relaxed);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < evaluating_threads; ++t) {
    threads.emplace_back([&, t] {
      Evaluator evaluator = engine.evaluator();
      Decision decision;  // reused, as a server would
      Tally& tally = tallies[t];
      std::size_t document = static_cast<std::size_t>(t);
      while (!reloading_done.load(std::memory_order_acquire)) {
        evaluate_one(evaluator, decision, document++ % documents.size(), tally);
      }
      // Started after the last reload returned: must be on the last bundle.
      tally.last_bundle.clear();
      evaluate_one(evaluator, decision, 0, tally);
    });
  }

  std::thread reloader([&] {
    for (int r = 1; r <= reloads; ++r) {
      // A pause between reloads, so that evaluations run in between. A
      // sleeping thread is woken ahead of threads that keep the cores busy,
      // so the reloads go on however many threads decide.
      std::this_thread::sleep_for(std::chrono::microseconds(50));
      Result<Bundle> next = Bundle::from_bytes(r % 2 == 1 ? b.bytes : a.bytes);
      if (!next || !engine.reload(std::move(*next))) break;  // seen below: the last bundle is wrong
    }
    reloading_done.store(true, std::memory_order_release);
  });

  reloader.join();
  for (std::thread& t : threads) t.join();

  const std::string& last = reloads % 2 == 1 ? b.name : a.name;
  CHECK(engine.bundle().name() == last);
  Tally total;
  for (const Tally& tally : tallies) {
    total.attempted += tally.attempted;
    total.from_a += tally.from_a;
    total.from_b += tally.from_b;
    total.failed += tally.failed;
    total.unknown += tally.unknown;
    total.mismatched += tally.mismatched;
    CHECK(tally.last_bundle == last);
  }
  INFO("attempted " << total.attempted << ", from A " << total.from_a << ", from B "
                    << total.from_b);
  CHECK(total.failed == 0);
  CHECK(total.unknown == 0);
  CHECK(total.mismatched == 0);
  // None lost: every evaluation came back as a decision of A or B.
  CHECK(total.from_a + total.from_b == total.attempted);
  CHECK(decided.load() == total.attempted);
  CHECK(total.attempted >= std::uint64_t{evaluating_threads});
  CHECK(total.from_a > 0);
  CHECK(total.from_b > 0);
}
