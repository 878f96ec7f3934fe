// src/audit/patient_table.cc: linear probing at a load factor of at most 3/4.
#include "audit/patient_table.h"

#include <cstring>

namespace willis::audit {

std::uint64_t PatientTable::hash(std::string_view id) {
  // FNV-1a, then a 64-bit finaliser (splitmix64) so that both halves are well mixed: the low
  // bits pick the shard and the slot, the high bits are the tag.
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::string_view PatientTable::id_of(const core::audit::PatientState& state) const {
  std::uint32_t size = 0;
  std::memcpy(&size, arena_.data() + state.id_ref, sizeof size);
  return {arena_.data() + state.id_ref + sizeof size, size};
}

const core::audit::PatientState* PatientTable::find(std::string_view id, std::uint64_t h) const {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t tag = h >> 32;
  for (std::size_t at = (h >> 8) & mask;; at = (at + 1) & mask) {
    const std::uint64_t slot = slots_[at];
    if (slot == 0) return nullptr;
    if ((slot >> 32) != tag) continue;
    const auto& state = states_[(slot & 0xFFFFFFFFu) - 1];
    if (id_of(state) == id) return &state;
  }
}

core::audit::PatientState& PatientTable::get(std::string_view id, std::uint64_t h) {
  if ((states_.size() + 1) * 4 > slots_.size() * 3) grow();
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t tag = h >> 32;
  std::size_t at = (h >> 8) & mask;
  for (;; at = (at + 1) & mask) {
    const std::uint64_t slot = slots_[at];
    if (slot == 0) break;
    if ((slot >> 32) != tag) continue;
    auto& state = states_[(slot & 0xFFFFFFFFu) - 1];
    if (id_of(state) == id) return state;
  }
  auto& state = states_.emplace_back();
  state.id_ref = static_cast<std::uint32_t>(arena_.size());
  const auto size = static_cast<std::uint32_t>(id.size());
  arena_.append(reinterpret_cast<const char*>(&size), sizeof size);
  arena_.append(id);
  slots_[at] = (tag << 32) | states_.size();
  return state;
}

void PatientTable::grow() {
  std::vector<std::uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t index = 0; index < states_.size(); ++index) {
    const std::uint64_t h = hash(id_of(states_[index]));
    std::size_t at = (h >> 8) & mask;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = ((h >> 32) << 32) | (index + 1);
  }
}

std::size_t PatientTable::bytes() const {
  return slots_.capacity() * sizeof(std::uint64_t) + states_.capacity() * sizeof(core::audit::PatientState) +
         arena_.capacity();
}

}  // namespace willis::audit
