// A decision: what Precept concluded for one facts document. The accessors
// mirror its JSON form (docs/decisions.md), which to_json() writes byte for
// byte as `rulec eval` does.
//
//   precept::Decision d = *evaluator.evaluate(facts_json);
//   if (d.outcome() == precept::Outcome::deny) {
//     for (const precept::Entry& v : d.violations())
//       log(v.rule, v.severity, v.message);   // views into d
//   }
//   std::string json = d.to_json();
//
// Entries, outputs, missing facts and errors are views: their string_views
// and lists point into the Decision and stay valid until it is evaluated
// into again, moved from or destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "precept/export.h"

namespace precept {

namespace detail {
struct DecisionData;
}

inline namespace v1 {

enum class Outcome : std::uint8_t { allow, review, deny, indeterminate };
enum class Severity : std::uint8_t { info, low, medium, high, critical };
// The effects that make entries (`raise` only feeds outputs).
enum class EffectKind : std::uint8_t { deny, review, warn, require };

// The names used in the JSON form: `deny`, `high`, `require`.
PRECEPT_API const char* to_string(Outcome outcome) noexcept;
PRECEPT_API const char* to_string(Severity severity) noexcept;
PRECEPT_API const char* to_string(EffectKind kind) noexcept;

// A read-only list of views computed on access: the decision keeps its own
// representation, and the API hands out views of its elements by index.
template <class T>
class List {
 public:
  using Getter = T (*)(const void* items, const void* context, std::size_t index);

  class iterator {
   public:
    using iterator_concept = std::forward_iterator_tag;
    using iterator_category = std::input_iterator_tag;  // elements are made, not referenced
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = T;

    iterator() = default;
    T operator*() const { return (*list_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++index_;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }

   private:
    friend class List;
    iterator(const List* list, std::size_t index) : list_(list), index_(index) {}
    const List* list_ = nullptr;
    std::size_t index_ = 0;
  };

  List() = default;
  // Used by the library: `items` and `context` are whatever `get` needs.
  List(const void* items, const void* context, std::size_t size, Getter get) noexcept
      : items_(items), context_(context), size_(size), get_(get) {}

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // `index` < size().
  T operator[](std::size_t index) const { return get_(items_, context_, index); }
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size_); }

 private:
  const void* items_ = nullptr;
  const void* context_ = nullptr;
  std::size_t size_ = 0;
  Getter get_ = nullptr;
};

// A `for` variable of the instance: the fact path of its element
// (`data[2]`) or, for an element of a computed collection, its JSON value.
struct Binding {
  std::string_view name;
  std::string_view value;
  bool is_path = true;
};

// A fact the instance read to decide (with Options::explain): `data[2].residency`, `"DE"`.
struct FactRead {
  std::string_view path;
  std::string_view value;  // JSON text
};

// A `with { key: value }` field of an obligation.
struct Field {
  std::string_view name;
  std::string_view value;  // JSON text
};

// A violation, review, warning or obligation.
struct Entry {
  EffectKind kind = EffectKind::deny;
  std::string_view rule;        // `<package>.<rule>`
  std::string_view title;       // empty when the rule has none
  std::string_view message;     // interpolated; empty when a `require` has none
  bool has_message = true;      // false for a `require` without a message
  std::string_view obligation;  // the obligation's id (`require <id>`); empty for the others
  Severity severity = Severity::medium;
  List<std::string_view> citations;  // in the order written
  List<Binding> bindings;            // outermost `for` first
  List<FactRead> because;            // empty unless the decision was explained
  List<Field> fields;                // obligations only
};

struct Output {
  std::string_view id;     // `<package>.<output>`
  bool settled = false;    // its value is known
  std::string_view value;  // JSON text; `null` when not settled
};

struct MissingFact {
  std::string_view path;         // `workload.purpose`
  List<std::string_view> rules;  // the rules (and outputs) it left undetermined
};

// A problem met while loading the facts or evaluating (the `errors` list).
struct DecisionError {
  enum class Kind : std::uint8_t { input, evaluation, limit } kind = Kind::input;
  std::string_view path;  // the fact path, for input errors
  std::string_view at;    // `file:line:col`, for evaluation errors and limits
  std::string_view message;
};
PRECEPT_API const char* to_string(DecisionError::Kind kind) noexcept;  // `input`

class PRECEPT_API Decision {
 public:
  // An empty decision, ready to be evaluated into. A decision is empty until
  // an evaluation into it succeeds, and again after one fails: it has no
  // bundle and no entries, and is `indeterminate` and incomplete, so a host
  // that forgets to check the Status does not read a failure as `allow`.
  Decision() noexcept;
  ~Decision();
  Decision(Decision&&) noexcept;
  Decision& operator=(Decision&&) noexcept;
  Decision(const Decision&) = delete;
  Decision& operator=(const Decision&) = delete;

  Outcome outcome() const noexcept;
  // False when a rule instance was undetermined, an output unsettled, or a limit was hit.
  bool complete() const noexcept;
  // Made with Options::explain: entries carry `because`.
  bool explained() const noexcept;

  // The bundle that made it (its manifest's name and version); empty for an empty decision.
  std::string_view bundle_name() const noexcept;
  std::string_view bundle_version() const noexcept;

  List<Entry> violations() const noexcept;
  List<Entry> reviews() const noexcept;
  List<Entry> warnings() const noexcept;
  List<Entry> obligations() const noexcept;
  List<Output> outputs() const noexcept;
  List<MissingFact> missing() const noexcept;
  List<DecisionError> errors() const noexcept;

  // The JSON form (docs/decisions.md): one line, or two-space indentation
  // with `pretty`; the same decision always gives the same bytes. Empty
  // only if memory ran out.
  std::string to_json(bool pretty = false) const noexcept;
  // The text form for people, as `rulec eval --format text` prints it.
  std::string to_text() const noexcept;

 private:
  friend struct detail::DecisionData;
  std::unique_ptr<detail::DecisionData> data_;
};

}  // namespace v1
}  // namespace precept
