// Fault injection under the real SQLite (STYLE.md §4.13; SQLite's own do_faultsim_test): a
// test-only VFS wraps the default one and fails the Nth xWrite or xSync. Each diary operation
// is run with N = 1, 2, … until it succeeds without a fault. After every failure the file must
// reopen with the default VFS, pass PRAGMA integrity_check, and hold either the state before
// the operation or the state after it — never part of it — and the failure must be a clear
// io_error.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>

#include "store/diary.h"
#include "support/diary_clock.h"
#include "support/test_kb.h"
#include "store/testing.h"

namespace willis::store {
namespace {

using core::CalendarDate;
using core::DiaryEntry;

// ---- the fault VFS ----

struct Faults {
  int write_countdown = -1;  ///< fail when it reaches 0; -1 = off
  int sync_countdown = -1;
  bool persistent = false;  ///< once failed, keep failing every write and sync (a dead disk)
  bool tripped = false;
  int writes = 0;
  int syncs = 0;
};
Faults faults;

struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;  ///< lives right after this struct, in the same allocation
};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs fault_vfs;
sqlite3_io_methods fault_methods;

sqlite3_file* real_of(sqlite3_file* file) {
  return reinterpret_cast<FaultFile*>(file)->real;
}

bool should_fail(int& countdown) {
  if (faults.tripped && faults.persistent) return true;
  if (countdown < 0) return false;
  if (countdown-- == 0) {
    faults.tripped = true;
    return true;
  }
  return false;
}

int fault_close(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  const int code = real->pMethods ? real->pMethods->xClose(real) : SQLITE_OK;
  file->pMethods = nullptr;
  return code;
}
int fault_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return real_of(file)->pMethods->xRead(real_of(file), buffer, amount, offset);
}
int fault_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  ++faults.writes;
  if (should_fail(faults.write_countdown)) return SQLITE_IOERR_WRITE;
  return real_of(file)->pMethods->xWrite(real_of(file), buffer, amount, offset);
}
int fault_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return real_of(file)->pMethods->xTruncate(real_of(file), size);
}
int fault_sync(sqlite3_file* file, int flags) {
  ++faults.syncs;
  if (should_fail(faults.sync_countdown)) return SQLITE_IOERR_FSYNC;
  return real_of(file)->pMethods->xSync(real_of(file), flags);
}
int fault_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real_of(file)->pMethods->xFileSize(real_of(file), size);
}
int fault_lock(sqlite3_file* file, int level) {
  return real_of(file)->pMethods->xLock(real_of(file), level);
}
int fault_unlock(sqlite3_file* file, int level) {
  return real_of(file)->pMethods->xUnlock(real_of(file), level);
}
int fault_check_reserved(sqlite3_file* file, int* out) {
  return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}
int fault_file_control(sqlite3_file* file, int op, void* arg) {
  return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}
int fault_sector_size(sqlite3_file* file) {
  return real_of(file)->pMethods->xSectorSize(real_of(file));
}
int fault_device(sqlite3_file* file) {
  return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}
int fault_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return real_of(file)->pMethods->xShmMap(real_of(file), page, size, extend, out);
}
int fault_shm_lock(sqlite3_file* file, int offset, int count, int flags) {
  return real_of(file)->pMethods->xShmLock(real_of(file), offset, count, flags);
}
void fault_shm_barrier(sqlite3_file* file) {
  real_of(file)->pMethods->xShmBarrier(real_of(file));
}
int fault_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}
int fault_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return real_of(file)->pMethods->xFetch(real_of(file), offset, amount, out);
}
int fault_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real_of(file)->pMethods->xUnfetch(real_of(file), offset, page);
}

int fault_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapper = reinterpret_cast<FaultFile*>(file);
  wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
  std::memset(wrapper->real, 0, static_cast<std::size_t>(real_vfs->szOsFile));
  const int code = real_vfs->xOpen(real_vfs, name, wrapper->real, flags, out_flags);
  file->pMethods = wrapper->real->pMethods ? &fault_methods : nullptr;
  return code;
}

/// Registers "willis-fault" once; every other VFS call goes straight to the default VFS.
const char* fault_vfs_name() {
  static const bool registered = [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    fault_methods = sqlite3_io_methods{3,
                                       fault_close,
                                       fault_read,
                                       fault_write,
                                       fault_truncate,
                                       fault_sync,
                                       fault_file_size,
                                       fault_lock,
                                       fault_unlock,
                                       fault_check_reserved,
                                       fault_file_control,
                                       fault_sector_size,
                                       fault_device,
                                       fault_shm_map,
                                       fault_shm_lock,
                                       fault_shm_barrier,
                                       fault_shm_unmap,
                                       fault_fetch,
                                       fault_unfetch};
    fault_vfs = *real_vfs;  // xDelete, xAccess, xFullPathname, … forwarded as they are
    fault_vfs.zName = "willis-fault";
    fault_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
    fault_vfs.xOpen = fault_open;
    fault_vfs.pNext = nullptr;
    return sqlite3_vfs_register(&fault_vfs, 0) == SQLITE_OK;
  }();
  return registered ? "willis-fault" : nullptr;
}

// ---- the harness ----

const CalendarDate kToday{2026, 11, 21};

DiaryEntry entry_for(CalendarDate date, int rls) {
  DiaryEntry entry;
  entry.date = date;
  entry.rls = rls;
  entry.bed = core::ClockTime{23 * 60};
  entry.wake = core::ClockTime{7 * 60};
  entry.sol_min = 20;
  entry.waso_min = 30;
  entry.note = std::string(300, 'n');  // a few entries fill more than one page
  return entry;
}

/// Everything the diary holds, as text, to compare states.
std::string snapshot(const std::string& path) {
  auto diary = Diary::open(path, willis::testing::fixed_clock_diary());
  if (!diary.ok()) return "cannot open: " + diary.error().message;
  std::string text;
  const auto entries = diary.value().entries();
  if (!entries.ok()) return "cannot read: " + entries.error().message;
  for (const auto& entry : entries.value())
    text += entry.date.str() + " " + core::field_text(entry, "rls") + "|";
  text += "#history:";
  for (const auto& entry : entries.value())
    text += std::to_string(diary.value().history(entry.date).value().size());
  const auto trial = diary.value().current_trial();
  text +=
      trial.ok() && trial.value() ? "#trial:" + trial.value()->treatment_start.str() : "#no-trial";
  const auto profile = diary.value().latest_profile();
  text += profile.ok() && profile.value() ? "#profile:" + std::to_string(profile.value()->version)
                                          : "#no-profile";
  auto check = Statement::prepare(diary.value().connection(), "PRAGMA integrity_check");
  check.value().step();
  text += "#integrity:" + check.value().column_text(0);
  text += "#schema:" + std::to_string(diary.value().schema_version());
  return text;
}

void copy_diary(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(to + suffix);
    if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix);
  }
}

enum class Target { write, sync };

struct Stats {
  int runs = 0;
  int failures = 0;
};

/// Runs `operation` on a copy of `pristine` with the Nth write (or sync) failing, N = 1, 2, …
/// until it succeeds with no fault left to inject.
Stats fault_loop(const std::string& pristine, const std::string& work, Target target,
                 bool persistent,
                 const std::function<std::optional<core::Error>(Diary&)>& operation) {
  const std::string before = snapshot(pristine);
  // The state after a successful run, computed once without faults.
  copy_diary(pristine, work);
  std::string after;
  {
    auto diary = Diary::open(work, willis::testing::fixed_clock_diary());
    EXPECT_TRUE(diary.ok());
    EXPECT_FALSE(operation(diary.value()));
  }
  after = snapshot(work);
  EXPECT_NE(before, after) << "the operation must change something";
  EXPECT_NE(after.find("#integrity:ok"), std::string::npos);

  Stats stats;
  for (int nth = 0; nth < 500; ++nth) {
    copy_diary(pristine, work);
    DiaryOptions options = willis::testing::fixed_clock_diary();
    options.vfs = fault_vfs_name();
    std::optional<core::Error> error;
    faults = Faults{};
    {
      auto diary = Diary::open(work, options);
      if (!diary.ok()) {
        ADD_FAILURE() << diary.error().message;
        break;
      }
      faults.persistent = persistent;
      (target == Target::write ? faults.write_countdown : faults.sync_countdown) = nth;
      error = operation(diary.value());
      // With a persistent fault the connection closes on a dead disk too (no clean checkpoint).
      if (!persistent) faults.write_countdown = faults.sync_countdown = -1;
    }
    const bool tripped = faults.tripped;
    faults = Faults{};
    ++stats.runs;
    const std::string state = snapshot(work);
    EXPECT_NE(state.find("#integrity:ok"), std::string::npos)
        << "fault at " << nth << ": " << state;
    if (error) {
      ++stats.failures;
      EXPECT_TRUE(tripped) << "failed without a fault: " << error->message;
      EXPECT_EQ(error->code, core::Errc::io_error);
      EXPECT_FALSE(error->message.empty());
      EXPECT_TRUE(state == before || state == after)
          << "fault at " << nth << " left a half state:\n"
          << state << "\nbefore " << before << "\nafter  " << after;
    } else {
      EXPECT_EQ(state, after) << "reported success but the change is missing (fault at " << nth
                              << ")";
    }
    if (!error && !tripped) break;  // N is past the last write: every position was tried
  }
  return stats;
}

class FaultInjection : public ::testing::TestWithParam<std::tuple<Target, bool>> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fault_vfs_name());
    pristine_ = dir_.file("pristine.sqlite3");
    work_ = dir_.file("work.sqlite3");
    auto diary = Diary::open(pristine_, willis::testing::fixed_clock_diary());
    ASSERT_TRUE(diary.ok());
    std::vector<DiaryEntry> entries;
    for (int day = 1; day <= 10; ++day) entries.push_back(entry_for({2026, 10, day}, day % 11));
    ASSERT_TRUE(diary.value().put_entries(entries, kToday).ok());
  }

  void run(const char* what, const std::function<std::optional<core::Error>(Diary&)>& operation) {
    const auto [target, persistent] = GetParam();
    const Stats stats = fault_loop(pristine_, work_, target, persistent, operation);
    EXPECT_GT(stats.failures, 0) << what << ": no fault was ever injected";
    std::printf(
        "fault injection: %-8s %s %s: %d fault positions tried, %d operations failed "
        "cleanly\n",
        what, target == Target::write ? "xWrite" : "xSync", persistent ? "persistent" : "transient",
        stats.runs, stats.failures);
  }

  testing::TempDir dir_;
  std::string pristine_;
  std::string work_;
};

std::optional<core::Error> error_of(const auto& result) {
  if (result.ok()) return std::nullopt;
  return result.error();
}

TEST_P(FaultInjection, AddOneEntry) {
  run("add", [](Diary& diary) {
    return error_of(diary.put_entry(entry_for({2026, 11, 20}, 7), kToday));
  });
}

TEST_P(FaultInjection, ReplaceAnEntryKeepingHistory) {
  run("replace", [](Diary& diary) {
    return error_of(diary.put_entry(entry_for({2026, 10, 5}, 10), kToday));
  });
}

TEST_P(FaultInjection, ImportManyEntriesAllOrNothing) {
  run("import", [](Diary& diary) {
    std::vector<DiaryEntry> entries;
    for (int day = 1; day <= 30; ++day) entries.push_back(entry_for({2026, 9, day}, 3));
    entries.push_back(entry_for({2026, 10, 2}, 9));  // and one replacement
    return error_of(diary.put_entries(entries, kToday));
  });
}

TEST_P(FaultInjection, StartTrialAndSaveProfile) {
  run("trial", [](Diary& diary) {
    core::TrialPlan plan = core::default_plan(willis::testing::trial_rules());
    plan.baseline_start = {2026, 10, 1};
    plan.treatment_start = {2026, 10, 15};
    return error_of(diary.start_trial(plan, willis::testing::trial_rules()));
  });
  run("profile", [](Diary& diary) { return error_of(diary.save_profile("yaml", "age: 54\n")); });
}

INSTANTIATE_TEST_SUITE_P(
    Store, FaultInjection,
    ::testing::Combine(::testing::Values(Target::write, Target::sync), ::testing::Bool()),
    [](const auto& test_info) {
      return std::string(std::get<0>(test_info.param) == Target::write ? "Write" : "Sync") +
             (std::get<1>(test_info.param) ? "Persistent" : "Transient");
    });

TEST(FaultInjection, CreatingAndMigratingANewFile) {
  // A fault while a new diary is being created leaves a file that opens (and finishes its
  // migrations) next time, never a broken one.
  ASSERT_TRUE(fault_vfs_name());
  testing::TempDir dir;
  const std::string path = dir.file("new.sqlite3");
  int failures = 0;
  for (int nth = 0; nth < 200; ++nth) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    faults = Faults{};
    faults.write_countdown = nth;
    DiaryOptions options = willis::testing::fixed_clock_diary();
    options.vfs = fault_vfs_name();
    bool opened = false;
    {
      auto diary = Diary::open(path, options);
      opened = diary.ok();
      if (!opened) {
        ++failures;
        EXPECT_EQ(diary.error().code, core::Errc::io_error);
      }
    }
    const bool tripped = faults.tripped;
    faults = Faults{};
    const std::string state = snapshot(path);
    EXPECT_NE(state.find("#integrity:ok"), std::string::npos) << state;
    EXPECT_NE(state.find("#schema:3"), std::string::npos) << state;
    if (opened && !tripped) break;
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace willis::store
