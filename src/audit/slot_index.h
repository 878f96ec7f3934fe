// src/audit/slot_index.h: the audit's one open-addressing hash table. It maps ids kept elsewhere
// (PatientTable's states, the Medication table's entries) to their dense index: linear probing
// over 8-byte slots (32-bit hash tag, 32-bit index + 1) at a load factor of at most 3/4, the slot
// array doubling as it fills. The caller owns the ids and says whether an index holds an id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace willis::audit {

class SlotIndex {
 public:
  /// The index whose entry `matches(index)`, among those filed under hash `h`; nullopt if none.
  template <class Matches>
  std::optional<std::uint32_t> find(std::uint64_t h, Matches&& matches) const {
    if (slots_.empty()) return std::nullopt;
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t tag = h >> 32;
    for (std::size_t at = (h >> 8) & mask;; at = (at + 1) & mask) {
      const std::uint64_t slot = slots_[at];
      if (slot == 0) return std::nullopt;
      if ((slot >> 32) != tag) continue;
      const auto index = static_cast<std::uint32_t>((slot & 0xFFFFFFFFu) - 1);
      if (matches(index)) return index;
    }
  }

  /// The index that `matches`, or a new one (size() before the call) filed under `h`; the bool
  /// says whether it is new. Growing re-files every index under `hash_of(index)`.
  template <class Matches, class HashOf>
  std::pair<std::uint32_t, bool> insert(std::uint64_t h, Matches&& matches, HashOf&& hash_of) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow(hash_of);
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t tag = h >> 32;
    std::size_t at = (h >> 8) & mask;
    for (;; at = (at + 1) & mask) {
      const std::uint64_t slot = slots_[at];
      if (slot == 0) break;
      if ((slot >> 32) != tag) continue;
      const auto index = static_cast<std::uint32_t>((slot & 0xFFFFFFFFu) - 1);
      if (matches(index)) return {index, false};
    }
    const auto index = static_cast<std::uint32_t>(size_++);
    slots_[at] = (tag << 32) | (std::uint64_t{index} + 1);
    return {index, true};
  }

  std::size_t size() const { return size_; }
  /// Bytes of the slot array (allocated, not used).
  std::size_t bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

 private:
  template <class HashOf>
  void grow(HashOf& hash_of) {
    std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, 0);
    const std::size_t mask = slots_.size() - 1;
    for (const std::uint64_t slot : old) {
      if (slot == 0) continue;
      // The tag is the hash's high half; the slot's low bits need the hash again.
      const std::uint64_t h = hash_of(static_cast<std::uint32_t>((slot & 0xFFFFFFFFu) - 1));
      std::size_t at = (h >> 8) & mask;
      while (slots_[at] != 0) at = (at + 1) & mask;
      slots_[at] = slot;
    }
  }

  std::vector<std::uint64_t> slots_;  ///< 0 = empty; else (hash tag << 32) | (index + 1)
  std::size_t size_ = 0;
};

}  // namespace willis::audit
