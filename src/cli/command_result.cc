// src/cli/command_result.cc: runs the parsed command line and prints what a use case of src/app
// handed back.
#include "app/command_result.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>

#include "cli/commands.h"

namespace willis::cli {

app::CommandContext command_context(const GlobalOptions& global) {
  return {global.kb_dir, global.db_path, global.clock};
}

int print_result(const app::CommandResult& result) {
  for (const auto& message : result.messages)
    if (message.is_error)
      report_error(message.text, result.exit_code);
    else
      std::fputs(message.text.c_str(), stderr);
  if (!result.out.empty()) {
    std::fwrite(result.out.data(), 1, result.out.size(), stdout);
    std::fflush(stdout);
  }
  return result.exit_code;
}

void on_run(CLI::App* command, GlobalOptions& global,
            std::function<app::CommandResult(const app::CommandContext&)> action) {
  command->callback([&global, action = std::move(action)] {
    global.exit_code = print_result(action(command_context(global)));
  });
}

namespace {

/// `word` is not an option and names no command of `app` ("willis frobnicate").
bool is_unknown_command(CLI::App& app, const char* word) {
  if (word[0] == '-') return false;
  const auto commands = app.get_subcommands([](const CLI::App*) { return true; });
  return std::none_of(commands.begin(), commands.end(),
                      [&](const CLI::App* command) { return command->check_name(word); });
}

}  // namespace

int parse_and_run(CLI::App& app, int argc, char** argv, const int& exit_code) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 would say only that a command is required.
    if (dynamic_cast<const CLI::RequiredError*>(&error) && argc > 1 &&
        is_unknown_command(app, argv[1]))
      return report_error(std::string("\"") + argv[1] + "\" is not a command of " + app.get_name() +
                          "; " + app.get_name() + " --help lists them");
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace willis::cli
