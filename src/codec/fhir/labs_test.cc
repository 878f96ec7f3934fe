#include "codec/fhir/labs.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/test_kb.h"

namespace willis::codec {
namespace {

const core::Kb& kb() {
  return testing::kb();
}

// kb/labs.yaml, as the mapper reads it (expectations from the LOINC terms the sources name).
TEST(FhirLabs, KbCodesMeanTheirLabs) {
  EXPECT_EQ(lab_kind_of_loinc(kb(), "98979-8"), LabKind::egfr);
  EXPECT_EQ(lab_kind_of_loinc(kb(), "2276-4"), LabKind::ferritin);
  EXPECT_EQ(lab_kind_of_loinc(kb(), "2502-3"), LabKind::tsat);
  EXPECT_EQ(lab_kind_of_loinc(kb(), "19123-9"), LabKind::magnesium);
  EXPECT_EQ(lab_kind_of_loinc(kb(), "2601-3"), LabKind::magnesium);
  EXPECT_EQ(lab_kind_of_loinc(kb(), "82810-3"), LabKind::pregnancy_status);
  EXPECT_EQ(lab_kind_of_loinc(kb(), "35591-7"), LabKind::none);  // Cockcroft-Gault: not an eGFR
}

// Magnesium: 24.305 mg per mmol (ciaaw-mg), 10 dL per L, 2 mEq per mmol.
TEST(FhirLabs, KbConvertsMagnesiumToMmolPerLitre) {
  const auto from_mg_dl = lab_value_in_profile_unit(kb(), LabKind::magnesium, 2.4305, "mg/dL");
  ASSERT_TRUE(from_mg_dl);
  EXPECT_NEAR(*from_mg_dl, 1.0, 1e-12);
  EXPECT_NEAR(*lab_value_in_profile_unit(kb(), LabKind::magnesium, 24.305, "mg/L"), 1.0, 1e-12);
  EXPECT_NEAR(*lab_value_in_profile_unit(kb(), LabKind::magnesium, 1.6, "mEq/L"), 0.8, 1e-12);
  EXPECT_EQ(lab_value_in_profile_unit(kb(), LabKind::magnesium, 0.8, " MMOL / l "), 0.8);
  EXPECT_FALSE(lab_value_in_profile_unit(kb(), LabKind::magnesium, 2, "g/dL"));
  EXPECT_EQ(lab_value_in_profile_unit(kb(), LabKind::ferritin, 30, "\xc2\xb5g/L"), 30);
  EXPECT_EQ(lab_value_in_profile_unit(kb(), LabKind::egfr, 52, "mL/min/{1.73_m2}"), 52);
  EXPECT_FALSE(lab_value_in_profile_unit(kb(), LabKind::egfr, 52, "mL/s"));
}

}  // namespace
}  // namespace willis::codec
