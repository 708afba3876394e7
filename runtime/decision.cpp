#include "runtime/decision.hpp"

#include <array>
#include <cassert>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "runtime/json_text.hpp"

// The JSON form is written by hand rather than through nlohmann: it runs once
// per evaluation, and a small writer appending to one string keeps it to a
// single growing buffer with no intermediate tree. docs/decisions.md is the
// reference for both forms.

namespace precept::runtime {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::allow:
      return "allow";
    case Outcome::review:
      return "review";
    case Outcome::deny:
      return "deny";
    case Outcome::indeterminate:
      return "indeterminate";
  }
  return "invalid";
}

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::low:
      return "low";
    case Severity::medium:
      return "medium";
    case Severity::high:
      return "high";
    case Severity::critical:
      return "critical";
  }
  return "invalid";
}

const char* to_string(EffectKind kind) {
  switch (kind) {
    case EffectKind::deny:
      return "deny";
    case EffectKind::review:
      return "review";
    case EffectKind::warn:
      return "warn";
    case EffectKind::require:
      return "require";
    case EffectKind::raise:
      return "raise";
  }
  return "?";
}

const char* to_string(ErrorEntry::Kind kind) {
  switch (kind) {
    case ErrorEntry::Kind::input:
      return "input";
    case ErrorEntry::Kind::evaluation:
      return "evaluation";
    case ErrorEntry::Kind::limit:
      return "limit";
  }
  return "invalid";
}

namespace {
// Entries a list of a decision keeps for the next one, at most (the VM lets
// its own tables go past the same size).
constexpr std::size_t kept_entries = 4'096;
}  // namespace

// The lists keep their elements (EntryList), so a Vm reusing one Decision
// stops allocating after the first few evaluations.
void Decision::clear() noexcept {
  outcome = Outcome::allow;
  complete = true;
  explained = false;
  outputs.clear();
  for (auto* entries : {&violations, &reviews, &warnings, &obligations}) {
    entries->clear_keeping(kept_entries);
  }
  missing.clear_keeping(kept_entries);
  errors.clear_keeping(kept_entries);
  rule_counts.clear();
}

MissingEntry& Decision::add_missing() {
  MissingEntry& m = missing.add();
  m.path.clear();  // both keep their memory for the new contents
  m.rules.clear();
  return m;
}

void Decision::reset_outputs(std::size_t count) {
  outputs.clear();
  while (outputs.size() < count) outputs.add();
}

EntryList<EffectEntry>& Decision::entries(EffectKind kind) {
  switch (kind) {
    case EffectKind::deny:
      return violations;
    case EffectKind::review:
      return reviews;
    case EffectKind::warn:
      return warnings;
    default:
      return obligations;
  }
}

EffectEntry& Decision::add_effect(EffectKind kind) {
  EntryList<EffectEntry>& list = entries(kind);
  EffectEntry& e = list.add();
  // Kept entries change rules between decisions: room for a typical
  // message up front keeps a longer one from reallocating. If even that
  // fails, the entry is not left in the list.
  try {
    if (e.message.capacity() < 160) e.message.reserve(160);
  } catch (...) {
    list.pop_back();
    throw;
  }
  // A kept entry's strings and lists keep their memory for the new contents.
  e.rule = 0;
  e.effect = 0;
  e.message.clear();
  e.has_message = true;
  e.bindings.clear();
  e.because.clear();
  e.fields.clear();
  return e;
}

void Decision::drop_effect(EffectKind kind) { entries(kind).pop_back(); }

namespace {

// ------------------------------------------------------------- writer ---

// Appends JSON to a string, compact or with two-space indentation. It only
// places separators and whitespace; the caller keeps the nesting right.
class JsonWriter {
 public:
  JsonWriter(std::string& out, bool pretty) : out_(out), pretty_(pretty) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name) {
    element_separator();
    append_json_string(out_, name);
    out_ += pretty_ ? ": " : ":";
    after_key_ = true;
  }
  // A key written in this file: plain ASCII, so it needs no escaping.
  template <std::size_t N>
  void key(const char (&name)[N]) {
    element_separator();
    out_ += '"';
    out_.append(name, N - 1);
    out_ += pretty_ ? "\": " : "\":";
    after_key_ = true;
  }
  // Members of the open object that are compact JSON already
  // (`"severity":"high","cite":[...]`); compact form only.
  void members(std::string_view json) {
    assert(!pretty_);
    element_separator();
    out_ += json;
  }

  void string(std::string_view s) {
    value_prefix();
    append_json_string(out_, s);
  }
  void boolean(bool b) {
    value_prefix();
    out_ += b ? "true" : "false";
  }
  void null() {
    value_prefix();
    out_ += "null";
  }
  // A value that is JSON text already (a fact's value, a computed value). An
  // empty text would make the document unparseable, so it becomes null.
  void raw(std::string_view json) {
    value_prefix();
    out_ += json.empty() ? std::string_view("null") : json;
  }

 private:
  static constexpr std::size_t max_depth = 8;  // the decision nests five deep

  void open(char bracket) {
    value_prefix();
    out_ += bracket;
    assert(depth_ < max_depth);
    empty_[depth_++] = true;
  }
  void close(char bracket) {
    assert(depth_ > 0);
    bool was_empty = empty_[--depth_];
    if (!was_empty) newline();
    out_ += bracket;
  }
  void value_prefix() {
    if (after_key_) {
      after_key_ = false;
    } else if (depth_ > 0) {
      element_separator();
    }
  }
  void element_separator() {
    if (!empty_[depth_ - 1]) out_ += ',';
    empty_[depth_ - 1] = false;
    newline();
  }
  void newline() {
    if (!pretty_) return;
    out_ += '\n';
    out_.append(2 * depth_, ' ');
  }

  std::string& out_;
  bool pretty_;
  bool after_key_ = false;
  std::size_t depth_ = 0;
  std::array<bool, max_depth> empty_{};  // per open container: nothing written in it yet
};

// ------------------------------------------------------------- lookups ---

// A decision is only meaningful with the image it was made from; an index
// past the image's tables means the two were mixed up.
const RuleDesc& rule_of(const Image& image, const EffectEntry& entry) {
  if (entry.rule >= image.rules.size()) {
    throw std::out_of_range(
        fmt::format("decision entry refers to rule {}, but the image has {} rules", entry.rule,
                    image.rules.size()));
  }
  return image.rules[entry.rule];
}

const EffectDesc& effect_of(const Image& image, const EffectEntry& entry) {
  const RuleDesc& rule = rule_of(image, entry);
  if (entry.effect >= rule.effects.size()) {
    throw std::out_of_range(
        fmt::format("decision entry refers to effect {} of rule `{}`, which has {}", entry.effect,
                    rule.id, rule.effects.size()));
  }
  return rule.effects[entry.effect];
}

const OutputDesc& output_of(const Image& image, const OutputEntry& entry) {
  if (entry.output >= image.outputs.size()) {
    throw std::out_of_range(
        fmt::format("decision refers to output {}, but the image has {} outputs", entry.output,
                    image.outputs.size()));
  }
  return image.outputs[entry.output];
}

// ---------------------------------------------------------------- JSON ---

// What an entry takes from its rule: written here, or copied from a
// CompactJson's cache (compact form only) where it was written once.
class RuleTexts {
 public:
  explicit RuleTexts(std::vector<detail::RuleJson>* cache) : cache_(cache) {}

  const detail::RuleJson* cached(const Image& image, std::uint32_t index) {
    if (cache_ == nullptr) return nullptr;
    if (cache_->size() != image.rules.size()) cache_->resize(image.rules.size());
    detail::RuleJson& r = (*cache_)[index];
    if (!r.ready) {
      const RuleDesc& rule = image.rules[index];
      append_json_string(r.id, rule.id);
      if (!rule.title.empty()) append_json_string(r.title, rule.title);
      std::string tail;
      JsonWriter w(tail, false);
      w.begin_object();
      write_rule_members(w, rule);
      w.end_object();
      r.tail = tail.substr(1, tail.size() - 2);  // without the braces
      r.ready = true;
    }
    return &r;
  }

  // The `severity` and `cite` members of an entry.
  static void write_rule_members(JsonWriter& w, const RuleDesc& rule) {
    w.key("severity");
    w.string(to_string(rule.severity));
    w.key("cite");
    w.begin_array();
    for (const std::string& s : rule.cites) w.string(s);
    w.end_array();
  }

 private:
  std::vector<detail::RuleJson>* cache_;
};

// A rule's text as a JSON string: copied from the cache when there is one.
void write_rule_text(JsonWriter& w, const std::string& text, const std::string* cached) {
  if (cached != nullptr) {
    w.raw(*cached);
  } else {
    w.string(text);
  }
}

template <class String>
void write_strings(JsonWriter& w, const std::vector<String>& strings) {
  w.begin_array();
  for (const String& s : strings) w.string(s);
  w.end_array();
}

// The keys every entry ends with: severity, cite, bindings and, with
// explanations, because.
void write_entry_tail(JsonWriter& w, const RuleDesc& rule, const detail::RuleJson* cached,
                      const EffectEntry& entry, bool explained) {
  if (cached != nullptr) {
    w.members(cached->tail);
  } else {
    RuleTexts::write_rule_members(w, rule);
  }
  w.key("bindings");
  w.begin_object();
  for (const BindingEntry& b : entry.bindings) {
    w.key(b.name);
    if (b.is_path) {
      w.string(b.value);
    } else {
      w.raw(b.value);
    }
  }
  w.end_object();
  if (explained) {
    w.key("because");
    w.begin_array();
    for (const ReadEntry& read : entry.because) {
      w.begin_object();
      w.key("path");
      w.string(read.path);
      w.key("value");
      w.raw(read.value);
      w.end_object();
    }
    w.end_array();
  }
}

template <std::size_t N>
void write_entries(JsonWriter& w, const char (&key)[N], const EntryList<EffectEntry>& entries,
                   const Image& image, bool explained, RuleTexts& texts) {
  w.key(key);
  w.begin_array();
  for (const EffectEntry& entry : entries) {
    const RuleDesc& rule = rule_of(image, entry);
    const detail::RuleJson* cached = texts.cached(image, entry.rule);
    w.begin_object();
    w.key("rule");
    write_rule_text(w, rule.id, cached ? &cached->id : nullptr);
    if (!rule.title.empty()) {
      w.key("title");
      write_rule_text(w, rule.title, cached ? &cached->title : nullptr);
    }
    w.key("message");
    w.string(entry.message);
    write_entry_tail(w, rule, cached, entry, explained);
    w.end_object();
  }
  w.end_array();
}

void write_obligations(JsonWriter& w, const EntryList<EffectEntry>& entries, const Image& image,
                       bool explained, RuleTexts& texts) {
  w.key("obligations");
  w.begin_array();
  for (const EffectEntry& entry : entries) {
    const RuleDesc& rule = rule_of(image, entry);
    const detail::RuleJson* cached = texts.cached(image, entry.rule);
    w.begin_object();
    w.key("id");
    w.string(effect_of(image, entry).obligation);
    w.key("rule");
    write_rule_text(w, rule.id, cached ? &cached->id : nullptr);
    if (entry.has_message) {
      w.key("message");
      w.string(entry.message);
    }
    w.key("fields");
    w.begin_object();
    for (const auto& [name, value] : entry.fields) {
      w.key(name);
      w.raw(value);
    }
    w.end_object();
    write_entry_tail(w, rule, cached, entry, explained);
    w.end_object();
  }
  w.end_array();
}

// ---------------------------------------------------------------- text ---

void append_text(std::string& out, std::string_view s) { append_terminal_text(out, s); }

void append_bindings(std::string& out, const EffectEntry& entry) {
  if (entry.bindings.empty()) return;
  out += "  bindings: ";
  bool first = true;
  for (const BindingEntry& b : entry.bindings) {
    if (!first) out += ", ";
    first = false;
    append_text(out, b.name);
    out += " = ";
    append_text(out, b.value);  // a path, or JSON text (already escaped)
  }
  out += '\n';
}

void append_because(std::string& out, const EffectEntry& entry, bool explained) {
  if (!explained || entry.because.empty()) return;
  out += "  because:\n";
  for (const ReadEntry& read : entry.because) {
    out += "    ";
    append_text(out, read.path);
    out += " = ";
    append_text(out, read.value);
    out += '\n';
  }
}

void append_text_entries(std::string& out, std::string_view verb,
                         const EntryList<EffectEntry>& entries, const Image& image,
                         bool explained) {
  for (const EffectEntry& entry : entries) {
    const RuleDesc& rule = rule_of(image, entry);
    out += verb;
    out += ' ';
    append_text(out, rule.id);
    out += " [";
    out += to_string(rule.severity);
    out += ']';
    for (std::size_t i = 0; i < rule.cites.size(); ++i) {
      out += i == 0 ? " " : "; ";
      append_text(out, rule.cites[i]);
    }
    out += "\n  ";
    append_text(out, entry.message);
    out += '\n';
    append_bindings(out, entry);
    append_because(out, entry, explained);
  }
}

}  // namespace

std::string to_json(const Decision& decision, const Image& image, bool pretty) {
  std::string out;
  out.reserve(256 + 192 * (decision.violations.size() + decision.reviews.size() +
                           decision.warnings.size() + decision.obligations.size()));
  append_json(decision, image, out, pretty);
  return out;
}

namespace {
void write_json(const Decision& decision, const Image& image, std::string& out, bool pretty,
                std::vector<detail::RuleJson>* cache);
}  // namespace

void append_json(const Decision& decision, const Image& image, std::string& out, bool pretty) {
  write_json(decision, image, out, pretty, nullptr);
}

CompactJson::CompactJson(const Image& image) : image_(image) {}
CompactJson::~CompactJson() = default;

void CompactJson::append(const Decision& decision, std::string& out) {
  write_json(decision, image_, out, false, &rules_);
}

namespace {

void write_json(const Decision& decision, const Image& image, std::string& out, bool pretty,
                std::vector<detail::RuleJson>* cache) {
  RuleTexts texts(cache);
  JsonWriter w(out, pretty);
  w.begin_object();
  w.key("outcome");
  w.string(to_string(decision.outcome));
  w.key("complete");
  w.boolean(decision.complete);

  w.key("outputs");
  w.begin_object();
  for (const OutputEntry& output : decision.outputs) {
    w.key(output_of(image, output).id);
    if (output.settled) {
      w.raw(output.value);
    } else {
      w.null();
    }
  }
  w.end_object();

  write_entries(w, "violations", decision.violations, image, decision.explained, texts);
  write_entries(w, "reviews", decision.reviews, image, decision.explained, texts);
  write_entries(w, "warnings", decision.warnings, image, decision.explained, texts);
  write_obligations(w, decision.obligations, image, decision.explained, texts);

  w.key("missing");
  w.begin_array();
  for (const MissingEntry& m : decision.missing) {
    w.begin_object();
    w.key("path");
    w.string(m.path);
    w.key("rules");
    write_strings(w, m.rules);
    w.end_object();
  }
  w.end_array();

  w.key("errors");
  w.begin_array();
  for (const ErrorEntry& e : decision.errors) {
    w.begin_object();
    w.key("kind");
    w.string(to_string(e.kind));
    if (!e.path.empty()) {
      w.key("path");
      w.string(e.path);
    }
    if (!e.at.empty()) {
      w.key("at");
      w.string(e.at);
    }
    w.key("message");
    w.string(e.message);
    w.end_object();
  }
  w.end_array();

  w.end_object();
}

}  // namespace

std::string to_text(const Decision& decision, const Image& image) {
  std::string out = "outcome: ";
  out += to_string(decision.outcome);
  if (!decision.complete) out += " (incomplete)";
  out += '\n';

  append_text_entries(out, "deny", decision.violations, image, decision.explained);
  append_text_entries(out, "review", decision.reviews, image, decision.explained);
  append_text_entries(out, "warn", decision.warnings, image, decision.explained);

  for (const EffectEntry& entry : decision.obligations) {
    out += "require ";
    append_text(out, effect_of(image, entry).obligation);
    out += " (from ";
    append_text(out, rule_of(image, entry).id);
    out += ")\n";
    if (entry.has_message) {
      out += "  ";
      append_text(out, entry.message);
      out += '\n';
    }
    for (const auto& [name, value] : entry.fields) {
      out += "  ";
      append_text(out, name);
      out += " = ";
      append_text(out, value);
      out += '\n';
    }
    append_bindings(out, entry);
    append_because(out, entry, decision.explained);
  }

  if (!decision.outputs.empty()) {
    out += "outputs:\n";
    for (const OutputEntry& output : decision.outputs) {
      out += "  ";
      append_text(out, output_of(image, output).id);
      out += " = ";
      append_text(out, output.settled ? std::string_view(output.value) : "unsettled");
      out += '\n';
    }
  }

  if (!decision.missing.empty()) {
    out += "missing:\n";
    for (const MissingEntry& m : decision.missing) {
      out += "  ";
      append_text(out, m.path);
      for (std::size_t i = 0; i < m.rules.size(); ++i) {
        out += i == 0 ? " (rules: " : ", ";
        append_text(out, m.rules[i]);
      }
      if (!m.rules.empty()) out += ')';
      out += '\n';
    }
  }

  if (!decision.errors.empty()) {
    out += "errors:\n";
    for (const ErrorEntry& e : decision.errors) {
      out += "  ";
      out += to_string(e.kind);
      for (const std::string* where : {&e.path, &e.at}) {
        if (where->empty()) continue;
        out += ' ';
        append_text(out, *where);
      }
      out += ": ";
      append_text(out, e.message);
      out += '\n';
    }
  }
  return out;
}

}  // namespace precept::runtime
