#include "store/diary.h"
#include "support/diary_clock.h"
#include "support/test_kb.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "store/testing.h"

namespace willis::store {
namespace {

using core::CalendarDate;
using core::DiaryEntry;
using testing::TempDir;

const CalendarDate kToday{2026, 11, 21};

DiaryEntry entry_for(CalendarDate date, int rls) {
  DiaryEntry entry;
  entry.date = date;
  entry.rls = rls;
  entry.sleep_quality = 3;
  entry.bed = core::ClockTime{23 * 60 + 10};
  entry.sol_min = 40;
  entry.waso_min = 55;
  entry.wake = core::ClockTime{6 * 60 + 50};
  entry.out_of_bed = core::ClockTime{7 * 60 + 5};
  entry.magnesium_mg = 0;
  entry.side_effects = std::vector<core::SideEffect>{};
  return entry;
}

Diary open_ok(const std::string& path,
              DiaryOptions options = willis::testing::fixed_clock_diary()) {
  auto diary = Diary::open(path, std::move(options));
  if (!diary.ok()) ADD_FAILURE() << diary.error().path << ": " << diary.error().message;
  return std::move(diary).value();
}

std::string pragma_text(const Diary& diary, const char* sql) {
  auto statement = Statement::prepare(diary.connection(), sql);
  EXPECT_TRUE(statement.ok());
  EXPECT_EQ(statement.value().step(), SQLITE_ROW);
  return statement.value().column_text(0);
}

TEST(Diary, NewFileIsPrivateWalFullSyncWithForeignKeys) {
  TempDir dir;
  const std::string path = dir.file("diary.sqlite3");
  const mode_t old_umask = ::umask(0);  // even with a permissive umask
  Diary diary = open_ok(path);
  ::umask(old_umask);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(pragma_text(diary, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma_text(diary, "PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(pragma_text(diary, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(pragma_text(diary, "PRAGMA user_version"), "3");
  EXPECT_EQ(pragma_text(diary, "PRAGMA application_id"), std::to_string(kDiaryApplicationId));
  EXPECT_EQ(diary.schema_version(), 3);
  // The WAL file SQLite makes gets the database file's mode.
  ASSERT_TRUE(diary.put_entry(entry_for({2026, 11, 20}, 5), kToday).ok());
  ASSERT_EQ(::stat((path + "-wal").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(Diary, AddReplaceKeepsHistoryAndUnchangedWritesNothing) {
  TempDir dir;
  std::string clock = "2026-11-21T07:00:00Z";
  DiaryOptions options = willis::testing::fixed_clock_diary();
  options.now = [&clock] { return clock; };
  Diary diary = open_ok(dir.file("d.sqlite3"), options);
  const DiaryEntry first = entry_for({2026, 11, 20}, 6);
  auto outcome = diary.put_entry(first, kToday);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value(), PutOutcome::added);
  outcome = diary.put_entry(first, kToday);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value(), PutOutcome::unchanged);
  EXPECT_TRUE(diary.history({2026, 11, 20}).value().empty());

  DiaryEntry second = first;
  second.rls = 4;
  second.note = "forgot the magnesium, then remembered";
  clock = "2026-11-21T08:30:00Z";
  outcome = diary.put_entry(second, kToday);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value(), PutOutcome::updated);
  EXPECT_EQ(diary.entry({2026, 11, 20}).value(), second);
  const auto history = diary.history({2026, 11, 20});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history.value().size(), 1u);
  EXPECT_EQ(history.value()[0].entry, first);
  EXPECT_EQ(history.value()[0].revision, 1);
  EXPECT_EQ(history.value()[0].recorded_at, "2026-11-21T07:00:00Z");
  EXPECT_EQ(history.value()[0].replaced_at, "2026-11-21T08:30:00Z");
  EXPECT_EQ(pragma_text(diary, "SELECT revision FROM entry"), "2");
}

TEST(Diary, EveryFieldSurvivesStorage) {
  TempDir dir;
  Diary diary = open_ok(dir.file("d.sqlite3"));
  DiaryEntry entry = entry_for({2026, 11, 19}, 10);
  entry.try_sleep = core::ClockTime{23 * 60 + 30};
  entry.awakenings = 4;
  entry.magnesium_mg = 301.38;
  entry.magnesium_time = core::ClockTime{20 * 60};
  entry.side_effects = std::vector<core::SideEffect>{
      {core::SideEffectKind::cramping, core::SideEffectSeverity::severe},
      {core::SideEffectKind::other, core::SideEffectSeverity::mild}};
  entry.irls_total = 0;
  entry.note = "café, \"quotes\", commas,\nand a second line";
  DiaryEntry sparse;
  sparse.date = {2026, 11, 18};
  sparse.rls = 0;
  ASSERT_TRUE(diary.put_entry(entry, kToday).ok());
  ASSERT_TRUE(diary.put_entry(sparse, kToday).ok());
  const auto all = diary.entries();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 2u);
  EXPECT_EQ(all.value()[0], sparse);  // date order
  EXPECT_EQ(all.value()[1], entry);
  EXPECT_EQ(diary.entries(CalendarDate{2026, 11, 19}, std::nullopt).value().size(), 1u);
  EXPECT_EQ(diary.entries(std::nullopt, CalendarDate{2026, 11, 18}).value().size(), 1u);
  EXPECT_FALSE(diary.entry({2026, 11, 1}).value());
}

TEST(Diary, InvalidEntriesAreRefusedAndNothingIsWritten) {
  TempDir dir;
  Diary diary = open_ok(dir.file("d.sqlite3"));
  DiaryEntry bad = entry_for({2026, 11, 20}, 6);
  bad.rls = 11;
  auto outcome = diary.put_entry(bad, kToday);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().path, "rls");
  DiaryEntry future = entry_for({2026, 11, 22}, 6);
  outcome = diary.put_entry(future, kToday);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().path, "date");
  // A batch with one bad entry writes none of them.
  std::vector<DiaryEntry> batch = {entry_for({2026, 11, 1}, 3), entry_for({2026, 11, 2}, 4), bad};
  const auto summary = diary.put_entries(batch, kToday);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().path, "entries[2].rls");
  batch = {entry_for({2026, 11, 1}, 3), entry_for({2026, 11, 1}, 4)};
  EXPECT_FALSE(diary.put_entries(batch, kToday).ok());
  EXPECT_TRUE(diary.entries().value().empty());
}

TEST(Diary, BatchImportIsIdempotent) {
  TempDir dir;
  Diary diary = open_ok(dir.file("d.sqlite3"));
  ASSERT_TRUE(diary.put_entry(entry_for({2026, 11, 2}, 9), kToday).ok());
  const std::vector<DiaryEntry> batch = {entry_for({2026, 11, 1}, 3), entry_for({2026, 11, 2}, 4),
                                         entry_for({2026, 11, 3}, 5)};
  auto summary = diary.put_entries(batch, kToday);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary.value().added, 2);
  EXPECT_EQ(summary.value().updated, 1);
  EXPECT_EQ(summary.value().unchanged, 0);
  summary = diary.put_entries(batch, kToday);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary.value().unchanged, 3);
  EXPECT_EQ(diary.entries().value(), batch);
  EXPECT_EQ(diary.history({2026, 11, 2}).value().size(), 1u);
}

TEST(Diary, TrialPlansNewestIsCurrent) {
  TempDir dir;
  Diary diary = open_ok(dir.file("d.sqlite3"));
  EXPECT_FALSE(diary.current_trial().value());
  core::TrialPlan plan = core::default_plan(willis::testing::trial_rules());
  plan.baseline_start = {2026, 11, 1};
  plan.treatment_start = {2026, 11, 15};
  ASSERT_TRUE(diary.start_trial(plan, willis::testing::trial_rules()).ok());
  EXPECT_EQ(diary.current_trial().value(), plan);
  core::TrialPlan abab = plan;
  abab.design = core::TrialDesign::abab;
  abab.treatment_weeks = 6;
  abab.withdrawal_weeks = 3;
  ASSERT_TRUE(diary.start_trial(abab, willis::testing::trial_rules()).ok());
  EXPECT_EQ(diary.current_trial().value(), abab);
  core::TrialPlan bad = plan;
  bad.treatment_start = {2026, 11, 3};
  const auto refused = diary.start_trial(bad, willis::testing::trial_rules());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().path, "treatment_start");
  EXPECT_EQ(diary.current_trial().value(), abab);
}

TEST(Diary, ProfileTextIsVersioned) {
  TempDir dir;
  Diary diary = open_ok(dir.file("d.sqlite3"));
  EXPECT_FALSE(diary.latest_profile().value());
  EXPECT_EQ(diary.save_profile("yaml", "age: 54\n").value(), 1);
  EXPECT_EQ(diary.save_profile("yaml", "age: 54\n").value(), 1);  // unchanged
  EXPECT_EQ(diary.save_profile("yaml", "age: 55\n").value(), 2);
  const auto latest = diary.latest_profile().value();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->text, "age: 55\n");
  EXPECT_FALSE(diary.save_profile("xml", "<a/>").ok());
}

TEST(Diary, DataSurvivesReopening) {
  TempDir dir;
  const std::string path = dir.file("d.sqlite3");
  {
    Diary diary = open_ok(path);
    ASSERT_TRUE(diary.put_entry(entry_for({2026, 11, 20}, 7), kToday).ok());
  }
  Diary again = open_ok(path);
  EXPECT_EQ(again.entries().value().size(), 1u);
  EXPECT_EQ(pragma_text(again, "PRAGMA integrity_check"), "ok");
}

TEST(Diary, MigratesAnOlderFileForward) {
  TempDir dir;
  const std::string path = dir.file("d.sqlite3");
  const std::vector<Migration> first_only = {diary_migrations()[0]};
  {
    DiaryOptions options = willis::testing::fixed_clock_diary();
    options.migrations = &first_only;
    Diary old = open_ok(path, options);
    EXPECT_EQ(old.schema_version(), 1);
    ASSERT_TRUE(old.put_entry(entry_for({2026, 11, 20}, 7), kToday).ok());
  }
  Diary upgraded = open_ok(path);
  EXPECT_EQ(upgraded.schema_version(), 3);
  EXPECT_EQ(upgraded.entries().value().size(), 1u);
  core::TrialPlan plan = core::default_plan(willis::testing::trial_rules());
  plan.baseline_start = {2026, 11, 1};
  plan.treatment_start = {2026, 11, 15};
  EXPECT_TRUE(upgraded.start_trial(plan, willis::testing::trial_rules()).ok());
  // Migration 3: the primary outcome is stored and read back.
  plan.primary = core::TrialOutcome::sleep_onset;
  EXPECT_TRUE(upgraded.start_trial(plan, willis::testing::trial_rules()).ok());
  EXPECT_EQ(upgraded.current_trial().value()->primary, core::TrialOutcome::sleep_onset);
}

TEST(Diary, RefusesAFileFromANewerWillis) {
  TempDir dir;
  const std::string path = dir.file("d.sqlite3");
  {
    Diary diary = open_ok(path);
    ASSERT_FALSE(diary.connection().exec("PRAGMA user_version=99"));
  }
  const auto refused = Diary::open(path, willis::testing::fixed_clock_diary());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().path, path);
  EXPECT_NE(refused.error().message.find("newer willis"), std::string::npos);
}

TEST(Diary, RefusesFilesThatAreNotADiary) {
  TempDir dir;
  const std::string text = dir.file("notes.txt");
  std::ofstream(text) << "this is not a database, it is a shopping list. eggs, milk, bread\n"
                      << std::string(4096, 'x');
  auto refused = Diary::open(text, willis::testing::fixed_clock_diary());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a willis diary"), std::string::npos);

  const std::string other = dir.file("other.sqlite3");
  {
    auto connection = Connection::open(other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    ASSERT_TRUE(connection.ok());
    ASSERT_FALSE(connection.value().exec("CREATE TABLE recipes (name TEXT)"));
  }
  refused = Diary::open(other, willis::testing::fixed_clock_diary());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a willis diary"), std::string::npos);

  refused = Diary::open(dir.file("missing-folder/d.sqlite3"), willis::testing::fixed_clock_diary());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::Errc::io_error);
}

TEST(Diary, ForeignKeysAreEnforced) {
  TempDir dir;
  Diary diary = open_ok(dir.file("d.sqlite3"));
  const auto error = diary.connection().exec(
      "INSERT INTO entry_history (date, revision, recorded_at, replaced_at) VALUES "
      "('2026-01-01', 1, 'x', 'y')");
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("FOREIGN KEY"), std::string::npos);
}

TEST(Diary, ABusyDiaryFailsWithAClearError) {
  TempDir dir;
  const std::string path = dir.file("d.sqlite3");
  Diary first = open_ok(path);
  Diary second = open_ok(path);
  sqlite3_busy_timeout(second.connection().get(), 50);
  ASSERT_FALSE(first.connection().exec("BEGIN IMMEDIATE"));
  const auto blocked = second.put_entry(entry_for({2026, 11, 20}, 5), kToday);
  ASSERT_FALSE(blocked.ok());
  EXPECT_NE(blocked.error().message.find("another program"), std::string::npos);
  ASSERT_FALSE(first.connection().exec("ROLLBACK"));
  EXPECT_TRUE(second.put_entry(entry_for({2026, 11, 20}, 5), kToday).ok());
}

}  // namespace
}  // namespace willis::store
