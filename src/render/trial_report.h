// src/render/trial_report.h: text and JSON renderings of the diary list, trial status and trial
// result. Renderers decide nothing: every number and note comes from core::evaluate_trial /
// core::trial_status.
#pragma once

#include <string>
#include <vector>

#include "core/diary_entry.h"
#include "core/trial.h"

namespace willis::render {

/// A fixed-width table of entries with the derived TIB, TST and SE.
std::string entries_text(const std::vector<core::DiaryEntry>& entries);

std::string trial_status_text(const core::TrialPlan& plan, const core::TrialStatus& status);
std::string trial_status_json(const core::TrialPlan& plan, const core::TrialStatus& status);

std::string trial_result_text(const core::TrialPlan& plan, const core::TrialResult& result);
/// The shape issue 3 fixes: verdict, design, primary{outcome, baseline_mean, treatment_mean,
/// difference, ci95, baseline_days, treatment_days, …}, secondary[…], side_effects{…}, notes[…].
std::string trial_result_json(const core::TrialPlan& plan, const core::TrialResult& result);

}  // namespace willis::render
