#include "render/trial_chart.h"

#include <gtest/gtest.h>

#include "render/html.h"
#include "support/test_kb.h"

namespace willis::render {
namespace {

using core::CalendarDate;
using core::DiaryEntry;

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t found = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++found;
  return found;
}

TEST(TrialChart, EscapesEveryText) {
  EXPECT_EQ(html::escape("a<b>&\"c'"),
            "a&lt;b&gt;&amp;&quot;c&#39;");  // &#39; and &apos; are the same character in XML
  EXPECT_EQ(html::escape("plain"), "plain");
}

TEST(TrialChart, RollingMeanNeedsFourOfSevenDays) {
  std::vector<std::optional<double>> daily = {
      6, 6, 6, std::nullopt, 2, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  const auto means = rolling_mean_7(daily);
  EXPECT_FALSE(means[2]);          // 3 values so far
  EXPECT_DOUBLE_EQ(*means[4], 5);  // 6, 6, 6, 2
  EXPECT_DOUBLE_EQ(*means[6], 5);
  EXPECT_FALSE(means[7]);  // days 1..7 hold only 6, 6, 2
  EXPECT_FALSE(means[8]);
}

TEST(TrialChart, DrawsPhasesPointsAndTheRollingMean) {
  core::TrialPlan plan = core::default_plan(testing::trial_rules());
  plan.design = core::TrialDesign::abab;
  plan.baseline_start = {2026, 1, 5};
  plan.treatment_start = {2026, 1, 19};
  plan.treatment_weeks = 6;
  std::vector<DiaryEntry> entries;
  for (int day = 0; day < 40; ++day) {
    DiaryEntry entry;
    entry.date = core::add_days(plan.baseline_start, day);
    entry.rls = day < 14 ? 6 : 3;
    entry.bed = core::ClockTime{23 * 60};
    entry.wake = core::ClockTime{7 * 60};
    entry.out_of_bed = core::ClockTime{7 * 60 + 15};
    entry.sol_min = 20;
    entry.waso_min = 30;
    entries.push_back(entry);
  }
  const auto result =
      core::evaluate_trial(plan, entries, {2026, 2, 14}, core::TrialOptions(testing::kb()));
  const std::string svg = trial_chart_svg(plan, entries, result);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("</svg>\n"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 40u * 2 + 2);  // RLS and SE per day, plus the legend's two
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("withdrawal (no magnesium)"), std::string::npos);
  EXPECT_NE(svg.find("magnesium again"), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"chart-title\">"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  // No raw '&' or '<' outside markup: every '&' starts an entity.
  for (auto pos = svg.find('&'); pos != std::string::npos; pos = svg.find('&', pos + 1))
    EXPECT_TRUE(svg.compare(pos, 4, "&lt;") == 0 || svg.compare(pos, 4, "&gt;") == 0 ||
                svg.compare(pos, 5, "&amp;") == 0 || svg.compare(pos, 6, "&quot;") == 0 ||
                svg.compare(pos, 6, "&apos;") == 0);
  // The same input always gives the same bytes.
  EXPECT_EQ(trial_chart_svg(plan, entries, result), svg);
}

}  // namespace
}  // namespace willis::render
