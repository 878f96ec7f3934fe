// src/cli/kb_commands.cc: the command table of `willis kb check | report | show`; the use cases
// are in app/kb_actions.h.
#include <CLI/CLI.hpp>

#include <memory>

#include "app/kb_actions.h"
#include "cli/commands.h"

namespace willis::cli {
namespace {

constexpr const char* kKbHelp =
    "Inspect the knowledge base (kb/): check it, show an entry with its sources";

constexpr const char* kCheckHelp =
    "Validate a knowledge base: unknown fields, missing or unknown citations, salt formulas "
    "that\n"
    "do not match their elemental fraction, unknown ids. Prints file:line for every problem.\n\n"
    "Examples:\n  willis kb check\n  willis kb check --kb ./kb";

constexpr const char* kReportHelp =
    "Print the KB's version and counts, every entry marked unverified (sources: P or UNVERIFIED, "
    "where a\n"
    "conservative choice is encoded), and every entry not reviewed in the last 12 months.\n\n"
    "Examples:\n  willis kb report\n  willis kb report --today 2027-12-01   # which entries will "
    "be out of date then";

constexpr const char* kShowHelp =
    "Show one KB entry as written, with the sources it cites.\n\n"
    "Examples:\n  willis kb show interaction:ciprofloxacin\n  willis kb show "
    "medicine:levothyroxine\n"
    "  willis kb show salt:citrate-nonahydrate\n  willis kb show source:l-cipro";

}  // namespace

void register_kb_commands(CLI::App& app, GlobalOptions& global) {
  auto* kb = app.add_subcommand("kb", kKbHelp);
  kb->require_subcommand(1);
  on_run(kb->add_subcommand("check", kCheckHelp), global, app::check_kb);
  auto today = std::make_shared<std::string>();
  auto* report = kb->add_subcommand("report", kReportHelp);
  report->add_option(
      "--today", *today,
      "Date to judge 'out of date' against (YYYY-MM-DD; default: today, local time)");
  on_run(report, global,
         [today](const app::CommandContext& context) { return app::report_kb(context, *today); });
  auto query = std::make_shared<std::string>();
  auto* show = kb->add_subcommand("show", kShowHelp);
  show->add_option("id", *query, "Entry id, e.g. interaction:ciprofloxacin")->required();
  on_run(show, global, [query](const app::CommandContext& context) {
    return app::show_kb_entry(context, *query);
  });
}

}  // namespace willis::cli
