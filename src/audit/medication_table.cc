// src/audit/medication_table.cc: the shared Medication table (medication_table.h).
#include "audit/medication_table.h"

#include <mutex>

namespace willis::audit {

void MedicationTable::add(std::string_view id, const MedicationEntry& entry) {
  const std::uint64_t h = PatientTable::hash(id);
  std::unique_lock lock(mutex_);
  const auto [index, added] = slots_.insert(
      h, [&](std::uint32_t at) { return ids_.equals(entries_[at].id_ref, id); },
      [&](std::uint32_t at) {
        char buffer[IdArena::kUuidText];
        return PatientTable::hash(ids_.get(entries_[at].id_ref, buffer));
      });
  if (added) {
    entries_.push_back({entry.pos, ids_.add(id), intern(entry.code), intern(entry.text),
                        entry.lists, entry.known});
    return;
  }
  Entry& current = entries_[index];
  current.lists |= entry.lists;
  current.known = current.known || entry.known;
  if (entry.pos < current.pos) {
    current.code = intern(entry.code);
    current.text = intern(entry.text);
    current.pos = entry.pos;
  }
}

std::optional<MedicationView> MedicationTable::find(std::string_view reference) const {
  constexpr std::string_view kPrefix = "Medication/";
  if (reference.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view id = reference.substr(kPrefix.size());
  const std::uint64_t h = PatientTable::hash(id);
  std::shared_lock lock(mutex_);
  const auto index =
      slots_.find(h, [&](std::uint32_t at) { return ids_.equals(entries_[at].id_ref, id); });
  if (!index) return std::nullopt;
  const Entry& entry = entries_[*index];
  return MedicationView{entry.lists, entry.known, *strings_[entry.code], *strings_[entry.text]};
}

std::uint32_t MedicationTable::intern(const std::string& text) {
  if (strings_.empty()) strings_.push_back(&interned_.emplace(std::string(), 0).first->first);
  auto [it, inserted] = interned_.try_emplace(text, static_cast<std::uint32_t>(strings_.size()));
  if (inserted) strings_.push_back(&it->first);
  return it->second;
}

}  // namespace willis::audit
