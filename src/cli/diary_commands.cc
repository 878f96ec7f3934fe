// Placeholder until the diary issue lands: registers nothing.
#include "cli/commands.h"

namespace willis::cli {
void register_diary_commands(CLI::App&, GlobalOptions&) {}
void register_trial_commands(CLI::App&, GlobalOptions&) {}
}  // namespace willis::cli
