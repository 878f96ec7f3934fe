// src/cli/command_table.cc: the whole command table, and when `willis assess` may skip it.
#include <CLI/CLI.hpp>

#include <cstring>

#include "cli/commands.h"

namespace willis::cli {

namespace {

// Words that make CLI11 look beyond `assess` (another top-level command: it tries them as a
// sibling; help flags). command_table_test checks this list against the registered table.
constexpr const char* kBeyondAssess[] = {"kb",     "diary",   "trial",      "serve",
                                         "claims", "sources", "conflicts",  "ask",
                                         "foods",  "audit",   "completion", "assess"};

bool asks_for_help(const char* word) {
  return std::strncmp(word, "-h", 2) == 0 || std::strncmp(word, "--h", 3) == 0;
}

}  // namespace

void register_commands(CLI::App& app, GlobalOptions& options) {
  register_assess_commands(app, options);
  register_kb_commands(app, options);
  register_diary_commands(app, options);
  register_trial_commands(app, options);
  register_serve_commands(app, options);
  register_evidence_commands(app, options);
  register_audit_commands(app, options);
  register_completion_commands(app, options);  // hidden; last, so it sees every command
}

bool assess_alone(int argc, const char* const* argv) {
  if (argc < 2 || std::strcmp(argv[1], "assess") != 0) return false;
  for (int idx = 2; idx < argc; ++idx) {
    if (asks_for_help(argv[idx])) return false;
    for (const char* word : kBeyondAssess)
      if (std::strcmp(argv[idx], word) == 0) return false;
  }
  return true;
}

}  // namespace willis::cli
