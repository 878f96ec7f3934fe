// src/app/command_result.h: what a use case hands back to a face (the CLI prints it): the text
// for standard output, the messages for standard error in order, and the exit status.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/clock.h"

namespace willis::app {

/// Where a command reads from: --kb, --db and the one clock.
struct CommandContext {
  std::string kb_dir;   ///< empty = the embedded knowledge base
  std::string db_path;  ///< empty = the platform's user data folder
  const Clock* clock = &Clock::system();
};

struct CommandResult {
  /// One line for standard error: an error (the face adds "willis: error: ") or a plain line.
  struct Message {
    bool is_error = true;
    std::string text;
  };
  std::string out;  ///< standard output, byte for byte
  std::vector<Message> messages;
  int exit_code = 0;

  /// Records an error and the exit status (`return result.error("…");` ends a use case).
  CommandResult& error(std::string text, int code = 2) {
    messages.push_back({true, std::move(text)});
    exit_code = code;
    return *this;
  }
  /// A plain line for standard error (e.g. "willis: nothing was imported\n").
  void note(std::string line) { messages.push_back({false, std::move(line)}); }
};

}  // namespace willis::app
