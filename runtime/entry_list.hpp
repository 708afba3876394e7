// EntryList: a list whose elements outlive clear(), for results refilled
// from one evaluation to the next.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

namespace precept::runtime {

// A list in a decision (its entries of one kind, an entry's bindings...)
// or in loaded facts (their input errors).
// clear() forgets the elements without destroying them: the next decision
// made into the same object refills the same elements, whose strings and
// lists keep their memory, so a Decision reused from one evaluation to the
// next stops allocating. Contiguous, like a vector.
template <class T>
class EntryList {
 public:
  EntryList() = default;
  EntryList(std::initializer_list<T> items) { *this = items; }
  // A copy holds the elements in the list, not the kept ones; a moved-from
  // list is empty, as a moved-from vector is.
  EntryList(const EntryList& other) : items_(other.begin(), other.end()), size_(other.size_) {}
  EntryList(EntryList&& other) noexcept
      : items_(std::move(other.items_)), size_(std::exchange(other.size_, 0)) {
    other.items_.clear();
  }
  EntryList& operator=(const EntryList& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  EntryList& operator=(EntryList&& other) noexcept {
    if (this != &other) {
      items_ = std::move(other.items_);
      size_ = std::exchange(other.size_, 0);
      other.items_.clear();
    }
    return *this;
  }
  EntryList& operator=(std::initializer_list<T> items) {
    assign(items.begin(), items.end());
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return items_.data(); }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }
  T* begin() { return items_.data(); }
  T* end() { return items_.data() + size_; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& front() const { return items_[0]; }
  const T& back() const { return items_[size_ - 1]; }
  T& back() { return items_[size_ - 1]; }

  void push_back(T item) { add() = std::move(item); }
  // A new last entry: one a previous decision held (its old contents,
  // for the caller to overwrite) or a default one.
  T& add() {
    if (size_ == items_.size()) items_.emplace_back();
    return items_[size_++];
  }
  void pop_back() { --size_; }
  void clear() noexcept { size_ = 0; }
  // Clears the list and, past `most` kept elements, lets their memory go:
  // one decision with a huge list does not hold its memory for good.
  void clear_keeping(std::size_t most) noexcept {
    size_ = 0;
    if (items_.size() > most) items_ = std::vector<T>();  // `= {}` would keep the capacity
  }
  // Entries kept for reuse, the ones in the list included.
  std::size_t kept() const { return items_.size(); }

 private:
  // The elements [first, last), copied into kept ones where there are.
  void assign(const T* first, const T* last) {
    clear();
    for (; first != last; ++first) add() = *first;
  }

  std::vector<T> items_;
  std::size_t size_ = 0;
};

}  // namespace precept::runtime
