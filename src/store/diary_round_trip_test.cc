// Diary import and export (codec/diary_import, render/diary_export): exact round trips, errors
// that name the line and field, and imported entries stored in the diary.
#include <gtest/gtest.h>

#include "app/kb_source.h"
#include "codec/diary_import.h"
#include "render/diary_export.h"
#include "store/diary.h"
#include "support/diary_clock.h"
#include "store/testing.h"

namespace willis::store {
namespace {

using codec::import_csv;
using codec::import_json;
using core::CalendarDate;
using core::DiaryEntry;
using render::export_csv;
using render::export_json;

const CalendarDate kToday{2026, 11, 21};

std::vector<DiaryEntry> sample_entries() {
  std::vector<DiaryEntry> entries;
  DiaryEntry full;
  EXPECT_FALSE(core::set_field(full, "date", "2026-11-18"));
  const std::pair<const char*, const char*> fields[] = {
      {"rls", "6"},
      {"sleep_quality", "2"},
      {"bed", "23:10"},
      {"try_sleep", "23:25"},
      {"sol_min", "40"},
      {"awakenings", "3"},
      {"waso_min", "55"},
      {"wake", "06:50"},
      {"out_of_bed", "07:05"},
      {"magnesium_mg", "301.38"},
      {"magnesium_time", "20:15"},
      {"side_effects", "loose_stools:mild;nausea:moderate"},
      {"irls_total", "23"},
      {"note", "legs \"fizzing\", bad night,\nsecond line; café ☕, <b>&amp; and a tab\t"}};
  for (const auto& [field, text] : fields)
    EXPECT_FALSE(core::set_field(full, field, text)) << field;
  entries.push_back(full);
  DiaryEntry sparse;  // only an RLS rating, nothing else
  sparse.date = {2026, 11, 19};
  sparse.rls = 0;
  entries.push_back(sparse);
  DiaryEntry sleep_only;  // no RLS, side effects recorded as none, a leading-space note
  sleep_only.date = {2026, 11, 20};
  sleep_only.bed = core::ClockTime{1 * 60 + 30};
  sleep_only.wake = core::ClockTime{9 * 60};
  sleep_only.sol_min = 10;
  sleep_only.waso_min = 0;
  sleep_only.out_of_bed = core::ClockTime{9 * 60};
  sleep_only.side_effects = std::vector<core::SideEffect>{};
  sleep_only.magnesium_mg = 0;
  sleep_only.note = "  =SUM(A1)  ";
  entries.push_back(sleep_only);
  return entries;
}

TEST(DiaryCsv, RoundTripIsExact) {
  const auto entries = sample_entries();
  const std::string csv = export_csv(entries);
  const auto back = import_csv(csv, "diary.csv", kToday);
  ASSERT_TRUE(back.ok()) << app::describe_error(back.error());
  EXPECT_EQ(back.value(), entries);
  EXPECT_EQ(export_csv(back.value()), csv);  // and byte for byte
}

TEST(DiaryCsv, HeaderAndDerivedColumns) {
  const std::string csv = export_csv(sample_entries());
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "date,rls,sleep_quality,bed,try_sleep,sol_min,awakenings,waso_min,wake,out_of_bed,"
            "magnesium_mg,magnesium_time,side_effects,irls_total,note,tib_min,tst_min,se_percent");
  // 2026-11-20: bed 01:30 -> out 09:00 = 450 min; asleep 01:30 -> 09:00 - 10 = 440; 97.8 %.
  EXPECT_NE(csv.find("2026-11-20,,,01:30,,10,,0,09:00,09:00,0,,none,,  =SUM(A1)  ,450,440,97.8\n"),
            std::string::npos)
      << csv;
}

TEST(DiaryJson, RoundTripIsExact) {
  const auto entries = sample_entries();
  const std::string json = export_json(entries);
  const auto back = import_json(json, "diary.json", kToday);
  ASSERT_TRUE(back.ok()) << app::describe_error(back.error());
  EXPECT_EQ(back.value(), entries);
  EXPECT_EQ(export_json(back.value()), json);
  EXPECT_NE(json.find("\"format\": \"willis.diary/1\""), std::string::npos);
  EXPECT_NE(json.find("\"kind\": \"loose_stools\""), std::string::npos);
}

TEST(DiaryJson, AcceptsABareArrayAndStringSideEffects) {
  const auto back = import_json(
      R"([{"date": "2026-11-20", "rls": 4, "side_effects": "nausea:mild"},
          {"date": "2026-11-19", "rls": 5, "side_effects": [], "note": null}])",
      "x.json", kToday);
  ASSERT_TRUE(back.ok()) << app::describe_error(back.error());
  ASSERT_EQ(back.value().size(), 2u);
  EXPECT_EQ(back.value()[0].side_effects->at(0).kind, core::SideEffectKind::nausea);
  EXPECT_TRUE(back.value()[1].side_effects->empty());
}

TEST(DiaryCsv, EmptyAndSpreadsheetFiles) {
  auto back = import_csv("date,rls\n", "x.csv", kToday);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back.value().empty());
  // BOM, CRLF line ends, columns in another order, a blank last line, derived figures that a
  // spreadsheet re-saved without the trailing zero.
  back = import_csv("\xEF\xBB\xBFrls,date,se_percent\r\n6,2026-11-20,\r\n\r\n", "x.csv", kToday);
  ASSERT_TRUE(back.ok()) << app::describe_error(back.error());
  ASSERT_EQ(back.value().size(), 1u);
  EXPECT_EQ(back.value()[0].rls, 6);
  back = import_csv(
      "date,bed,sol_min,waso_min,wake,out_of_bed,se_percent\n"
      "2026-11-20,23:00,0,0,07:00,07:00,100\n",
      "x.csv", kToday);
  ASSERT_TRUE(back.ok()) << app::describe_error(back.error());
}

struct BadImport {
  const char* name;
  const char* text;
  int line;
  const char* path;
  const char* message_part;
};

class BadCsv : public ::testing::TestWithParam<BadImport> {};

TEST_P(BadCsv, NamesLineAndField) {
  const auto result = import_csv(GetParam().text, "my-diary.csv", kToday);
  ASSERT_FALSE(result.ok());
  const auto& error = result.error();
  EXPECT_EQ(error.file, "my-diary.csv");
  EXPECT_EQ(error.line, GetParam().line) << app::describe_error(error);
  EXPECT_EQ(error.path, GetParam().path) << app::describe_error(error);
  EXPECT_NE(error.message.find(GetParam().message_part), std::string::npos)
      << app::describe_error(error);
}

INSTANTIATE_TEST_SUITE_P(
    DiaryCsv, BadCsv,
    ::testing::Values(
        BadImport{"rls_11", "date,rls\n2026-11-19,5\n2026-11-20,11\n", 3, "rls", "out of range"},
        BadImport{"future", "date,rls\n2026-11-22,5\n", 2, "date", "future"},
        BadImport{"wake_before_bed", "date,bed,wake\n2026-11-20,23:00,22:00\n", 2, "wake",
                  "comes before bed"},
        BadImport{"bad_time", "date,bed\n2026-11-20,25:00\n", 2, "bed", "24 h time"},
        BadImport{"unknown_column", "date,rls,mood\n", 1, "mood", "not a diary column"},
        BadImport{"duplicate_column", "date,rls,rls\n", 1, "rls", "twice"},
        BadImport{"no_date_column", "rls\n5\n", 1, "date", "no date column"},
        BadImport{"missing_date", "date,rls\n,5\n", 2, "date", "not a date"},
        BadImport{"duplicate_date", "date,rls\n2026-11-20,5\n2026-11-19,4\n2026-11-20,6\n", 4,
                  "date", "already appears on line 2"},
        BadImport{"field_count", "date,rls\n2026-11-20,5,extra\n", 2, "csv", "3 fields"},
        BadImport{"open_quote", "date,note\n2026-11-20,\"never closed\n", 2, "csv", "never closed"},
        BadImport{"quote_in_field", "date,note\n2026-11-20,say \"hi\"\n", 2, "csv", "unquoted"},
        BadImport{"line_after_multiline_note",
                  "date,rls,note\n2026-11-19,5,\"two\nlines\"\n2026-11-20,12,x\n", 4, "rls",
                  "out of range"},
        BadImport{"stale_derived",
                  "date,bed,wake,out_of_bed,tib_min\n2026-11-20,23:00,07:00,07:10,480\n", 2,
                  "tib_min", "does not match"},
        BadImport{"derived_without_inputs", "date,rls,tst_min\n2026-11-20,5,400\n", 2, "tst_min",
                  "missing"},
        BadImport{"empty_entry", "date,rls\n2026-11-20,\n", 2, "rls", "no measurement"},
        BadImport{"empty_file", "", 1, "csv", "empty"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

class BadJson : public ::testing::TestWithParam<BadImport> {};

TEST_P(BadJson, NamesEntryAndField) {
  const auto result = import_json(GetParam().text, "my-diary.json", kToday);
  ASSERT_FALSE(result.ok());
  const auto& error = result.error();
  EXPECT_EQ(error.file, "my-diary.json");
  EXPECT_EQ(error.line, GetParam().line) << app::describe_error(error);
  EXPECT_EQ(error.path, GetParam().path) << app::describe_error(error);
  EXPECT_NE(error.message.find(GetParam().message_part), std::string::npos)
      << app::describe_error(error);
}

INSTANTIATE_TEST_SUITE_P(
    DiaryJson, BadJson,
    ::testing::Values(
        BadImport{"rls_11",
                  "{\"format\": \"willis.diary/1\", \"entries\": [\n  {\"date\": \"2026-11-19\", "
                  "\"rls\": 5},\n  {\"date\": \"2026-11-20\",\n   \"rls\": 11}\n]}",
                  3, "entries[1].rls", "out of range"},
        BadImport{"fraction", "[{\"date\": \"2026-11-20\", \"rls\": 6.5}]", 1, "[0].rls",
                  "whole number"},
        BadImport{"string_number", "[{\"date\": \"2026-11-20\", \"rls\": \"6\"}]", 1, "[0].rls",
                  "not a string"},
        BadImport{"unknown_key", "[{\"date\": \"2026-11-20\", \"mood\": 3}]", 1, "[0].mood",
                  "not a diary field"},
        BadImport{"duplicate_key", "[{\"date\": \"2026-11-20\", \"rls\": 3, \"rls\": 4}]", 1,
                  "[0].rls", "twice"},
        BadImport{"no_date", "[{\"rls\": 3}]", 1, "[0].date", "missing"},
        BadImport{"bad_side_effect",
                  "[{\"date\": \"2026-11-20\", \"side_effects\": [{\"kind\": \"nausea\"}]}]", 1,
                  "[0].side_effects", "each item"},
        BadImport{
            "duplicate_date",
            "[{\"date\": \"2026-11-20\", \"rls\": 3},\n{\"date\": \"2026-11-20\", \"rls\": 4}]", 2,
            "[1].date", "already appears in [0]"},
        BadImport{"wrong_format", "{\"format\": \"other/2\", \"entries\": []}", 0, "format",
                  "willis.diary/1"},
        BadImport{"top_level_extra", "{\"entries\": [], \"owner\": \"me\"}", 0, "owner",
                  "not part of a diary file"},
        BadImport{"not_json", "{\"entries\": [", 0, "json", "not valid JSON"},
        BadImport{"not_an_object", "[3]", 0, "[0]", "must be an object"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(DiaryImport, ABadRowLeavesTheDiaryUntouched) {
  testing::TempDir dir;
  auto diary = Diary::open(dir.file("d.sqlite3"), willis::testing::fixed_clock_diary());
  ASSERT_TRUE(diary.ok());
  DiaryEntry existing;
  existing.date = {2026, 11, 1};
  existing.rls = 9;
  ASSERT_TRUE(diary.value().put_entry(existing, kToday).ok());
  // The first rows are fine; the last is not. Import parses everything before writing.
  const auto parsed =
      import_csv("date,rls\n2026-11-01,2\n2026-11-02,3\n2026-11-03,11\n", "x.csv", kToday);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().line, 4);
  EXPECT_EQ(diary.value().entries().value(), std::vector<DiaryEntry>{existing});
}

TEST(DiaryImport, ExportImportThroughTheStoreIsIdempotent) {
  testing::TempDir dir;
  auto diary = Diary::open(dir.file("d.sqlite3"), willis::testing::fixed_clock_diary());
  ASSERT_TRUE(diary.ok());
  const auto entries = sample_entries();
  ASSERT_TRUE(diary.value().put_entries(entries, kToday).ok());
  const std::string csv = export_csv(diary.value().entries().value());
  const auto parsed = import_csv(csv, "x.csv", kToday);
  ASSERT_TRUE(parsed.ok());
  const auto summary = diary.value().put_entries(parsed.value(), kToday);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary.value().unchanged, 3);
  EXPECT_EQ(export_csv(diary.value().entries().value()), csv);
}

}  // namespace
}  // namespace willis::store

namespace willis::store {
namespace {

// Issue 13, finding 6: a note that a spreadsheet would run as a formula is exported as text.
TEST(DiaryCsv, FormulaCellsAreExportedAsTextAndRoundTrip) {
  std::vector<DiaryEntry> entries;
  const char* notes[] = {"=HYPERLINK(\"http://example.invalid\",\"click\")",
                         "+1",
                         "-3 felt better",
                         "@SUM(A1)",
                         "\tindented",
                         "'=already quoted",
                         "'tis fine",
                         "-",
                         "plain"};
  int day = 1;
  for (const char* note : notes) {
    DiaryEntry entry;
    entry.date = {2026, 11, day++};
    entry.rls = 3;
    EXPECT_FALSE(core::set_field(entry, "note", note)) << note;
    entries.push_back(entry);
  }
  const std::string csv = export_csv(entries);
  // Each cell after the header: no cell may start with = + - @ or a tab.
  std::size_t line_start = csv.find('\n') + 1;
  while (line_start < csv.size()) {
    const std::size_t line_end = csv.find('\n', line_start);
    const std::string line = csv.substr(line_start, line_end - line_start);
    std::size_t cell = 0;
    for (std::size_t pos = 0; pos <= line.size(); ++pos) {
      if (pos == line.size() || line[pos] == ',') {
        std::string text = line.substr(cell, pos - cell);
        if (!text.empty() && text.front() == '"') text.erase(0, 1);
        if (!text.empty()) {
          EXPECT_EQ(std::string("=+-@\t\r").find(text.front()), std::string::npos) << line;
        }
        cell = pos + 1;
      }
    }
    line_start = line_end + 1;
  }
  EXPECT_NE(csv.find(",\"'=HYPERLINK("), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'-3 felt better"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",''=already quoted"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'tis fine"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",plain"), std::string::npos) << csv;
  // Numeric cells stay numeric: the RLS rating is written as 3, not '3.
  EXPECT_NE(csv.find("2026-11-01,3,"), std::string::npos) << csv;
  const auto back = import_csv(csv, "export.csv", kToday);
  ASSERT_TRUE(back.ok()) << app::describe_error(back.error());
  EXPECT_EQ(back.value(), entries);
}

// Issue 13, finding 2 (diary paths): a key twice in a diary JSON file is an error with its line.
TEST(DiaryJson, DuplicateKeysAreErrorsWithTheirLine) {
  const auto top = import_json(
      "{\"format\": \"willis.diary/1\",\n \"entries\": [],\n \"entries\": [{\"date\": "
      "\"2026-11-20\"}]}",
      "d.json", kToday);
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().path, "entries");
  EXPECT_EQ(top.error().line, 3);
  EXPECT_EQ(top.error().file, "d.json");
  const auto inner =
      import_json("[\n{\"date\": \"2026-11-20\", \"rls\": 2, \"rls\": 9}]", "d.json", kToday);
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().line, 2);
}

}  // namespace
}  // namespace willis::store
