// A bump allocator for the values of one evaluation: facts, lists and
// strings built while deciding. reset() keeps the blocks it has, so an
// arena reused across evaluations stops allocating once it is big enough.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace precept::runtime {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  // The moved-from arena is left empty: its cached block pointer must not
  // keep pointing into memory it no longer owns.
  Arena(Arena&& other) noexcept { *this = std::move(other); }
  Arena& operator=(Arena&& other) noexcept {
    if (this == &other) return *this;
    blocks_ = std::move(other.blocks_);
    other.blocks_.clear();
    block_ = std::exchange(other.block_, 0);
    used_ = std::exchange(other.used_, 0);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

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
    copy_bytes(p, text.data(), text.size());
    return {p, text.size()};
  }

  // Forget every allocation but keep the memory for the next evaluation.
  void reset() {
    block_ = 0;
    used_ = 0;
    data_ = blocks_.empty() ? nullptr : blocks_[0].data.get();
    size_ = blocks_.empty() ? 0 : blocks_[0].size;
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

  // The common case inline (room in the block being filled): the loader
  // allocates several times per JSON value.
  void* raw(std::size_t bytes, std::size_t align) {
    std::size_t start = (used_ + align - 1) & ~(align - 1);
    if (start + bytes <= size_) {
      used_ = start + bytes;
      return data_ + start;
    }
    return raw_in_next_block(bytes, align);
  }

  void* raw_in_next_block(std::size_t bytes, std::size_t align) {
    while (block_ + 1 < blocks_.size()) {
      enter(block_ + 1);
      std::size_t start = (used_ + align - 1) & ~(align - 1);
      if (start + bytes <= size_) {
        used_ = start + bytes;
        return data_ + start;
      }
    }
    std::size_t size =
        std::max<std::size_t>(bytes + align, blocks_.empty() ? 16384 : blocks_.back().size * 2);
    // Not zeroed: every byte handed out is written before it is read.
    blocks_.push_back(Block{std::make_unique_for_overwrite<std::byte[]>(size), size});
    enter(blocks_.size() - 1);
    return raw(bytes, align);
  }

  void enter(std::size_t block) {
    block_ = block;
    used_ = 0;
    data_ = blocks_[block].data.get();
    size_ = blocks_[block].size;
  }

  // memcpy, with short strings (most of a document's) copied as two
  // overlapping words instead of through a call.
  static void copy_bytes(char* to, const char* from, std::size_t n) {
    if (n >= 8 && n <= 16) {
      std::uint64_t head, tail;
      std::memcpy(&head, from, 8);
      std::memcpy(&tail, from + n - 8, 8);
      std::memcpy(to, &head, 8);
      std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4 && n < 8) {
      std::uint32_t head, tail;
      std::memcpy(&head, from, 4);
      std::memcpy(&tail, from + n - 4, 4);
      std::memcpy(to, &head, 4);
      std::memcpy(to + n - 4, &tail, 4);
    } else {
      std::memcpy(to, from, n);
    }
  }

  std::vector<Block> blocks_;
  std::size_t block_ = 0;  // the block being filled
  std::size_t used_ = 0;   // bytes used in it
  // blocks_[block_]'s memory and size, or none before the first block.
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace precept::runtime
