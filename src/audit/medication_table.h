// src/audit/medication_table.h: "Medication/ID" -> what the Medication is, for the requests and
// statements that refer to it (medicationReference). Shared by all workers: a reader-writer lock.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/patient_table.h"
#include "audit/slot_index.h"
#include "core/audit.h"

namespace willis::audit {

/// What a Medication resource is, for the requests that refer to it.
struct MedicationEntry {
  core::audit::ListMask lists = 0;
  bool known = false;  ///< a code or its text identified it
  std::string code;    ///< the code that put it in a list (or its first code), for evidence
  std::string text;
  core::audit::Position pos = core::audit::kNoPosition;
};

/// A hash for maps keyed by std::string that are looked up by std::string_view.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

/// What the table knows of a Medication; the views stay valid as long as the table.
struct MedicationView {
  core::audit::ListMask lists = 0;
  bool known = false;
  std::string_view code, text;
};

/// "Medication/ID" -> what it is. Compact like PatientTable: ids in an IdArena, a SlotIndex,
/// fixed-size entries; codes and texts interned (a few distinct ones are shared by many).
class MedicationTable {
 public:
  /// Adds Medication `id`. The same id twice: the lists are joined, the words of the first kept.
  void add(std::string_view id, const MedicationEntry& entry);
  /// The Medication a reference names ("Medication/ID"), or nullopt.
  std::optional<MedicationView> find(std::string_view reference) const;

 private:
  struct Entry {
    core::audit::Position pos;
    std::uint32_t id_ref, code, text;
    core::audit::ListMask lists;
    bool known;
  };

  std::uint32_t intern(const std::string& text);

  mutable std::shared_mutex mutex_;
  SlotIndex slots_;            ///< id -> index in entries_
  std::deque<Entry> entries_;  ///< a deque: no doubling, entries never move
  IdArena ids_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> interned_;
  std::vector<const std::string*> strings_;  ///< interned strings by index (0 = "")
};

}  // namespace willis::audit
