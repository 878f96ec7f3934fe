// src/cli/diary_commands.cc: the command table of `willis diary add|list|export|import` and
// `willis trial start|status|result`; the use cases are in app/diary_actions.h.
#include <CLI/CLI.hpp>

#include <memory>

#include "app/diary_actions.h"
#include "cli/commands.h"

namespace willis::cli {
namespace {

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

constexpr const char* kDiaryHelp =
    "The daily diary: RLS severity, sleep (Consensus Sleep Diary items), magnesium and side\n"
    "effects, one entry per night, kept in a local SQLite file (--db).\n\n"
    "Examples:\n"
    "  willis diary add --date 2026-11-20 --rls 6 --sleep-quality 2 --sol 40 --waso 55 \\\n"
    "      --bed 23:10 --wake 06:50 --out-of-bed 07:05 --mg 0 --side-effects none\n"
    "  willis diary list --from 2026-11-01 --format text\n"
    "  willis diary export --format csv > my-diary.csv\n"
    "  willis diary import my-diary.csv";

constexpr const char* kAddHelp =
    "Add the entry for one night, or replace it (the old version is kept in the history).\n"
    "Date the entry by the EVENING the night began: bed at 23:10 on the 20th and waking at\n"
    "06:50 on the 21st is --date 2026-11-20. Times are 24 h HH:MM and may cross midnight.\n"
    "Give what you have; at least one item is needed.\n\n"
    "Example:\n"
    "  willis diary add --date 2026-11-20 --rls 6 --sleep-quality 2 --sol 40 --waso 55 \\\n"
    "      --bed 23:10 --wake 06:50 --out-of-bed 07:05 --mg 0 --side-effects none";

constexpr const char* kListHelp =
    "Show entries with time in bed, total sleep time and sleep efficiency (SE = TST / TIB x "
    "100).\n\n"
    "Examples:\n  willis diary list\n  willis diary list --from 2026-11-01 --to 2026-11-30 "
    "--format csv";

constexpr const char* kExportHelp =
    "Write every entry to standard output as CSV or JSON. `willis diary import` reads both\n"
    "back exactly.\n\n"
    "Examples:\n  willis diary export --format csv > my-diary.csv\n"
    "  willis diary export --format json > my-diary.json";

constexpr const char* kImportHelp =
    "Read entries from a CSV or JSON export. Every row is checked first; one bad row stops\n"
    "the import with its line and field, and nothing is written. Entries replace those of\n"
    "the same date (old versions are kept); importing the same file twice changes nothing.\n\n"
    "Examples:\n  willis diary import my-diary.csv\n  willis diary import my-diary.json\n"
    "  willis diary import --format csv - < my-diary.csv";

constexpr const char* kTrialHelp =
    "A personal (n-of-1) trial of magnesium: a baseline without it, then 8 weeks on it (or\n"
    "ABAB: baseline, magnesium, withdrawal, magnesium again), and an honest verdict from your\n"
    "diary that you can show your GP.\n\n"
    "Examples:\n"
    "  willis trial start --baseline-start 2026-11-01 --treatment-start 2026-11-15\n"
    "  willis trial status\n"
    "  willis trial result --format json";

constexpr const char* kStartHelp =
    "Plan the trial. The baseline runs from --baseline-start to the day before\n"
    "--treatment-start (at least 7 days, no magnesium). Each magnesium phase lasts\n"
    "--treatment-weeks (default 8 for ab, 6 for abab; under 6 gets a warning).\n\n"
    "Examples:\n"
    "  willis trial start --baseline-start 2026-11-01 --treatment-start 2026-11-15\n"
    "  willis trial start --baseline-start 2026-11-01 --treatment-start 2026-11-15 --design "
    "abab";

constexpr const char* kStatusHelp =
    "Where the trial stands today: phase, days logged, days missing, and what to do today.\n\n"
    "Examples:\n  willis trial status\n  willis trial status --format json";

constexpr const char* kResultHelp =
    "The verdict: improved, no-clear-change, worse or insufficient-data, comparing the\n"
    "baseline with the last 4 weeks on magnesium (95 % interval by a moving-block bootstrap,\n"
    "Welch's t-test as the conventional figure), secondary sleep outcomes, side effects, and\n"
    "what an unblinded trial cannot tell apart. The chart is an SVG made by willis.\n\n"
    "Examples:\n  willis trial result\n  willis trial result --format json\n"
    "  willis trial result --chart trial.svg\n  willis trial result --format svg > trial.svg";

CLI::Option* add_format(CLI::App* command, std::string& format, const std::string& allowed,
                        const std::string& default_value) {
  format = default_value;
  return command->add_option("--format", format, "Output format: " + allowed)
      ->capture_default_str();
}

void add_diary_add(CLI::App* diary, GlobalOptions& global) {
  auto date = std::make_shared<std::string>();
  auto values = std::make_shared<std::vector<std::string>>(std::size(kEntryFlags));
  auto flags = std::make_shared<std::vector<CLI::Option*>>();
  auto* add = diary->add_subcommand("add", kAddHelp);
  add->add_option("--date", *date, "The evening the night began: YYYY-MM-DD, today or yesterday")
      ->required();
  for (std::size_t idx = 0; idx < std::size(kEntryFlags); ++idx)
    flags->push_back(add->add_option(kEntryFlags[idx].flag, (*values)[idx], kEntryFlags[idx].help));
  on_run(add, global, [date, values, flags](const app::CommandContext& context) {
    std::vector<app::EntryInput> inputs;
    for (std::size_t idx = 0; idx < std::size(kEntryFlags); ++idx)
      inputs.push_back({kEntryFlags[idx].flag, kEntryFlags[idx].field,
                        (*flags)[idx]->count() == 0 ? std::nullopt
                                                    : std::optional<std::string>((*values)[idx])});
    return app::diary_add(context, *date, inputs);
  });
}

void add_diary_list(CLI::App* diary, GlobalOptions& global) {
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  auto* list = diary->add_subcommand("list", kListHelp);
  list->add_option("--from", *from, "First date to show (YYYY-MM-DD)");
  list->add_option("--to", *to, "Last date to show (YYYY-MM-DD)");
  add_format(list, *format, "text, json or csv", "text");
  on_run(list, global, [from, to, format](const app::CommandContext& context) {
    return app::diary_list(context, *from, *to, *format);
  });
}

void add_diary_export(CLI::App* diary, GlobalOptions& global) {
  auto format = std::make_shared<std::string>();
  auto* exporter = diary->add_subcommand("export", kExportHelp);
  add_format(exporter, *format, "csv or json", "csv");
  on_run(exporter, global, [format](const app::CommandContext& context) {
    return app::diary_export(context, *format);
  });
}

void add_diary_import(CLI::App* diary, GlobalOptions& global) {
  auto file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  auto* importer = diary->add_subcommand("import", kImportHelp);
  importer->add_option("file", *file, "CSV or JSON file, or - for standard input")->required();
  importer->add_option("--format", *format,
                       "csv or json (default: from the file name, else from its first character)");
  on_run(importer, global, [file, format](const app::CommandContext& context) {
    return app::diary_import(context, *file, *format);
  });
}

void add_trial_start(CLI::App* trial, GlobalOptions& global) {
  auto request = std::make_shared<app::TrialStartRequest>();
  auto* start = trial->add_subcommand("start", kStartHelp);
  start->add_option("--baseline-start", request->baseline_start, "First baseline day (YYYY-MM-DD)")
      ->required();
  start
      ->add_option("--treatment-start", request->treatment_start,
                   "First day on magnesium (YYYY-MM-DD)")
      ->required();
  start->add_option("--design", request->design, "ab or abab")->capture_default_str();
  start->add_option("--treatment-weeks", request->treatment_weeks,
                    "Weeks of each magnesium phase, 4-26 (default 8 for ab, 6 for abab)");
  start->add_option("--withdrawal-weeks", request->withdrawal_weeks,
                    "ABAB only: weeks off magnesium between the two magnesium phases, 1-8 "
                    "(default: kb/rules.yaml trial_default_withdrawal_weeks)");
  start->add_option("--primary", request->primary,
                    "What the trial is judged on: rls_severity, sleep_onset, sleep_efficiency or "
                    "sleep_quality (default: rls_severity when your saved profile meets the RLS "
                    "criteria, else sleep_onset; rls_severity when no profile is saved)");
  start->add_flag("--replace", request->replace,
                  "Replace the current plan (the old one stays in the file)");
  on_run(start, global, [request](const app::CommandContext& context) {
    return app::trial_start(context, *request);
  });
}

void add_trial_status(CLI::App* trial, GlobalOptions& global) {
  auto format = std::make_shared<std::string>();
  auto* status = trial->add_subcommand("status", kStatusHelp);
  add_format(status, *format, "text or json", "text");
  on_run(status, global, [format](const app::CommandContext& context) {
    return app::trial_status(context, *format);
  });
}

void add_trial_result(CLI::App* trial, GlobalOptions& global) {
  auto format = std::make_shared<std::string>();
  auto chart = std::make_shared<std::string>();
  auto threshold = std::make_shared<double>(2.0);
  auto* result = trial->add_subcommand("result", kResultHelp);
  add_format(result, *format, "text, json or svg", "text");
  result->add_option("--chart", *chart, "Also write the SVG chart to this file");
  result
      ->add_option("--threshold", *threshold,
                   "Reduction in RLS severity (0-10 points) that counts as improved")
      ->capture_default_str();
  on_run(result, global, [format, chart, threshold](const app::CommandContext& context) {
    return app::trial_result(context, *format, *chart, *threshold);
  });
}

}  // namespace

void register_diary_commands(CLI::App& app, GlobalOptions& global) {
  auto* diary = app.add_subcommand("diary", kDiaryHelp);
  diary->require_subcommand(1);
  add_diary_add(diary, global);
  add_diary_list(diary, global);
  add_diary_export(diary, global);
  add_diary_import(diary, global);
}

void register_trial_commands(CLI::App& app, GlobalOptions& global) {
  auto* trial = app.add_subcommand("trial", kTrialHelp);
  trial->require_subcommand(1);
  add_trial_start(trial, global);
  add_trial_status(trial, global);
  add_trial_result(trial, global);
}

}  // namespace willis::cli
