// Placeholder until its issue lands: registers nothing.
#include "cli/commands.h"

namespace willis::cli {
void register_audit_commands(CLI::App&, GlobalOptions&) {}
}  // namespace willis::cli
