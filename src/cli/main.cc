// src/cli/main.cc: the willis command line. Commands live in the command table (commands.h).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"
#include "core/assessment.h"
#include "willis_version.h"

namespace {

/// "willis X.Y.Z, knowledge base K, contract C": the three versions a bug report needs.
std::string version_line() {
  return std::string("willis ") + willis::kVersion + ", knowledge base " + willis::kKbVersion +
         ", contract " + willis::core::Assessment{}.schema;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace willis::cli;
  // `willis --version` alone: answered before the command table is built (building it is most of
  // this command's own work; issue 17). Same output as CLI11's --version flag below.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("%s\n", version_line().c_str());
    return 0;
  }
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
  app.set_version_flag("--version", version_line);
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
