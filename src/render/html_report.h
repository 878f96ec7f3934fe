// src/render/html_report.h: the one-page report for a GP or pharmacist: profile summary,
// findings, plan, timetable, trial result and numbered citations. Print CSS (A4 / Letter)
// lives in web/; this renders the content and decides nothing.
#pragma once

#include <optional>
#include <string>

#include "core/assessment.h"
#include "core/kb.h"
#include "core/profile.h"
#include "core/trial.h"

namespace willis::render::html {

struct ReportInput {
  const core::Assessment* assessment = nullptr;  ///< null when no profile was saved yet
  const core::Profile* profile = nullptr;
  const core::Kb* kb = nullptr;
  std::string generated;  ///< YYYY-MM-DD
  std::optional<core::TrialPlan> plan;
  std::optional<core::TrialResult> result;
  std::string chart_svg;     ///< the trial chart, or ""
  std::string paper = "a4";  ///< "a4" or "letter" (which print CSS is linked)
};

/// A profile as a short description list (what the clinician needs to read the findings).
std::string profile_summary_html(const core::Profile& profile);

/// The Report page body.
std::string report_page(const ReportInput& input);

}  // namespace willis::render::html
