// Behaviour of the engine that the clinical vectors (tests/vectors) cannot express.
#include "core/assess.h"

#include <gtest/gtest.h>

#include <set>

#include "support/test_kb.h"

namespace willis::core {
namespace {

// Issue 13 finding 10: finding de-duplication was quadratic (50k unknown medicines took 7.6 s).
// It is linear now (bench: BM_assess_many_unknown_medicines); here: every one is still reported,
// each once, and the timetable waits for all of them.
TEST(Assess, EveryOneOfManyUnknownMedicinesIsReportedOnceAndWithholdsTheTimetable) {
  Profile p;
  p.age = 50;
  constexpr int kCount = 20000;
  for (int idx = 0; idx < kCount; ++idx) {
    MedicineEntry entry;
    entry.name = "zz" + std::to_string(idx) + "qq";
    p.medicines.push_back(entry);
  }
  MedicineEntry twice;
  twice.name = "zz7qq";  // the same name twice: one finding, two unresolved fields
  p.medicines.push_back(twice);
  const Assessment a = assess(testing::kb(), testing::names(), p);
  std::set<std::string> ids;
  int unrecognised = 0;
  for (const auto& f : a.findings)
    if (f.kind == "unrecognised") {
      ++unrecognised;
      ids.insert(f.id);
    }
  EXPECT_EQ(unrecognised, kCount);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(a.schedule.unresolved.size(), static_cast<std::size_t>(kCount + 1));
  EXPECT_TRUE(a.schedule.doses.empty());
  EXPECT_FALSE(a.magnesium.plan.has_value());
}

}  // namespace
}  // namespace willis::core
