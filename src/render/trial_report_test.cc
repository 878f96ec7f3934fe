#include "render/trial_report.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "support/test_kb.h"

namespace willis::render {
namespace {

using core::CalendarDate;
using core::DiaryEntry;

core::TrialPlan plan() {
  core::TrialPlan p = core::default_plan(willis::testing::trial_rules());
  p.baseline_start = {2026, 1, 5};
  p.treatment_start = {2026, 1, 19};
  return p;
}

std::vector<DiaryEntry> diary(bool complete) {
  std::vector<DiaryEntry> entries;
  const int days = complete ? 70 : 10;
  for (int day = 0; day < days; ++day) {
    DiaryEntry entry;
    entry.date = core::add_days({2026, 1, 5}, day);
    entry.rls = day < 14 ? 6 + day % 2 : 3 + day % 2;
    entry.sleep_quality = 3;
    entry.magnesium_mg = day < 14 ? 0 : 300;
    entry.side_effects = std::vector<core::SideEffect>{};
    if (day == 20)
      entry.side_effects->push_back(
          {core::SideEffectKind::loose_stools, core::SideEffectSeverity::mild});
    entries.push_back(entry);
  }
  return entries;
}

TEST(TrialResultJson, HasTheShapeTheIssueFixes) {
  const auto entries = diary(true);
  const auto result = core::evaluate_trial(plan(), entries, {2026, 3, 16},
                                           core::TrialOptions(willis::testing::kb()));
  const std::string json = trial_result_json(plan(), result);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["verdict"]), "improved");
  EXPECT_EQ(std::string_view(doc["design"]), "ab");
  const simdjson::dom::element primary = doc["primary"];
  EXPECT_EQ(std::string_view(primary["outcome"]), "rls_severity");
  EXPECT_NEAR(double(primary["baseline_mean"]), 6.5, 1e-9);
  EXPECT_NEAR(double(primary["treatment_mean"]), 3.5, 1e-9);
  EXPECT_NEAR(double(primary["difference"]), -3.0, 1e-9);
  const simdjson::dom::array ci = primary["ci95"];
  ASSERT_EQ(ci.size(), 2u);
  EXPECT_LE(double(ci.at(0)),
            double(ci.at(1)));  // equal here: every 4-day block of 6,7,6,7 sums alike
  EXPECT_EQ(int64_t(primary["baseline_days"]), 14);
  EXPECT_EQ(int64_t(primary["treatment_days"]), 28);
  const simdjson::dom::array secondary = doc["secondary"];
  EXPECT_EQ(secondary.size(), 3u);
  const simdjson::dom::element side_effects = doc["side_effects"];
  EXPECT_EQ(int64_t(side_effects["treatment"]["kinds"]["loose_stools"]["days"]), 1);
  const simdjson::dom::array notes = doc["notes"];
  EXPECT_GE(notes.size(), 5u);
  EXPECT_DOUBLE_EQ(double(doc["threshold"]["reduction"]), 2.0);
}

TEST(TrialResultJson, InsufficientDataHasNullInterval) {
  const auto entries = diary(false);
  const auto result = core::evaluate_trial(plan(), entries, {2026, 1, 15},
                                           core::TrialOptions(willis::testing::kb()));
  const std::string json = trial_result_json(plan(), result);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["verdict"]), "insufficient-data");
  EXPECT_TRUE(doc["primary"]["ci95"].is_null());
  EXPECT_TRUE(doc["primary"]["treatment_mean"].is_null());
  const simdjson::dom::array reasons = doc["primary"]["reasons"];
  EXPECT_GE(reasons.size(), 1u);
}

TEST(TrialReportText, SaysTheVerdictNumbersAndNotes) {
  const auto entries = diary(true);
  const auto result = core::evaluate_trial(plan(), entries, {2026, 3, 16},
                                           core::TrialOptions(willis::testing::kb()));
  const std::string text = trial_result_text(plan(), result);
  EXPECT_NE(text.find("Personal trial result: IMPROVED"), std::string::npos) << text;
  EXPECT_NE(text.find("change -3.0 points"), std::string::npos) << text;
  EXPECT_NE(text.find("Welch's t-test"), std::string::npos);
  EXPECT_NE(text.find("placebo"), std::string::npos);
  EXPECT_NE(text.find("loose_stools 1 day (worst mild)"), std::string::npos) << text;
}

TEST(TrialStatusJson, Parses) {
  const auto entries = diary(false);
  const auto status =
      core::trial_status(plan(), entries, {2026, 1, 15}, willis::testing::trial_rules());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const std::string json = trial_status_json(plan(), status);
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["phase"]), "baseline");
  EXPECT_EQ(int64_t(doc["day_in_phase"]), 11);
  EXPECT_EQ(int64_t(doc["days_logged"]), 10);
  EXPECT_EQ(int64_t(doc["days_missing"]), 0);
  EXPECT_NE(trial_status_text(plan(), status).find("do NOT take magnesium"), std::string::npos);
}

TEST(EntriesText, ShowsDerivedFiguresAndFlattensNotes) {
  DiaryEntry entry;
  entry.date = {2026, 11, 20};
  entry.rls = 6;
  entry.bed = core::ClockTime{23 * 60 + 10};
  entry.wake = core::ClockTime{6 * 60 + 50};
  entry.out_of_bed = core::ClockTime{7 * 60 + 5};
  entry.sol_min = 40;
  entry.waso_min = 55;
  entry.note = "two\nlines";
  const std::string text = entries_text({entry});
  EXPECT_NE(text.find("475"), std::string::npos);
  EXPECT_NE(text.find("365"), std::string::npos);
  EXPECT_NE(text.find("76.8"), std::string::npos);
  EXPECT_NE(text.find("two lines"), std::string::npos);
  EXPECT_EQ(entries_text({}), "No diary entries.\n");
}

}  // namespace
}  // namespace willis::render
