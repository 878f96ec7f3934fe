// src/render/html_diary.h: the Diary page (today's entry in under a minute on a phone, the
// history table, a chart) and the Trial page (plan, progress, result with its chart). Every
// number comes from core (diary_entry, trial); this only lays it out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "render/html.h"
#include "core/diary_entry.h"
#include "core/trial.h"

namespace willis::render::html {

/// The side-effect kinds the form asks about, with their words.
struct SideEffectChoice {
  core::SideEffectKind kind;
  const char* field;  ///< form field "se.<kind>"
  const char* label;
};
extern const std::vector<SideEffectChoice> kSideEffectChoices;

/// A stored entry as form fields (field names as core::kEntryFields; side effects as
/// "se.none" / "se.<kind>" = severity).
FormData diary_form_data(const core::DiaryEntry& entry);

struct DiaryView {
  std::vector<FieldError> errors;
  std::string csrf;
  std::string notice;
  std::string today;  ///< YYYY-MM-DD: the date field's default and maximum
};

/// RLS severity and sleep efficiency by date, for a diary without a trial plan: the last
/// `max_days` days up to the latest entry. Self-contained SVG, every text escaped.
std::string diary_chart_svg(const std::vector<core::DiaryEntry>& entries, int max_days = 60);

/// The Diary page body. `chart_svg` is the trial chart when a trial is planned, else
/// diary_chart_svg; empty when there are no entries.
std::string diary_page(const FormData& form, const std::vector<core::DiaryEntry>& entries,
                       const std::string& chart_svg, const DiaryView& view);

/// The trial's result as HTML (verdict, the comparison, secondary outcomes, side effects,
/// notes). Also used by the report.
std::string trial_result_html(const core::TrialPlan& plan, const core::TrialResult& result);

/// The result in a few lines for the GP report: verdict, one row per outcome, side effects.
std::string trial_summary_html(const core::TrialPlan& plan, const core::TrialResult& result);

struct TrialView {
  std::vector<FieldError> errors;
  std::string csrf;
  std::string notice;
};

/// The Trial page body: with no plan, a form to plan one; otherwise the plan, progress,
/// result and chart, and a form to replace the plan.
std::string trial_page(const std::optional<core::TrialPlan>& plan,
                       const std::optional<core::TrialStatus>& status,
                       const std::optional<core::TrialResult>& result, const std::string& chart_svg,
                       const FormData& form, const TrialView& view);

}  // namespace willis::render::html
