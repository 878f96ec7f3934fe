#include <algorithm>
#include <array>

#include "core/trial_detail.h"

namespace willis::core {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::improved:
      return "improved";
    case Verdict::no_clear_change:
      return "no-clear-change";
    case Verdict::worse:
      return "worse";
    case Verdict::insufficient_data:
      return "insufficient-data";
  }
  return "insufficient-data";
}

namespace {

using trial_detail::DayIndex;
using trial_detail::mean;
using trial_detail::plural;

using Extract = std::optional<Observation> (*)(const DiaryEntry&);

std::optional<Observation> whole(const std::optional<int>& value) {
  if (!value) return std::nullopt;
  return Observation{static_cast<double>(*value), 1};
}
std::optional<Observation> extract_rls(const DiaryEntry& entry) {
  return whole(entry.rls);
}
std::optional<Observation> extract_sol(const DiaryEntry& entry) {
  return whole(entry.sol_min);
}
std::optional<Observation> extract_quality(const DiaryEntry& entry) {
  return whole(entry.sleep_quality);
}
std::optional<Observation> extract_irls(const DiaryEntry& entry) {
  return whole(entry.irls_total);
}
/// Sleep efficiency as 100 x TST over TIB, so that a phase's summary is 100 x sum TST / sum TIB.
std::optional<Observation> extract_se(const DiaryEntry& entry) {
  const auto tib = time_in_bed_min(entry);
  const auto tst = total_sleep_min(entry);
  if (!tib || !tst || *tib == 0) return std::nullopt;
  return Observation{100.0 * *tst, static_cast<double>(*tib)};
}

Extract extract_for(TrialOutcome outcome) {
  switch (outcome) {
    case TrialOutcome::rls_severity:
      return extract_rls;
    case TrialOutcome::sleep_onset:
      return extract_sol;
    case TrialOutcome::sleep_efficiency:
      return extract_se;
    case TrialOutcome::sleep_quality:
      return extract_quality;
  }
  return extract_rls;
}

struct OutcomeSpec {
  const char* outcome;
  const char* unit;
  bool lower_is_better;
  std::optional<double> threshold;
  const char* threshold_source;
  Extract extract;
};

std::vector<Observation> window_values(const PhaseAnalysis& analysis, const DayIndex& by_day,
                                       Extract extract) {
  std::vector<Observation> values;
  for (int day = analysis.window_start.serial(); day < analysis.window_end.serial(); ++day) {
    const auto found = by_day.find(day);
    if (found == by_day.end()) continue;
    if (const auto value = extract(*found->second)) values.push_back(*value);
  }
  return values;
}

std::vector<double> daily_values(const std::vector<std::vector<Observation>>& group) {
  std::vector<double> values;
  for (const auto& series : group)
    for (const auto& observation : series) values.push_back(observation.value());
  return values;
}

// Tolerance for comparing a difference of means with a threshold: means of whole numbers are
// not exact in binary, and a change of exactly 2.0 points must count as "at least 2".
constexpr double kCompareSlack = 1e-9;

Verdict assess(const OutcomeResult& outcome) {
  const double gain = outcome.lower_is_better ? -*outcome.difference : *outcome.difference;
  const auto& ci = *outcome.ci95;
  const bool excludes_zero_good = outcome.lower_is_better ? ci[1] < 0 : ci[0] > 0;
  const bool excludes_zero_bad = outcome.lower_is_better ? ci[0] > 0 : ci[1] < 0;
  const double needed = outcome.threshold.value_or(0);
  if (gain >= needed - kCompareSlack && excludes_zero_good) return Verdict::improved;
  if (-gain >= needed - kCompareSlack && excludes_zero_bad) return Verdict::worse;
  return Verdict::no_clear_change;
}

OutcomeResult analyse_outcome(const OutcomeSpec& spec, const std::vector<PhaseAnalysis>& phases,
                              const DayIndex& by_day, const TrialOptions& options) {
  OutcomeResult result;
  result.outcome = spec.outcome;
  result.unit = spec.unit;
  result.lower_is_better = spec.lower_is_better;
  result.threshold = spec.threshold;
  result.threshold_source = spec.threshold_source;
  std::vector<std::vector<Observation>> baseline, treatment;
  bool any_baseline = false, any_treatment = false;
  for (const auto& analysis : phases) {
    if (!analysis.analysed) continue;
    auto values = window_values(analysis, by_day, spec.extract);
    const bool magnesium = takes_magnesium(analysis.phase.kind);
    const int logged = static_cast<int>(values.size());
    const int minimum =
        magnesium ? options.rules.min_treatment_logged : options.rules.min_baseline_logged;
    const std::string name = to_string(analysis.phase.kind);
    const std::string span =
        analysis.window_start.str() + " to " + add_days(analysis.window_end, -1).str();
    if (logged < minimum)
      result.reasons.push_back(name + " (" + span + "): " + plural(logged, "day", "days") +
                               " logged; at least " + std::to_string(minimum) + " are needed");
    else if (analysis.days_expected - logged >
             options.rules.max_missing_fraction * analysis.days_expected + kCompareSlack)
      result.reasons.push_back(
          name + " (" + span + "): " + std::to_string(analysis.days_expected - logged) + " of " +
          std::to_string(analysis.days_expected) + " days missing; at most " +
          trial_detail::fixed(options.rules.max_missing_fraction * 100, 0) + " % may be missing");
    (magnesium ? any_treatment : any_baseline) = true;
    (magnesium ? result.treatment_days : result.baseline_days) += logged;
    (magnesium ? treatment : baseline).push_back(std::move(values));
  }
  if (!any_baseline) result.reasons.push_back("no baseline days to compare with yet");
  if (!any_treatment)
    result.reasons.push_back(
        "no magnesium phase with enough days yet: the last 4 weeks of treatment need at least " +
        std::to_string(options.rules.min_treatment_logged) + " logged days");
  if (result.baseline_days > 0) result.baseline_mean = pooled_ratio(baseline);
  if (result.treatment_days > 0) result.treatment_mean = pooled_ratio(treatment);
  if (result.baseline_mean && result.treatment_mean)
    result.difference = *result.treatment_mean - *result.baseline_mean;
  if (!result.reasons.empty()) {
    result.assessment = Verdict::insufficient_data;
    return result;
  }
  result.ci95 = block_bootstrap_ci(baseline, treatment, options.bootstrap);
  // Welch's test compares the daily values (for sleep efficiency, each night's SE).
  result.welch = welch_t_test(daily_values(treatment), daily_values(baseline));
  result.assessment = assess(result);
  return result;
}

/// Weekly IRLS totals: too few values for an interval, so only means and the anchor-based
/// minimal clinically important change are shown.
OutcomeResult analyse_irls(const std::vector<PhaseAnalysis>& phases, const DayIndex& by_day,
                           double minimal_important_change) {
  OutcomeResult result;
  result.outcome = "irls_total";
  result.unit = "points (0-40)";
  result.lower_is_better = true;
  result.threshold = minimal_important_change;
  result.threshold_source =
      "minimal clinically important change of the IRLS total, -9 points, derived in pooled "
      "rotigotine trials in moderate-severe RLS; its transfer to supplements is an assumption (P)";
  std::vector<double> baseline, treatment;
  for (const auto& analysis : phases) {
    if (!analysis.analysed) continue;
    auto& group = takes_magnesium(analysis.phase.kind) ? treatment : baseline;
    for (const auto& observation : window_values(analysis, by_day, extract_irls))
      group.push_back(observation.value());
  }
  result.baseline_days = static_cast<int>(baseline.size());
  result.treatment_days = static_cast<int>(treatment.size());
  if (!baseline.empty()) result.baseline_mean = mean(baseline);
  if (!treatment.empty()) result.treatment_mean = mean(treatment);
  if (baseline.empty() || treatment.empty()) {
    result.reasons.push_back(
        "an IRLS total is needed in the baseline and in the last 4 weeks "
        "of treatment");
    return result;
  }
  result.difference = *result.treatment_mean - *result.baseline_mean;
  if (*result.difference <= -minimal_important_change + kCompareSlack)
    result.assessment = Verdict::improved;
  else if (*result.difference >= minimal_important_change - kCompareSlack)
    result.assessment = Verdict::worse;
  else
    result.assessment = Verdict::no_clear_change;
  return result;
}

SideEffectSummary summarise_side_effects(const std::vector<Phase>& phases, bool magnesium,
                                         const DayIndex& by_day, int today) {
  SideEffectSummary summary;
  std::array<SideEffectCount, 4> counts{};
  for (const auto& phase : phases) {
    if (takes_magnesium(phase.kind) != magnesium) continue;
    for (int day = phase.start.serial(); day < std::min(phase.end.serial(), today + 1); ++day) {
      const auto found = by_day.find(day);
      if (found == by_day.end() || !found->second->side_effects) continue;
      ++summary.days_recorded;
      if (!found->second->side_effects->empty()) ++summary.days_with_any;
      for (const auto& effect : *found->second->side_effects) {
        auto& count = counts[static_cast<std::size_t>(effect.kind)];
        count.kind = effect.kind;
        count.worst = count.days == 0 ? effect.severity : std::max(count.worst, effect.severity);
        ++count.days;
      }
    }
  }
  for (const auto& count : counts)
    if (count.days > 0) summary.kinds.push_back(count);
  return summary;
}

/// The analysed window of each phase: the whole magnesium-free phases, the last 4 weeks of each
/// magnesium phase, up to today.
std::vector<PhaseAnalysis> analyse_phases(const TrialPlan& plan, const std::vector<Phase>& phases,
                                          const DayIndex& by_day, int today_serial,
                                          const TrialRules& rules) {
  std::vector<PhaseAnalysis> analyses;
  for (const auto& phase : phases) {
    PhaseAnalysis analysis;
    analysis.phase = phase;
    const int end = trial_detail::elapsed_end(phase, today_serial, by_day);
    int start = phase.start.serial();
    if (takes_magnesium(phase.kind)) start = std::max(start, end - rules.analysed_treatment_days);
    analysis.window_start = CalendarDate::from_serial(start);
    analysis.window_end = CalendarDate::from_serial(end);
    analysis.days_expected = end - start;
    std::vector<double> rls;
    std::vector<std::vector<Observation>> primary_values(1);
    for (int day = start; day < end; ++day) {
      const auto found = by_day.find(day);
      if (found == by_day.end()) continue;
      if (found->second->rls) rls.push_back(*found->second->rls);
      if (const auto value = extract_for(plan.primary)(*found->second))
        primary_values[0].push_back(*value);
    }
    analysis.days_logged = static_cast<int>(primary_values[0].size());
    if (!rls.empty()) analysis.rls_mean = mean(rls);
    if (!primary_values[0].empty()) analysis.primary_mean = pooled_ratio(primary_values);
    const bool running = today_serial < phase.end.serial();
    const int minimum =
        takes_magnesium(phase.kind) ? rules.min_treatment_logged : rules.min_baseline_logged;
    // A phase that has not started is left out; one still running is left out until it has
    // enough days to use, so an ABAB trial gives an interim answer after its first two phases.
    analysis.analysed = analysis.days_expected > 0 && !(running && analysis.days_logged < minimum);
    analyses.push_back(analysis);
  }
  return analyses;
}

/// Judges every outcome on the analysed windows: the plan's primary one, the others (and the
/// IRLS total when any entry has one) as secondary.
void judge_outcomes(const TrialPlan& plan, const std::vector<DiaryEntry>& entries,
                    const DayIndex& by_day, const TrialOptions& options, TrialResult& result) {
  const TrialRules& rules = options.rules;
  const OutcomeSpec specs[] = {
      {"rls_severity", "points (0-10)", true, rules.rls_improvement_points,
       "willis default: a minimal important change for 0-10 RLS ratings is not established",
       extract_rls},
      {"sleep_efficiency", "%", false, rules.meaningful_sleep_efficiency_pct,
       "clinical-significance threshold of the AASM review of behavioural insomnia treatments "
       "(J Clin Sleep Med 2021), 10 % (P)",
       extract_se},
      {"sleep_onset_latency", "min", true, rules.meaningful_sleep_onset_min,
       "clinical-significance threshold of the AASM review of behavioural insomnia treatments "
       "(J Clin Sleep Med 2021), 20 min (P)",
       extract_sol},
      {"sleep_quality", "points (1-5)", false, std::nullopt,
       "no established threshold: the interval alone decides", extract_quality},
  };
  const std::string primary_id = outcome_id(plan.primary);
  for (const auto& spec : specs) {
    if (spec.outcome == primary_id)
      result.primary = analyse_outcome(spec, result.phases, by_day, options);
    else
      result.secondary.push_back(analyse_outcome(spec, result.phases, by_day, options));
  }
  result.threshold = result.primary.threshold.value_or(0);
  const bool any_irls = std::any_of(entries.begin(), entries.end(), [](const DiaryEntry& entry) {
    return entry.irls_total.has_value();
  });
  if (any_irls)
    result.secondary.push_back(
        analyse_irls(result.phases, by_day, rules.irls_minimal_important_change));
  result.verdict = result.primary.assessment;
}

/// ABAB: an improvement must repeat. Each magnesium window must be better than the phase before
/// it; otherwise "improved" becomes "no clear change".
trial_detail::Replication check_replication(const TrialPlan& plan, TrialResult& result) {
  trial_detail::Replication replication;
  if (plan.design != TrialDesign::abab) return replication;
  const OutcomeResult& judged = result.primary;
  for (std::size_t idx = 1; idx < result.phases.size(); idx += 2) {
    const auto& off = result.phases[idx - 1];
    const auto& on = result.phases[idx];
    if (!off.analysed || !on.analysed || !off.primary_mean || !on.primary_mean) continue;
    if (idx == 3) replication.second_pair_analysed = true;
    const bool better = judged.lower_is_better ? *on.primary_mean < *off.primary_mean
                                               : *on.primary_mean > *off.primary_mean;
    if (!better)
      replication.failures.push_back(std::string(to_string(on.phase.kind)) + " mean " +
                                     trial_detail::fixed(*on.primary_mean, 1) + " was not " +
                                     (judged.lower_is_better ? "below" : "above") + " the " +
                                     to_string(off.phase.kind) + " mean " +
                                     trial_detail::fixed(*off.primary_mean, 1));
  }
  if (result.verdict == Verdict::improved && !replication.failures.empty())
    result.verdict = Verdict::no_clear_change;
  return replication;
}

/// Adherence and side effects over the whole phases that have happened.
void count_adherence(const std::vector<Phase>& phases, const DayIndex& by_day, int today_serial,
                     TrialResult& result) {
  for (const auto& phase : phases) {
    for (int day = phase.start.serial(); day < std::min(phase.end.serial(), today_serial + 1);
         ++day) {
      const auto found = by_day.find(day);
      if (found == by_day.end() || !found->second->magnesium_mg) continue;
      const bool took = *found->second->magnesium_mg > 0;
      if (takes_magnesium(phase.kind)) {
        ++result.treatment_days_magnesium_recorded;
        if (took) ++result.treatment_days_with_magnesium;
      } else if (took) {
        ++result.baseline_days_with_magnesium;
      }
    }
  }
  result.baseline_side_effects = summarise_side_effects(phases, false, by_day, today_serial);
  result.treatment_side_effects = summarise_side_effects(phases, true, by_day, today_serial);
}

}  // namespace

TrialResult evaluate_trial(const TrialPlan& plan, const std::vector<DiaryEntry>& entries,
                           CalendarDate today, const TrialOptions& options) {
  TrialResult result;
  result.design = plan.design;
  result.threshold = options.rules.rls_improvement_points;
  const auto by_day = trial_detail::index_entries(entries);
  const auto phases = trial_phases(plan);
  result.complete = today.serial() >= phases.back().end.serial();
  result.phases = analyse_phases(plan, phases, by_day, today.serial(), options.rules);
  judge_outcomes(plan, entries, by_day, options, result);
  const auto replication = check_replication(plan, result);
  count_adherence(phases, by_day, today.serial(), result);
  trial_detail::add_trial_notes(plan, options, replication, add_days(phases.back().end, -1),
                                result);
  return result;
}

TrialOptions trial_options_from(const Kb& kb) {
  return TrialOptions(kb);
}

}  // namespace willis::core
