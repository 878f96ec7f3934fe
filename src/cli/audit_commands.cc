// src/cli/audit_commands.cc: `willis audit` — the population audit (docs/audit.md). The option
// table only: src/app/audit_run.h opens the outputs, runs the audit and writes the summaries. In
// `willis` the commands start the sibling program willis-audit (src/cli/audit_main.cc), which
// registers the same table with the actions that run: zlib and the audit stay out of `willis`.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "app/audit_run.h"
#include "cli/commands.h"

namespace willis::cli {

namespace {

const char* const kAuditHelp =
    "Population audit over a FHIR Bulk Data export ($export NDJSON, plain or .gz): patients "
    "with\n"
    "hazardous magnesium-related prescribing or missing monitoring, PINCER-style "
    "(docs/audit.md).\n"
    "Each indicator's definition, thresholds and sources are in kb/indicators.yaml.\n\n"
    "Examples:\n"
    "  willis audit export/ --as-of 2026-11-22 --out flagged.ndjson --summary summary.html\n"
    "  willis audit export/ --format json --threads 8 > summary.json\n"
    "  willis audit Patient.ndjson.gz MedicationRequest.ndjson.gz --errors bad-lines.txt "
    "--max-errors 100\n"
    "  willis audit --codelists > codelists.csv          # the code lists as CSV: "
    "list,system,code\n"
    "  cat patients.jsonl | willis audit --grouped --as-of 2026-11-22   # one patient per line "
    "(Spark, Hadoop)\n\n"
    "Outputs: the summary on stdout (--format text or json); flagged (patient, indicator) lines "
    "with\n"
    "their evidence in --out; bad lines as FILE:LINE: reason in --errors (default: OUT.errors, "
    "or the\n"
    "first 20 on stderr). A progress bar is drawn on stderr when it is a terminal.\n\n"
    "Exit codes: 0 done (bad lines are counted, not fatal); 2 an option, the knowledge base or "
    "a\n"
    "file could not be used (the message says which); 3 stopped by --max-errors.";

/// The options of `willis audit`, into `options`.
void add_audit_options(CLI::App* audit, app::AuditRequest& options) {
  audit->add_option("paths", options.paths,
                    "Folders (their *.ndjson and *.ndjson.gz) or files, read in sorted order");
  audit->add_option("--as-of", options.as_of,
                    "The audit date D, YYYY-MM-DD (default: today); later dates are ignored");
  audit->add_option("--out", options.out,
                    "Write flagged (patient, indicator) lines with evidence here (NDJSON)");
  audit->add_option("--summary", options.summary,
                    "Write the summary as a printable HTML page here");
  audit->add_option("--format", options.format, "Summary on stdout: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  audit->add_option("--threads", options.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  audit->add_option("--errors", options.errors,
                    "Write bad lines here as FILE:LINE: reason (default: OUT.errors)");
  audit
      ->add_option("--max-errors", options.max_errors,
                   "Stop (exit 3) when more than N lines are bad (default: never)")
      ->check(CLI::NonNegativeNumber);
  audit->add_flag("--codelists", options.codelists,
                  "Print the code lists as CSV (list,system,code) and exit");
  audit->add_flag(
      "--grouped", options.grouped,
      "Read stdin: one patient per line (a JSON array of resources or a Bundle); write that line's "
      "flagged lines on stdout");
  audit->add_flag("--no-progress", options.progress_off, "Never draw the progress bar");
  audit->add_option("--summary-json", options.summary_json,
                    "Also write the summary as JSON here (with --grouped: this part's summary, for "
                    "`audit merge`)");
  audit->add_option(
      "--text-lists", options.text_lists,
      "Write the medicine texts this run identified by name, as CSV text,list (docs/audit.md)");
  audit
      ->add_option("--max-line-bytes", options.max_line_bytes,
                   "A longer line is a bad line, skipped with bounded memory (default: 64 MiB)")
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 34));
}

/// `willis audit merge SUMMARY...`. Returns the subcommand (its callback runs the merge).
CLI::App* add_merge_command(CLI::App* audit, GlobalOptions& global, const AuditActions& actions) {
  auto merge_paths = std::make_shared<std::vector<std::string>>();
  auto merge_format = std::make_shared<std::string>("json");
  auto* merge =
      audit->add_subcommand("merge",
                            "Add up partial summaries (willis audit --grouped --summary-json, one "
                            "per part of the patients) into the\n"
                            "summary of the whole audit: exact sums; the audit date, knowledge "
                            "base and indicators must be equal.\n\n"
                            "Example:\n  willis audit merge summary-*.json > summary.json");
  merge->add_option("summaries", *merge_paths, "Partial summaries (JSON)")->required();
  merge->add_option("--format", *merge_format, "json (default) or text")
      ->check(CLI::IsMember({"text", "json"}));
  merge->callback([&global, merge_paths, merge_format, merge_action = actions.merge] {
    global.exit_code = merge_action(global, *merge_paths, *merge_format);
  });
  return merge;
}

}  // namespace

void add_audit_commands(CLI::App& app, GlobalOptions& global, const AuditActions& actions) {
  auto options = std::make_shared<app::AuditRequest>();
  auto* audit = app.add_subcommand("audit", kAuditHelp);
  add_audit_options(audit, *options);
  auto* merge = add_merge_command(audit, global, actions);
  // Hidden: tests prove that results do not depend on it.
  audit->add_option("--chunk-size", options->chunk_size, "Bytes read at a time")
      ->group("")
      ->check(CLI::Range(64, 1 << 30));
  audit->callback([&global, options, merge, audit_action = actions.audit] {
    if (merge->parsed()) return;
    if (options->grouped && !options->paths.empty()) {
      global.exit_code = report_error("--grouped reads standard input: give no PATH");
      return;
    }
    global.exit_code = audit_action(global, *options);
  });
}

void register_audit_commands(CLI::App& app, GlobalOptions& global) {
  const auto run_sibling = [](const GlobalOptions& options) {
    return exec_sibling_program(options, "willis-audit", "willis audit");
  };
  add_audit_commands(app, global,
                     {[run_sibling](const GlobalOptions& options, const app::AuditRequest&) {
                        return run_sibling(options);
                      },
                      [run_sibling](const GlobalOptions& options, const std::vector<std::string>&,
                                    const std::string&) { return run_sibling(options); }});
}

}  // namespace willis::cli
