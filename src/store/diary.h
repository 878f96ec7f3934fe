// src/store/diary.h: the diary file. One SQLite file per person: daily entries (one per date,
// edits keep the old version in a history table), the personal-trial plan, and the latest
// profile text, versioned.
//
// Durability: WAL journal, synchronous=FULL (an acknowledged write survives a crash or power
// cut), foreign_keys=ON, every write one transaction (BEGIN IMMEDIATE … COMMIT), schema
// versioned by PRAGMA user_version with forward-only migrations. A new file is created with
// mode 0600 (SQLite gives its -wal and -shm files the same mode).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/result.h"
#include "core/trial.h"
#include "store/sqlite.h"

namespace willis::store {

/// One forward migration: SQL that takes the schema from version N to N+1.
struct Migration {
  int version;  ///< the user_version after it runs
  std::string_view sql;
};

/// The migrations this willis knows, in order.
const std::vector<Migration>& diary_migrations();

/// "PRAGMA application_id" of a willis diary ("WLIS").
inline constexpr int kDiaryApplicationId = 0x574c4953;

struct DiaryOptions {
  const char* vfs = nullptr;  ///< SQLite VFS name; nullptr = default (tests inject faults here)
  /// UTC timestamp ("YYYY-MM-DDTHH:MM:SSZ") for the recorded_at / replaced_at / saved_at
  /// columns. Required: the caller passes the app's one clock (app::Clock::utc_timestamp), so the
  /// diary never reads the system clock itself; Diary::open refuses options without it.
  std::function<std::string()> now;
  /// Migrations to apply (tests exercise upgrades with a shorter list).
  const std::vector<Migration>* migrations = nullptr;
};

/// What a write did.
enum class PutOutcome { added, updated, unchanged };

struct ImportSummary {
  int added = 0;
  int updated = 0;
  int unchanged = 0;
};

/// An earlier version of an entry, kept when it was replaced.
struct HistoryRecord {
  core::DiaryEntry entry;
  int revision = 0;
  std::string recorded_at;
  std::string replaced_at;
};

struct StoredProfile {
  int version = 0;     ///< 1, 2, … one per saved change
  std::string format;  ///< "yaml" or "json"
  std::string text;
  std::string saved_at;
};

class Diary {
 public:
  /// Opens (creating when absent, mode 0600) and migrates the diary at `path`.
  /// Errors: invalid_value when options.now is missing; io_error naming the file (not SQLite, not a
  /// willis diary, written by a newer willis, cannot create, busy …).
  static core::Result<Diary> open(const std::string& path, DiaryOptions options);

  /// Adds or replaces the entry for its date in one transaction. The entry is validated first
  /// (core::validate_entry against `today`); an invalid one is refused and nothing is written.
  /// A replaced entry is copied to the history table; an identical one is left untouched.
  core::Result<PutOutcome> put_entry(const core::DiaryEntry& entry, core::CalendarDate today);

  /// Adds or replaces many entries in ONE transaction: all are written or none. Dates must be
  /// distinct. Idempotent: importing the same entries again changes nothing.
  core::Result<ImportSummary> put_entries(const std::vector<core::DiaryEntry>& entries,
                                          core::CalendarDate today);

  /// Entries in date order, optionally limited to [from, to] (inclusive).
  core::Result<std::vector<core::DiaryEntry>> entries(
      std::optional<core::CalendarDate> from = std::nullopt,
      std::optional<core::CalendarDate> to = std::nullopt) const;
  core::Result<std::optional<core::DiaryEntry>> entry(core::CalendarDate date) const;
  /// Earlier versions of one date's entry, oldest first.
  core::Result<std::vector<HistoryRecord>> history(core::CalendarDate date) const;

  /// Saves a new trial plan (validated with core::validate_plan against the KB's `rules`); the
  /// newest plan is current.
  core::Result<int> start_trial(const core::TrialPlan& plan, const core::TrialRules& rules);
  core::Result<std::optional<core::TrialPlan>> current_trial() const;

  /// Stores the profile text as a new version, unless it equals the latest one.
  core::Result<int> save_profile(std::string_view format, std::string_view text);
  core::Result<std::optional<StoredProfile>> latest_profile() const;

  int schema_version() const { return schema_version_; }
  const std::string& path() const { return connection_.path(); }
  const Connection& connection() const { return connection_; }

 private:
  Diary() = default;
  std::string now() const;
  std::optional<core::Error> write_entry(const core::DiaryEntry& entry, PutOutcome& outcome);

  Connection connection_;
  std::function<std::string()> now_;
  int schema_version_ = 0;
};

}  // namespace willis::store
