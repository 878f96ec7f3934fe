// src/cli/diary_commands.cc: `willis diary add|list|export|import` and
// `willis trial start|status|result`. Parse -> store/core -> render; nothing is decided here.
#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>

#include "app/clock.h"
#include "app/kb_source.h"
#include "app/paths.h"
#include "cli/commands.h"
#include "codec/profile_codec.h"
#include "render/trial_chart.h"
#include "core/diary_entry.h"
#include "core/trial.h"
#include "store/diary.h"
#include "store/diary_io.h"
#include "store/sqlite.h"
#include "render/trial_report.h"

namespace willis::cli {
namespace {

using core::CalendarDate;

/// The CLI flag for each diary field, so errors name what the person typed.
struct FlagField {
  const char* flag;
  const char* field;
  const char* help;
};

constexpr FlagField kEntryFlags[] = {
    {"--rls", "rls", "RLS symptom severity in the evening and night, 0 (none) to 10 (worst)"},
    {"--sleep-quality", "sleep_quality", "Sleep quality, 1 (very poor) to 5 (very good)"},
    {"--bed", "bed", "Time you got into bed, HH:MM (24 h)"},
    {"--try-sleep", "try_sleep", "Time you started trying to sleep, HH:MM (default: --bed)"},
    {"--sol", "sol_min", "Minutes it took to fall asleep"},
    {"--awakenings", "awakenings", "Number of times you woke, not counting the final wake"},
    {"--waso", "waso_min", "Minutes awake in the night, after first falling asleep"},
    {"--wake", "wake", "Time of your final awakening, HH:MM"},
    {"--out-of-bed", "out_of_bed", "Time you got out of bed for the day, HH:MM"},
    {"--mg", "magnesium_mg", "Elemental magnesium taken that day, mg (0 = none)"},
    {"--mg-time", "magnesium_time", "Time you took the magnesium, HH:MM"},
    {"--side-effects", "side_effects",
     "none, or kind:severity items separated by ';' — kinds loose-stools, nausea, cramping, "
     "other; severities mild, moderate, severe (e.g. loose-stools:mild)"},
    {"--irls", "irls_total",
     "Weekly IRLS total, 0-40, if you or your clinician scored it (numbers only)"},
    {"--note", "note", "Free-text note"},
};

std::string flag_for(std::string_view field) {
  if (field == "date") return "--date";
  for (const auto& flag : kEntryFlags)
    if (field == flag.field) return flag.flag;
  return std::string(field);
}

/// "<field>: <message>" for errors about the person's input.
std::string field_message(const core::Error& error, bool map_to_flags) {
  if (!error.file.empty()) return store::describe(error);
  const std::string path = map_to_flags ? flag_for(error.path) : error.path;
  return path.empty() ? error.message : path + ": " + error.message;
}

/// Parses a date option; "today" and "yesterday" are accepted too.
core::Result<CalendarDate> parse_date_option(const std::string& flag, const std::string& text,
                                             CalendarDate today) {
  if (text == "today") return today;
  if (text == "yesterday") return core::add_days(today, -1);
  if (const auto date = core::parse_date(text)) return *date;
  core::Error error;
  error.code = core::Errc::invalid_value;
  error.path = flag;
  error.message = "\"" + text +
                  "\" is not a date; use YYYY-MM-DD (e.g. 2026-11-20), today or "
                  "yesterday";
  return error;
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

core::Result<std::string> diary_path(const GlobalOptions& global, bool create_folders) {
  if (!global.db_path.empty()) return global.db_path;
  auto path = app::default_diary_path();
  if (!path.ok()) return path.error();
  if (create_folders)
    if (auto error = app::create_parent_directories(path.value())) return *error;
  return path;
}

/// The diary's timestamps come from the one clock.
store::DiaryOptions diary_options(const GlobalOptions& global) {
  store::DiaryOptions options;
  const app::Clock* clock = global.clock;
  options.now = [clock] { return clock->utc_timestamp(); };
  return options;
}

/// Opens the diary for writing, creating it (and for the default path its folders).
core::Result<store::Diary> open_for_writing(const GlobalOptions& global) {
  auto path = diary_path(global, true);
  if (!path.ok()) return path.error();
  return store::Diary::open(path.value(), diary_options(global));
}

/// Opens the diary for reading; nullopt (no error) when the file does not exist yet, so a
/// read never creates a file.
core::Result<std::optional<store::Diary>> open_for_reading(const GlobalOptions& global) {
  auto path = diary_path(global, false);
  if (!path.ok()) return path.error();
  if (!file_exists(path.value())) return std::optional<store::Diary>{};
  auto diary = store::Diary::open(path.value(), diary_options(global));
  if (!diary.ok()) return diary.error();
  return std::optional<store::Diary>(std::move(diary).value());
}

int fail(const core::Error& error, bool map_to_flags = false) {
  return report_error(field_message(error, map_to_flags), 2);
}

/// A write must never go into a diary that a read already calls malformed (issue 13): every
/// stored entry and the trial plan are read back first; the first unreadable one is the error.
std::optional<core::Error> check_readable(const store::Diary& diary) {
  // SQLite finds a damaged page only when a statement touches it ("database disk image is
  // malformed"): check every page first, then every row.
  auto check = store::Statement::prepare(diary.connection(), "PRAGMA quick_check");
  if (!check.ok()) return check.error();
  const int code = check.value().step();
  if (code != SQLITE_ROW) return diary.connection().error("checking the diary", code);
  if (const std::string verdict = check.value().column_text(0); verdict != "ok") {
    core::Error error;
    error.code = core::Errc::io_error;
    error.path = diary.path();
    error.message = "is damaged (SQLite quick_check: " + verdict + ")";
    return error;
  }
  const auto entries = diary.entries();
  if (!entries.ok()) return entries.error();
  const auto trial = diary.current_trial();
  if (!trial.ok()) return trial.error();
  return std::nullopt;
}

int refuse_malformed(const core::Error& error) {
  report_error(field_message(error, false), 2);
  std::fprintf(stderr,
               "willis: nothing was written: the diary already holds data willis cannot read; "
               "repair it (or restore a backup) before adding to it\n");
  return 2;
}

void write_stdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

CLI::Option* add_format(CLI::App* command, std::string& format, const std::string& allowed,
                        const std::string& default_value) {
  format = default_value;
  return command->add_option("--format", format, "Output format: " + allowed)
      ->capture_default_str();
}

/// CLI11 checks the format against the allowed values; this repeats it as a willis error.
bool format_ok(const std::string& format, std::initializer_list<const char*> allowed) {
  for (const char* value : allowed)
    if (format == value) return true;
  std::string list;
  for (const char* value : allowed) list += (list.empty() ? "" : ", ") + std::string(value);
  report_error("--format: \"" + format + "\" is not a format here; use one of " + list, 2);
  return false;
}

// ---- diary add ----

struct AddOptions {
  std::string date;
  std::vector<std::string> values = std::vector<std::string>(std::size(kEntryFlags));
  std::vector<bool> given = std::vector<bool>(std::size(kEntryFlags));
};

int run_add(const GlobalOptions& global, const AddOptions& options,
            const std::vector<CLI::Option*>& flags) {
  const auto today = global.clock->today();
  if (!today.ok()) return fail(today.error());
  const auto date = parse_date_option("--date", options.date, today.value());
  if (!date.ok()) return fail(date.error());
  core::DiaryEntry entry;
  entry.date = date.value();
  for (std::size_t idx = 0; idx < std::size(kEntryFlags); ++idx) {
    if (flags[idx]->count() == 0) continue;
    if (auto error = core::set_field(entry, kEntryFlags[idx].field, options.values[idx]))
      return fail(*error, true);
  }
  if (auto error = core::validate_entry(entry, today.value())) return fail(*error, true);
  auto diary = open_for_writing(global);
  if (!diary.ok()) return fail(diary.error());
  if (auto error = check_readable(diary.value())) return refuse_malformed(*error);
  const auto outcome = diary.value().put_entry(entry, today.value());
  if (!outcome.ok()) return fail(outcome.error(), true);
  std::string summary;
  if (entry.rls) summary += ", RLS " + std::to_string(*entry.rls);
  if (const auto tib = core::time_in_bed_min(entry))
    summary += ", in bed " + std::to_string(*tib) + " min";
  if (const auto tst = core::total_sleep_min(entry))
    summary += ", asleep " + std::to_string(*tst) + " min";
  if (entry.bed && entry.out_of_bed && entry.wake && entry.sol_min && entry.waso_min)
    summary += ", sleep efficiency " + core::field_text(entry, "se_percent") + " %";
  switch (outcome.value()) {
    case store::PutOutcome::added:
      std::printf("added %s%s\n", entry.date.str().c_str(), summary.c_str());
      break;
    case store::PutOutcome::updated:
      std::printf("replaced %s%s (the previous version is kept in the diary's history)\n",
                  entry.date.str().c_str(), summary.c_str());
      break;
    case store::PutOutcome::unchanged:
      std::printf("unchanged %s: the same entry is already in the diary\n",
                  entry.date.str().c_str());
      break;
  }
  return 0;
}

// ---- diary list / export ----

int run_list(const GlobalOptions& global, const std::string& from_text, const std::string& to_text,
             const std::string& format) {
  if (!format_ok(format, {"text", "json", "csv"})) return 2;
  const auto today = global.clock->today();
  if (!today.ok()) return fail(today.error());
  std::optional<CalendarDate> from, to;
  if (!from_text.empty()) {
    const auto date = parse_date_option("--from", from_text, today.value());
    if (!date.ok()) return fail(date.error());
    from = date.value();
  }
  if (!to_text.empty()) {
    const auto date = parse_date_option("--to", to_text, today.value());
    if (!date.ok()) return fail(date.error());
    to = date.value();
  }
  if (from && to && *from > *to) {
    core::Error error;
    error.path = "--from";
    error.message = from->str() + " is after --to " + to->str() + "; swap them";
    return fail(error);
  }
  auto diary = open_for_reading(global);
  if (!diary.ok()) return fail(diary.error());
  std::vector<core::DiaryEntry> entries;
  if (diary.value()) {
    auto found = diary.value()->entries(from, to);
    if (!found.ok()) return fail(found.error());
    entries = std::move(found).value();
  }
  if (format == "json")
    write_stdout(store::export_json(entries));
  else if (format == "csv")
    write_stdout(store::export_csv(entries));
  else
    write_stdout(render::entries_text(entries));
  return 0;
}

// ---- diary import ----

int run_import(const GlobalOptions& global, const std::string& file,
               const std::string& format_text) {
  const auto today = global.clock->today();
  if (!today.ok()) return fail(today.error());
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      core::Error error;
      error.code = core::Errc::io_error;
      error.path = file;
      error.message = "cannot be read; check the path";
      return fail(error);
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::optional<store::DiaryFormat> format;
  if (!format_text.empty()) {
    if (!format_ok(format_text, {"csv", "json"})) return 2;
    format = store::parse_diary_format(format_text);
  } else if (file.size() >= 5 && file.compare(file.size() - 5, 5, ".json") == 0) {
    format = store::DiaryFormat::json;
  } else if (file.size() >= 4 && file.compare(file.size() - 4, 4, ".csv") == 0) {
    format = store::DiaryFormat::csv;
  } else {
    const auto first = text.find_first_not_of(" \t\r\n");
    format = first != std::string::npos && (text[first] == '{' || text[first] == '[')
                 ? store::DiaryFormat::json
                 : store::DiaryFormat::csv;
  }
  const std::string source = file == "-" ? "<stdin>" : file;
  const auto entries = *format == store::DiaryFormat::json
                           ? store::import_json(text, source, today.value())
                           : store::import_csv(text, source, today.value());
  if (!entries.ok()) {
    report_error(store::describe(entries.error()), 2);
    std::fprintf(stderr, "willis: nothing was imported; fix the row and run the import again\n");
    return 2;
  }
  auto diary = open_for_writing(global);
  if (!diary.ok()) return fail(diary.error());
  if (auto error = check_readable(diary.value())) return refuse_malformed(*error);
  const auto summary = diary.value().put_entries(entries.value(), today.value());
  if (!summary.ok()) {
    report_error(field_message(summary.error(), false), 2);
    std::fprintf(stderr, "willis: nothing was imported\n");
    return 2;
  }
  std::printf(
      "imported %zu entr%s from %s: %d added, %d replaced (previous versions kept in "
      "the history), %d unchanged\n",
      entries.value().size(), entries.value().size() == 1 ? "y" : "ies", source.c_str(),
      summary.value().added, summary.value().updated, summary.value().unchanged);
  return 0;
}

// ---- trial ----

/// An option value no one types: "not given" (any typed value, even negative, is validated).
constexpr int kWeeksNotGiven = std::numeric_limits<int>::min();

struct StartOptions {
  std::string baseline_start;
  std::string treatment_start;
  std::string design = "ab";
  int treatment_weeks = 0;                // 0 = the design's default
  int withdrawal_weeks = kWeeksNotGiven;  // the KB's default unless given
  bool replace = false;
  std::string primary;  // empty: RLS severity when the stored profile meets the RLS criteria, else
                        // sleep onset
};

/// The default primary outcome (issue 15): RLS severity when the stored profile meets the four
/// IRLSSG symptom criteria (and they are not explained by another condition), sleep onset when a
/// stored profile does not; with no stored profile, RLS severity as before.
core::TrialOutcome default_primary(const store::Diary& diary) {
  const auto stored = diary.latest_profile();
  if (!stored.ok() || !stored.value()) return core::TrialOutcome::rls_severity;
  const auto profile = codec::parse_profile(stored.value()->text, "stored profile");
  if (!profile.ok()) return core::TrialOutcome::rls_severity;
  const auto& s = profile.value().symptoms;
  const bool rls = s.urge_to_move_legs.value_or(false) && s.worse_at_rest.value_or(false) &&
                   s.relieved_by_movement.value_or(false) &&
                   s.worse_evening_or_night.value_or(false) &&
                   s.explained_by_other_condition.has_value() && !*s.explained_by_other_condition;
  return rls ? core::TrialOutcome::rls_severity : core::TrialOutcome::sleep_onset;
}

/// The KB's personal-trial numbers, or nullopt after reporting why not.
std::optional<core::TrialOptions> load_trial_options(const GlobalOptions& global) {
  const auto kb = app::load_kb(global.kb_dir);
  if (!kb.errors.empty()) {
    report_error("the knowledge base has errors: run willis kb check", 2);
    return std::nullopt;
  }
  return core::trial_options_from(kb.kb);
}

int run_start(const GlobalOptions& global, const StartOptions& options) {
  const auto today = global.clock->today();
  if (!today.ok()) return fail(today.error());
  const auto trial = load_trial_options(global);
  if (!trial) return 2;
  const core::TrialRules& rules = trial->rules;
  core::TrialPlan plan;
  const auto design = core::parse_trial_design(options.design);
  if (!design) {
    core::Error error;
    error.path = "--design";
    error.message = "\"" + options.design + "\" is not a design; use ab or abab";
    return fail(error);
  }
  plan.design = *design;
  std::optional<core::TrialOutcome> primary;
  if (!options.primary.empty()) {
    primary = core::parse_trial_outcome(options.primary);
    if (!primary) {
      core::Error error;
      error.path = "--primary";
      error.message =
          "\"" + options.primary +
          "\" is not an outcome; use rls_severity, sleep_onset, sleep_efficiency or sleep_quality";
      return fail(error);
    }
  }
  const auto baseline =
      parse_date_option("--baseline-start", options.baseline_start, today.value());
  if (!baseline.ok()) return fail(baseline.error());
  const auto treatment =
      parse_date_option("--treatment-start", options.treatment_start, today.value());
  if (!treatment.ok()) return fail(treatment.error());
  plan.baseline_start = baseline.value();
  plan.treatment_start = treatment.value();
  plan.treatment_weeks =
      options.treatment_weeks > 0 ? options.treatment_weeks : rules.default_weeks(plan.design);
  plan.withdrawal_weeks = options.withdrawal_weeks != kWeeksNotGiven
                              ? options.withdrawal_weeks
                              : rules.default_withdrawal_weeks;
  if (auto error = core::validate_plan(plan, rules)) {
    error->path = "--" + error->path;
    for (char& ch : error->path)
      if (ch == '_') ch = '-';
    return fail(*error);
  }
  auto diary = open_for_writing(global);
  if (!diary.ok()) return fail(diary.error());
  const auto existing = diary.value().current_trial();
  if (!existing.ok()) return fail(existing.error());
  if (existing.value() && !options.replace) {
    core::Error error;
    error.path = "--replace";
    error.message = "a trial is already planned (baseline from " +
                    existing.value()->baseline_start.str() +
                    "); add --replace to start a new one (the old plan stays in the diary file)";
    return fail(error);
  }
  plan.primary = primary ? *primary : default_primary(diary.value());
  const auto saved = diary.value().start_trial(plan, rules);
  if (!saved.ok()) return fail(saved.error());
  std::printf("trial planned (%s), judged on %s:\n", core::to_string(plan.design),
              core::to_string(plan.primary));
  for (const auto& phase : core::trial_phases(plan))
    std::printf("  %-12s %s to %s (%d days)%s\n", core::to_string(phase.kind),
                phase.start.str().c_str(), core::add_days(phase.end, -1).str().c_str(),
                phase.days(),
                core::takes_magnesium(phase.kind) ? ": take magnesium" : ": no magnesium");
  for (const auto& warning : core::plan_warnings(plan, rules))
    std::printf("warning: %s\n", warning.c_str());
  std::printf(
      "Log every night with `willis diary add`; `willis trial status` says what to do "
      "each day.\n");
  return 0;
}

/// The current plan and all entries, or an exit code after reporting why not.
struct TrialData {
  core::TrialPlan plan;
  std::vector<core::DiaryEntry> entries;
  CalendarDate today;
};

std::optional<TrialData> load_trial(const GlobalOptions& global, int& exit_code) {
  exit_code = 2;
  const auto today = global.clock->today();
  if (!today.ok()) {
    fail(today.error());
    return std::nullopt;
  }
  auto diary = open_for_reading(global);
  if (!diary.ok()) {
    fail(diary.error());
    return std::nullopt;
  }
  std::optional<core::TrialPlan> plan;
  if (diary.value()) {
    const auto current = diary.value()->current_trial();
    if (!current.ok()) {
      fail(current.error());
      return std::nullopt;
    }
    plan = current.value();
  }
  if (!plan) {
    report_error(
        "trial: no trial is planned in this diary; start one with `willis trial start "
        "--baseline-start YYYY-MM-DD --treatment-start YYYY-MM-DD`",
        2);
    return std::nullopt;
  }
  auto entries = diary.value()->entries();
  if (!entries.ok()) {
    fail(entries.error());
    return std::nullopt;
  }
  exit_code = 0;
  return TrialData{*plan, std::move(entries).value(), today.value()};
}

int run_status(const GlobalOptions& global, const std::string& format) {
  if (!format_ok(format, {"text", "json"})) return 2;
  int exit_code = 0;
  const auto data = load_trial(global, exit_code);
  if (!data) return exit_code;
  const auto trial = load_trial_options(global);
  if (!trial) return 2;
  const auto status = core::trial_status(data->plan, data->entries, data->today, trial->rules);
  if (format == "json") {
    write_stdout(render::trial_status_json(data->plan, status));
  } else {
    write_stdout(render::trial_status_text(data->plan, status));
    if (status.phase != "finished")
      std::printf(
          "\nLog a night, e.g.: willis diary add --date %s --rls 5 --sleep-quality 3 "
          "--bed 23:00 --sol 20 --waso 30 --wake 06:45 --out-of-bed 07:00 --mg %s "
          "--side-effects none\n",
          core::add_days(data->today, -1).str().c_str(),
          status.phase == "treatment" || status.phase == "retreatment" ? "300" : "0");
  }
  return 0;
}

int run_result(const GlobalOptions& global, const std::string& format, const std::string& chart,
               double threshold) {
  if (!format_ok(format, {"text", "json", "svg"})) return 2;
  if (!(threshold > 0 && threshold <= 10)) {
    core::Error error;
    error.path = "--threshold";
    error.message = "must be more than 0 and at most 10 points (default 2)";
    return fail(error);
  }
  int exit_code = 0;
  const auto data = load_trial(global, exit_code);
  if (!data) return exit_code;
  auto options = load_trial_options(global);
  if (!options) return 2;
  options->rules.rls_improvement_points = threshold;
  const auto result = core::evaluate_trial(data->plan, data->entries, data->today, *options);
  const std::string svg = render::trial_chart_svg(data->plan, data->entries, result);
  if (!chart.empty()) {
    std::ofstream out(chart, std::ios::binary | std::ios::trunc);
    out << svg;
    out.close();
    if (!out) {
      core::Error error;
      error.code = core::Errc::io_error;
      error.path = "--chart";
      error.message = chart + " cannot be written; check the folder exists and is writable";
      return fail(error);
    }
  }
  if (format == "json") {
    write_stdout(render::trial_result_json(data->plan, result));
  } else if (format == "svg") {
    write_stdout(svg);
  } else {
    write_stdout(render::trial_result_text(data->plan, result));
    if (chart.empty())
      std::printf("\nChart: willis trial result --chart trial.svg (or --format svg > trial.svg)\n");
    else
      std::printf("\nChart written to %s\n", chart.c_str());
  }
  return 0;
}

}  // namespace

void register_diary_commands(CLI::App& app, GlobalOptions& global) {
  auto* diary = app.add_subcommand(
      "diary",
      "The daily diary: RLS severity, sleep (Consensus Sleep Diary items), magnesium and side\n"
      "effects, one entry per night, kept in a local SQLite file (--db).\n\n"
      "Examples:\n"
      "  willis diary add --date 2026-11-20 --rls 6 --sleep-quality 2 --sol 40 --waso 55 \\\n"
      "      --bed 23:10 --wake 06:50 --out-of-bed 07:05 --mg 0 --side-effects none\n"
      "  willis diary list --from 2026-11-01 --format text\n"
      "  willis diary export --format csv > my-diary.csv\n"
      "  willis diary import my-diary.csv");
  diary->require_subcommand(1);

  // add
  auto add_options = std::make_shared<AddOptions>();
  auto add_flags = std::make_shared<std::vector<CLI::Option*>>();
  auto* add = diary->add_subcommand(
      "add",
      "Add the entry for one night, or replace it (the old version is kept in the history).\n"
      "Date the entry by the EVENING the night began: bed at 23:10 on the 20th and waking at\n"
      "06:50 on the 21st is --date 2026-11-20. Times are 24 h HH:MM and may cross midnight.\n"
      "Give what you have; at least one item is needed.\n\n"
      "Example:\n"
      "  willis diary add --date 2026-11-20 --rls 6 --sleep-quality 2 --sol 40 --waso 55 \\\n"
      "      --bed 23:10 --wake 06:50 --out-of-bed 07:05 --mg 0 --side-effects none");
  add->add_option("--date", add_options->date,
                  "The evening the night began: YYYY-MM-DD, today or yesterday")
      ->required();
  for (std::size_t idx = 0; idx < std::size(kEntryFlags); ++idx)
    add_flags->push_back(
        add->add_option(kEntryFlags[idx].flag, add_options->values[idx], kEntryFlags[idx].help));
  add->callback([&global, add_options, add_flags] {
    global.exit_code = run_add(global, *add_options, *add_flags);
  });

  // list
  auto list_from = std::make_shared<std::string>();
  auto list_to = std::make_shared<std::string>();
  auto list_format = std::make_shared<std::string>();
  auto* list = diary->add_subcommand(
      "list",
      "Show entries with time in bed, total sleep time and sleep efficiency (SE = TST / TIB x "
      "100).\n\n"
      "Examples:\n  willis diary list\n  willis diary list --from 2026-11-01 --to 2026-11-30 "
      "--format csv");
  list->add_option("--from", *list_from, "First date to show (YYYY-MM-DD)");
  list->add_option("--to", *list_to, "Last date to show (YYYY-MM-DD)");
  add_format(list, *list_format, "text, json or csv", "text");
  list->callback([&global, list_from, list_to, list_format] {
    global.exit_code = run_list(global, *list_from, *list_to, *list_format);
  });

  // export
  auto export_format = std::make_shared<std::string>();
  auto* exporter = diary->add_subcommand(
      "export",
      "Write every entry to standard output as CSV or JSON. `willis diary import` reads both\n"
      "back exactly.\n\n"
      "Examples:\n  willis diary export --format csv > my-diary.csv\n"
      "  willis diary export --format json > my-diary.json");
  add_format(exporter, *export_format, "csv or json", "csv");
  exporter->callback([&global, export_format] {
    if (!format_ok(*export_format, {"csv", "json"})) {
      global.exit_code = 2;
      return;
    }
    global.exit_code = run_list(global, "", "", *export_format);
  });

  // import
  auto import_file = std::make_shared<std::string>();
  auto import_format = std::make_shared<std::string>();
  auto* importer = diary->add_subcommand(
      "import",
      "Read entries from a CSV or JSON export. Every row is checked first; one bad row stops\n"
      "the import with its line and field, and nothing is written. Entries replace those of\n"
      "the same date (old versions are kept); importing the same file twice changes nothing.\n\n"
      "Examples:\n  willis diary import my-diary.csv\n  willis diary import my-diary.json\n"
      "  willis diary import --format csv - < my-diary.csv");
  importer->add_option("file", *import_file, "CSV or JSON file, or - for standard input")
      ->required();
  importer->add_option("--format", *import_format,
                       "csv or json (default: from the file name, else from its first character)");
  importer->callback([&global, import_file, import_format] {
    global.exit_code = run_import(global, *import_file, *import_format);
  });
}

void register_trial_commands(CLI::App& app, GlobalOptions& global) {
  auto* trial = app.add_subcommand(
      "trial",
      "A personal (n-of-1) trial of magnesium: a baseline without it, then 8 weeks on it (or\n"
      "ABAB: baseline, magnesium, withdrawal, magnesium again), and an honest verdict from your\n"
      "diary that you can show your GP.\n\n"
      "Examples:\n"
      "  willis trial start --baseline-start 2026-11-01 --treatment-start 2026-11-15\n"
      "  willis trial status\n"
      "  willis trial result --format json");
  trial->require_subcommand(1);

  auto start_options = std::make_shared<StartOptions>();
  auto* start = trial->add_subcommand(
      "start",
      "Plan the trial. The baseline runs from --baseline-start to the day before\n"
      "--treatment-start (at least 7 days, no magnesium). Each magnesium phase lasts\n"
      "--treatment-weeks (default 8 for ab, 6 for abab; under 6 gets a warning).\n\n"
      "Examples:\n"
      "  willis trial start --baseline-start 2026-11-01 --treatment-start 2026-11-15\n"
      "  willis trial start --baseline-start 2026-11-01 --treatment-start 2026-11-15 --design "
      "abab");
  start
      ->add_option("--baseline-start", start_options->baseline_start,
                   "First baseline day (YYYY-MM-DD)")
      ->required();
  start
      ->add_option("--treatment-start", start_options->treatment_start,
                   "First day on magnesium (YYYY-MM-DD)")
      ->required();
  start->add_option("--design", start_options->design, "ab or abab")->capture_default_str();
  start->add_option("--treatment-weeks", start_options->treatment_weeks,
                    "Weeks of each magnesium phase, 4-26 (default 8 for ab, 6 for abab)");
  start->add_option("--withdrawal-weeks", start_options->withdrawal_weeks,
                    "ABAB only: weeks off magnesium between the two magnesium phases, 1-8 "
                    "(default: kb/rules.yaml trial_default_withdrawal_weeks)");
  start->add_option("--primary", start_options->primary,
                    "What the trial is judged on: rls_severity, sleep_onset, sleep_efficiency or "
                    "sleep_quality (default: rls_severity when your saved profile meets the RLS "
                    "criteria, else sleep_onset; rls_severity when no profile is saved)");
  start->add_flag("--replace", start_options->replace,
                  "Replace the current plan (the old one stays in the file)");
  start->callback(
      [&global, start_options] { global.exit_code = run_start(global, *start_options); });

  auto status_format = std::make_shared<std::string>();
  auto* status = trial->add_subcommand(
      "status",
      "Where the trial stands today: phase, days logged, days missing, and what to do today.\n\n"
      "Examples:\n  willis trial status\n  willis trial status --format json");
  add_format(status, *status_format, "text or json", "text");
  status->callback(
      [&global, status_format] { global.exit_code = run_status(global, *status_format); });

  auto result_format = std::make_shared<std::string>();
  auto result_chart = std::make_shared<std::string>();
  auto result_threshold = std::make_shared<double>(2.0);
  auto* result = trial->add_subcommand(
      "result",
      "The verdict: improved, no-clear-change, worse or insufficient-data, comparing the\n"
      "baseline with the last 4 weeks on magnesium (95 % interval by a moving-block bootstrap,\n"
      "Welch's t-test as the conventional figure), secondary sleep outcomes, side effects, and\n"
      "what an unblinded trial cannot tell apart. The chart is an SVG made by willis.\n\n"
      "Examples:\n  willis trial result\n  willis trial result --format json\n"
      "  willis trial result --chart trial.svg\n  willis trial result --format svg > trial.svg");
  add_format(result, *result_format, "text, json or svg", "text");
  result->add_option("--chart", *result_chart, "Also write the SVG chart to this file");
  result
      ->add_option("--threshold", *result_threshold,
                   "Reduction in RLS severity (0-10 points) that counts as improved")
      ->capture_default_str();
  result->callback([&global, result_format, result_chart, result_threshold] {
    global.exit_code = run_result(global, *result_format, *result_chart, *result_threshold);
  });
}

}  // namespace willis::cli
