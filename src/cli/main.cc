// src/cli/main.cc: the willis command line. Commands live in the command table (commands.h).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "core/assessment.h"
#include "willis_version.h"

int main(int argc, char** argv) {
  using namespace willis::cli;
  CLI::App app{
      "willis: evidence-graded decision support for magnesium in restless legs syndrome\n"
      "(Willis-Ekbom disease) and sleep. Every statement cites its source.\n"
      "This is information, not a diagnosis: discuss any change with your GP or pharmacist.\n\n"
      "Examples:\n"
      "  willis assess examples/typical.yaml\n"
      "  willis assess examples/typical.yaml --format json\n"
      "  willis kb check\n"
      "  willis kb show interaction:ciprofloxacin\n",
      "willis"};
  // "willis X.Y.Z, knowledge base K, contract C": the three versions a bug report needs.
  app.set_version_flag("--version", [] {
    return std::string("willis ") + willis::kVersion + ", knowledge base " + willis::kKbVersion + ", contract " +
           willis::core::Assessment{}.schema;
  });
  app.fallthrough();
  app.require_subcommand(1);
  GlobalOptions options;
  options.argc = argc;
  options.argv = argv;
  add_global_options(app, options);

  register_assess_commands(app, options);
  register_kb_commands(app, options);
  register_diary_commands(app, options);
  register_trial_commands(app, options);
  register_serve_commands(app, options);
  register_evidence_commands(app, options);
  register_audit_commands(app, options);
  register_completion_commands(app, options);  // hidden; last, so it sees every command

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return options.exit_code;
}
