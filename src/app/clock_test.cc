// src/app/clock_test.cc: the one clock, injected: local dates, UTC stamps, WILLIS_TODAY.
#include "app/clock.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace willis::app {
namespace {

// 2026-12-01T02:03:04Z.
const Clock::TimePoint kNow{
    std::chrono::seconds(std::int64_t{20788} * 86400 + 2 * 3600 + 3 * 60 + 4)};

/// Sets TZ for the test's lifetime and restores it after.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_)
      setenv("TZ", old_->c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(Clock, TodayIsTheLocalDateOfNow) {
  const Clock clock([] { return kNow; });
  {
    const ScopedTimeZone zone("EST5");  // UTC-5: still 30 November
    ASSERT_TRUE(clock.today().ok());
    EXPECT_EQ(clock.today().value(), (core::CalendarDate{2026, 11, 30}));
  }
  {
    const ScopedTimeZone zone("UTC0");
    EXPECT_EQ(clock.today().value(), (core::CalendarDate{2026, 12, 1}));
  }
}

TEST(Clock, UtcStampsAndSeconds) {
  const Clock clock([] { return kNow; });
  EXPECT_EQ(clock.utc_timestamp(), "2026-12-01T02:03:04Z");
  EXPECT_EQ(clock.utc_ical(), "20261201T020304Z");
  EXPECT_EQ(clock.unix_seconds(), std::int64_t{20788} * 86400 + 7384);
}

TEST(Clock, DateOrTodayNamesTheFlag) {
  const Clock clock([] { return kNow; },
                    [](Clock::TimePoint) {
                      return core::CalendarDate{2026, 1, 2};
                    });
  EXPECT_EQ(clock.date_or_today("--as-of", "").value(), (core::CalendarDate{2026, 1, 2}));
  EXPECT_EQ(clock.date_or_today("--as-of", "2025-05-06").value(), (core::CalendarDate{2025, 5, 6}));
  const auto bad = clock.date_or_today("--as-of", "2025-13-06");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "--as-of");
}

TEST(Clock, AnInjectedClockIgnoresWillisToday) {
  const char* old_value = std::getenv("WILLIS_TODAY");
  const std::optional<std::string> old =
      old_value ? std::optional<std::string>(old_value) : std::nullopt;
  setenv("WILLIS_TODAY", "2020-02-02", 1);
  const Clock clock([] { return kNow; },
                    [](Clock::TimePoint) {
                      return core::CalendarDate{2026, 1, 2};
                    });
  const auto today = clock.today();
  const auto system_today = Clock::system().today();
  if (old)
    setenv("WILLIS_TODAY", old->c_str(), 1);
  else
    unsetenv("WILLIS_TODAY");
  EXPECT_EQ(today.value(), (core::CalendarDate{2026, 1, 2}));
  EXPECT_EQ(system_today.value(), (core::CalendarDate{2020, 2, 2}));
}

}  // namespace
}  // namespace willis::app
