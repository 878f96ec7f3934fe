#include <cmath>

#include "core/trial_detail.h"

namespace willis::core {
namespace {

int whole_threshold(const Kb& kb, std::string_view name) {
  return static_cast<int>(std::lround(kb.rules.threshold(name).value));
}

Error plan_error(const char* field, std::string message) {
  Error error;
  error.code = Errc::invalid_value;
  error.path = field;
  error.message = std::move(message);
  return error;
}

}  // namespace

const char* to_string(TrialDesign design) {
  return design == TrialDesign::ab ? "ab" : "abab";
}

const char* to_string(TrialOutcome outcome) {
  switch (outcome) {
    case TrialOutcome::rls_severity:
      return "rls_severity";
    case TrialOutcome::sleep_onset:
      return "sleep_onset";
    case TrialOutcome::sleep_efficiency:
      return "sleep_efficiency";
    case TrialOutcome::sleep_quality:
      return "sleep_quality";
  }
  return "rls_severity";
}

const char* outcome_id(TrialOutcome outcome) {
  return outcome == TrialOutcome::sleep_onset ? "sleep_onset_latency" : to_string(outcome);
}

std::optional<TrialOutcome> parse_trial_outcome(std::string_view text) {
  if (text == "rls_severity") return TrialOutcome::rls_severity;
  if (text == "sleep_onset" || text == "sleep_onset_latency") return TrialOutcome::sleep_onset;
  if (text == "sleep_efficiency") return TrialOutcome::sleep_efficiency;
  if (text == "sleep_quality") return TrialOutcome::sleep_quality;
  return std::nullopt;
}

std::optional<TrialDesign> parse_trial_design(std::string_view text) {
  if (text == "ab" || text == "AB") return TrialDesign::ab;
  if (text == "abab" || text == "ABAB") return TrialDesign::abab;
  return std::nullopt;
}

const char* to_string(PhaseKind kind) {
  switch (kind) {
    case PhaseKind::baseline:
      return "baseline";
    case PhaseKind::treatment:
      return "treatment";
    case PhaseKind::withdrawal:
      return "withdrawal";
    case PhaseKind::retreatment:
      return "retreatment";
  }
  return "baseline";
}

bool takes_magnesium(PhaseKind kind) {
  return kind == PhaseKind::treatment || kind == PhaseKind::retreatment;
}

TrialRules::TrialRules(const Kb& kb)
    : min_baseline_days(whole_threshold(kb, "trial_min_baseline_days")),
      default_treatment_weeks(whole_threshold(kb, "trial_default_treatment_weeks")),
      default_abab_treatment_weeks(whole_threshold(kb, "trial_default_abab_treatment_weeks")),
      warn_treatment_weeks_below(whole_threshold(kb, "trial_warn_treatment_weeks_below")),
      default_withdrawal_weeks(whole_threshold(kb, "trial_default_withdrawal_weeks")),
      analysed_treatment_days(whole_threshold(kb, "trial_analysed_treatment_days")),
      min_baseline_logged(whole_threshold(kb, "trial_min_baseline_logged")),
      min_treatment_logged(whole_threshold(kb, "trial_min_treatment_logged")),
      max_missing_fraction(kb.rules.threshold("trial_max_missing_fraction").value),
      rls_improvement_points(kb.rules.threshold("trial_rls_improvement_points").value),
      irls_minimal_important_change(
          kb.rules.threshold("trial_irls_minimal_important_change").value),
      meaningful_sleep_efficiency_pct(
          kb.rules.threshold("trial_meaningful_sleep_efficiency_pct").value),
      meaningful_sleep_onset_min(kb.rules.threshold("trial_meaningful_sleep_onset_min").value) {}

int TrialRules::default_weeks(TrialDesign design) const {
  return design == TrialDesign::ab ? default_treatment_weeks : default_abab_treatment_weeks;
}

TrialPlan default_plan(const TrialRules& rules, TrialDesign design) {
  TrialPlan plan;
  plan.design = design;
  plan.treatment_weeks = rules.default_weeks(design);
  plan.withdrawal_weeks = rules.default_withdrawal_weeks;
  return plan;
}

std::optional<Error> validate_plan(const TrialPlan& plan, const TrialRules& rules) {
  const int baseline_days = days_between(plan.baseline_start, plan.treatment_start);
  const std::string min_days = std::to_string(rules.min_baseline_days);
  if (baseline_days < rules.min_baseline_days)
    return plan_error("treatment_start",
                      "the baseline (" + plan.baseline_start.str() + " to the day before " +
                          plan.treatment_start.str() + ") is " + std::to_string(baseline_days) +
                          " days; it needs at least " + min_days +
                          " days without magnesium, so start treatment on " +
                          add_days(plan.baseline_start, rules.min_baseline_days).str() +
                          " or later");
  if (baseline_days > 8 * 7)
    return plan_error("treatment_start", "the baseline is " + std::to_string(baseline_days) +
                                             " days; keep it between " + min_days +
                                             " days and 8 weeks");
  if (plan.treatment_weeks < 4 || plan.treatment_weeks > 26)
    return plan_error("treatment_weeks",
                      std::to_string(plan.treatment_weeks) +
                          " is out of range; use 4 to 26 weeks (the last 4 weeks are analysed; "
                          "6-8 weeks is recommended)");
  if (plan.design == TrialDesign::abab && (plan.withdrawal_weeks < 1 || plan.withdrawal_weeks > 8))
    return plan_error("withdrawal_weeks",
                      std::to_string(plan.withdrawal_weeks) + " is out of range; use 1 to 8 weeks");
  return std::nullopt;
}

std::vector<std::string> plan_warnings(const TrialPlan& plan, const TrialRules& rules) {
  std::vector<std::string> warnings;
  if (plan.treatment_weeks < rules.warn_treatment_weeks_below)
    warnings.push_back("each magnesium phase is " +
                       trial_detail::plural(plan.treatment_weeks, "week", "weeks") +
                       "; in studies any benefit appeared after 4-8 weeks, so 6-8 weeks is the "
                       "minimum to judge it");
  return warnings;
}

std::vector<Phase> trial_phases(const TrialPlan& plan) {
  std::vector<Phase> phases;
  const int treatment_days = plan.treatment_weeks * 7;
  phases.push_back({PhaseKind::baseline, plan.baseline_start, plan.treatment_start});
  const CalendarDate treatment_end = add_days(plan.treatment_start, treatment_days);
  phases.push_back({PhaseKind::treatment, plan.treatment_start, treatment_end});
  if (plan.design == TrialDesign::abab) {
    const CalendarDate withdrawal_end = add_days(treatment_end, plan.withdrawal_weeks * 7);
    phases.push_back({PhaseKind::withdrawal, treatment_end, withdrawal_end});
    phases.push_back(
        {PhaseKind::retreatment, withdrawal_end, add_days(withdrawal_end, treatment_days)});
  }
  return phases;
}

CalendarDate trial_end(const TrialPlan& plan) {
  return trial_phases(plan).back().end;
}

}  // namespace willis::core
