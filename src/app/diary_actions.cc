#include "app/diary_actions.h"

#include <fmt/printf.h>
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "app/kb_source.h"
#include "app/paths.h"
#include "codec/diary_import.h"
#include "codec/profile_codec.h"
#include "core/diary_entry.h"
#include "render/diary_export.h"
#include "render/trial_chart.h"
#include "render/trial_report.h"
#include "store/diary.h"
#include "store/sqlite.h"

namespace willis::app {
namespace {

using core::CalendarDate;

std::string flag_for(std::string_view field, const std::vector<EntryInput>& flags) {
  if (field == "date") return "--date";
  for (const auto& flag : flags)
    if (field == flag.field) return flag.flag;
  return std::string(field);
}

/// "<field>: <message>" for errors about the person's input; with `flags`, the field is named
/// by the flag they typed.
std::string field_message(const core::Error& error,
                          const std::vector<EntryInput>* flags = nullptr) {
  if (!error.file.empty()) return describe_error(error);
  const std::string path = flags ? flag_for(error.path, *flags) : error.path;
  return path.empty() ? error.message : path + ": " + error.message;
}

core::Error option_error(std::string path, std::string message) {
  core::Error error;
  error.path = std::move(path);
  error.message = std::move(message);
  return error;
}

/// Parses a date option; "today" and "yesterday" are accepted too.
core::Result<CalendarDate> parse_date_option(const std::string& flag, const std::string& text,
                                             CalendarDate today) {
  if (text == "today") return today;
  if (text == "yesterday") return core::add_days(today, -1);
  if (const auto date = core::parse_date(text)) return *date;
  core::Error error = option_error(flag, "\"" + text +
                                             "\" is not a date; use YYYY-MM-DD (e.g. 2026-11-20), "
                                             "today or yesterday");
  error.code = core::Errc::invalid_value;
  return error;
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

core::Result<std::string> diary_path(const CommandContext& context, bool create_folders) {
  if (!context.db_path.empty()) return context.db_path;
  auto path = default_diary_path();
  if (!path.ok()) return path.error();
  if (create_folders)
    if (auto error = create_parent_directories(path.value())) return *error;
  return path;
}

/// The diary's timestamps come from the one clock.
store::DiaryOptions diary_options(const CommandContext& context) {
  store::DiaryOptions options;
  const Clock* clock = context.clock;
  options.now = [clock] { return clock->utc_timestamp(); };
  return options;
}

/// Opens the diary for writing, creating it (and for the default path its folders).
core::Result<store::Diary> open_for_writing(const CommandContext& context) {
  auto path = diary_path(context, true);
  if (!path.ok()) return path.error();
  return store::Diary::open(path.value(), diary_options(context));
}

/// Opens the diary for reading; nullopt (no error) when the file does not exist yet, so a
/// read never creates a file.
core::Result<std::optional<store::Diary>> open_for_reading(const CommandContext& context) {
  auto path = diary_path(context, false);
  if (!path.ok()) return path.error();
  if (!file_exists(path.value())) return std::optional<store::Diary>{};
  auto diary = store::Diary::open(path.value(), diary_options(context));
  if (!diary.ok()) return diary.error();
  return std::optional<store::Diary>(std::move(diary).value());
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

CommandResult& refuse_malformed(CommandResult& result, const core::Error& error) {
  result.error(field_message(error));
  result.note(
      "willis: nothing was written: the diary already holds data willis cannot read; "
      "repair it (or restore a backup) before adding to it\n");
  return result;
}

/// CLI11 checks the format against the allowed values; this repeats it as a willis error.
bool format_ok(CommandResult& result, const std::string& format,
               std::initializer_list<const char*> allowed) {
  for (const char* value : allowed)
    if (format == value) return true;
  std::string list;
  for (const char* value : allowed) list += (list.empty() ? "" : ", ") + std::string(value);
  result.error("--format: \"" + format + "\" is not a format here; use one of " + list);
  return false;
}

/// ", RLS 6, in bed 475 min, …" after "added 2026-11-20".
std::string entry_summary(const core::DiaryEntry& entry) {
  std::string summary;
  if (entry.rls) summary += ", RLS " + std::to_string(*entry.rls);
  if (const auto tib = core::time_in_bed_min(entry))
    summary += ", in bed " + std::to_string(*tib) + " min";
  if (const auto tst = core::total_sleep_min(entry))
    summary += ", asleep " + std::to_string(*tst) + " min";
  if (entry.bed && entry.out_of_bed && entry.wake && entry.sol_min && entry.waso_min)
    summary += ", sleep efficiency " + core::field_text(entry, "se_percent") + " %";
  return summary;
}

std::string put_message(const core::DiaryEntry& entry, store::PutOutcome outcome) {
  const std::string date = entry.date.str();
  switch (outcome) {
    case store::PutOutcome::added:
      return "added " + date + entry_summary(entry) + "\n";
    case store::PutOutcome::updated:
      return "replaced " + date + entry_summary(entry) +
             " (the previous version is kept in the diary's history)\n";
    case store::PutOutcome::unchanged:
      return "unchanged " + date + ": the same entry is already in the diary\n";
  }
  return "";
}

/// The file's text, from standard input for "-".
core::Result<std::string> read_input(const std::string& file) {
  if (file == "-")
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    core::Error error = option_error(file, "cannot be read; check the path");
    error.code = core::Errc::io_error;
    return error;
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The import format: given, else from the file name, else from the first character.
codec::DiaryFormat import_format(const std::string& file, const std::string& text) {
  if (file.size() >= 5 && file.compare(file.size() - 5, 5, ".json") == 0)
    return codec::DiaryFormat::json;
  if (file.size() >= 4 && file.compare(file.size() - 4, 4, ".csv") == 0)
    return codec::DiaryFormat::csv;
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && (text[first] == '{' || text[first] == '[')
             ? codec::DiaryFormat::json
             : codec::DiaryFormat::csv;
}

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

/// The plan of a `trial start` request, checked (the diary is not read yet).
core::Result<core::TrialPlan> plan_from(const TrialStartRequest& request,
                                        const core::TrialRules& rules, CalendarDate today,
                                        std::optional<core::TrialOutcome>& primary) {
  core::TrialPlan plan;
  const auto design = core::parse_trial_design(request.design);
  if (!design)
    return option_error("--design", "\"" + request.design + "\" is not a design; use ab or abab");
  plan.design = *design;
  if (!request.primary.empty()) {
    primary = core::parse_trial_outcome(request.primary);
    if (!primary)
      return option_error("--primary", "\"" + request.primary +
                                           "\" is not an outcome; use rls_severity, sleep_onset, "
                                           "sleep_efficiency or sleep_quality");
  }
  const auto baseline = parse_date_option("--baseline-start", request.baseline_start, today);
  if (!baseline.ok()) return baseline.error();
  const auto treatment = parse_date_option("--treatment-start", request.treatment_start, today);
  if (!treatment.ok()) return treatment.error();
  plan.baseline_start = baseline.value();
  plan.treatment_start = treatment.value();
  plan.treatment_weeks =
      request.treatment_weeks > 0 ? request.treatment_weeks : rules.default_weeks(plan.design);
  plan.withdrawal_weeks = request.withdrawal_weeks != kWeeksNotGiven
                              ? request.withdrawal_weeks
                              : rules.default_withdrawal_weeks;
  if (auto error = core::validate_plan(plan, rules)) {
    error->path = "--" + error->path;
    for (char& ch : error->path)
      if (ch == '_') ch = '-';
    return *error;
  }
  return plan;
}

std::string plan_text(const core::TrialPlan& plan, const core::TrialRules& rules) {
  std::string out = fmt::sprintf("trial planned (%s), judged on %s:\n",
                                 core::to_string(plan.design), core::to_string(plan.primary));
  for (const auto& phase : core::trial_phases(plan))
    out += fmt::sprintf("  %-12s %s to %s (%d days)%s\n", core::to_string(phase.kind),
                        phase.start.str(), core::add_days(phase.end, -1).str(), phase.days(),
                        core::takes_magnesium(phase.kind) ? ": take magnesium" : ": no magnesium");
  for (const auto& warning : core::plan_warnings(plan, rules)) out += "warning: " + warning + "\n";
  out +=
      "Log every night with `willis diary add`; `willis trial status` says what to do "
      "each day.\n";
  return out;
}

/// The current plan and all entries, or the error that says why not.
struct TrialData {
  core::TrialPlan plan;
  std::vector<core::DiaryEntry> entries;
  CalendarDate today;
};

std::optional<TrialData> load_trial(const CommandContext& context, CommandResult& result) {
  const auto today = context.clock->today();
  if (!today.ok()) return result.error(field_message(today.error())), std::nullopt;
  auto diary = open_for_reading(context);
  if (!diary.ok()) return result.error(field_message(diary.error())), std::nullopt;
  std::optional<core::TrialPlan> plan;
  if (diary.value()) {
    const auto current = diary.value()->current_trial();
    if (!current.ok()) return result.error(field_message(current.error())), std::nullopt;
    plan = current.value();
  }
  if (!plan) {
    result.error(
        "trial: no trial is planned in this diary; start one with `willis trial start "
        "--baseline-start YYYY-MM-DD --treatment-start YYYY-MM-DD`");
    return std::nullopt;
  }
  auto entries = diary.value()->entries();
  if (!entries.ok()) return result.error(field_message(entries.error())), std::nullopt;
  return TrialData{*plan, std::move(entries).value(), today.value()};
}

/// Writes the SVG chart to `path`.
/// The KB's personal-trial numbers, or nullopt with the reason in `result`.
std::optional<core::TrialOptions> load_trial_options(const CommandContext& context,
                                                     CommandResult& result) {
  const auto kb = load_kb(context.kb_dir);
  if (!kb.errors.empty()) {
    result.error("the knowledge base has errors: run willis kb check");
    return std::nullopt;
  }
  return core::trial_options_from(kb.kb);
}

std::optional<core::Error> write_chart(const std::string& path, const std::string& svg) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << svg;
  out.close();
  if (out) return std::nullopt;
  core::Error error =
      option_error("--chart", path + " cannot be written; check the folder exists and is writable");
  error.code = core::Errc::io_error;
  return error;
}

}  // namespace

CommandResult diary_add(const CommandContext& context, const std::string& date_text,
                        const std::vector<EntryInput>& inputs) {
  CommandResult result;
  const auto today = context.clock->today();
  if (!today.ok()) return result.error(field_message(today.error()));
  const auto date = parse_date_option("--date", date_text, today.value());
  if (!date.ok()) return result.error(field_message(date.error()));
  core::DiaryEntry entry;
  entry.date = date.value();
  for (const auto& input : inputs) {
    if (!input.value) continue;
    if (auto error = core::set_field(entry, input.field, *input.value))
      return result.error(field_message(*error, &inputs));
  }
  if (auto error = core::validate_entry(entry, today.value()))
    return result.error(field_message(*error, &inputs));
  auto diary = open_for_writing(context);
  if (!diary.ok()) return result.error(field_message(diary.error()));
  if (auto error = check_readable(diary.value())) return refuse_malformed(result, *error);
  const auto outcome = diary.value().put_entry(entry, today.value());
  if (!outcome.ok()) return result.error(field_message(outcome.error(), &inputs));
  result.out = put_message(entry, outcome.value());
  return result;
}

CommandResult diary_list(const CommandContext& context, const std::string& from_text,
                         const std::string& to_text, const std::string& format) {
  CommandResult result;
  if (!format_ok(result, format, {"text", "json", "csv"})) return result;
  const auto today = context.clock->today();
  if (!today.ok()) return result.error(field_message(today.error()));
  std::optional<CalendarDate> from, to;
  if (!from_text.empty()) {
    const auto date = parse_date_option("--from", from_text, today.value());
    if (!date.ok()) return result.error(field_message(date.error()));
    from = date.value();
  }
  if (!to_text.empty()) {
    const auto date = parse_date_option("--to", to_text, today.value());
    if (!date.ok()) return result.error(field_message(date.error()));
    to = date.value();
  }
  if (from && to && *from > *to) {
    const auto error =
        option_error("--from", from->str() + " is after --to " + to->str() + "; swap them");
    return result.error(field_message(error));
  }
  auto diary = open_for_reading(context);
  if (!diary.ok()) return result.error(field_message(diary.error()));
  std::vector<core::DiaryEntry> entries;
  if (diary.value()) {
    auto found = diary.value()->entries(from, to);
    if (!found.ok()) return result.error(field_message(found.error()));
    entries = std::move(found).value();
  }
  if (format == "json")
    result.out = render::export_json(entries);
  else if (format == "csv")
    result.out = render::export_csv(entries);
  else
    result.out = render::entries_text(entries);
  return result;
}

CommandResult diary_export(const CommandContext& context, const std::string& format) {
  CommandResult result;
  if (!format_ok(result, format, {"csv", "json"})) return result;
  return diary_list(context, "", "", format);
}

CommandResult diary_import(const CommandContext& context, const std::string& file,
                           const std::string& format_text) {
  CommandResult result;
  const auto today = context.clock->today();
  if (!today.ok()) return result.error(field_message(today.error()));
  const auto text = read_input(file);
  if (!text.ok()) return result.error(field_message(text.error()));
  codec::DiaryFormat format = import_format(file, text.value());
  if (!format_text.empty()) {
    if (!format_ok(result, format_text, {"csv", "json"})) return result;
    format = *codec::parse_diary_format(format_text);
  }
  const std::string source = file == "-" ? "<stdin>" : file;
  const auto entries = format == codec::DiaryFormat::json
                           ? codec::import_json(text.value(), source, today.value())
                           : codec::import_csv(text.value(), source, today.value());
  if (!entries.ok()) {
    result.error(describe_error(entries.error()));
    result.note("willis: nothing was imported; fix the row and run the import again\n");
    return result;
  }
  auto diary = open_for_writing(context);
  if (!diary.ok()) return result.error(field_message(diary.error()));
  if (auto error = check_readable(diary.value())) return refuse_malformed(result, *error);
  const auto summary = diary.value().put_entries(entries.value(), today.value());
  if (!summary.ok()) {
    result.error(field_message(summary.error()));
    result.note("willis: nothing was imported\n");
    return result;
  }
  result.out = fmt::sprintf(
      "imported %zu entr%s from %s: %d added, %d replaced (previous versions kept in "
      "the history), %d unchanged\n",
      entries.value().size(), entries.value().size() == 1 ? "y" : "ies", source,
      summary.value().added, summary.value().updated, summary.value().unchanged);
  return result;
}

CommandResult trial_start(const CommandContext& context, const TrialStartRequest& request) {
  CommandResult result;
  const auto today = context.clock->today();
  if (!today.ok()) return result.error(field_message(today.error()));
  const auto trial = load_trial_options(context, result);
  if (!trial) return result;
  std::optional<core::TrialOutcome> primary;
  auto plan = plan_from(request, trial->rules, today.value(), primary);
  if (!plan.ok()) return result.error(field_message(plan.error()));
  auto diary = open_for_writing(context);
  if (!diary.ok()) return result.error(field_message(diary.error()));
  const auto existing = diary.value().current_trial();
  if (!existing.ok()) return result.error(field_message(existing.error()));
  if (existing.value() && !request.replace)
    return result.error(field_message(option_error(
        "--replace", "a trial is already planned (baseline from " +
                         existing.value()->baseline_start.str() +
                         "); add --replace to start a new one (the old plan stays in the diary "
                         "file)")));
  plan.value().primary = primary ? *primary : default_primary(diary.value());
  const auto saved = diary.value().start_trial(plan.value(), trial->rules);
  if (!saved.ok()) return result.error(field_message(saved.error()));
  result.out = plan_text(plan.value(), trial->rules);
  return result;
}

CommandResult trial_status(const CommandContext& context, const std::string& format) {
  CommandResult result;
  if (!format_ok(result, format, {"text", "json"})) return result;
  const auto data = load_trial(context, result);
  if (!data) return result;
  const auto trial = load_trial_options(context, result);
  if (!trial) return result;
  const auto status = core::trial_status(data->plan, data->entries, data->today, trial->rules);
  if (format == "json") {
    result.out = render::trial_status_json(data->plan, status);
    return result;
  }
  result.out = render::trial_status_text(data->plan, status);
  if (status.phase != "finished")
    result.out += fmt::sprintf(
        "\nLog a night, e.g.: willis diary add --date %s --rls 5 --sleep-quality 3 "
        "--bed 23:00 --sol 20 --waso 30 --wake 06:45 --out-of-bed 07:00 --mg %s "
        "--side-effects none\n",
        core::add_days(data->today, -1).str(),
        status.phase == "treatment" || status.phase == "retreatment" ? "300" : "0");
  return result;
}

CommandResult trial_result(const CommandContext& context, const std::string& format,
                           const std::string& chart, double threshold) {
  CommandResult result;
  if (!format_ok(result, format, {"text", "json", "svg"})) return result;
  if (!(threshold > 0 && threshold <= 10))
    return result.error(field_message(
        option_error("--threshold", "must be more than 0 and at most 10 points (default 2)")));
  const auto data = load_trial(context, result);
  if (!data) return result;
  auto options = load_trial_options(context, result);
  if (!options) return result;
  options->rules.rls_improvement_points = threshold;
  const auto verdict = core::evaluate_trial(data->plan, data->entries, data->today, *options);
  const std::string svg = render::trial_chart_svg(data->plan, data->entries, verdict);
  if (!chart.empty())
    if (auto error = write_chart(chart, svg)) return result.error(field_message(*error));
  if (format == "json") {
    result.out = render::trial_result_json(data->plan, verdict);
  } else if (format == "svg") {
    result.out = svg;
  } else {
    result.out = render::trial_result_text(data->plan, verdict);
    if (chart.empty())
      result.out +=
          "\nChart: willis trial result --chart trial.svg (or --format svg > trial.svg)\n";
    else
      result.out += "\nChart written to " + chart + "\n";
  }
  return result;
}

}  // namespace willis::app
