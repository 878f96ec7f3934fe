// src/render/trial_chart.h: the personal-trial chart as a self-contained SVG (no script, no
// external resources), made by willis itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/trial.h"

namespace willis::render {

/// Top panel: daily RLS severity (0-10) as dots, its 7-day rolling mean as a line, the trial
/// phases shaded and the analysed windows marked. Bottom panel: nightly sleep efficiency (%).
/// Every text node and attribute value goes through html::escape (codec/html.h).
///
///     const auto svg = trial_chart_svg(plan, entries, evaluate_trial(plan, entries, today));
std::string trial_chart_svg(const core::TrialPlan& plan,
                            const std::vector<core::DiaryEntry>& entries,
                            const core::TrialResult& result);

/// Trailing 7-day mean for each day of [first, first + days): the mean of the values logged on
/// that day and the 6 before it, or nullopt when fewer than 4 of those 7 days have a value.
std::vector<std::optional<double>> rolling_mean_7(const std::vector<std::optional<double>>& daily);

}  // namespace willis::render
