// src/cli/kb_commands_test.cc: `kb report` reads "today" from the injected clock, as a local date.
#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <cstdio>

#include "app/clock.h"
#include "cli/commands.h"

namespace willis::cli {
namespace {

// 2026-12-01T02:00:00Z: still 30 November on a clock five hours behind UTC.
constexpr std::int64_t kNowUtc = std::int64_t{20788} * 86400 + 2 * 3600;

core::CalendarDate five_hours_behind_utc(app::Clock::TimePoint when) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
  return core::CalendarDate::from_serial(static_cast<int>((seconds - 5 * 3600) / 86400));
}

std::string run_report(const app::Clock& clock, const std::string& args) {
  CLI::App cli{"willis", "willis"};
  GlobalOptions options;
  options.clock = &clock;
  register_kb_commands(cli, options);
  testing::internal::CaptureStdout();
  cli.parse(args, /*program_name_included=*/false);
  std::fflush(stdout);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(options.exit_code, 0) << out;
  return out;
}

TEST(KbReport, TodayIsTheClocksLocalDateNotTheUtcDate) {
  ASSERT_EQ(core::CalendarDate::from_serial(20788), (core::CalendarDate{2026, 12, 1}));
  const app::Clock clock([] { return app::Clock::TimePoint(std::chrono::seconds(kNowUtc)); },
                         five_hours_behind_utc);
  const std::string out = run_report(clock, "kb report");
  EXPECT_NE(out.find("report as of 2026-11-30"), std::string::npos) << out;
  EXPECT_NE(out.find("12 months before 2026-11-30"), std::string::npos) << out;
}

TEST(KbReport, TheTodayOptionWinsOverTheClock) {
  const app::Clock clock([] { return app::Clock::TimePoint(std::chrono::seconds(kNowUtc)); },
                         five_hours_behind_utc);
  EXPECT_NE(run_report(clock, "kb report --today 2027-01-15").find("report as of 2027-01-15"),
            std::string::npos);
}

}  // namespace
}  // namespace willis::cli
