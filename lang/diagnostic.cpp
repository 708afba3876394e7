#include "lang/diagnostic.hpp"

#include <algorithm>
#include <array>
#include <tuple>

namespace precept::lang {

namespace {

struct CodeInfo {
  std::string_view name;
  std::string_view meaning;
};

constexpr std::array code_table = {
#define DIAGNOSTIC(id, code, meaning) CodeInfo{code, meaning},
#include "lang/diagnostic_codes.def"
#undef DIAGNOSTIC
};

// Edit distance counting insertions, deletions, substitutions and swaps of
// adjacent characters (the optimal-string-alignment distance): `tgas` is one
// edit from `tags`. Names are short, so the quadratic table is cheap.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * width);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

std::string_view code_name(DiagCode c) { return code_table.at(static_cast<std::size_t>(c)).name; }
std::string_view code_meaning(DiagCode c) {
  return code_table.at(static_cast<std::size_t>(c)).meaning;
}

Diagnostic& Diagnostics::error(DiagCode code, Span span, std::string message) {
  std::size_t kept = list_.size();
  add({Severity::error, code, span, std::move(message), {}});
  return list_.size() > kept ? list_.back() : dropped_;
}

Diagnostic& Diagnostics::warning(DiagCode code, Span span, std::string message) {
  std::size_t kept = list_.size();
  add({Severity::warning, code, span, std::move(message), {}});
  return list_.size() > kept ? list_.back() : dropped_;
}

void Diagnostics::add(Diagnostic d) {
  if (d.severity == Severity::error) ++errors_;
  if (d.severity == Severity::warning) ++warnings_;
  if (list_.size() >= max_kept) {
    dropped_ = Diagnostic{};
    return;
  }
  if (d.severity != Severity::note) ++kept_counted_;
  list_.push_back(std::move(d));
}

void Diagnostics::sort() {
  std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(a.span.file, a.span.begin, a.severity) <
           std::tuple(b.span.file, b.span.begin, b.severity);
  });
}

std::string_view closest_match(std::string_view name, const std::vector<std::string_view>& candidates) {
  // A suggestion must be closer than a third of the name's length (at least
  // one edit), so `clasification` finds `classification` but `x` finds no `y`.
  std::size_t budget = std::max<std::size_t>(1, name.size() / 3);
  std::string_view best;
  std::size_t best_distance = budget + 1;
  for (std::string_view candidate : candidates) {
    if (candidate == name) continue;
    std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance || (distance == best_distance && candidate < best)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best_distance <= budget ? best : std::string_view{};
}

std::string with_suggestion(std::string message, std::string_view name,
                            const std::vector<std::string_view>& candidates) {
  std::string_view match = closest_match(name, candidates);
  if (!match.empty()) {
    message += "; did you mean `";
    message += match;
    message += "`?";
  }
  return message;
}

}  // namespace precept::lang
