// src/cli/assess_commands.cc: `willis assess PROFILE` — parse, assess, render. Decides nothing
// clinical.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/clock.h"
#include "app/kb_source.h"
#include "cli/commands.h"
#include "render/assessment_json.h"
#include "codec/fhir_profile.h"
#include "codec/profile_codec.h"
#include "render/text_report.h"
#include "core/assess.h"

namespace willis::cli {

namespace {

struct AssessOptions {
  std::string profile_path;
  std::string format = "text";
  std::string colour = "auto";
  std::string as_of;  ///< FHIR input: the date ages are computed at (default: today)
};

// ---- FHIR R4 input (issue 5; docs/fhir.md): a Bundle, a resource or NDJSON, detected from the
// content. The mapping is pure (codec/fhir_profile.h); only "today" comes from the clock, here.
core::Result<core::Assessment> assess_fhir(const core::Kb& kb, const std::string& text,
                                           const std::string& name, const std::string& as_of,
                                           const app::Clock& clock) {
  const auto today = clock.date_or_today("--as-of", as_of);
  if (!today.ok()) return today.error();
  const core::NameIndex names(kb);
  const codec::FhirTerms terms(kb, names);
  auto mapped = codec::parse_fhir_profile(text, name, terms, {today.value(), std::nullopt});
  if (!mapped.ok()) return mapped.error();
  core::Assessment assessment = core::assess(kb, names, mapped.value().profile);
  assessment.notes.insert(assessment.notes.end(), mapped.value().notes.begin(),
                          mapped.value().notes.end());
  return assessment;
}

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
  core::Assessment assessment;
  if (codec::looks_like_fhir(text)) {
    auto fhir = assess_fhir(load.kb, text, name, options.as_of, *global.clock);
    if (!fhir.ok()) return report_error(app::describe_error(fhir.error()), 2);
    assessment = std::move(fhir).value();
  } else {
    auto profile = codec::parse_profile(text, name);
    if (!profile.ok()) return report_error(app::describe_error(profile.error()), 2);
    const auto today = global.clock->date_or_today("--as-of", options.as_of);
    if (!today.ok()) return report_error(app::describe_error(today.error()), 2);
    profile.value().as_of = today.value();  // lab dates are judged against this day
    assessment = core::assess(load.kb, profile.value());
  }
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
