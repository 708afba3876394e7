// A bump allocator for the values of one evaluation: facts, lists and
// strings built while deciding. reset() keeps the blocks it has, so an
// arena reused across evaluations stops allocating once it is big enough.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <vector>

namespace precept::runtime {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) = default;
  Arena& operator=(Arena&&) = default;

  // Uninitialised room for `count` objects of a trivially destructible T.
  template <class T>
  T* allocate(std::size_t count) {
    static_assert(std::is_trivially_destructible_v<T>);
    if (count == 0) return nullptr;
    return static_cast<T*>(raw(sizeof(T) * count, alignof(T)));
  }

  // A copy of `text` that lives as long as the arena's contents.
  std::string_view copy(std::string_view text) {
    if (text.empty()) return {};
    char* p = allocate<char>(text.size());
    std::memcpy(p, text.data(), text.size());
    return {p, text.size()};
  }

  // Forget every allocation but keep the memory for the next evaluation.
  void reset() {
    block_ = 0;
    used_ = 0;
  }

  std::size_t capacity() const {
    std::size_t total = 0;
    for (const auto& b : blocks_) total += b.size;
    return total;
  }

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    std::size_t size = 0;
  };

  void* raw(std::size_t bytes, std::size_t align) {
    while (block_ < blocks_.size()) {
      Block& b = blocks_[block_];
      std::size_t start = (used_ + align - 1) & ~(align - 1);
      if (start + bytes <= b.size) {
        used_ = start + bytes;
        return b.data.get() + start;
      }
      ++block_;
      used_ = 0;
    }
    std::size_t size =
        std::max<std::size_t>(bytes + align, blocks_.empty() ? 16384 : blocks_.back().size * 2);
    blocks_.push_back(Block{std::make_unique<std::byte[]>(size), size});
    block_ = blocks_.size() - 1;
    used_ = 0;
    return raw(bytes, align);
  }

  std::vector<Block> blocks_;
  std::size_t block_ = 0;  // the block being filled
  std::size_t used_ = 0;   // bytes used in it
};

}  // namespace precept::runtime
