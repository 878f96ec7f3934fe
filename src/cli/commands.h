// src/cli/commands.h: the command table. Each command family registers itself on the CLI11 app.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/clock.h"
#include "app/command_result.h"

namespace CLI {
class App;
}
namespace willis::app {
struct AuditRequest;
}

namespace willis::cli {

/// Options every command can see (given before or after the subcommand).
struct GlobalOptions {
  std::string
      kb_dir;  ///< --kb DIR: load the knowledge base from a folder instead of the embedded one
  std::string db_path;  ///< --db PATH: the diary file; empty = the platform's user data folder
  int exit_code = 0;    ///< set by the command that ran
  const app::Clock* clock = &app::Clock::system();  ///< "now" and "today" (tests inject their own)
  int argc = 0;  ///< the command line as given (`willis serve` hands it to willis-serve)
  char** argv = nullptr;
};

/// Adds --kb and --db (shared by `willis` and `willis-serve`).
void add_global_options(CLI::App& app, GlobalOptions& options);

/// What every program's command line starts with (willis, willis-serve, willis-audit): one
/// subcommand required, options allowed before or after it, the global options, and the command
/// line as given (for a sibling program to receive).
void prepare_command_line(CLI::App& app, GlobalOptions& options, int argc, char** argv);

void register_assess_commands(CLI::App& app, GlobalOptions& options);
void register_kb_commands(CLI::App& app, GlobalOptions& options);
void register_diary_commands(CLI::App& app, GlobalOptions& options);
void register_trial_commands(CLI::App& app, GlobalOptions& options);
void register_serve_commands(CLI::App& app,
                             GlobalOptions& options);  ///< willis serve (web app, API, CDS Hooks)
void register_evidence_commands(
    CLI::App& app, GlobalOptions& options);  ///< claims, sources, conflicts, ask, foods
void register_audit_commands(CLI::App& app,
                             GlobalOptions& options);  ///< willis audit (population search)
/// What `willis audit` and `willis audit merge` do once parsed: in `willis`, start willis-audit; in
/// willis-audit, run (src/cli/audit_main.cc).
struct AuditActions {
  std::function<int(const GlobalOptions&, const app::AuditRequest&)> audit;
  std::function<int(const GlobalOptions&, const std::vector<std::string>& summaries,
                    const std::string& format)>
      merge;
};
/// The `audit` command and its `merge` subcommand: options, help, checks; then `actions`.
void add_audit_commands(CLI::App& app, GlobalOptions& options, const AuditActions& actions);
void register_completion_commands(CLI::App& app,
                                  GlobalOptions& options);  ///< hidden: shell completion scripts

/// Every command family above, completion last (it lists the others).
void register_commands(CLI::App& app, GlobalOptions& options);

/// True for `willis assess ...` when no later word could reach another command or a help text:
/// then the table of `assess` alone parses it the same (issue 17: the full table costs ~1 M
/// instructions of start-up). Help, errors and completion otherwise come from the full table.
bool assess_alone(int argc, const char* const* argv);

/// --kb, --db and the clock, for the use cases in src/app.
app::CommandContext command_context(const GlobalOptions& global);

/// When `command` runs: calls `action` (a use case of src/app) and prints its result
/// (print_result), which sets the exit code.
void on_run(CLI::App* command, GlobalOptions& global,
            std::function<app::CommandResult(const app::CommandContext&)> action);

/// Prints a use case's messages on stderr (errors through report_error) and then its output on
/// stdout; returns its exit status.
int print_result(const app::CommandResult& result);

/// Parses the command line and runs the command it names; returns `exit_code` as the command left
/// it, or CLI11's own outcome (--help and --version: 0, a usage error: 2, after its message).
int parse_and_run(CLI::App& app, int argc, char** argv, const int& exit_code);

/// Replaces this process with the sibling program `name` (willis-serve, willis-audit) and the same
/// arguments, found beside this program or in ../libexec/willis/; returns only on failure, after
/// an error that names `needed_by` and where the program was looked for.
int exec_sibling_program(const GlobalOptions& global, const std::string& name,
                         const std::string& needed_by);

/// Prints "willis: error: <message>" on stderr (colour only on a TTY) and returns `exit_code`.
int report_error(const std::string& message, int exit_code = 2);

}  // namespace willis::cli
