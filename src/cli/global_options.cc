// src/cli/global_options.cc: the options every command sees, shared by willis and willis-serve.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace willis::cli {

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("--kb", options.kb_dir,
                 "Load the knowledge base from this folder instead of the one built in")
      ->check(CLI::ExistingDirectory);
  app.add_option("--db", options.db_path,
                 "Diary file (default: $XDG_DATA_HOME/willis/diary.sqlite3, else "
                 "~/.local/share/willis/diary.sqlite3)");
}

void prepare_command_line(CLI::App& app, GlobalOptions& options, int argc, char** argv) {
  app.fallthrough();
  app.require_subcommand(1);
  options.argc = argc;
  options.argv = argv;
  add_global_options(app, options);
}

}  // namespace willis::cli
