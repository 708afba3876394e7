// The guard index (runtime/guard_index.hpp) against a model built the
// obvious way, on images with many guards sharing strings and fields: which
// guards each (field, string) finds, in increasing order and each once, and
// which rules a document's hits and unclean fields rule out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/guard_index.hpp"

using namespace precept::runtime;

namespace {

// Three records of 2, 5 and 3 fields.
Image image_with_records() {
  Image image;
  for (std::size_t fields : {2, 5, 3}) {
    RecordType& record = image.schema.records.emplace_back();
    record.fields.resize(fields);
  }
  return image;
}

// The guards holding `text` at the numbered `field`, as each_guard_of reports them.
std::vector<std::uint32_t> found(const GuardIndex& index, std::uint32_t field,
                                 std::string_view text) {
  std::vector<std::uint32_t> guards;
  if (index.watches(field))
    index.each_guard_of(field, text, [&](std::uint32_t g) { guards.push_back(g); });
  return guards;
}

// Random guards over a few fields and a small pool of strings, so that
// strings repeat across guards, across fields and within one guard.
Image random_guards(std::mt19937& random, std::size_t guard_count) {
  Image image = image_with_records();
  std::uniform_int_distribution<std::uint32_t> record_of(0, 2);
  std::uniform_int_distribution<std::size_t> string_count(0, 6);
  std::uniform_int_distribution<int> string_of(0, 40);
  std::uniform_int_distribution<std::size_t> path_length(1, 3);
  for (std::size_t g = 0; g < guard_count; ++g) {
    Guard& guard = image.guards.emplace_back();
    for (std::size_t k = path_length(random); k > 0; --k) {
      const std::uint32_t record = record_of(random);
      const auto fields = static_cast<std::uint32_t>(image.schema.records[record].fields.size());
      guard.path.push_back(
          {record, std::uniform_int_distribution<std::uint32_t>(0, fields - 1)(random)});
    }
    for (std::size_t k = string_count(random); k > 0; --k) {
      // Long strings too, so that equal hashes are not the only test.
      const int n = string_of(random);
      guard.strings.push_back(n % 3 == 0 ? std::string(40, 'x') + std::to_string(n)
                                         : std::to_string(n));
    }
  }
  return image;
}

}  // namespace

TEST_CASE("the guard index numbers fields across records", "[guard_index]") {
  Image image = image_with_records();
  image.guards.push_back({{{1, 4}}, {"a"}});
  GuardIndex index(image);
  CHECK(index.field_count() == 10);
  CHECK(index.field_base(0) == 0);
  CHECK(index.field_base(1) == 2);
  CHECK(index.field_base(2) == 7);
  CHECK(index.guard_count() == 1);
  for (std::uint32_t field = 0; field < 10; ++field) CHECK(index.watches(field) == (field == 6));
  CHECK(found(index, 6, "a") == std::vector<std::uint32_t>{0});
  CHECK(found(index, 6, "b").empty());
}

TEST_CASE("an image without guards gives an empty index", "[guard_index]") {
  GuardIndex index(image_with_records());
  CHECK(index.empty());
  CHECK(index.field_count() == 10);
  for (std::uint32_t field = 0; field < 10; ++field) CHECK_FALSE(index.watches(field));
  CHECK_FALSE(index.rules_out({}, {0}, {0}));
}

TEST_CASE("a string repeated within a guard finds the guard once", "[guard_index]") {
  Image image = image_with_records();
  image.guards.push_back({{{0, 1}}, {"a", "b", "a", "a"}});
  image.guards.push_back({{{0, 1}}, {"a"}});
  image.guards.push_back({{{0, 0}}, {""}});  // the empty string is a string like any other
  GuardIndex index(image);
  CHECK(found(index, 1, "a") == std::vector<std::uint32_t>{0, 1});
  CHECK(found(index, 1, "b") == std::vector<std::uint32_t>{0});
  CHECK(found(index, 0, "").size() == 1);
  CHECK(found(index, 1, "").empty());
}

TEST_CASE("the guard index agrees with the obvious model", "[guard_index]") {
  std::mt19937 random(20261205);
  for (std::size_t guard_count : {1, 7, 64, 500}) {
    Image image = random_guards(random, guard_count);
    GuardIndex index(image);

    // The model: (field, string) -> the guards holding it.
    std::map<std::pair<std::uint32_t, std::string>, std::set<std::uint32_t>> model;
    std::set<std::uint32_t> watched;
    for (std::uint32_t g = 0; g < image.guards.size(); ++g) {
      const FieldRef last = image.guards[g].path.back();
      const std::uint32_t field = index.field_base(last.record) + last.field;
      for (const std::string& text : image.guards[g].strings) {
        model[{field, text}].insert(g);
        watched.insert(field);
      }
    }
    INFO(guard_count << " guards");
    for (std::uint32_t field = 0; field < index.field_count(); ++field) {
      CHECK(index.watches(field) == (watched.count(field) == 1));
    }
    for (const auto& [key, guards] : model) {
      CHECK(found(index, key.first, key.second) ==
            std::vector<std::uint32_t>(guards.begin(), guards.end()));
    }
    for (std::uint32_t field : watched) {
      CHECK(found(index, field, "absent").empty());
      CHECK(found(index, field, std::string(40, 'x')).empty());
    }

    // rules_out: some guard neither hit nor on an unclean path.
    std::bernoulli_distribution coin(0.3);
    for (int round = 0; round < 50; ++round) {
      std::vector<std::uint64_t> hits((guard_count + 63) / 64, 0);
      std::vector<std::uint64_t> unclean((index.field_count() + 63) / 64, 0);
      for (std::size_t g = 0; g < guard_count; ++g) {
        if (coin(random)) set_bit(hits, g);
      }
      for (std::size_t f = 0; f < index.field_count(); ++f) {
        if (coin(random)) set_bit(unclean, f);
      }
      std::vector<std::uint32_t> rule;
      for (int k = 0; k < 3; ++k) {
        rule.push_back(std::uniform_int_distribution<std::uint32_t>(
            0, static_cast<std::uint32_t>(guard_count - 1))(random));
      }
      const bool expected = std::any_of(rule.begin(), rule.end(), [&](std::uint32_t g) {
        if (test_bit(hits, g)) return false;
        return std::none_of(image.guards[g].path.begin(), image.guards[g].path.end(),
                            [&](const FieldRef& step) {
                              return test_bit(unclean, index.field_base(step.record) + step.field);
                            });
      });
      CHECK(index.rules_out(rule, hits, unclean) == expected);
    }
  }
}

TEST_CASE("rules_out rules out nothing with bitsets too short for the index", "[guard_index]") {
  Image image = image_with_records();
  for (int g = 0; g < 70; ++g) image.guards.push_back({{{0, 0}}, {"a"}});
  GuardIndex index(image);
  CHECK(index.rules_out({3}, {0, 0}, {0}));
  CHECK_FALSE(index.rules_out({3}, {0}, {0}));    // 64 bits for 70 guards
  CHECK_FALSE(index.rules_out({3}, {0, 0}, {}));  // no bits for 10 fields
}
