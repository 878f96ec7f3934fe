// src/core/trial.h: the personal (n-of-1) magnesium trial: plan, status and statistics.
// Pure: no I/O, no clock, no globals. "today" is always a parameter, and every random number
// comes from a fixed-seed generator, so a result is identical on every machine.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/kb.h"
#include "core/result.h"

namespace willis::core {

/// ab = baseline then magnesium; abab = baseline, magnesium, withdrawal, magnesium again.
enum class TrialDesign { ab, abab };
const char* to_string(TrialDesign design);
std::optional<TrialDesign> parse_trial_design(std::string_view text);

/// A1 baseline, B1 treatment, A2 withdrawal, B2 retreatment.
enum class PhaseKind { baseline, treatment, withdrawal, retreatment };
const char* to_string(PhaseKind kind);
/// True for the phases in which magnesium is taken (B1, B2).
bool takes_magnesium(PhaseKind kind);

/// The trial's numbers. Their one source is kb/rules.yaml (thresholds trial_*, each with its
/// sources and whether it is verified), so a TrialRules is made only from a KB.
struct TrialRules {
  explicit TrialRules(const Kb& kb);
  int min_baseline_days = 0;             ///< trial_min_baseline_days: shortest baseline a plan has
  int default_treatment_weeks = 0;       ///< trial_default_treatment_weeks: AB magnesium phase
  int default_abab_treatment_weeks = 0;  ///< trial_default_abab_treatment_weeks: each ABAB one
  int warn_treatment_weeks_below = 0;    ///< trial_warn_treatment_weeks_below
  int default_withdrawal_weeks = 0;      ///< trial_default_withdrawal_weeks (ABAB)
  int analysed_treatment_days = 0;  ///< trial_analysed_treatment_days: the last 4 weeks analysed
  int min_baseline_logged = 0;      ///< trial_min_baseline_logged: fewer = insufficient data
  int min_treatment_logged = 0;     ///< trial_min_treatment_logged: per analysed magnesium window
  double max_missing_fraction = 0;  ///< trial_max_missing_fraction of a window's elapsed days
  /// trial_rls_improvement_points: the fall in RLS severity (0-10) "improved" needs.
  double rls_improvement_points = 0;
  double irls_minimal_important_change = 0;    ///< trial_irls_minimal_important_change
  double meaningful_sleep_efficiency_pct = 0;  ///< trial_meaningful_sleep_efficiency_pct
  double meaningful_sleep_onset_min = 0;       ///< trial_meaningful_sleep_onset_min
  /// The default length of each magnesium phase of `design`, weeks.
  int default_weeks(TrialDesign design) const;
};

/// What the trial is judged on (issue 15): `willis trial start --primary`.
enum class TrialOutcome { rls_severity, sleep_onset, sleep_efficiency, sleep_quality };
/// "rls_severity", "sleep_onset", "sleep_efficiency", "sleep_quality" (the CLI and store names).
const char* to_string(TrialOutcome outcome);
/// Accepts the names above and "sleep_onset_latency".
std::optional<TrialOutcome> parse_trial_outcome(std::string_view text);
/// The diary field the outcome is measured in, as the verdict JSON names it in `primary.outcome`
/// ("rls_severity", "sleep_onset_latency", "sleep_efficiency", "sleep_quality").
const char* outcome_id(TrialOutcome outcome);

struct TrialPlan {
  TrialDesign design = TrialDesign::ab;
  TrialOutcome primary = TrialOutcome::rls_severity;
  CalendarDate baseline_start;
  CalendarDate treatment_start;  ///< the baseline ends the day before
  int treatment_weeks = 0;       ///< each magnesium phase (default_plan: the KB's default)
  int withdrawal_weeks = 0;      ///< ABAB only (default_plan: the KB's default)
  bool operator==(const TrialPlan&) const = default;
};

/// A plan of `design` with the KB's default phase lengths; the caller sets the dates.
TrialPlan default_plan(const TrialRules& rules, TrialDesign design = TrialDesign::ab);

/// One phase: [start, end) in days.
struct Phase {
  PhaseKind kind = PhaseKind::baseline;
  CalendarDate start;
  CalendarDate end;  ///< exclusive
  int days() const { return days_between(start, end); }
};

/// Errors name the plan field ("treatment_start", "treatment_weeks", …).
std::optional<Error> validate_plan(const TrialPlan& plan, const TrialRules& rules);
/// Advice about a valid plan (short magnesium phases).
std::vector<std::string> plan_warnings(const TrialPlan& plan, const TrialRules& rules);
/// The phases in order: A1 B1 (AB) or A1 B1 A2 B2 (ABAB). Precondition: validate_plan passed.
std::vector<Phase> trial_phases(const TrialPlan& plan);
/// The day after the last planned day.
CalendarDate trial_end(const TrialPlan& plan);

// ---------------------------------------------------------------------------------------------
// Status: where the person is today and what to do.

struct PhaseProgress {
  Phase phase;
  int days_elapsed = 0;  ///< days of the phase before today, plus today when it is logged
  int days_logged = 0;   ///< of those, days with an RLS severity
  std::vector<CalendarDate> missing;  ///< elapsed days without an RLS severity
};

struct TrialStatus {
  std::string
      phase;  ///< "not-started", "baseline", "treatment", "withdrawal", "retreatment", "finished"
  int day_in_phase = 0;  ///< 1-based; 0 when not in a phase
  int phase_days = 0;    ///< length of the current phase
  CalendarDate end;      ///< day after the last planned day
  std::vector<PhaseProgress> phases;
  int days_logged = 0;
  int days_missing = 0;
  std::vector<std::string> todo;      ///< what to do today, most important first
  std::vector<std::string> warnings;  ///< plan and adherence problems
};

/// Where the trial stands on `today`, counting days that have an RLS severity as logged.
TrialStatus trial_status(const TrialPlan& plan, const std::vector<DiaryEntry>& entries,
                         CalendarDate today, const TrialRules& rules);

// ---------------------------------------------------------------------------------------------
// Statistics building blocks (exposed for tests).

/// Regularized incomplete beta I_x(a, b), by Lentz's continued fraction (Numerical Recipes 6.4).
double regularized_incomplete_beta(double a, double b, double x);
/// Student-t cumulative distribution P(T <= t) with `df` (> 0, may be fractional) degrees of
/// freedom.
double student_t_cdf(double t, double df);
/// Two-sided p-value P(|T| >= |t|).
double student_t_two_sided_p(double t, double df);

struct WelchResult {
  double t = 0;   ///< (mean(treatment) - mean(baseline)) / SE
  double df = 0;  ///< Welch-Satterthwaite degrees of freedom
  double p = 1;   ///< two-sided
};
/// Welch's unequal-variance t-test; nullopt when a group has fewer than 2 values or both
/// groups have zero variance (t is undefined).
std::optional<WelchResult> welch_t_test(const std::vector<double>& treatment,
                                        const std::vector<double>& baseline);

/// splitmix64 (Steele, Lea & Flood 2014): tiny, fast, and the same stream on every machine.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  /// Uniform in [0, bound), without modulo bias (rejection of the low 2^64 mod bound values).
  std::uint64_t below(std::uint64_t bound);

 private:
  std::uint64_t state_;
};

struct BootstrapOptions {
  /// Days per block. Daily symptom and sleep diaries are autocorrelated over a few days
  /// (flare-ups, bad runs of nights); with lag-1 correlation around 0.5 an AR(1) process has
  /// decayed to 0.5^4 ≈ 0.06 after 4 days, and the n^(1/3) rule of thumb for moving-block
  /// length gives 1.9-3.8 for the 7-56 days analysed. 4 keeps at least 4 distinct block
  /// starts in the shortest (7-day) baseline, so the interval never collapses to a point.
  int block_length = 4;
  int replicates = 4000;
  std::uint64_t seed = 0x77696c6c6973ULL;  ///< "willis" in ASCII
};

/// One day's observation. A group's summary is sum(numerator) / sum(denominator): the mean for
/// ordinary outcomes (denominator 1), and for sleep efficiency 100 x total TST / total TIB, as
/// a sleep diary's summary SE is mean TST / mean TIB (Carney 2012, sources: carney2012).
struct Observation {
  double numerator = 0;
  double denominator = 1;
  double value() const { return numerator / denominator; }
};

/// sum(numerator) / sum(denominator) over every series of a group.
double pooled_ratio(const std::vector<std::vector<Observation>>& group);

/// 95 % percentile interval of summary(treatment) - summary(baseline) by a moving-block
/// bootstrap (Künsch 1989). Each series (one per analysed phase, days in date order) is
/// resampled on its own: ceil(n/L) blocks of L consecutive days with starts uniform in
/// [0, n-L] (L = min(block_length, n)), truncated to n days; a group's summary is then
/// pooled_ratio over its resampled series. Per replicate the baseline series are drawn first,
/// then the treatment series. Quantiles interpolate between order statistics (Hyndman-Fan
/// type 7: h = (R-1)p). Precondition: each group holds at least one day.
std::array<double, 2> block_bootstrap_ci(const std::vector<std::vector<Observation>>& baseline,
                                         const std::vector<std::vector<Observation>>& treatment,
                                         const BootstrapOptions& options = {});

// ---------------------------------------------------------------------------------------------
// The result.

enum class Verdict { improved, no_clear_change, worse, insufficient_data };
/// "improved", "no-clear-change", "worse", "insufficient-data".
const char* to_string(Verdict verdict);

struct OutcomeResult {
  std::string outcome;  ///< "rls_severity", "sleep_efficiency", "sleep_onset_latency",
                        ///< "sleep_quality", "irls_total"
  std::string unit;     ///< "points (0-10)", "%", "min", …
  bool lower_is_better = true;
  std::optional<double>
      threshold;  ///< meaningful change in the good direction; nullopt = none established
  std::string threshold_source;  ///< where the threshold comes from, with its evidence tag
  int baseline_days = 0;
  int treatment_days = 0;
  std::optional<double> baseline_mean;
  std::optional<double> treatment_mean;
  std::optional<double> difference;  ///< treatment - baseline
  std::optional<std::array<double, 2>> ci95;
  std::optional<WelchResult> welch;
  Verdict assessment = Verdict::insufficient_data;
  std::vector<std::string> reasons;  ///< why the data are insufficient, when they are
};

struct SideEffectCount {
  SideEffectKind kind = SideEffectKind::other;
  int days = 0;
  SideEffectSeverity worst = SideEffectSeverity::mild;
};

struct SideEffectSummary {
  int days_recorded = 0;  ///< days with the side-effects item filled in
  int days_with_any = 0;
  std::vector<SideEffectCount> kinds;  ///< kinds seen at least once, in enum order
};

/// Per analysed phase: what went into the comparison.
struct PhaseAnalysis {
  Phase phase;
  CalendarDate window_start;  ///< the analysed days are [window_start, window_end)
  CalendarDate window_end;
  int days_expected = 0;
  int days_logged = 0;                 ///< days with the primary outcome
  std::optional<double> rls_mean;      ///< mean RLS severity of the analysed days, when logged
  std::optional<double> primary_mean;  ///< mean of the primary outcome (what `analysed` counts)
  bool analysed = false;  ///< false when the phase is still running and too short to use yet
};

struct TrialResult {
  Verdict verdict = Verdict::insufficient_data;
  TrialDesign design = TrialDesign::ab;
  bool complete = false;  ///< today is after the last planned day
  double threshold = 0;   ///< the change "improved" needs on the primary outcome (0 = none)
  OutcomeResult primary;
  std::vector<OutcomeResult> secondary;
  std::vector<PhaseAnalysis> phases;
  SideEffectSummary baseline_side_effects;
  SideEffectSummary treatment_side_effects;
  int treatment_days_with_magnesium = 0;  ///< over the whole magnesium phases
  int treatment_days_magnesium_recorded = 0;
  int baseline_days_with_magnesium = 0;
  std::vector<std::string> notes;  ///< always: placebo, regression to the mean, what to do next
};

struct TrialOptions {
  explicit TrialOptions(const Kb& kb) : rules(kb) {}
  /// The KB's numbers. "improved" needs a change of at least the outcome's threshold (for RLS
  /// severity rules.rls_improvement_points, which `willis trial result --threshold` replaces)
  /// AND a 95 % interval that excludes 0; "worse" mirrors it.
  TrialRules rules;
  BootstrapOptions bootstrap;
};

/// Options whose numbers come from the KB (rules.yaml thresholds trial_*).
TrialOptions trial_options_from(const Kb& kb);

/// Compares the baseline (and ABAB withdrawal) with the last 4 weeks of each magnesium phase.
///
///     const auto result = evaluate_trial(plan, entries, today);
///     std::cout << to_string(result.verdict);   // "improved", …
///
/// Insufficient data (numbers from the KB, options.rules): fewer than 7 logged baseline days or
/// 21 logged days in a treatment window, or more than 30 % of a window's elapsed days missing.
/// Precondition: validate_plan passed.
TrialResult evaluate_trial(const TrialPlan& plan, const std::vector<DiaryEntry>& entries,
                           CalendarDate today, const TrialOptions& options);

}  // namespace willis::core
