// src/app/audit_run.h: the composition of `willis audit` (docs/audit.md): loads the KB and the code
// lists, opens the outputs, runs src/audit over the export (or --grouped stdin) and writes the
// summaries; and `willis audit merge`. The CLI only parses the options into an AuditRequest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/clock.h"
#include "audit/audit.h"

namespace willis::app {

/// What `willis audit` was asked to do, as the command line gave it.
struct AuditRequest {
  std::vector<std::string> paths;
  std::string as_of, out, summary, format = "text", errors, summary_json, text_lists;
  std::size_t max_line_bytes = audit::kDefaultMaxLineBytes;
  unsigned threads = 0;
  std::int64_t max_errors = -1;
  std::size_t chunk_size = std::size_t{8} << 20;
  bool codelists = false, grouped = false, progress_off = false;
};

/// How the face reports a failure: prints `message` and returns `exit_code`.
using ReportError = std::function<int(const std::string& message, int exit_code)>;

/// Runs `willis audit`; returns the exit code (0 done, 2 unusable input, 3 stopped by
/// --max-errors). `kb_dir`: --kb (empty: the built-in KB); `clock`: today for --as-of.
int run_audit(const AuditRequest& request, const std::string& kb_dir, const Clock& clock,
              const ReportError& report_error);

/// `willis audit merge`: adds up the partial summaries in `paths` (docs/audit.md "Beyond one
/// machine") and prints the whole as `format` (json or text). The audit date, the knowledge base
/// and every indicator's id, title and sources must be equal in all of them and in this willis.
int merge_audit_summaries(const std::vector<std::string>& paths, const std::string& format,
                          const std::string& kb_dir, const ReportError& report_error);

}  // namespace willis::app
