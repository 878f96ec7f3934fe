// src/cli/assess_commands.cc: `willis assess PROFILE` — parse, assess, render. Decides nothing
// clinical.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/assess_input.h"
#include "app/clock.h"
#include "app/kb_source.h"
#include "cli/commands.h"
#include "render/assessment_json.h"
#include "render/text_report.h"

namespace willis::cli {

namespace {

struct AssessOptions {
  std::string profile_path;
  std::string format = "text";
  std::string colour = "auto";
  std::string as_of;  ///< FHIR input: the date ages are computed at (default: today)
};

int run_assess(const GlobalOptions& global, const AssessOptions& options) {
  const auto& load = app::load_kb_for_process(global.kb_dir);
  if (!load.errors.empty()) {
    for (const auto& error : load.errors)
      report_error("knowledge base: " + app::describe_error(error), 2);
    return 2;
  }
  std::string text;
  std::string name = options.profile_path;
  if (options.profile_path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
    name = "<stdin>";
  } else {
    auto read = app::read_file(options.profile_path);
    if (!read.ok()) return report_error(read.error().message, 2);
    text = std::move(read).value();
  }
  // YAML, JSON or FHIR R4 (a Bundle, a resource or NDJSON), detected from the content.
  auto assessed = app::assess_input(
      load.kb, text, name, [&] { return global.clock->date_or_today("--as-of", options.as_of); });
  if (!assessed.ok()) return report_error(app::describe_error(assessed.error()), 2);
  const core::Assessment& assessment = assessed.value();
  if (options.format == "json") {
    std::fputs(render::assessment_json(assessment, load.kb).c_str(), stdout);
  } else {
    const bool colour =
        options.colour == "always" || (options.colour == "auto" && isatty(fileno(stdout)));
    std::fputs(render::text_report(assessment, load.kb, colour).c_str(), stdout);
  }
  return 0;
}

}  // namespace

void register_assess_commands(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<AssessOptions>();
  auto* assess = app.add_subcommand(
      "assess",
      "Assess a profile (YAML or JSON): is magnesium safe for this person, which form, how much,\n"
      "when around their other medicines, and what to check first. Every statement is cited.\n\n"
      "Examples:\n"
      "  willis assess examples/typical.yaml                 # readable report\n"
      "  willis assess examples/typical.yaml --format json   # the willis.assessment/1 contract\n"
      "  cat profile.json | willis assess -                  # profile on standard input\n"
      "  willis assess examples/patient-bundle.json --as-of 2026-11-22  # FHIR R4 Bundle, resource "
      "or NDJSON\n\n"
      "Profiles (docs/contract.md): labs are numbers or {value: N, date: YYYY-MM-DD}; an old eGFR "
      "or\n"
      "serum magnesium does not count at 65+ or with kidney disease. `prescribed: true` marks "
      "magnesium a\n"
      "clinician prescribed (no supplement limit, no plan). Amounts take mg, g, mcg, mmol, mEq, "
      "ml,\n"
      "tablets, sachets... Anything willis cannot check (an unknown medicine or condition, a "
      "medicine\n"
      "without times, an amount it cannot count) withholds the dose times and says what is "
      "missing.\n\n"
      "Exit codes: 0 assessed; 2 the profile (or the knowledge base) could not be read — the\n"
      "message names the file, line and field, e.g. medicines[1].times[0].");
  assess
      ->add_option("profile", options->profile_path,
                   "Profile file (YAML or JSON) or FHIR R4 JSON (Bundle, resource, NDJSON), or - "
                   "for standard input")
      ->required();
  assess->add_option("--format", options->format, "text (default) or json (the contract)")
      ->check(CLI::IsMember({"text", "json"}));
  assess
      ->add_option("--colour,--color", options->colour,
                   "auto (default: only on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  assess->add_option("--as-of", options->as_of,
                     "The assessment date, YYYY-MM-DD (default: today): FHIR ages and the age of "
                     "dated labs are judged at it");
  assess->callback([&global, options] { global.exit_code = run_assess(global, *options); });
}

}  // namespace willis::cli
