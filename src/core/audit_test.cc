// src/core/audit_test.cc: the pure indicator rules of docs/audit.md at their boundaries.
#include "core/audit.h"

#include <gtest/gtest.h>

#include "support/test_kb.h"

namespace willis::core::audit {
namespace {

Params params() {
  return params_from_kb(testing::kb(), CalendarDate{2026, 11, 22});
}

std::int32_t day(int y, int m, int d) {
  return CalendarDate{y, m, d}.serial();
}

TEST(AuditDates, FhirDatesPartialDatesAndTimes) {
  EXPECT_EQ(fhir_date_days("2026-03-04"), day(2026, 3, 4));
  EXPECT_EQ(fhir_date_days("2026-03-04T23:59:00+05:00"), day(2026, 3, 4));  // first 10 characters
  EXPECT_EQ(fhir_date_days("2026-03"), day(2026, 3, 1));
  EXPECT_EQ(fhir_date_days("2026"), day(2026, 1, 1));
  EXPECT_EQ(fhir_date_days(""), kNoDate);
  EXPECT_EQ(fhir_date_days("2026-02-30"), kNoDate);
  EXPECT_EQ(fhir_date_days("yesterday"), kNoDate);
  EXPECT_EQ(fhir_date_days("2026-13"), kNoDate);
}

TEST(AuditDates, TextAfterTheYearIsNotADate) {
  EXPECT_EQ(fhir_date_days("2024x"), kNoDate);
  EXPECT_EQ(fhir_date_days("2026-03-04x"), kNoDate);
  EXPECT_EQ(fhir_date_days("2026-03-04T23:59"), kNoDate);  // a FHIR time has seconds and a zone
}

TEST(AuditDates, TwelveMonthsBackIsTheSameCalendarDay) {
  EXPECT_EQ(minus_months(CalendarDate{2026, 11, 22}, 12), (CalendarDate{2025, 11, 22}));
  EXPECT_EQ(minus_months(CalendarDate{2028, 2, 29}, 12), (CalendarDate{2027, 2, 28}));
  EXPECT_EQ(minus_months(CalendarDate{2026, 3, 31}, 1), (CalendarDate{2026, 2, 28}));
  EXPECT_EQ(minus_months(CalendarDate{2026, 1, 15}, 1), (CalendarDate{2025, 12, 15}));
}

TEST(AuditParams, ThresholdsComeFromTheKnowledgeBase) {
  const Params p = params();
  EXPECT_EQ(p.egfr_below, testing::kb().rules.threshold("egfr_contraindicated_below").value);
  EXPECT_EQ(p.ferritin_at_or_below, 75);
  EXPECT_EQ(p.tsat_below, 20);
  EXPECT_EQ(p.lookback_start, day(2025, 11, 22));
  EXPECT_EQ(p.long_term_cutoff, day(2025, 11, 22));
  EXPECT_EQ(list_id(List::chelation_partner), "chelation-partner");
  EXPECT_EQ(indicator_id(8), "diuretic-digoxin-no-mg-12m");
}

LabSlot lab(double value, Comparator comparator, bool has_value = true) {
  LabSlot slot;
  slot.value = value;
  slot.comparator = comparator;
  slot.has_value = has_value;
  slot.date = day(2026, 6, 1);
  slot.pos = 1;
  return slot;
}

TEST(AuditComparators, ABoundProvesAThresholdOnlyWhenTheBoundDoes) {
  EXPECT_TRUE(lab(29, Comparator::none).proves_below(30));
  EXPECT_FALSE(lab(30, Comparator::none).proves_below(30));
  EXPECT_TRUE(lab(30, Comparator::less).proves_below(30));  // "<30"
  EXPECT_FALSE(lab(31, Comparator::less).proves_below(30));
  EXPECT_FALSE(lab(30, Comparator::less_or_equal).proves_below(30));  // "<=30" may be 30
  EXPECT_TRUE(lab(29.9, Comparator::less_or_equal).proves_below(30));
  EXPECT_FALSE(lab(10, Comparator::greater).proves_below(30));
  EXPECT_FALSE(lab(10, Comparator::other).proves_below(30));
  EXPECT_FALSE(lab(10, Comparator::none, false).proves_below(30));  // no usable unit
  EXPECT_TRUE(lab(75, Comparator::none).proves_at_or_below(75));
  EXPECT_FALSE(lab(76, Comparator::none).proves_at_or_below(75));
  EXPECT_TRUE(lab(75, Comparator::less_or_equal).proves_at_or_below(75));
  EXPECT_FALSE(lab(80, Comparator::less).proves_at_or_below(75));
  EXPECT_FALSE(lab(75, Comparator::greater_or_equal).proves_at_or_below(75));
}

TEST(AuditLatest, GreatestDateThenLowestValueWhateverTheOrder) {
  LabSlot a = lab(31, Comparator::none), b = lab(29, Comparator::none),
          c = lab(10, Comparator::none, false);
  b.pos = 2;
  c.pos = 3;
  for (const auto& order : {std::vector<LabSlot>{a, b, c}, {c, b, a}, {b, c, a}}) {
    LabSlot latest;
    for (const auto& slot : order)
      if (slot.later_than(latest)) latest = slot;
    EXPECT_EQ(latest.value, 29);
  }
  LabSlot newer = lab(45, Comparator::none);
  newer.date = day(2026, 10, 1);
  EXPECT_TRUE(newer.later_than(b));
}

TEST(AuditState, MergeEqualsFoldingEverythingIntoOne) {
  const Params p = params();
  MedicineFact mg{bit(List::magnesium), true, false, false, day(2026, 1, 1), 10};
  ObservationFact egfr{Lab::egfr, true, day(2026, 6, 1), true, 25, Comparator::none, 20};
  ConditionFact rls{bit(List::rls), true, 30};
  PatientState one, left, right;
  for (auto* state : {&one, &left}) state->add_patient();
  one.add(p, mg);
  one.add(p, egfr);
  one.add(p, rls);
  left.add(p, egfr);
  right.add(p, mg);
  right.add(p, rls);
  left.merge(right);
  const Evaluation a = evaluate(p, one), b = evaluate(p, left);
  EXPECT_EQ(a.numerator, b.numerator);
  EXPECT_EQ(a.denominator, b.denominator);
  EXPECT_TRUE(a.flagged(0));  // mg-egfr-below-30
  EXPECT_TRUE(a.flagged(3));  // rls-no-ferritin-12m
  const Evidence ev = evidence(p, left, 0);
  ASSERT_EQ(ev.count, 2);
  EXPECT_EQ(ev.positions[0], 10u);
  EXPECT_EQ(ev.positions[1], 20u);
}

TEST(AuditState, AResourceDatedAfterTheAuditDateIsIgnored) {
  const Params p = params();
  PatientState state;
  state.add_patient();
  state.add(p, MedicineFact{bit(List::magnesium), true, false, false, day(2026, 11, 23), 1});
  EXPECT_EQ(evaluate(p, state).denominator, 0);
  state.add(p, MedicineFact{bit(List::magnesium), true, false, false, day(2026, 11, 22), 2});
  EXPECT_TRUE(evaluate(p, state).in_denominator(0));
}

TEST(AuditState, NoPatientResourceMeansNoDenominator) {
  const Params p = params();
  PatientState state;
  state.add(p, MedicineFact{bit(List::magnesium), true, false, false, kNoDate, 1});
  EXPECT_EQ(evaluate(p, state).denominator, 0);
}

}  // namespace
}  // namespace willis::core::audit
