// src/audit/patient_table.h: patient id -> core::audit::PatientState, compactly. Open addressing
// over 8-byte slots (32-bit hash tag, 32-bit index); ids live in one arena. Not thread-safe: the
// pipeline shards patients over many tables, each behind its own mutex.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"

namespace willis::audit {

class PatientTable {
 public:
  /// The state of `id`, created empty on first use. The reference is valid until the next call.
  core::audit::PatientState& get(std::string_view id, std::uint64_t hash);
  /// The state of `id`, or nullptr.
  const core::audit::PatientState* find(std::string_view id, std::uint64_t hash) const;

  std::size_t size() const { return states_.size(); }
  const std::vector<core::audit::PatientState>& states() const { return states_; }
  /// The id of a state of this table.
  std::string_view id_of(const core::audit::PatientState& state) const;

  /// Bytes this table holds (capacity, not size), for the memory accounting test.
  std::size_t bytes() const;
  /// Bytes per patient besides the id itself (4 + its length, in the arena): the state, and the
  /// slots at the lowest load factor (3/8, just after the table grew from 3/4).
  static constexpr std::size_t kBytesPerPatient = sizeof(core::audit::PatientState) + sizeof(std::uint64_t) * 8 / 3;

  static std::uint64_t hash(std::string_view id);

 private:
  void grow();

  std::vector<std::uint64_t> slots_;  ///< 0 = empty; else (hash tag << 32) | (index + 1)
  std::vector<core::audit::PatientState> states_;
  std::string arena_;                 ///< ids, each preceded by its length (4 bytes)
};

}  // namespace willis::audit
