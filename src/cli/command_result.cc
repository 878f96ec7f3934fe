// src/cli/command_result.cc: prints what a use case of src/app handed back.
#include "app/command_result.h"

#include <CLI/CLI.hpp>

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

}  // namespace willis::cli
