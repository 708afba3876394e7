#include "lang/reserved_words.hpp"

#include <algorithm>
#include <iterator>

namespace precept::lang {

bool is_reserved_word(std::string_view word) {
  static constexpr std::string_view words[] = {
#define RESERVED_WORD(w) w,
#include "lang/reserved_words.def"
#undef RESERVED_WORD
  };
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

}  // namespace precept::lang
