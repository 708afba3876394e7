// Decisions seen through the API: views of the runtime's decision entries,
// with the rule and output descriptions looked up in the bundle's image.
#include <vector>

#include "runtime/api/internal.hpp"

namespace precept {

// The public enums follow the runtime's order, so converting is a cast.
static_assert(static_cast<int>(Outcome::indeterminate) ==
              static_cast<int>(runtime::Outcome::indeterminate));
static_assert(static_cast<int>(Severity::critical) ==
              static_cast<int>(runtime::Severity::critical));
static_assert(static_cast<int>(EffectKind::require) ==
              static_cast<int>(runtime::EffectKind::require));
static_assert(static_cast<int>(DecisionError::Kind::limit) ==
              static_cast<int>(runtime::ErrorEntry::Kind::limit));

namespace {

using runtime::Image;

// A list's `items` points at its first element (the elements are contiguous).
template <class T>
const T& item(const void* items, std::size_t index) {
  return static_cast<const T*>(items)[index];
}

std::string_view string_at(const void* items, const void*, std::size_t index) {
  return item<std::string>(items, index);
}
std::string_view view_at(const void* items, const void*, std::size_t index) {
  return item<std::string_view>(items, index);
}

Binding binding_at(const void* items, const void*, std::size_t index) {
  const runtime::BindingEntry& b = item<runtime::BindingEntry>(items, index);
  return Binding{b.name, b.value, b.is_path};
}

FactRead read_at(const void* items, const void*, std::size_t index) {
  const runtime::ReadEntry& r = item<runtime::ReadEntry>(items, index);
  return FactRead{r.path, r.value};
}

Field field_at(const void* items, const void*, std::size_t index) {
  const auto& f = item<std::pair<std::string, std::string>>(items, index);
  return Field{f.first, f.second};
}

Entry entry_at(const void* items, const void* context, std::size_t index) {
  const runtime::EffectEntry& e = item<runtime::EffectEntry>(items, index);
  const Image& image = *static_cast<const Image*>(context);
  const runtime::RuleDesc& rule = image.rules[e.rule];
  const runtime::EffectDesc& effect = rule.effects[e.effect];
  Entry entry;
  entry.kind = static_cast<EffectKind>(effect.kind);
  entry.rule = rule.id;
  entry.title = rule.title;
  entry.message = e.message;
  entry.has_message = e.has_message;
  if (effect.kind == runtime::EffectKind::require) entry.obligation = effect.obligation;
  entry.severity = static_cast<Severity>(rule.severity);
  entry.citations =
      List<std::string_view>(rule.cites.data(), nullptr, rule.cites.size(), &string_at);
  entry.bindings = List<Binding>(e.bindings.data(), nullptr, e.bindings.size(), &binding_at);
  entry.because = List<FactRead>(e.because.data(), nullptr, e.because.size(), &read_at);
  entry.fields = List<Field>(e.fields.data(), nullptr, e.fields.size(), &field_at);
  return entry;
}

Output output_at(const void* items, const void* context, std::size_t index) {
  const runtime::OutputEntry& o = item<runtime::OutputEntry>(items, index);
  const Image& image = *static_cast<const Image*>(context);
  return Output{image.outputs[o.output].id, o.settled,
                o.settled ? std::string_view(o.value) : std::string_view("null")};
}

MissingFact missing_at(const void* items, const void*, std::size_t index) {
  const runtime::MissingEntry& m = item<runtime::MissingEntry>(items, index);
  return MissingFact{m.path,
                     List<std::string_view>(m.rules.data(), nullptr, m.rules.size(), &view_at)};
}

DecisionError error_at(const void* items, const void*, std::size_t index) {
  const runtime::ErrorEntry& e = item<runtime::ErrorEntry>(items, index);
  return DecisionError{static_cast<DecisionError::Kind>(e.kind), e.path, e.at, e.message};
}

// The data of a decision that holds one; null for an empty decision.
const detail::DecisionData* filled(const Decision& d) {
  const detail::DecisionData* data = detail::DecisionData::of(d);
  return data != nullptr && data->executable != nullptr ? data : nullptr;
}

template <class T, class Items>
List<T> view(const Decision& d, Items runtime::Decision::*member, typename List<T>::Getter get) {
  const detail::DecisionData* data = filled(d);
  if (data == nullptr) return {};
  const Items& items = data->decision.*member;
  return List<T>(items.data(), &data->executable->image(), items.size(), get);
}

// What an empty decision says in JSON and text: indeterminate and
// incomplete, with no bundle behind it.
const runtime::Decision& empty_decision() {
  static const runtime::Decision empty = [] {
    runtime::Decision d;
    d.outcome = runtime::Outcome::indeterminate;
    d.complete = false;
    return d;
  }();
  return empty;
}

const Image& empty_image() {
  static const Image image;
  return image;
}

}  // namespace

inline namespace v1 {

const char* to_string(Outcome outcome) noexcept {
  return runtime::to_string(static_cast<runtime::Outcome>(outcome));
}
const char* to_string(Severity severity) noexcept {
  return runtime::to_string(static_cast<runtime::Severity>(severity));
}
const char* to_string(EffectKind kind) noexcept {
  return runtime::to_string(static_cast<runtime::EffectKind>(kind));
}
const char* to_string(DecisionError::Kind kind) noexcept {
  return runtime::to_string(static_cast<runtime::ErrorEntry::Kind>(kind));
}

Decision::Decision() noexcept = default;
Decision::~Decision() = default;
Decision::Decision(Decision&&) noexcept = default;
Decision& Decision::operator=(Decision&&) noexcept = default;

Outcome Decision::outcome() const noexcept {
  const detail::DecisionData* data = filled(*this);
  return data ? static_cast<Outcome>(data->decision.outcome) : Outcome::indeterminate;
}

bool Decision::complete() const noexcept {
  const detail::DecisionData* data = filled(*this);
  return data ? data->decision.complete : false;
}

bool Decision::explained() const noexcept {
  const detail::DecisionData* data = filled(*this);
  return data ? data->decision.explained : false;
}

std::string_view Decision::bundle_name() const noexcept {
  const detail::DecisionData* data = filled(*this);
  return data ? std::string_view(data->executable->image().name) : std::string_view();
}

std::string_view Decision::bundle_version() const noexcept {
  const detail::DecisionData* data = filled(*this);
  return data ? std::string_view(data->executable->image().version) : std::string_view();
}

List<Entry> Decision::violations() const noexcept {
  return view<Entry>(*this, &runtime::Decision::violations, &entry_at);
}
List<Entry> Decision::reviews() const noexcept {
  return view<Entry>(*this, &runtime::Decision::reviews, &entry_at);
}
List<Entry> Decision::warnings() const noexcept {
  return view<Entry>(*this, &runtime::Decision::warnings, &entry_at);
}
List<Entry> Decision::obligations() const noexcept {
  return view<Entry>(*this, &runtime::Decision::obligations, &entry_at);
}
List<Output> Decision::outputs() const noexcept {
  return view<Output>(*this, &runtime::Decision::outputs, &output_at);
}
List<MissingFact> Decision::missing() const noexcept {
  return view<MissingFact>(*this, &runtime::Decision::missing, &missing_at);
}
List<DecisionError> Decision::errors() const noexcept {
  return view<DecisionError>(*this, &runtime::Decision::errors, &error_at);
}

std::string Decision::to_json(bool pretty) const noexcept {
  try {
    const detail::DecisionData* data = filled(*this);
    return data ? runtime::to_json(data->decision, data->executable->image(), pretty)
                : runtime::to_json(empty_decision(), empty_image(), pretty);
  } catch (...) {
    return {};
  }
}

std::string Decision::to_text() const noexcept {
  try {
    const detail::DecisionData* data = filled(*this);
    return data ? runtime::to_text(data->decision, data->executable->image())
                : runtime::to_text(empty_decision(), empty_image());
  } catch (...) {
    return {};
  }
}

}  // namespace v1
}  // namespace precept
