// src/cli/audit_main.cc: willis-audit, the program behind `willis audit` (the population audit),
// which `willis audit` starts with its own arguments. The same command table as `willis audit`
// (src/cli/audit_commands.cc), with the actions that run the audit. Its own program so that
// `willis` needs neither zlib nor the audit and can be linked statically (issue 17).
#include <CLI/CLI.hpp>

#include "app/audit_run.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace willis;
  using namespace willis::cli;
  CLI::App app{
      "willis-audit: the population audit behind `willis audit`, which starts it with its own "
      "arguments.",
      "willis"};
  GlobalOptions global;
  prepare_command_line(app, global, argc, argv);
  add_audit_commands(
      app, global,
      {[](const GlobalOptions& options, const app::AuditRequest& request) {
         return app::run_audit(request, options.kb_dir, *options.clock, report_error);
       },
       [](const GlobalOptions& options, const std::vector<std::string>& summaries,
          const std::string& format) {
         return app::merge_audit_summaries(summaries, format, options.kb_dir, report_error);
       }});
  return parse_and_run(app, argc, argv, global.exit_code);
}
