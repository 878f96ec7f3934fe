// src/audit/patient_table.cc: see patient_table.h; the slots are a SlotIndex (slot_index.h).
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

namespace {

constexpr std::uint32_t kUuidFlag =
    0x80000000u;  ///< in the length field: 16 bytes of a UUID follow
constexpr char kHex[] = "0123456789abcdef";

bool dash_at(std::size_t at) {
  return at == 8 || at == 13 || at == 18 || at == 23;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case too: such an id is kept as written, so that it reads back the same
}

/// The 16 bytes of a canonical lower-case UUID; false for any other id.
bool pack_uuid(std::string_view id, unsigned char* out) {
  if (id.size() != IdArena::kUuidText) return false;
  std::size_t byte = 0;
  for (std::size_t at = 0; at < id.size();) {
    if (dash_at(at)) {
      if (id[at] != '-') return false;
      ++at;
      continue;
    }
    const int high = hex_value(id[at]), low = hex_value(id[at + 1]);
    if (high < 0 || low < 0) return false;
    out[byte++] = static_cast<unsigned char>(high << 4 | low);
    at += 2;
  }
  return true;
}

}  // namespace

std::uint32_t IdArena::add(std::string_view id) {
  unsigned char uuid[16];
  const bool packed = pack_uuid(id, uuid);
  const std::size_t bytes = packed ? sizeof uuid : id.size();
  const std::size_t need = sizeof(std::uint32_t) + bytes;
  if (blocks_.empty() || used_ + need > block_sizes_.back()) {
    const std::size_t size = need > kBlock ? need : kBlock;
    blocks_.emplace_back(new char[size]);
    block_sizes_.push_back(size);
    used_ = 0;
  }
  char* at = blocks_.back().get() + used_;
  const auto size = static_cast<std::uint32_t>(bytes) | (packed ? kUuidFlag : 0u);
  std::memcpy(at, &size, sizeof size);
  std::memcpy(at + sizeof size, packed ? static_cast<const void*>(uuid) : id.data(), bytes);
  const auto ref = static_cast<std::uint32_t>(((blocks_.size() - 1) << kBlockBits) | used_);
  used_ += need;
  return ref;
}

std::string_view IdArena::get(std::uint32_t ref, char* buffer) const {
  const char* at = blocks_[ref >> kBlockBits].get() + (ref & (kBlock - 1));
  std::uint32_t size = 0;
  std::memcpy(&size, at, sizeof size);
  at += sizeof size;
  if (!(size & kUuidFlag)) return {at, size};
  std::size_t byte = 0;
  for (std::size_t out = 0; out < kUuidText;) {
    if (dash_at(out)) {
      buffer[out++] = '-';
      continue;
    }
    const auto value = static_cast<unsigned char>(at[byte++]);
    buffer[out++] = kHex[value >> 4];
    buffer[out++] = kHex[value & 15];
  }
  return {buffer, kUuidText};
}

std::size_t IdArena::bytes() const {
  std::size_t total = blocks_.capacity() * (sizeof(blocks_[0]) + sizeof(block_sizes_[0]));
  for (const std::size_t size : block_sizes_) total += size;
  return total;
}

std::string PatientTable::id_of(const core::audit::PatientState& state) const {
  char buffer[IdArena::kUuidText];
  return std::string(ids_.get(state.id_ref, buffer));
}

const core::audit::PatientState* PatientTable::find(std::string_view id, std::uint64_t h) const {
  const auto index =
      slots_.find(h, [&](std::uint32_t at) { return ids_.equals(state(at).id_ref, id); });
  return index ? &state(*index) : nullptr;
}

core::audit::PatientState& PatientTable::get(std::string_view id, std::uint64_t h) {
  const auto [index, added] = slots_.insert(
      h, [&](std::uint32_t at) { return ids_.equals(state(at).id_ref, id); },
      [&](std::uint32_t at) {
        char buffer[IdArena::kUuidText];
        return hash(id_of(state(at), buffer));
      });
  if (!added) return state_at(index);
  if (size_ % kStatesPerBlock == 0)
    blocks_.emplace_back(new core::audit::PatientState[kStatesPerBlock]);
  auto& fresh = state_at(size_++);
  fresh.id_ref = ids_.add(id);
  return fresh;
}

std::size_t PatientTable::bytes() const {
  return slots_.bytes() + blocks_.size() * kStatesPerBlock * sizeof(core::audit::PatientState) +
         blocks_.capacity() * sizeof(blocks_[0]) + ids_.bytes();
}

}  // namespace willis::audit
