// src/render/audit_report.h: the population audit's outputs as text (docs/audit.md "Output"):
// the summary as JSON, text and a self-contained HTML page with an SVG bar chart, the text table,
// and one flagged (patient, indicator) NDJSON line. Pure: no files, no clock.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/audit.h"
#include "core/kb.h"

namespace willis::render {

/// `{"as_of", "kb_version", "patients", "resources", "errors", "skipped_resources",
/// "orphan_resources", "unrecognised_medicines", "indicators": [{"id", "title", "denominator",
/// "numerator", "sources"}]}`, indicators in docs/audit.md order.
std::string audit_summary_json(const core::audit::Summary& summary, const core::Kb& kb);

/// A summary read back from audit_summary_json's output (for `willis audit merge`): the counts,
/// and in `ids`/`titles`/`sources`/`kb_version` what must be equal for two summaries to add up.
struct ParsedAuditSummary {
  core::audit::Summary summary;
  std::string kb_version;
  std::vector<std::string> ids, titles;
  std::vector<std::vector<std::string>> sources;
};
/// Errors (a message): not JSON, a missing or non-integer count, an unknown key shape.
std::optional<ParsedAuditSummary> parse_audit_summary_json(std::string_view json,
                                                           std::string& error);

/// The same for a terminal: one row per indicator with numerator/denominator and percent.
std::string audit_summary_text(const core::audit::Summary& summary, const core::Kb& kb);

/// A printable, self-contained HTML page (no script, no external resources): the counts, a
/// table of the indicators with their definitions and sources, and an SVG bar chart.
std::string audit_summary_html(const core::audit::Summary& summary, const core::Kb& kb);

/// RunResult::texts of src/audit as CSV `text,list` (docs/audit.md "Text table"): one row per
/// (text, list), and a row with an empty list for a text that is known and in no list. Texts are
/// always quoted (csv_quoted) and never formula-quoted: DuckDB joins on them as written.
std::string audit_text_lists_csv(
    const std::vector<std::pair<std::string, core::audit::ListMask>>& texts);

/// One line of flagged.ndjson, newline included:
/// `{"patient": ID, "indicator": ID, "evidence": [{"resource", "date", "code", …}]}`.
std::string audit_flagged_line(std::string_view patient, std::string_view indicator,
                               const std::vector<const core::audit::EvidenceItem*>& evidence);

}  // namespace willis::render
