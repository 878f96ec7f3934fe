// src/core/date_test.cc: the one calendar and the one FHIR date parser.
#include "core/date.h"

#include <gtest/gtest.h>

namespace willis::core {
namespace {

TEST(CalendarDate, SerialIsDaysSinceTheEpoch) {
  EXPECT_EQ((CalendarDate{1970, 1, 1}).serial(), 0);
  EXPECT_EQ((CalendarDate{1969, 12, 31}).serial(), -1);
  EXPECT_EQ((CalendarDate{2000, 3, 1}).serial(),
            11017);  // 30 years of 365 days + 7 leap days + 59 + 1
  EXPECT_EQ(CalendarDate::from_serial(11017), (CalendarDate{2000, 3, 1}));
  for (int serial = -800000; serial < 800000; serial += 997)
    EXPECT_EQ(CalendarDate::from_serial(serial).serial(), serial);
}

TEST(CalendarDate, AddDaysAndDaysBetweenCrossMonthsYearsAndLeapDays) {
  EXPECT_EQ(add_days(CalendarDate{2024, 2, 28}, 1), (CalendarDate{2024, 2, 29}));
  EXPECT_EQ(add_days(CalendarDate{2023, 2, 28}, 1), (CalendarDate{2023, 3, 1}));
  EXPECT_EQ(add_days(CalendarDate{2026, 12, 31}, 1), (CalendarDate{2027, 1, 1}));
  EXPECT_EQ(add_days(CalendarDate{2026, 1, 1}, -1), (CalendarDate{2025, 12, 31}));
  EXPECT_EQ(days_between(CalendarDate{2026, 1, 1}, CalendarDate{2027, 1, 1}), 365);
  EXPECT_EQ(days_between(CalendarDate{2028, 1, 1}, CalendarDate{2029, 1, 1}), 366);
  EXPECT_EQ(days_between(CalendarDate{2027, 1, 1}, CalendarDate{2026, 1, 1}), -365);
}

TEST(CalendarDate, DaysInMonthAndWeekday) {
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(1900, 2), 28);  // divisible by 100, not by 400
  EXPECT_EQ(days_in_month(2000, 2), 29);  // divisible by 400
  EXPECT_EQ(days_in_month(2026, 4), 30);
  EXPECT_EQ(days_in_month(2026, 12), 31);
  EXPECT_EQ(iso_weekday(CalendarDate{1970, 1, 1}), 4);    // a Thursday
  EXPECT_EQ(iso_weekday(CalendarDate{2026, 11, 22}), 7);  // a Sunday
}

TEST(CalendarDate, ParseDateIsExactlyIsoYearMonthDay) {
  EXPECT_EQ(parse_date("2026-11-22"), (CalendarDate{2026, 11, 22}));
  EXPECT_EQ(parse_date("2024-02-29"), (CalendarDate{2024, 2, 29}));
  for (const char* bad :
       {"", "2026-1-22", "2026-11-2", "2026/11/22", "2023-02-29", "2026-13-01", "2026-00-10",
        "2026-11-31", "1899-12-31", "3000-01-01", "2026-11-22T", "+026-11-22", " 2026-11-22"})
    EXPECT_FALSE(parse_date(bad)) << bad;
}

TEST(FhirDate, TheRegexForms) {
  const auto year = parse_fhir_date("2024");
  ASSERT_TRUE(year);
  EXPECT_EQ(year->precision, 1);
  EXPECT_EQ(year->first_day(), (CalendarDate{2024, 1, 1}));
  EXPECT_EQ(year->last_day(), (CalendarDate{2024, 12, 31}));
  const auto month = parse_fhir_date("2024-02");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->precision, 2);
  EXPECT_EQ(month->last_day(), (CalendarDate{2024, 2, 29}));
  const auto day = parse_fhir_date("0001-01-01");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->precision, 3);
  for (const char* bad : {"", "0000", "202", "20245", "2024-", "2024-1", "2024-13", "2024-02-30",
                          "2024-02-1", "2024-02-01T10:00:00Z", "2024 ", "-2024"})
    EXPECT_FALSE(parse_fhir_date(bad)) << bad;
}

TEST(FhirDate, DateTimeNeedsSecondsAndAZone) {
  const auto utc = parse_fhir_datetime("2026-03-04T23:59:00Z");
  ASSERT_TRUE(utc);
  EXPECT_TRUE(utc->has_time);
  EXPECT_EQ(utc->date.first_day(), (CalendarDate{2026, 3, 4}));
  EXPECT_EQ(utc->utc_seconds, std::int64_t{(CalendarDate{2026, 3, 4}).serial()} * 86400 + 86340);
  const auto east = parse_fhir_datetime("2026-03-04T01:00:00.123+05:00");
  ASSERT_TRUE(east);
  EXPECT_EQ(east->date.first_day(), (CalendarDate{2026, 3, 4}));  // the date as written
  EXPECT_EQ(east->utc_seconds,
            std::int64_t{(CalendarDate{2026, 3, 3}).serial()} * 86400 + 20 * 3600);
  const auto partial = parse_fhir_datetime("2026-03");
  ASSERT_TRUE(partial);
  EXPECT_FALSE(partial->has_time);
  for (const char* bad :
       {"2026-03-04T23:59", "2026-03-04T23:59:00", "2026-03-04T24:00:00Z", "2026-03-04T23:60:00Z",
        "2026-03-04T23:59:00+15:00", "2026-03-04T23:59:00+0500", "2026-03-04T23:59:00.Z",
        "2026-03-04T23:59:00Zjunk", "2026-03T10:00:00Z", "2026-03-04 23:59:00Z"})
    EXPECT_FALSE(parse_fhir_datetime(bad)) << bad;
}

// Two parsers once disagreed on "2024x"; the FHIR regex says it is not a date. Every path that
// reads a date says so (the audit and the FHIR mapper have their own tests of the same text).
TEST(FhirDate, TextAfterTheYearIsNotADate) {
  EXPECT_FALSE(parse_fhir_date("2024x"));
  EXPECT_FALSE(parse_fhir_datetime("2024x"));
  EXPECT_FALSE(parse_date("2024x"));
  EXPECT_FALSE(parse_fhir_date("2024-03x"));
  EXPECT_FALSE(parse_fhir_datetime("2024-03-04x"));
}

}  // namespace
}  // namespace willis::core
