#include "core/diary_entry.h"

#include <gtest/gtest.h>

namespace willis::core {
namespace {

const CalendarDate kToday{2026, 11, 21};

DiaryEntry example_entry() {
  // The example: willis diary add --date 2026-11-20 --rls 6 --sleep-quality 2 --sol 40
  // --waso 55 --bed 23:10 --wake 06:50 --out-of-bed 07:05 --mg 0 --side-effects none
  DiaryEntry entry;
  EXPECT_FALSE(set_field(entry, "date", "2026-11-20"));
  EXPECT_FALSE(set_field(entry, "rls", "6"));
  EXPECT_FALSE(set_field(entry, "sleep_quality", "2"));
  EXPECT_FALSE(set_field(entry, "sol_min", "40"));
  EXPECT_FALSE(set_field(entry, "waso_min", "55"));
  EXPECT_FALSE(set_field(entry, "bed", "23:10"));
  EXPECT_FALSE(set_field(entry, "wake", "06:50"));
  EXPECT_FALSE(set_field(entry, "out_of_bed", "07:05"));
  EXPECT_FALSE(set_field(entry, "magnesium_mg", "0"));
  EXPECT_FALSE(set_field(entry, "side_effects", "none"));
  return entry;
}

TEST(CalendarDate, ParsesOnlyRealDates) {
  EXPECT_EQ(parse_date("2026-11-20"), (CalendarDate{2026, 11, 20}));
  EXPECT_EQ(parse_date("2028-02-29"), (CalendarDate{2028, 2, 29}));
  EXPECT_FALSE(parse_date("2026-02-29"));  // not a leap year
  EXPECT_FALSE(parse_date("2100-02-29"));  // century, not a leap year
  EXPECT_TRUE(parse_date("2000-02-29"));   // 400-year rule
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-11-31"));
  EXPECT_FALSE(parse_date("2026-1-05"));
  EXPECT_FALSE(parse_date("20261120"));
  EXPECT_FALSE(parse_date("2026-11-2x"));
  EXPECT_FALSE(parse_date("+026-11-20"));
  EXPECT_FALSE(parse_date(""));
}

TEST(CalendarDate, SerialArithmeticRoundTrips) {
  EXPECT_EQ((CalendarDate{1970, 1, 1}).serial(), 0);
  EXPECT_EQ((CalendarDate{2026, 11, 20}).serial(), 20777);  // (2026-11-20 - 1970-01-01).days
  for (int day = -30000; day < 50000; day += 7)
    EXPECT_EQ(CalendarDate::from_serial(day).serial(), day);
  EXPECT_EQ(add_days({2026, 12, 31}, 1), (CalendarDate{2027, 1, 1}));
  EXPECT_EQ(add_days({2028, 3, 1}, -1), (CalendarDate{2028, 2, 29}));
  EXPECT_EQ(days_between({2026, 11, 1}, {2026, 11, 15}), 14);
  EXPECT_EQ((CalendarDate{2026, 1, 5}).str(), "2026-01-05");
}

TEST(DiaryEntry, DerivedFiguresFollowConsensusSleepDiary) {
  const DiaryEntry entry = example_entry();
  EXPECT_FALSE(validate_entry(entry, kToday));
  // TIB: 23:10 -> 07:05 = 475 min. TST: 23:10 -> 06:50 = 460, minus SOL 40, minus WASO 55 = 365.
  EXPECT_EQ(time_in_bed_min(entry), 475);
  EXPECT_EQ(total_sleep_min(entry), 365);
  EXPECT_NEAR(*sleep_efficiency_percent(entry), 100.0 * 365 / 475, 1e-12);
  EXPECT_EQ(field_text(entry, "se_percent"), "76.8");
}

TEST(DiaryEntry, TrySleepStartsTheSleepWindow) {
  DiaryEntry entry = example_entry();
  ASSERT_FALSE(set_field(entry, "try_sleep", "23:40"));
  EXPECT_FALSE(validate_entry(entry, kToday));
  EXPECT_EQ(time_in_bed_min(entry), 475);  // still from getting into bed
  EXPECT_EQ(total_sleep_min(entry), 430 - 40 - 55);
}

TEST(DiaryEntry, NoFiguresWithoutTheirInputs) {
  DiaryEntry entry;
  entry.date = {2026, 11, 20};
  entry.rls = 3;
  EXPECT_FALSE(validate_entry(entry, kToday));
  EXPECT_FALSE(time_in_bed_min(entry));
  EXPECT_FALSE(total_sleep_min(entry));
  EXPECT_FALSE(sleep_efficiency_percent(entry));
  EXPECT_EQ(field_text(entry, "tib_min"), "");
}

TEST(DiaryEntry, FieldTextRoundTripsEveryField) {
  DiaryEntry entry = example_entry();
  ASSERT_FALSE(set_field(entry, "try_sleep", "23:30"));
  ASSERT_FALSE(set_field(entry, "awakenings", "3"));
  ASSERT_FALSE(set_field(entry, "magnesium_mg", "301.38"));
  ASSERT_FALSE(set_field(entry, "magnesium_time", "20:00"));
  ASSERT_FALSE(set_field(entry, "side_effects", "loose-stools:mild, nausea:severe"));
  ASSERT_FALSE(set_field(entry, "irls_total", "24"));
  ASSERT_FALSE(set_field(entry, "note", "  legs \"jumpy\", slept badly\nwoke twice\t"));
  DiaryEntry copy;
  for (const auto field : kEntryFields) {
    ASSERT_FALSE(set_field(copy, field, field_text(entry, field))) << field;
  }
  EXPECT_EQ(copy, entry);
  EXPECT_EQ(field_text(entry, "side_effects"), "loose_stools:mild;nausea:severe");
  EXPECT_EQ(field_text(entry, "magnesium_mg"), "301.38");
  EXPECT_EQ(entry.note, "  legs \"jumpy\", slept badly\nwoke twice\t");  // notes are not trimmed
}

TEST(DiaryEntry, SideEffectsNoneIsRecordedAndDiffersFromMissing) {
  DiaryEntry entry;
  ASSERT_FALSE(set_field(entry, "side_effects", "none"));
  ASSERT_TRUE(entry.side_effects);
  EXPECT_TRUE(entry.side_effects->empty());
  ASSERT_FALSE(set_field(entry, "side_effects", ""));
  EXPECT_FALSE(entry.side_effects);
}

struct BadValue {
  const char* field;
  const char* text;
  Errc code;
};

class BadField : public ::testing::TestWithParam<BadValue> {};

TEST_P(BadField, IsRefusedNamingTheField) {
  DiaryEntry entry = example_entry();
  const auto error = set_field(entry, GetParam().field, GetParam().text);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, GetParam().field);
  EXPECT_EQ(error->code, GetParam().code);
  EXPECT_FALSE(error->message.empty());
  EXPECT_EQ(entry, example_entry()) << "a refused value must not change the entry";
}

INSTANTIATE_TEST_SUITE_P(
    DiaryEntry, BadField,
    ::testing::Values(
        BadValue{"rls", "11", Errc::invalid_value}, BadValue{"rls", "-1", Errc::invalid_value},
        BadValue{"rls", "6.5", Errc::invalid_value}, BadValue{"rls", "six", Errc::invalid_value},
        BadValue{"sleep_quality", "0", Errc::invalid_value},
        BadValue{"sleep_quality", "6", Errc::invalid_value},
        BadValue{"sol_min", "721", Errc::invalid_value},
        BadValue{"waso_min", "-5", Errc::invalid_value},
        BadValue{"irls_total", "41", Errc::invalid_value},
        BadValue{"bed", "25:00", Errc::invalid_time}, BadValue{"wake", "7pm", Errc::invalid_time},
        BadValue{"magnesium_mg", "-1", Errc::invalid_amount},
        BadValue{"magnesium_mg", "2500", Errc::invalid_amount},
        BadValue{"magnesium_mg", "1e3", Errc::invalid_amount},
        BadValue{"magnesium_mg", "300.123", Errc::invalid_amount},
        BadValue{"magnesium_mg", "nan", Errc::invalid_amount},
        BadValue{"side_effects", "headache:mild", Errc::invalid_value},
        BadValue{"side_effects", "nausea", Errc::invalid_value},
        BadValue{"side_effects", "nausea:awful", Errc::invalid_value},
        BadValue{"side_effects", "none;nausea:mild", Errc::invalid_value},
        BadValue{"side_effects", "nausea:mild;nausea:severe", Errc::invalid_value},
        BadValue{"note", "bell\a", Errc::invalid_value},
        BadValue{"note", "cr\r\nlf", Errc::invalid_value},
        BadValue{"note", "\xC3\x28", Errc::invalid_value},
        BadValue{"note", "\xED\xA0\x80", Errc::invalid_value},
        BadValue{"date", "2026-02-30", Errc::invalid_value},
        BadValue{"date", "", Errc::missing_field}, BadValue{"colour", "red", Errc::unknown_field}));

TEST(DiaryEntry, ValidationRefusesTheFuture) {
  DiaryEntry entry = example_entry();
  entry.date = add_days(kToday, 1);
  const auto error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "date");
  EXPECT_NE(error->message.find("future"), std::string::npos);
  entry.date = kToday;  // tonight's entry may be started today
  EXPECT_FALSE(validate_entry(entry, kToday));
}

TEST(DiaryEntry, WakeBeforeBedWithoutAPlausibleMidnightCrossingIsAnError) {
  DiaryEntry entry = example_entry();
  ASSERT_FALSE(set_field(entry, "bed", "23:00"));
  ASSERT_FALSE(set_field(entry, "wake", "22:00"));  // would be a 23 h night
  ASSERT_FALSE(set_field(entry, "out_of_bed", ""));
  auto error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "wake");
  EXPECT_EQ(error->code, Errc::invalid_time);

  // Crossing midnight is fine, and so is going to bed after midnight.
  ASSERT_FALSE(set_field(entry, "bed", "01:30"));
  ASSERT_FALSE(set_field(entry, "wake", "09:00"));
  EXPECT_FALSE(validate_entry(entry, kToday));

  // Out of bed before the final wake.
  entry = example_entry();
  ASSERT_FALSE(set_field(entry, "out_of_bed", "06:30"));
  error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "out_of_bed");

  // Trying to sleep before getting into bed.
  entry = example_entry();
  ASSERT_FALSE(set_field(entry, "try_sleep", "22:00"));
  error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "try_sleep");
}

TEST(DiaryEntry, TheLongestAcceptedNightIs16Hours) {
  DiaryEntry entry;
  entry.date = {2026, 11, 20};
  entry.bed = ClockTime{20 * 60};
  entry.wake = ClockTime{12 * 60};  // 16 h later
  EXPECT_FALSE(validate_entry(entry, kToday));
  entry.wake = ClockTime{12 * 60 + 1};
  EXPECT_TRUE(validate_entry(entry, kToday));
}

TEST(DiaryEntry, AwakeMinutesMustFitTheNight) {
  DiaryEntry entry = example_entry();
  ASSERT_FALSE(set_field(entry, "waso_min", "421"));  // 460 min window, 40 SOL
  auto error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "waso_min");
  ASSERT_FALSE(set_field(entry, "waso_min", "420"));
  EXPECT_FALSE(validate_entry(entry, kToday));
  EXPECT_EQ(total_sleep_min(entry), 0);
}

TEST(DiaryEntry, AnEntryNeedsAMeasurement) {
  DiaryEntry entry;
  entry.date = {2026, 11, 20};
  entry.note = "forgot";
  const auto error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, Errc::missing_field);
}

TEST(DiaryEntry, ValidationChecksValuesBuiltInCode) {
  DiaryEntry entry = example_entry();
  entry.rls = 11;
  auto error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "rls");
  entry = example_entry();
  entry.side_effects =
      std::vector<SideEffect>{{SideEffectKind::nausea, SideEffectSeverity::mild},
                              {SideEffectKind::nausea, SideEffectSeverity::severe}};
  error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "side_effects");
  entry = example_entry();
  entry.date = {2026, 2, 30};
  error = validate_entry(entry, kToday);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "date");
}

}  // namespace
}  // namespace willis::core
