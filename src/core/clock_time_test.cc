#include "core/clock_time.h"

#include <gtest/gtest.h>

#include "core/schedule.h"

namespace willis::core {
namespace {

TEST(ClockTime, ParsesTwentyFourHourTimesOnly) {
  EXPECT_EQ(parse_clock_time("07:00")->minutes, 420);
  EXPECT_EQ(parse_clock_time("7:05")->minutes, 425);
  EXPECT_EQ(parse_clock_time("23:59")->minutes, 1439);
  EXPECT_EQ(parse_clock_time("00:00")->minutes, 0);
  for (const char* bad :
       {"24:00", "25:00", "12:60", "7pm", "", "07:0", "07:000", ":30", "-1:00", "07-00"})
    EXPECT_FALSE(parse_clock_time(bad).has_value()) << bad;
}

TEST(ClockTime, WrapsAtMidnight) {
  EXPECT_EQ(minutes_forward(ClockTime{23 * 60}, ClockTime{60}), 120);
  EXPECT_EQ(signed_minutes(ClockTime{60}, ClockTime{23 * 60}), -120);
  EXPECT_EQ(ClockTime{5}.str(), "00:05");
}

// The contract: no dose inside [t - before, t + after] except the edges; never simultaneous.
TEST(Window, EdgesAreAllowedAndSimultaneousIsNot) {
  const ClockTime cipro{8 * 60};  // after 2 h, before 6 h (cipro label)
  EXPECT_TRUE(inside_window(ClockTime{8 * 60}, cipro, 2, 6));
  EXPECT_TRUE(inside_window(ClockTime{9 * 60 + 59}, cipro, 2, 6));
  EXPECT_FALSE(inside_window(ClockTime{10 * 60}, cipro, 2, 6));
  EXPECT_FALSE(inside_window(ClockTime{2 * 60}, cipro, 2, 6));
  EXPECT_TRUE(inside_window(ClockTime{2 * 60 + 1}, cipro, 2, 6));
  EXPECT_TRUE(inside_window(ClockTime{8 * 60}, cipro, 0, 0));  // simultaneous even with no window
}

TEST(Window, WrapsAroundMidnight) {
  const ClockTime late{23 * 60 + 30};
  EXPECT_TRUE(inside_window(ClockTime{3 * 60}, late, 4, 4));  // 3.5 h after
  EXPECT_FALSE(inside_window(ClockTime{3 * 60 + 30}, late, 4, 4));
  EXPECT_TRUE(inside_window(ClockTime{20 * 60}, late, 4, 4));  // 3.5 h before
  EXPECT_FALSE(inside_window(ClockTime{19 * 60 + 30}, late, 4, 4));
}

TEST(Schedule, PlacesTheDoseInTheEveningClearOfWindows) {
  ScheduleRequest request;
  request.total_mg = 100;
  request.wake = ClockTime{7 * 60};
  request.sleep = ClockTime{23 * 60};
  request.evening_target_before_sleep_h = 2;
  request.windows = {TimedWindow{"levothyroxine", "Levothyroxine", {ClockTime{7 * 60}}, 4, 4, ""}};
  const Schedule s = make_schedule(request);
  ASSERT_EQ(s.doses.size(), 1u);
  EXPECT_EQ(s.doses[0].time.str(), "21:00");
  EXPECT_DOUBLE_EQ(s.doses[0].elemental_mg, 100);
}

TEST(Schedule, MovesAwayFromAnEveningWindow) {
  ScheduleRequest request;
  request.total_mg = 100;
  request.wake = ClockTime{7 * 60};
  request.sleep = ClockTime{23 * 60};
  request.windows = {
      TimedWindow{"ciprofloxacin", "Cipro", {ClockTime{8 * 60}, ClockTime{20 * 60}}, 2, 6, ""}};
  const Schedule s = make_schedule(request);
  ASSERT_EQ(s.doses.size(), 1u);
  // Allowed: 10:00-14:00 and 22:00-23:00; the evening target 21:00 is inside the window.
  EXPECT_EQ(s.doses[0].time.str(), "22:00");
  for (const auto& d : s.doses) {
    EXPECT_FALSE(inside_window(d.time, ClockTime{8 * 60}, 2, 6));
    EXPECT_FALSE(inside_window(d.time, ClockTime{20 * 60}, 2, 6));
  }
}

TEST(Schedule, NoAllowedTimeLeavesNoDosesAndNamesTheMedicines) {
  ScheduleRequest request;
  request.total_mg = 100;
  request.wake = ClockTime{7 * 60};
  request.sleep = ClockTime{23 * 60};
  request.windows = {
      TimedWindow{"moxifloxacin", "Moxi", {ClockTime{9 * 60}, ClockTime{17 * 60}}, 4, 8, ""},
      TimedWindow{"levothyroxine", "Levo", {ClockTime{22 * 60}}, 4, 4, ""}};
  const Schedule s = make_schedule(request);
  EXPECT_TRUE(s.doses.empty());
  ASSERT_EQ(s.unresolved.size(), 1u);
  EXPECT_EQ(s.unresolved[0].medicines, (std::vector<std::string>{"moxifloxacin", "levothyroxine"}));
}

TEST(Schedule, SplitDosesSumToTheTotalAndPreferMealsForASensitiveStomach) {
  ScheduleRequest request;
  request.total_mg = 300;
  request.dose_count = 2;
  request.wake = ClockTime{7 * 60};
  request.sleep = ClockTime{23 * 60};
  request.meals = {ClockTime{8 * 60}, ClockTime{13 * 60}, ClockTime{19 * 60}};
  request.with_meals = true;
  const Schedule s = make_schedule(request);
  ASSERT_EQ(s.doses.size(), 2u);
  EXPECT_DOUBLE_EQ(s.doses[0].elemental_mg + s.doses[1].elemental_mg, 300);
  EXPECT_TRUE(s.doses[0].with_food);
  EXPECT_TRUE(s.doses[1].with_food);
  EXPECT_EQ(s.doses[1].time.str(), "19:00");
}

TEST(Schedule, NightShiftWakingDayCrossesMidnight) {
  ScheduleRequest request;
  request.total_mg = 100;
  request.wake = ClockTime{15 * 60};
  request.sleep = ClockTime{7 * 60};
  const Schedule s = make_schedule(request);
  ASSERT_EQ(s.doses.size(), 1u);
  EXPECT_EQ(s.doses[0].time.str(), "05:00");
}

}  // namespace
}  // namespace willis::core
