// src/render/html_assessment.h: core::Assessment -> HTML (verdict banner, finding cards by
// severity with expandable citations, the magnesium summary and plan). Decides nothing: every
// word and number comes from the assessment and the KB's sources.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "render/html.h"
#include "core/assessment.h"
#include "core/kb.h"

namespace willis::render::html {

/// Citation numbers: each source id gets [n] in the order the assessment first cites it.
class Citations {
 public:
  explicit Citations(const core::Assessment& assessment);
  int number(const std::string& source_id) const;  ///< 0 when not cited
  /// "[1][3]" as superscript links to #ref-n (`prefix` keeps ids unique per page section).
  std::string marks(const std::vector<std::string>& ids, std::string_view prefix = "ref") const;
  const std::vector<std::string>& ids() const { return order_; }

 private:
  std::vector<std::string> order_;
  std::map<std::string, int> numbers_;
};

/// "Urgent", "Avoid", "Caution", "For information".
const char* severity_label(core::Severity severity);

/// One source as a full citation: title, publisher, year, DOI, PMID and a link.
std::string citation_html(const core::Source& source);

/// The numbered reference list (ol with id="ref-n" items).
std::string references_html(const Citations& citations, const core::Kb& kb,
                            std::string_view prefix = "ref");

/// The verdict: urgent and avoid as an unmistakable alert listing whom to see; otherwise a
/// one-line summary.
std::string verdict_html(const core::Assessment& assessment);

/// The findings as cards grouped by severity, most severe first; each card's sources expand
/// to full citations.
std::string findings_html(const core::Assessment& assessment, const core::Kb& kb);

/// Magnesium from supplements and medicines, limits, and the plan (or why there is none).
std::string magnesium_html(const core::Assessment& assessment, const Citations& citations);

/// The timetable's problems as <li> items: what is unresolved, then each medicine without times.
/// `add_times` (trusted HTML) says where to add them.
std::string schedule_problem_items(const core::Schedule& schedule, std::string_view add_times);

/// The whole Assessment page body.
std::string assessment_page(const core::Assessment& assessment, const core::Kb& kb);

}  // namespace willis::render::html
