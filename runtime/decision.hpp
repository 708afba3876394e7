// A decision: what the VM concluded for one facts document, in the shape of
// its JSON form (docs/decisions.md). Values inside are kept as JSON text so
// the decision outlives the facts and the evaluation's arena.
//
//   Decision d = ...;
//   d.outcome == Outcome::deny;
//   std::string json = to_json(d, exe.image());   // deterministic bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/entry_list.hpp"
#include "runtime/image.hpp"

namespace precept::runtime {

enum class Outcome : std::uint8_t { allow, review, deny, indeterminate };
const char* to_string(Outcome);
const char* to_string(Severity);
const char* to_string(EffectKind);  // deny, review, warn, require, raise

// A `for` variable of a fired instance: the fact path of its element
// (`data[2]`) or, for an element of a computed collection, its JSON value.
struct BindingEntry {
  std::string name;
  std::string value;  // a path, or JSON text when !is_path
  bool is_path = true;
};

// A fact the condition read (explanations): its path and JSON value.
struct ReadEntry {
  std::string path;
  std::string value;  // JSON text
};

// One effect of one fired rule instance.
struct EffectEntry {
  std::uint32_t rule = 0;    // index into Image::rules
  std::uint32_t effect = 0;  // index into RuleDesc::effects
  std::string message;       // interpolated; empty when a `require` has none
  bool has_message = true;
  EntryList<BindingEntry> bindings;
  EntryList<ReadEntry> because;                           // with explanations on
  EntryList<std::pair<std::string, std::string>> fields;  // require ... with: key, JSON text
};

struct OutputEntry {
  std::uint32_t output = 0;  // index into Image::outputs
  bool settled = false;
  std::string value;  // JSON text; meaningful when settled
};

struct MissingEntry {
  std::string path;
  // Ids of the rules (and outputs) it left undetermined: views of the ids
  // in the image the decision was made with, which must outlive it (as
  // for the rule indexes of the entries).
  std::vector<std::string_view> rules;
};

struct ErrorEntry {
  enum class Kind : std::uint8_t { input, evaluation, limit } kind = Kind::input;
  std::string path;  // the fact path (input errors); empty otherwise
  std::string at;    // `file:line:col` of the expression (evaluation errors, limits)
  std::string message;
};
const char* to_string(ErrorEntry::Kind);

// How many instances of one rule fired, did not fire and were undetermined
// (not part of the JSON form: test coverage and hosts' metrics read it).
struct RuleCounts {
  std::uint32_t fired = 0;
  std::uint32_t not_fired = 0;
  std::uint32_t undetermined = 0;
};

struct Decision {
  Outcome outcome = Outcome::allow;
  bool complete = true;
  bool explained = false;          // made with explanations: entries carry `because`
  EntryList<OutputEntry> outputs;  // Image::outputs order
  EntryList<EffectEntry> violations;
  EntryList<EffectEntry> reviews;
  EntryList<EffectEntry> warnings;
  EntryList<EffectEntry> obligations;
  EntryList<MissingEntry> missing;
  EntryList<ErrorEntry> errors;
  std::vector<RuleCounts> rule_counts;  // Image::rules order

  // Forgets the decision but keeps its memory: the entries stay in their
  // lists (EntryList) for the next decision made into this object to refill.
  void clear() noexcept;
  // The list of the entries `kind` makes: violations for deny, reviews,
  // warnings, obligations for require.
  EntryList<EffectEntry>& entries(EffectKind kind);
  const EntryList<EffectEntry>& entries(EffectKind kind) const {
    return const_cast<Decision*>(this)->entries(kind);
  }
  // A new, empty entry at the end of the list for `kind` (violations for
  // deny, reviews, warnings, obligations for require), reusing one an
  // earlier decision held when it can: the VM fills it in place.
  EffectEntry& add_effect(EffectKind kind);
  // Takes back the entry add_effect(kind) just added (a limit stopped the
  // evaluation while it was being filled); it is kept for reuse.
  void drop_effect(EffectKind kind);
  // `count` output entries for the VM to fill (kept ones, with their old contents).
  void reset_outputs(std::size_t count);
  // A new, empty missing entry at the end of `missing`, reusing a kept one.
  MissingEntry& add_missing();
};

// The JSON form (docs/decisions.md): one line without `pretty`, two-space
// indentation with it. Same decision, same bytes.
std::string to_json(const Decision& decision, const Image& image, bool pretty = false);
// The same, appended to `out` (a buffer a batch reuses from one decision to
// the next).
void append_json(const Decision& decision, const Image& image, std::string& out,
                 bool pretty = false);
namespace detail {
// What a decision entry takes from its rule, as compact JSON: its id and
// title as JSON strings, and its `"severity":...,"cite":[...]` members.
struct RuleJson {
  bool ready = false;
  std::string id;
  std::string title;  // empty when the rule has none
  std::string tail;
};
}  // namespace detail

// The compact JSON of many decisions made with one image (`rulec eval
// --batch`): the bytes of append_json(decision, image, out), with each
// rule's id, title, severity and citations escaped the first time an entry
// of the rule is written and copied after. Not shared between threads: its
// cache fills as it writes.
class CompactJson {
 public:
  explicit CompactJson(const Image& image);
  ~CompactJson();
  CompactJson(const CompactJson&) = delete;
  CompactJson& operator=(const CompactJson&) = delete;
  void append(const Decision& decision, std::string& out);

 private:
  const Image& image_;
  std::vector<detail::RuleJson> rules_;  // by rule index
};

// For people: the outcome first, then each violation, review, warning and
// obligation with its citation and message, outputs, missing facts, errors.
std::string to_text(const Decision& decision, const Image& image);

}  // namespace precept::runtime
