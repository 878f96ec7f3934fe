// src/cli/assess_commands.cc: the command table of `willis assess PROFILE`; the use case is
// app/assess_actions.h.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>

#include "app/assess_actions.h"
#include "cli/commands.h"

namespace willis::cli {

namespace {

struct AssessOptions {
  app::AssessRequest request;
  std::string colour = "auto";
};

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
      ->add_option("profile", options->request.profile_path,
                   "Profile file (YAML or JSON) or FHIR R4 JSON (Bundle, resource, NDJSON), or - "
                   "for standard input")
      ->required();
  assess->add_option("--format", options->request.format, "text (default) or json (the contract)")
      ->check(CLI::IsMember({"text", "json"}));
  assess
      ->add_option("--colour,--color", options->colour,
                   "auto (default: only on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  assess->add_option("--as-of", options->request.as_of,
                     "The assessment date, YYYY-MM-DD (default: today): FHIR ages and the age of "
                     "dated labs are judged at it");
  on_run(assess, global, [options](const app::CommandContext& context) {
    auto request = options->request;
    request.colour =
        options->colour == "always" || (options->colour == "auto" && isatty(fileno(stdout)));
    return app::assess_profile(context, request);
  });
}

}  // namespace willis::cli
