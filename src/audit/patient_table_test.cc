// src/audit/patient_table_test.cc: what a patient costs in memory (PatientTable, IdArena) and
// how evidence positions pack.
#include <gtest/gtest.h>

#include <cstdio>

#include "audit/patient_table.h"

#include "support/audit_fixtures.h"

namespace willis::audit {
namespace {

// ---------------------------------------------------------------- memory

TEST(AuditMemory, PerPatientStateIsAtMost200Bytes) {
  // Everything a patient costs (issue: at most 200 bytes each plus fixed buffers): its state, its
  // slot at the lowest load factor, its id as a UUID (4 + 16 bytes) and its flagged entry.
  static_assert(sizeof(core::audit::PatientState) == 136);
  static_assert(sizeof(FlaggedPatient) == 16);
  static_assert(PatientTable::kBytesPerUuidPatient <= 200);
  EXPECT_EQ(PatientTable::kBytesPerUuidPatient, 136u + 21u + 20u + 16u);
  {
    // The real bytes of a table of UUID ids, measured: at most the budget per patient (less its
    // flagged entry, which lives in the pipeline) and 64 kB of partly filled blocks.
    PatientTable uuids;
    char id[37];
    for (unsigned index = 0; index < 100000; ++index) {
      std::snprintf(id, sizeof id, "%08x-0000-4000-8000-%012x", index * 2654435761u, index);
      uuids.get(id, PatientTable::hash(id)).add_patient();
    }
    EXPECT_EQ(uuids.size(), 100000u);
    EXPECT_LE(
        uuids.bytes(),
        100000u * (PatientTable::kBytesPerUuidPatient - sizeof(FlaggedPatient)) + (64u << 10));
  }
  PatientTable table;
  for (int index = 0; index < 100000; ++index) {
    const std::string id = "patient-" + std::to_string(index);
    table.get(id, PatientTable::hash(id)).add_patient();
  }
  EXPECT_EQ(table.size(), 100000u);
  // Whatever the vectors' spare capacity: at most twice the state, the slots and the ids.
  EXPECT_LE(table.bytes(), 100000u * (2 * sizeof(core::audit::PatientState) + 16 + 2 * (4 + 13)));
  // The real bytes of the whole table, ids included: the state, the slots, each id with its
  // 4-byte length, and at most 64 kB of partly filled blocks and block lists (no spare capacity
  // that grows with the patients).
  const std::size_t id_bytes = 100000u * (4 + 13);  // "patient-NNNNN" is 8 + up to 5 characters
  EXPECT_LE(table.bytes(), 100000u * PatientTable::kBytesPerPatient + id_bytes + (64u << 10));
  // States never move while the table grows.
  const std::string first = "patient-0";
  const core::audit::PatientState* before = table.find(first, PatientTable::hash(first));
  for (int index = 100000; index < 110000; ++index) {
    const std::string id = "patient-" + std::to_string(index);
    table.get(id, PatientTable::hash(id));
  }
  EXPECT_EQ(table.find(first, PatientTable::hash(first)), before);
  const std::string probe = "patient-4242";
  ASSERT_NE(table.find(probe, PatientTable::hash(probe)), nullptr);
  EXPECT_EQ(table.id_of(*table.find(probe, PatientTable::hash(probe))), probe);
}

TEST(AuditMemory, PositionsPackIn6BytesInTheirOrder) {
  using core::audit::make_position;
  using core::audit::PackedPosition;
  const std::vector<core::audit::Position> sorted = {
      make_position(0, 0),
      make_position(0, 1),
      make_position(0, core::audit::kMaxFileBytes - 1),
      make_position(1, 0),
      make_position(core::audit::kMaxFiles - 1, core::audit::kMaxFileBytes - 1),
      core::audit::kNoPosition};
  for (std::size_t index = 0; index < sorted.size(); ++index) {
    EXPECT_EQ(PackedPosition(sorted[index]).get(), sorted[index]);
    if (index) {
      EXPECT_LT(sorted[index - 1], sorted[index]);
    }
  }
  PackedPosition earliest;
  EXPECT_TRUE(earliest.none());
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) earliest.keep_earliest(*it);
  EXPECT_EQ(earliest.get(), make_position(0, 0));
}

TEST(AuditMemory, UuidIdsAreKeptIn16BytesAndReadBackExactly) {
  // Canonical lower-case UUIDs are packed; anything else (upper case, no dashes, one character
  // off) is kept as written. Every id reads back exactly and is found by its text.
  const std::vector<std::string> ids = {"78de2454-5a3d-4020-b0d1-20395ff83baf",
                                        "00000000-0000-0000-0000-000000000000",
                                        "ffffffff-ffff-ffff-ffff-ffffffffffff",
                                        "78DE2454-5A3D-4020-B0D1-20395FF83BAF",
                                        "78de24545a3d4020b0d120395ff83baf",
                                        "78de2454-5a3d-4020-b0d1-20395ff83bag",
                                        "78de2454-5a3d-4020-b0d1_20395ff83baf",
                                        "78de2454-5a3d-4020-b0d1-20395ff83ba",
                                        "p1",
                                        ""};
  PatientTable table;
  for (const auto& id : ids) table.get(id, PatientTable::hash(id)).add_patient();
  EXPECT_EQ(table.size(), ids.size());
  for (const auto& id : ids) {
    const auto* state = table.find(id, PatientTable::hash(id));
    ASSERT_NE(state, nullptr) << id;
    EXPECT_EQ(table.id_of(*state), id);
  }
  const std::string upper_of_first = "78DE2454-5A3D-4020-B0D1-20395FF83BAF";
  EXPECT_NE(table.id_of(*table.find(upper_of_first, PatientTable::hash(upper_of_first))), ids[0]);
  IdArena arena;
  const std::size_t empty = arena.bytes();
  for (int index = 0; index < 1000; ++index) arena.add(ids[0]);
  EXPECT_LE(arena.bytes() - empty, 1000u * (4 + 16) + (16u << 10));
}
}  // namespace
}  // namespace willis::audit
