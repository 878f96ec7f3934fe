// src/audit/patient_table.h: patient id -> core::audit::PatientState, compactly. Open addressing
// over 8-byte slots (32-bit hash tag, 32-bit index); states live in fixed blocks of 64 and ids in
// 16 kB blocks, so nothing is copied or left spare when the table grows (only the slot array
// doubles). Not thread-safe: the pipeline shards patients over many tables, each behind its own
// mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/slot_index.h"
#include "core/audit.h"

namespace willis::audit {

/// Ids, each stored once with its length in 16 kB blocks (a longer id gets its own block): no
/// per-id allocation and no spare capacity that grows with the ids. A ref is (block << 14) |
/// offset. An id that is a UUID in canonical lower-case form (8-4-4-4-12 hex digits; most FHIR
/// server ids) is kept as its 16 bytes, not 36 characters; every other id as written.
class IdArena {
 public:
  static constexpr std::size_t kUuidText = 36;  ///< characters of a UUID's text
  std::uint32_t add(std::string_view id);
  /// The id of `ref`: a view into the arena, or its text written into `buffer` (kUuidText chars).
  std::string_view get(std::uint32_t ref, char* buffer) const;
  bool equals(std::uint32_t ref, std::string_view id) const {
    char buffer[kUuidText];
    return get(ref, buffer) == id;
  }
  std::size_t bytes() const;

 private:
  static constexpr std::size_t kBlockBits = 14;
  static constexpr std::size_t kBlock = std::size_t{1} << kBlockBits;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::size_t> block_sizes_;  ///< allocated bytes of each block
  std::size_t used_ = 0;                  ///< bytes used in the last block
};

/// A flagged patient, kept from evaluation until its lines are written: its state, the table
/// shard that holds it (for its id) and the indicators that flag it. 16 bytes.
struct FlaggedPatient {
  const core::audit::PatientState* state;
  std::uint16_t numerator;
  std::uint8_t shard;
};

class PatientTable {
 public:
  /// The state of `id`, created empty on first use. The reference stays valid (states never move).
  core::audit::PatientState& get(std::string_view id, std::uint64_t hash);
  /// The state of `id`, or nullptr.
  const core::audit::PatientState* find(std::string_view id, std::uint64_t hash) const;

  std::size_t size() const { return size_; }
  /// The index-th state (index < size()), in the order the patients were first seen.
  const core::audit::PatientState& state(std::size_t index) const {
    return blocks_[index / kStatesPerBlock][index % kStatesPerBlock];
  }
  /// The id of a state of this table.
  std::string id_of(const core::audit::PatientState& state) const;
  /// The same, as a view into the table or into `buffer` (IdArena::kUuidText chars).
  std::string_view id_of(const core::audit::PatientState& state, char* buffer) const {
    return ids_.get(state.id_ref, buffer);
  }

  /// Bytes this table holds (allocated, not used), for the memory accounting test.
  std::size_t bytes() const;
  /// Bytes per patient besides the id itself (4 + its length, or 4 + 16 for a UUID, in the id
  /// blocks): the state, and the slots at the lowest load factor (3/8, just after the table grew
  /// from 3/4).
  static constexpr std::size_t kBytesPerPatient =
      sizeof(core::audit::PatientState) + sizeof(std::uint64_t) * 8 / 3;
  /// Everything a patient costs at most, for an id that is a UUID: kBytesPerPatient, the id (4 + 16
  /// bytes) and, if flagged, its FlaggedPatient entry (plain inputs: evidence lines are read again
  /// one at a time, nothing else is kept per flagged patient).
  static constexpr std::size_t kBytesPerUuidPatient =
      kBytesPerPatient + 4 + 16 + sizeof(FlaggedPatient);

  static std::uint64_t hash(std::string_view id);

 private:
  static constexpr std::size_t kStatesPerBlock = 64;

  core::audit::PatientState& state_at(std::size_t index) {
    return blocks_[index / kStatesPerBlock][index % kStatesPerBlock];
  }

  SlotIndex slots_;  ///< id -> index of its state
  std::vector<std::unique_ptr<core::audit::PatientState[]>> blocks_;
  std::size_t size_ = 0;
  IdArena ids_;
};

}  // namespace willis::audit
