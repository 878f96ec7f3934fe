#include "store/diary.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <set>

namespace willis::store {
namespace {

using core::CalendarDate;
using core::DiaryEntry;
using core::Errc;

// Migration 1: the diary itself. Values are stored in their canonical text form (times
// "HH:MM", side effects "loose_stools:mild;…") or as numbers, so the file is readable with
// the sqlite3 shell. The CHECKs repeat the ranges core::validate_entry enforces, as a last
// line of defence for files written by other tools.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE entry (
  date           TEXT PRIMARY KEY NOT NULL CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  rls            INTEGER CHECK (rls BETWEEN 0 AND 10),
  sleep_quality  INTEGER CHECK (sleep_quality BETWEEN 1 AND 5),
  bed            TEXT,
  try_sleep      TEXT,
  sol_min        INTEGER CHECK (sol_min BETWEEN 0 AND 720),
  awakenings     INTEGER CHECK (awakenings BETWEEN 0 AND 60),
  waso_min       INTEGER CHECK (waso_min BETWEEN 0 AND 720),
  wake           TEXT,
  out_of_bed     TEXT,
  magnesium_mg   REAL CHECK (magnesium_mg >= 0),
  magnesium_time TEXT,
  side_effects   TEXT,
  irls_total     INTEGER CHECK (irls_total BETWEEN 0 AND 40),
  note           TEXT NOT NULL DEFAULT '',
  revision       INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
  recorded_at    TEXT NOT NULL
) STRICT;
CREATE TABLE entry_history (
  id             INTEGER PRIMARY KEY,
  date           TEXT NOT NULL REFERENCES entry(date),
  rls            INTEGER,
  sleep_quality  INTEGER,
  bed            TEXT,
  try_sleep      TEXT,
  sol_min        INTEGER,
  awakenings     INTEGER,
  waso_min       INTEGER,
  wake           TEXT,
  out_of_bed     TEXT,
  magnesium_mg   REAL,
  magnesium_time TEXT,
  side_effects   TEXT,
  irls_total     INTEGER,
  note           TEXT NOT NULL DEFAULT '',
  revision       INTEGER NOT NULL,
  recorded_at    TEXT NOT NULL,
  replaced_at    TEXT NOT NULL,
  UNIQUE (date, revision)
) STRICT;
)sql";

// Migration 2: the trial plan (newest row is current) and the stored profile, versioned.
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE trial (
  id               INTEGER PRIMARY KEY,
  design           TEXT NOT NULL CHECK (design IN ('ab', 'abab')),
  baseline_start   TEXT NOT NULL,
  treatment_start  TEXT NOT NULL,
  treatment_weeks  INTEGER NOT NULL,
  withdrawal_weeks INTEGER NOT NULL,
  created_at       TEXT NOT NULL
) STRICT;
CREATE TABLE profile (
  version  INTEGER PRIMARY KEY CHECK (version >= 1),
  format   TEXT NOT NULL CHECK (format IN ('yaml', 'json')),
  text     TEXT NOT NULL,
  saved_at TEXT NOT NULL
) STRICT;
)sql";

// Migration 3 (issue 15): what the trial is judged on. Older plans were judged on RLS severity.
constexpr std::string_view kMigration3 = R"sql(
ALTER TABLE trial ADD COLUMN primary_outcome TEXT NOT NULL DEFAULT 'rls_severity'
  CHECK (primary_outcome IN ('rls_severity', 'sleep_onset', 'sleep_efficiency', 'sleep_quality'));
)sql";

bool is_int_field(std::string_view field) {
  return field == "rls" || field == "sleep_quality" || field == "sol_min" ||
         field == "awakenings" || field == "waso_min" || field == "irls_total";
}

std::string entry_columns() {
  std::string columns;
  for (const auto field : core::kEntryFields) {
    if (!columns.empty()) columns += ", ";
    columns += field;
  }
  return columns;
}

std::string placeholders(std::size_t count) {
  std::string text;
  for (std::size_t idx = 0; idx < count; ++idx) text += idx ? ", ?" : "?";
  return text;
}

/// Binds the entry's fields to parameters first..first+14, in kEntryFields order.
void bind_entry(Statement& statement, int first, const DiaryEntry& entry) {
  int index = first;
  for (const auto field : core::kEntryFields) {
    const std::string text = core::field_text(entry, field);
    if (field == "magnesium_mg" && entry.magnesium_mg) {
      statement.bind(index, *entry.magnesium_mg);
    } else if (text.empty() && field != "note") {
      statement.bind_null(index);
    } else if (is_int_field(field)) {
      std::int64_t value = 0;
      std::from_chars(text.data(), text.data() + text.size(), value);
      statement.bind(index, value);
    } else {
      statement.bind(index, text);
    }
    ++index;
  }
}

/// Reads columns first..first+14 (kEntryFields order) into an entry.
core::Result<DiaryEntry> read_entry(const Statement& statement, int first,
                                    const std::string& path) {
  DiaryEntry entry;
  int column = first;
  for (const auto field : core::kEntryFields) {
    if (!statement.is_null(column)) {
      std::optional<core::Error> error;
      if (field == "magnesium_mg")
        entry.magnesium_mg = statement.column_double(column);
      else if (is_int_field(field))
        error = core::set_field(entry, field, std::to_string(statement.column_int(column)));
      else
        error = core::set_field(entry, field, statement.column_text(column));
      if (error)
        return core::Error(Errc::io_error, path,
                           "the stored entry " + statement.column_text(first) +
                               " has an unreadable " + std::string(field) + " (" + error->message +
                               "); the file was changed outside willis");
    }
    ++column;
  }
  return entry;
}

core::Result<std::int64_t> query_int(const Connection& connection, std::string_view sql) {
  auto statement = Statement::prepare(connection, sql);
  if (!statement.ok()) return statement.error();
  const int code = statement.value().step();
  if (code != SQLITE_ROW) return connection.error("reading the diary", code);
  return statement.value().column_int(0);
}

/// Creates the file with mode 0600 if it does not exist, so SQLite never creates it with the
/// umask's wider default. An existing file keeps its mode.
std::optional<core::Error> create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    ::fchmod(fd, 0600);  // in case the umask removed bits we asked for (it cannot add any)
    ::close(fd);
    return std::nullopt;
  }
  if (errno == EEXIST) return std::nullopt;
  return core::Error(
      Errc::io_error, path,
      std::string("cannot create the diary: ") + std::strerror(errno) +
          "; check that the folder exists and is writable, or pick a file with --db");
}

}  // namespace

const std::vector<Migration>& diary_migrations() {
  static const std::vector<Migration> migrations = {
      {1, kMigration1}, {2, kMigration2}, {3, kMigration3}};
  return migrations;
}

std::string Diary::now() const {
  return now_();
}

core::Result<Diary> Diary::open(const std::string& path, DiaryOptions options) {
  if (!options.now)
    return core::Error{core::Errc::invalid_value, "now",
                       "no clock given for the diary's timestamps (DiaryOptions::now)"};
  if (auto error = create_private_file(path)) return *error;
  auto connection = Connection::open(path, SQLITE_OPEN_READWRITE, options.vfs);
  if (!connection.ok()) return connection.error();
  Diary diary;
  diary.connection_ = std::move(connection).value();
  diary.now_ = std::move(options.now);
  const Connection& db = diary.connection_;
  sqlite3_busy_timeout(db.get(), 5000);

  // The first read of the header: a file that is not SQLite fails here.
  const auto application_id = query_int(db, "PRAGMA application_id");
  if (!application_id.ok())
    return core::Error(Errc::io_error, path,
                       "is not a willis diary (" + application_id.error().message + ")");
  const auto user_version = query_int(db, "PRAGMA user_version");
  if (!user_version.ok()) return user_version.error();
  if (application_id.value() != 0 && application_id.value() != kDiaryApplicationId)
    return core::Error(Errc::io_error, path,
                       "is an SQLite file of another program, not a willis diary; pick another "
                       "file with --db");
  if (application_id.value() == 0 && user_version.value() == 0) {
    const auto tables = query_int(db, "SELECT count(*) FROM sqlite_schema");
    if (!tables.ok()) return tables.error();
    if (tables.value() > 0)
      return core::Error(Errc::io_error, path,
                         "holds tables of another program, not a willis diary; pick another file "
                         "with --db");
  }

  // WAL: readers never block the writer, and a crash mid-write leaves the main file intact.
  {
    auto mode = Statement::prepare(db, "PRAGMA journal_mode=WAL");
    if (!mode.ok()) return mode.error();
    if (mode.value().step() != SQLITE_ROW) return db.error("switching to WAL");
    if (mode.value().column_text(0) != "wal")
      return core::Error(Errc::io_error, path,
                         "cannot use write-ahead logging on this file system (journal mode " +
                             mode.value().column_text(0) + "); keep the diary on a local disk");
  }
  // FULL: each commit syncs the WAL, so an acknowledged entry survives a power cut.
  if (auto error = db.exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON")) return *error;

  const auto& migrations = options.migrations ? *options.migrations : diary_migrations();
  const int known = migrations.empty() ? 0 : migrations.back().version;
  int version = static_cast<int>(user_version.value());
  if (version > known)
    return core::Error(Errc::io_error, path,
                       "was written by a newer willis (diary schema " + std::to_string(version) +
                           "; this willis knows up to " + std::to_string(known) +
                           "); upgrade willis. The file was not changed.");
  for (const auto& migration : migrations) {
    if (migration.version <= version) continue;
    auto transaction = Transaction::begin(db, "upgrading the diary");
    if (!transaction.ok()) return transaction.error();
    if (auto error = db.exec(migration.sql)) return *error;
    if (auto error = db.exec("PRAGMA application_id=" + std::to_string(kDiaryApplicationId) +
                             "; PRAGMA user_version=" + std::to_string(migration.version)))
      return *error;
    if (auto error = transaction.value()->commit()) return *error;
    version = migration.version;
  }
  diary.schema_version_ = version;
  return diary;
}

std::optional<core::Error> Diary::write_entry(const DiaryEntry& entry, PutOutcome& outcome) {
  const Connection& db = connection_;
  const std::string columns = entry_columns();
  const std::string date = entry.date.str();
  auto select = Statement::prepare(db, "SELECT " + columns + " FROM entry WHERE date = ?");
  if (!select.ok()) return select.error();
  select.value().bind(1, date);
  const int found = select.value().step();
  if (found != SQLITE_ROW && found != SQLITE_DONE) return db.error("reading the entry", found);
  const std::string timestamp = now();
  if (found == SQLITE_DONE) {
    auto insert = Statement::prepare(db, "INSERT INTO entry (" + columns +
                                             ", revision, recorded_at) VALUES (" +
                                             placeholders(core::kEntryFields.size()) + ", 1, ?)");
    if (!insert.ok()) return insert.error();
    bind_entry(insert.value(), 1, entry);
    insert.value().bind(static_cast<int>(core::kEntryFields.size()) + 1, timestamp);
    if (const int code = insert.value().step(); code != SQLITE_DONE)
      return db.error("saving the entry for " + date, code);
    outcome = PutOutcome::added;
    return std::nullopt;
  }
  auto existing = read_entry(select.value(), 0, db.path());
  if (!existing.ok()) return existing.error();
  if (existing.value() == entry) {
    outcome = PutOutcome::unchanged;
    return std::nullopt;
  }
  select.value().reset();
  auto keep = Statement::prepare(db, "INSERT INTO entry_history (" + columns +
                                         ", revision, recorded_at, replaced_at) SELECT " + columns +
                                         ", revision, recorded_at, ? FROM entry WHERE date = ?");
  if (!keep.ok()) return keep.error();
  keep.value().bind(1, timestamp);
  keep.value().bind(2, date);
  if (const int code = keep.value().step(); code != SQLITE_DONE)
    return db.error("keeping the previous entry for " + date, code);
  auto update = Statement::prepare(db, "UPDATE entry SET (" + columns + ") = (" +
                                           placeholders(core::kEntryFields.size()) +
                                           "), revision = revision + 1, recorded_at = ? "
                                           "WHERE date = ?");
  if (!update.ok()) return update.error();
  bind_entry(update.value(), 1, entry);
  const int next = static_cast<int>(core::kEntryFields.size()) + 1;
  update.value().bind(next, timestamp);
  update.value().bind(next + 1, date);
  if (const int code = update.value().step(); code != SQLITE_DONE)
    return db.error("replacing the entry for " + date, code);
  outcome = PutOutcome::updated;
  return std::nullopt;
}

core::Result<PutOutcome> Diary::put_entry(const DiaryEntry& entry, CalendarDate today) {
  if (auto error = core::validate_entry(entry, today)) return *error;
  auto transaction = Transaction::begin(connection_, "saving the entry for " + entry.date.str());
  if (!transaction.ok()) return transaction.error();
  PutOutcome outcome = PutOutcome::unchanged;
  if (auto error = write_entry(entry, outcome)) return *error;
  if (auto error = transaction.value()->commit()) return *error;
  return outcome;
}

core::Result<ImportSummary> Diary::put_entries(const std::vector<DiaryEntry>& entries,
                                               CalendarDate today) {
  std::set<CalendarDate> dates;
  for (std::size_t idx = 0; idx < entries.size(); ++idx) {
    if (auto error = core::validate_entry(entries[idx], today)) {
      error->path = "entries[" + std::to_string(idx) + "]." + error->path;
      return *error;
    }
    if (!dates.insert(entries[idx].date).second)
      return core::Error(Errc::invalid_value, "entries[" + std::to_string(idx) + "].date",
                         entries[idx].date.str() + " appears twice; keep one entry per date");
  }
  auto transaction =
      Transaction::begin(connection_, "importing " + std::to_string(entries.size()) + " entries");
  if (!transaction.ok()) return transaction.error();
  ImportSummary summary;
  for (const auto& entry : entries) {
    PutOutcome outcome = PutOutcome::unchanged;
    if (auto error = write_entry(entry, outcome)) return *error;  // rolls back everything
    (outcome == PutOutcome::added     ? summary.added
     : outcome == PutOutcome::updated ? summary.updated
                                      : summary.unchanged) += 1;
  }
  if (auto error = transaction.value()->commit()) return *error;
  return summary;
}

core::Result<std::vector<DiaryEntry>> Diary::entries(std::optional<CalendarDate> from,
                                                     std::optional<CalendarDate> to) const {
  auto select = Statement::prepare(connection_, "SELECT " + entry_columns() +
                                                    " FROM entry WHERE date >= ? AND date <= ? "
                                                    "ORDER BY date");
  if (!select.ok()) return select.error();
  select.value().bind(1, from ? from->str() : std::string("0000-00-00"));
  select.value().bind(2, to ? to->str() : std::string("9999-99-99"));
  std::vector<DiaryEntry> result;
  while (true) {
    const int code = select.value().step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return connection_.error("reading the diary", code);
    auto entry = read_entry(select.value(), 0, connection_.path());
    if (!entry.ok()) return entry.error();
    result.push_back(std::move(entry).value());
  }
  return result;
}

core::Result<std::optional<DiaryEntry>> Diary::entry(CalendarDate date) const {
  auto found = entries(date, date);
  if (!found.ok()) return found.error();
  if (found.value().empty()) return std::optional<DiaryEntry>{};
  return std::optional<DiaryEntry>(found.value().front());
}

core::Result<std::vector<HistoryRecord>> Diary::history(CalendarDate date) const {
  auto select =
      Statement::prepare(connection_, "SELECT " + entry_columns() +
                                          ", revision, recorded_at, replaced_at FROM "
                                          "entry_history WHERE date = ? ORDER BY revision");
  if (!select.ok()) return select.error();
  select.value().bind(1, date.str());
  std::vector<HistoryRecord> records;
  const int extra = static_cast<int>(core::kEntryFields.size());
  while (true) {
    const int code = select.value().step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return connection_.error("reading the entry history", code);
    auto entry = read_entry(select.value(), 0, connection_.path());
    if (!entry.ok()) return entry.error();
    HistoryRecord record;
    record.entry = std::move(entry).value();
    record.revision = static_cast<int>(select.value().column_int(extra));
    record.recorded_at = select.value().column_text(extra + 1);
    record.replaced_at = select.value().column_text(extra + 2);
    records.push_back(std::move(record));
  }
  return records;
}

core::Result<int> Diary::start_trial(const core::TrialPlan& plan, const core::TrialRules& rules) {
  if (auto error = core::validate_plan(plan, rules)) return *error;
  auto transaction = Transaction::begin(connection_, "saving the trial plan");
  if (!transaction.ok()) return transaction.error();
  auto insert =
      Statement::prepare(connection_,
                         "INSERT INTO trial (design, baseline_start, treatment_start, "
                         "treatment_weeks, withdrawal_weeks, created_at, primary_outcome) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.error();
  insert.value().bind(1, core::to_string(plan.design));
  insert.value().bind(2, plan.baseline_start.str());
  insert.value().bind(3, plan.treatment_start.str());
  insert.value().bind(4, plan.treatment_weeks);
  insert.value().bind(5, plan.withdrawal_weeks);
  insert.value().bind(6, now());
  insert.value().bind(7, core::to_string(plan.primary));
  if (const int code = insert.value().step(); code != SQLITE_DONE)
    return connection_.error("saving the trial plan", code);
  const auto id = static_cast<int>(sqlite3_last_insert_rowid(connection_.get()));
  if (auto error = transaction.value()->commit()) return *error;
  return id;
}

core::Result<std::optional<core::TrialPlan>> Diary::current_trial() const {
  auto select = Statement::prepare(
      connection_,
      "SELECT design, baseline_start, treatment_start, "
      "treatment_weeks, withdrawal_weeks, primary_outcome FROM trial ORDER BY id DESC "
      "LIMIT 1");
  if (!select.ok()) return select.error();
  const int code = select.value().step();
  if (code == SQLITE_DONE) return std::optional<core::TrialPlan>{};
  if (code != SQLITE_ROW) return connection_.error("reading the trial plan", code);
  core::TrialPlan plan;
  const auto design = core::parse_trial_design(select.value().column_text(0));
  const auto baseline = core::parse_date(select.value().column_text(1));
  const auto treatment = core::parse_date(select.value().column_text(2));
  const auto primary = core::parse_trial_outcome(select.value().column_text(5));
  if (!design || !baseline || !treatment || !primary)
    return core::Error(Errc::io_error, connection_.path(),
                       "the stored trial plan is unreadable; start a new one with "
                       "`willis trial start`");
  plan.design = *design;
  plan.baseline_start = *baseline;
  plan.treatment_start = *treatment;
  plan.treatment_weeks = static_cast<int>(select.value().column_int(3));
  plan.withdrawal_weeks = static_cast<int>(select.value().column_int(4));
  plan.primary = *primary;
  return std::optional<core::TrialPlan>(plan);
}

core::Result<int> Diary::save_profile(std::string_view format, std::string_view text) {
  if (format != "yaml" && format != "json")
    return core::Error(Errc::invalid_value, "format", "must be yaml or json");
  auto transaction = Transaction::begin(connection_, "saving the profile");
  if (!transaction.ok()) return transaction.error();
  auto latest = latest_profile();
  if (!latest.ok()) return latest.error();
  if (latest.value() && latest.value()->format == format && latest.value()->text == text)
    return latest.value()->version;  // unchanged: the transaction rolls back, nothing written
  const int version = latest.value() ? latest.value()->version + 1 : 1;
  auto insert = Statement::prepare(
      connection_, "INSERT INTO profile (version, format, text, saved_at) VALUES (?, ?, ?, ?)");
  if (!insert.ok()) return insert.error();
  insert.value().bind(1, version);
  insert.value().bind(2, format);
  insert.value().bind(3, text);
  insert.value().bind(4, now());
  if (const int code = insert.value().step(); code != SQLITE_DONE)
    return connection_.error("saving the profile", code);
  if (auto error = transaction.value()->commit()) return *error;
  return version;
}

core::Result<std::optional<StoredProfile>> Diary::latest_profile() const {
  auto select = Statement::prepare(
      connection_,
      "SELECT version, format, text, saved_at FROM profile ORDER BY version DESC LIMIT 1");
  if (!select.ok()) return select.error();
  const int code = select.value().step();
  if (code == SQLITE_DONE) return std::optional<StoredProfile>{};
  if (code != SQLITE_ROW) return connection_.error("reading the profile", code);
  StoredProfile profile;
  profile.version = static_cast<int>(select.value().column_int(0));
  profile.format = select.value().column_text(1);
  profile.text = select.value().column_text(2);
  profile.saved_at = select.value().column_text(3);
  return std::optional<StoredProfile>(std::move(profile));
}

}  // namespace willis::store
