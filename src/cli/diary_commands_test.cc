// End-to-end tests of `willis diary …` and `willis trial …`: the real binary, a real diary
// file in a temporary HOME, WILLIS_TODAY fixing the date.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "store/diary.h"
#include "support/diary_clock.h"
#include "store/testing.h"

namespace willis::cli {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (const char ch : text) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

class DiaryCli : public ::testing::Test {
 protected:
  CliRun run(const std::string& args, const std::string& today = "2026-11-21") {
    const std::string command = "env -u XDG_DATA_HOME HOME=" + quote(home_.path()) +
                                " WILLIS_TODAY=" + today + " " + quote(WILLIS_BINARY) + " " + args +
                                " >" + quote(home_.file("out")) + " 2>" + quote(home_.file("err"));
    const int status = std::system(command.c_str());
    CliRun result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(home_.file("out"));
    result.err = read_file(home_.file("err"));
    return result;
  }
  std::string default_diary() const { return home_.file(".local/share/willis/diary.sqlite3"); }

  store::testing::TempDir home_;
};

constexpr const char* kIssueExample =
    "diary add --date 2026-11-20 --rls 6 --sleep-quality 2 --sol 40 --waso 55 --bed 23:10 "
    "--wake 06:50 --out-of-bed 07:05 --mg 0 --side-effects none";

TEST_F(DiaryCli, TheIssueExampleWorksAndCreatesAPrivateDiary) {
  const CliRun add = run(kIssueExample);
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out,
            "added 2026-11-20, RLS 6, in bed 475 min, asleep 365 min, sleep efficiency 76.8 %\n");
  struct stat info {};
  ASSERT_EQ(::stat(default_diary().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const CliRun list = run("diary list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("2026-11-20"), std::string::npos);
  EXPECT_NE(list.out.find("76.8"), std::string::npos);
  const CliRun again = run(kIssueExample);
  EXPECT_NE(again.out.find("unchanged"), std::string::npos);
  const CliRun edit = run("diary add --date 2026-11-20 --rls 5");
  EXPECT_NE(edit.out.find("replaced 2026-11-20"), std::string::npos);
}

TEST_F(DiaryCli, BadInputIsAnErrorNamingTheFlagAndNothingIsWritten) {
  ASSERT_EQ(run(kIssueExample).exit_code, 0);
  CliRun bad = run("diary add --date 2026-11-19 --rls 11");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "willis: error: --rls: 11 is out of range; use a whole number from 0 to 10 (0 = no "
            "symptoms, 10 = worst imaginable)\n");
  bad = run("diary add --date 2026-11-19 --rls 4 --bed 23:00 --wake 22:00");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.rfind("willis: error: --wake: 22:00 comes before bed 23:00", 0), 0u) << bad.err;
  bad = run("diary add --date 2026-11-22 --rls 4");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.rfind("willis: error: --date: 2026-11-22 is in the future", 0), 0u) << bad.err;
  bad = run("diary add --date 2026-11-19 --rls 4 --side-effects headache:mild");
  EXPECT_EQ(bad.err.rfind("willis: error: --side-effects: ", 0), 0u) << bad.err;
  const CliRun list = run("diary export --format csv");
  EXPECT_EQ(list.out.find("2026-11-19"), std::string::npos) << "a refused entry was written";
}

TEST_F(DiaryCli, ExportImportRoundTripsThroughAnotherDiary) {
  ASSERT_EQ(run(kIssueExample).exit_code, 0);
  ASSERT_EQ(run("diary add --date 2026-11-19 --rls 3 --note 'a note, with \"quotes\"' --mg 300.5 "
                "--side-effects loose-stools:mild")
                .exit_code,
            0);
  for (const char* format : {"csv", "json"}) {
    const CliRun exported = run(std::string("diary export --format ") + format);
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    const std::string file = home_.file(std::string("export.") + format);
    std::ofstream(file, std::ios::binary) << exported.out;
    const std::string other = home_.file(std::string("other-") + format + ".sqlite3");
    const CliRun imported = run("--db " + quote(other) + " diary import " + quote(file));
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_NE(imported.out.find("2 added"), std::string::npos) << imported.out;
    const CliRun twice = run("diary import " + quote(file) + " --db " + quote(other));
    EXPECT_NE(twice.out.find("2 unchanged"), std::string::npos) << twice.out;
    const CliRun back =
        run("--db " + quote(other) + std::string(" diary export --format ") + format);
    EXPECT_EQ(back.out, exported.out);
  }
}

TEST_F(DiaryCli, ABadImportRowNamesFileLineAndFieldAndImportsNothing) {
  const std::string file = home_.file("bad.csv");
  std::ofstream(file) << "date,rls\n2026-11-01,4\n2026-11-02,11\n";
  const CliRun bad = run("diary import " + quote(file));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("willis: error: " + file + ":3: rls: 11 is out of range"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("nothing was imported"), std::string::npos);
  EXPECT_EQ(run("diary list").out, "No diary entries.\n");
}

TEST_F(DiaryCli, TrialStartStatusResult) {
  CliRun status = run("trial status");
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_NE(status.err.find("willis trial start"), std::string::npos);

  CliRun start = run("trial start --baseline-start 2026-11-01 --treatment-start 2026-11-05");
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_EQ(start.err.rfind("willis: error: --treatment-start: ", 0), 0u) << start.err;
  start = run("trial start --baseline-start 2026-11-01 --treatment-start 2026-11-15");
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_NE(start.out.find("2026-11-15 to 2027-01-09"), std::string::npos) << start.out;
  start = run("trial start --baseline-start 2026-11-02 --treatment-start 2026-11-16");
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_NE(start.err.find("--replace"), std::string::npos);

  for (int day = 1; day <= 20; ++day) {
    char date[16];
    std::snprintf(date, sizeof date, "2026-11-%02d", day);
    ASSERT_EQ(run(std::string("diary add --date ") + date + " --rls " + (day < 15 ? "6" : "4") +
                  " --mg " + (day < 15 ? "0" : "300"))
                  .exit_code,
              0);
  }
  status = run("trial status");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("treatment, day 7 of 56"), std::string::npos) << status.out;
  status = run("trial status --format json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(status.out).get(doc), simdjson::SUCCESS) << status.out;
  EXPECT_EQ(std::string_view(doc["phase"]), "treatment");
  EXPECT_EQ(int64_t(doc["days_missing"]), 0);

  const CliRun result = run("trial result --format json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  simdjson::dom::parser result_parser;
  ASSERT_EQ(result_parser.parse(result.out).get(doc), simdjson::SUCCESS) << result.out;
  EXPECT_EQ(std::string_view(doc["verdict"]), "insufficient-data");
  EXPECT_EQ(int64_t(doc["primary"]["baseline_days"]), 14);

  const std::string chart = home_.file("trial.svg");
  const CliRun text = run("trial result --chart " + quote(chart));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("INSUFFICIENT-DATA"), std::string::npos);
  EXPECT_EQ(read_file(chart).rfind("<svg", 0), 0u);
  const CliRun svg = run("trial result --format svg");
  EXPECT_EQ(svg.out, read_file(chart));
}

TEST_F(DiaryCli, HelpHasAnExample) {
  for (const char* command :
       {"diary add --help", "diary import --help", "trial start --help", "trial result --help"}) {
    const CliRun help = run(command);
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Example"), std::string::npos) << command << "\n" << help.out;
  }
}

TEST_F(DiaryCli, ReadingNeverCreatesAFile) {
  EXPECT_EQ(run("diary list").out, "No diary entries.\n");
  struct stat info {};
  EXPECT_NE(::stat(default_diary().c_str(), &info), 0);
}

// Issue 13, finding 8: `diary add` must not write into a diary that `diary list` calls
// malformed (a row edited outside willis to an impossible value).
TEST_F(DiaryCli, AddAndImportRefuseADiaryThatListCallsMalformed) {
  ASSERT_EQ(run(kIssueExample).exit_code, 0);
  {
    auto diary = store::Diary::open(default_diary(), testing::fixed_clock_diary());
    ASSERT_TRUE(diary.ok());
    ASSERT_FALSE(diary.value().connection().exec(
        "UPDATE entry SET bed = '25:99' WHERE date = '2026-11-20'"));
  }
  const CliRun list = run("diary list");
  ASSERT_NE(list.exit_code, 0) << "the corrupted row is reported by list";
  const CliRun add = run("diary add --date 2026-11-21 --rls 3");
  EXPECT_EQ(add.exit_code, 2) << add.out << add.err;
  EXPECT_NE(add.err.find("nothing was written"), std::string::npos) << add.err;
  const std::string csv = home_.file("in.csv");
  std::ofstream(csv) << "date,rls\n2026-11-19,2\n";
  const CliRun import = run("diary import " + quote(csv));
  EXPECT_EQ(import.exit_code, 2) << import.out << import.err;
  // Nothing was added: the diary still holds only the corrupted 2026-11-20 row.
  auto diary = store::Diary::open(default_diary(), testing::fixed_clock_diary());
  ASSERT_TRUE(diary.ok());
  for (const core::CalendarDate date :
       {core::CalendarDate{2026, 11, 21}, core::CalendarDate{2026, 11, 19}}) {
    const auto found = diary.value().entry(date);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found.value()) << date.str();
  }
}

}  // namespace
}  // namespace willis::cli
