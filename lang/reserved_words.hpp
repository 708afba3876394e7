// Whether a word is reserved (lang/reserved_words.def, the grammar's list).
#pragma once

#include <string_view>

namespace precept::lang {

bool is_reserved_word(std::string_view word);

}  // namespace precept::lang
