#include "core/trial.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace willis::core {
namespace {

Error plan_error(const char* field, std::string message) {
  Error error;
  error.code = Errc::invalid_value;
  error.path = field;
  error.message = std::move(message);
  return error;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string plural(int count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

/// True when the entry holds the trial's primary outcome.
bool has_outcome(const DiaryEntry& entry, TrialOutcome outcome) {
  switch (outcome) {
    case TrialOutcome::rls_severity:
      return entry.rls.has_value();
    case TrialOutcome::sleep_onset:
      return entry.sol_min.has_value();
    case TrialOutcome::sleep_quality:
      return entry.sleep_quality.has_value();
    case TrialOutcome::sleep_efficiency: {
      const auto tib = time_in_bed_min(entry);
      return tib && *tib > 0 && total_sleep_min(entry).has_value();
    }
  }
  return false;
}

/// Entries by date serial, for O(log n) lookups; the last entry of a date wins.
std::map<int, const DiaryEntry*> index_entries(const std::vector<DiaryEntry>& entries) {
  std::map<int, const DiaryEntry*> by_day;
  for (const auto& entry : entries) by_day[entry.date.serial()] = &entry;
  return by_day;
}

/// End (exclusive) of the part of a phase that has happened: days before today, plus today
/// when it already has an entry.
int elapsed_end(const Phase& phase, int today, const std::map<int, const DiaryEntry*>& by_day) {
  const int end = phase.end.serial();
  int elapsed = std::min(end, today);
  if (today >= phase.start.serial() && today < end && by_day.count(today)) elapsed = today + 1;
  return std::max(elapsed, phase.start.serial());
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

double sample_variance(const std::vector<double>& values) {
  const double centre = mean(values);
  double sum = 0;
  for (const double value : values) sum += (value - centre) * (value - centre);
  return sum / static_cast<double>(values.size() - 1);
}

// Continued fraction for the incomplete beta (Numerical Recipes, 3rd ed., Beta::betacf), by
// the modified Lentz method.
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 10000;
  constexpr double kEpsilon = 1e-15;
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1;
  double d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEpsilon) break;
  }
  return h;
}

}  // namespace

// ---- plan ----

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

std::optional<Error> validate_plan(const TrialPlan& plan) {
  const int baseline_days = days_between(plan.baseline_start, plan.treatment_start);
  if (baseline_days < kMinBaselineDays)
    return plan_error("treatment_start",
                      "the baseline (" + plan.baseline_start.str() + " to the day before " +
                          plan.treatment_start.str() + ") is " + std::to_string(baseline_days) +
                          " days; it needs at least 7 days without magnesium, so start "
                          "treatment on " +
                          add_days(plan.baseline_start, kMinBaselineDays).str() + " or later");
  if (baseline_days > 8 * 7)
    return plan_error("treatment_start", "the baseline is " + std::to_string(baseline_days) +
                                             " days; keep it between 7 days and 8 weeks");
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

std::vector<std::string> plan_warnings(const TrialPlan& plan) {
  std::vector<std::string> warnings;
  if (plan.treatment_weeks < kWarnTreatmentWeeksBelow)
    warnings.push_back("each magnesium phase is " + plural(plan.treatment_weeks, "week", "weeks") +
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

// ---- status ----

TrialStatus trial_status(const TrialPlan& plan, const std::vector<DiaryEntry>& entries,
                         CalendarDate today) {
  TrialStatus status;
  const auto by_day = index_entries(entries);
  const int today_serial = today.serial();
  const auto phases = trial_phases(plan);
  status.end = phases.back().end;
  status.warnings = plan_warnings(plan);
  const auto has_rls = [&](int day) {
    const auto found = by_day.find(day);
    return found != by_day.end() && has_outcome(*found->second, plan.primary);
  };

  const Phase* current = nullptr;
  for (const auto& phase : phases) {
    PhaseProgress progress;
    progress.phase = phase;
    const int end = elapsed_end(phase, today_serial, by_day);
    for (int day = phase.start.serial(); day < end; ++day) {
      ++progress.days_elapsed;
      if (has_rls(day))
        ++progress.days_logged;
      else
        progress.missing.push_back(CalendarDate::from_serial(day));
    }
    status.days_logged += progress.days_logged;
    status.days_missing += static_cast<int>(progress.missing.size());
    status.phases.push_back(std::move(progress));
    if (today_serial >= phase.start.serial() && today_serial < phase.end.serial()) current = &phase;
  }

  int magnesium_in_baseline = 0;
  for (const auto& phase : phases) {
    if (takes_magnesium(phase.kind)) continue;
    for (int day = phase.start.serial(); day < std::min(phase.end.serial(), today_serial + 1);
         ++day) {
      const auto found = by_day.find(day);
      if (found != by_day.end() && found->second->magnesium_mg.value_or(0) > 0)
        ++magnesium_in_baseline;
    }
  }
  if (magnesium_in_baseline > 0)
    status.warnings.push_back("magnesium is recorded on " +
                              plural(magnesium_in_baseline, "day", "days") +
                              " of a magnesium-free phase; those days make the comparison weaker");

  const CalendarDate yesterday = add_days(today, -1);
  const bool yesterday_in_trial = yesterday >= plan.baseline_start && yesterday < status.end;
  if (today < plan.baseline_start) {
    status.phase = "not-started";
    status.todo.push_back("The baseline starts on " + plan.baseline_start.str() +
                          ". Until then nothing changes; from that day, do not take magnesium "
                          "and log every night.");
    return status;
  }
  if (!current) {
    status.phase = "finished";
    status.todo.push_back("The trial finished on " + add_days(status.end, -1).str() +
                          ". Look at the result, and take it to your GP or pharmacist.");
    if (yesterday_in_trial && !has_rls(yesterday.serial()))
      status.todo.push_back("The last night (" + yesterday.str() +
                            ") has no entry yet; log it before reading the result.");
    return status;
  }

  status.phase = to_string(current->kind);
  status.day_in_phase = days_between(current->start, today) + 1;
  status.phase_days = current->days();
  const std::string day_text =
      "day " + std::to_string(status.day_in_phase) + " of " + std::to_string(status.phase_days);
  switch (current->kind) {
    case PhaseKind::baseline:
      status.todo.push_back("Baseline " + day_text +
                            ": do NOT take magnesium. Magnesium starts on " + current->end.str() +
                            ".");
      break;
    case PhaseKind::treatment:
    case PhaseKind::retreatment: {
      const int week = (status.day_in_phase - 1) / 7 + 1;
      status.todo.push_back(std::string(current->kind == PhaseKind::treatment
                                            ? "Magnesium "
                                            : "Magnesium again (second treatment phase) ") +
                            day_text + " (week " + std::to_string(week) +
                            "): take the same dose at the same time each day, and record it.");
      if (status.day_in_phase <= status.phase_days - kAnalysedTreatmentDays)
        status.todo.push_back("The comparison uses the last 4 weeks of this phase (from " +
                              add_days(current->end, -kAnalysedTreatmentDays).str() +
                              "); in studies any benefit appeared after 4-8 weeks, so keep going.");
      break;
    }
    case PhaseKind::withdrawal:
      status.todo.push_back("Withdrawal " + day_text +
                            ": stop magnesium and keep logging; magnesium restarts on " +
                            current->end.str() + ".");
      break;
  }
  if (yesterday_in_trial && !has_rls(yesterday.serial()))
    status.todo.push_back("Log last night (" + yesterday.str() + ").");
  else
    status.todo.push_back("Log tonight's entry tomorrow morning (date it " + today.str() + ").");
  if (status.days_missing > 0)
    status.todo.push_back(status.days_missing == 1
                              ? std::string("1 day is missing; fill it in only if you remember it "
                                            "reliably.")
                              : std::to_string(status.days_missing) +
                                    " days are missing; fill them in only if you remember them "
                                    "reliably.");
  return status;
}

// ---- statistics ----

double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry
  // I_x(a, b) = 1 - I_{1-x}(b, a).
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double df) {
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  // P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2)
  const double tail = 0.5 * regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

double student_t_two_sided_p(double t, double df) {
  if (std::isinf(t)) return 0;
  return regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

std::optional<WelchResult> welch_t_test(const std::vector<double>& treatment,
                                        const std::vector<double>& baseline) {
  if (treatment.size() < 2 || baseline.size() < 2) return std::nullopt;
  const double n1 = static_cast<double>(treatment.size());
  const double n2 = static_cast<double>(baseline.size());
  const double q1 = sample_variance(treatment) / n1;
  const double q2 = sample_variance(baseline) / n2;
  if (q1 + q2 <= 0) return std::nullopt;
  WelchResult result;
  result.t = (mean(treatment) - mean(baseline)) / std::sqrt(q1 + q2);
  result.df = (q1 + q2) * (q1 + q2) / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1));
  result.p = student_t_two_sided_p(result.t, result.df);
  return result;
}

std::uint64_t SplitMix64::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  // 2^64 mod bound: drawing again below it leaves a range that is a whole multiple of bound.
  const std::uint64_t threshold = (0 - bound) % bound;
  while (true) {
    const std::uint64_t value = next();
    if (value >= threshold) return value % bound;
  }
}

double pooled_ratio(const std::vector<std::vector<Observation>>& group) {
  double numerator = 0, denominator = 0;
  for (const auto& series : group)
    for (const auto& observation : series) {
      numerator += observation.numerator;
      denominator += observation.denominator;
    }
  return numerator / denominator;
}

std::array<double, 2> block_bootstrap_ci(const std::vector<std::vector<Observation>>& baseline,
                                         const std::vector<std::vector<Observation>>& treatment,
                                         const BootstrapOptions& options) {
  SplitMix64 rng(options.seed);
  const auto resample_group = [&](const std::vector<std::vector<Observation>>& group) {
    double numerator = 0, denominator = 0;
    for (const auto& series : group) {
      const std::size_t n = series.size();
      if (n == 0) continue;
      const std::size_t block =
          std::min<std::size_t>(static_cast<std::size_t>(std::max(1, options.block_length)), n);
      const std::size_t starts = n - block + 1;
      std::size_t taken = 0;
      while (taken < n) {
        const auto start = static_cast<std::size_t>(rng.below(starts));
        for (std::size_t offset = 0; offset < block && taken < n; ++offset, ++taken) {
          numerator += series[start + offset].numerator;
          denominator += series[start + offset].denominator;
        }
      }
    }
    return numerator / denominator;
  };
  std::vector<double> differences;
  const int replicates = std::max(1, options.replicates);
  differences.reserve(static_cast<std::size_t>(replicates));
  for (int replicate = 0; replicate < replicates; ++replicate) {
    const double baseline_summary = resample_group(baseline);
    const double treatment_summary = resample_group(treatment);
    differences.push_back(treatment_summary - baseline_summary);
  }
  std::sort(differences.begin(), differences.end());
  const auto quantile = [&](double probability) {
    const double h = (static_cast<double>(differences.size()) - 1) * probability;
    const auto low = static_cast<std::size_t>(std::floor(h));
    const std::size_t high = std::min(low + 1, differences.size() - 1);
    return differences[low] +
           (h - static_cast<double>(low)) * (differences[high] - differences[low]);
  };
  return {quantile(0.025), quantile(0.975)};
}

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

// ---- evaluation ----

namespace {

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

std::vector<Observation> window_values(const PhaseAnalysis& analysis,
                                       const std::map<int, const DiaryEntry*>& by_day,
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
                              const std::map<int, const DiaryEntry*>& by_day,
                              const TrialOptions& options) {
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
    const int minimum = magnesium ? kMinTreatmentLogged : kMinBaselineLogged;
    const std::string name = to_string(analysis.phase.kind);
    const std::string span =
        analysis.window_start.str() + " to " + add_days(analysis.window_end, -1).str();
    if (logged < minimum)
      result.reasons.push_back(name + " (" + span + "): " + plural(logged, "day", "days") +
                               " logged; at least " + std::to_string(minimum) + " are needed");
    else if (analysis.days_expected - logged >
             kMaxMissingFraction * analysis.days_expected + kCompareSlack)
      result.reasons.push_back(
          name + " (" + span + "): " + std::to_string(analysis.days_expected - logged) + " of " +
          std::to_string(analysis.days_expected) + " days missing; at most 30 % may be missing");
    (magnesium ? any_treatment : any_baseline) = true;
    (magnesium ? result.treatment_days : result.baseline_days) += logged;
    (magnesium ? treatment : baseline).push_back(std::move(values));
  }
  if (!any_baseline) result.reasons.push_back("no baseline days to compare with yet");
  if (!any_treatment)
    result.reasons.push_back(
        "no magnesium phase with enough days yet: the last 4 weeks of "
        "treatment need at least 21 logged days");
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
OutcomeResult analyse_irls(const std::vector<PhaseAnalysis>& phases,
                           const std::map<int, const DiaryEntry*>& by_day,
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
                                         const std::map<int, const DiaryEntry*>& by_day,
                                         int today) {
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

/// "loose stools" rather than the identifier "loose_stools", for sentences.
std::string in_words(SideEffectKind kind) {
  std::string words = to_string(kind);
  for (char& ch : words)
    if (ch == '_') ch = ' ';
  return words;
}

std::string signed_fixed(double value, int decimals) {
  return (value > 0 ? "+" : "") + fixed(value, decimals);
}

}  // namespace

TrialResult evaluate_trial(const TrialPlan& plan, const std::vector<DiaryEntry>& entries,
                           CalendarDate today, const TrialOptions& options) {
  TrialResult result;
  result.design = plan.design;
  result.threshold = options.improvement_threshold;
  const auto by_day = index_entries(entries);
  const int today_serial = today.serial();
  const auto phases = trial_phases(plan);
  result.complete = today_serial >= phases.back().end.serial();

  for (const auto& phase : phases) {
    PhaseAnalysis analysis;
    analysis.phase = phase;
    const int end = elapsed_end(phase, today_serial, by_day);
    int start = phase.start.serial();
    if (takes_magnesium(phase.kind)) start = std::max(start, end - kAnalysedTreatmentDays);
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
    const int minimum = takes_magnesium(phase.kind) ? kMinTreatmentLogged : kMinBaselineLogged;
    // A phase that has not started is left out; one still running is left out until it has
    // enough days to use, so an ABAB trial gives an interim answer after its first two phases.
    analysis.analysed = analysis.days_expected > 0 && !(running && analysis.days_logged < minimum);
    result.phases.push_back(analysis);
  }

  const OutcomeSpec specs[] = {
      {"rls_severity", "points (0-10)", true, options.improvement_threshold,
       "willis default: a minimal important change for 0-10 RLS ratings is not established",
       extract_rls},
      {"sleep_efficiency", "%", false, options.meaningful_sleep_efficiency_pct,
       "clinical-significance threshold of the AASM review of behavioural insomnia treatments "
       "(J Clin Sleep Med 2021), 10 % (P)",
       extract_se},
      {"sleep_onset_latency", "min", true, options.meaningful_sleep_onset_min,
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
  const bool rls_primary = plan.primary == TrialOutcome::rls_severity;
  const OutcomeResult& judged = result.primary;
  result.threshold = judged.threshold.value_or(0);
  const bool any_irls = std::any_of(entries.begin(), entries.end(), [](const DiaryEntry& entry) {
    return entry.irls_total.has_value();
  });
  if (any_irls)
    result.secondary.push_back(
        analyse_irls(result.phases, by_day, options.irls_minimal_important_change));

  result.verdict = result.primary.assessment;

  // ABAB: an improvement must repeat. Each magnesium window must be below the phase before it.
  std::vector<std::string> replication_failures;
  bool second_pair_analysed = false;
  if (plan.design == TrialDesign::abab) {
    for (std::size_t idx = 1; idx < result.phases.size(); idx += 2) {
      const auto& off = result.phases[idx - 1];
      const auto& on = result.phases[idx];
      if (!off.analysed || !on.analysed || !off.primary_mean || !on.primary_mean) continue;
      if (idx == 3) second_pair_analysed = true;
      const bool better = judged.lower_is_better ? *on.primary_mean < *off.primary_mean
                                                 : *on.primary_mean > *off.primary_mean;
      if (!better)
        replication_failures.push_back(
            std::string(to_string(on.phase.kind)) + " mean " + fixed(*on.primary_mean, 1) +
            " was not " + (judged.lower_is_better ? "below" : "above") + " the " +
            to_string(off.phase.kind) + " mean " + fixed(*off.primary_mean, 1));
    }
    if (result.verdict == Verdict::improved && !replication_failures.empty())
      result.verdict = Verdict::no_clear_change;
  }

  // Adherence and side effects over the whole phases that have happened.
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

  // ---- notes: the verdict's meaning, what the trial cannot separate, what to do next ----
  auto& notes = result.notes;
  const std::string threshold_text = fixed(result.threshold, 1);
  if (rls_primary) {
    notes.push_back("\"Improved\" means RLS severity (0-10) fell by at least " + threshold_text +
                    " points from the baseline to the last 4 weeks on magnesium AND the 95 % "
                    "interval of that change excludes 0; \"worse\" is the mirror image. The " +
                    threshold_text +
                    "-point threshold is willis's stated default: a minimal important change "
                    "for 0-10 RLS ratings has not been established.");
  } else {
    const std::string what =
        plan.primary == TrialOutcome::sleep_onset        ? "time to fall asleep (minutes)"
        : plan.primary == TrialOutcome::sleep_efficiency ? "sleep efficiency (%)"
                                                         : "sleep quality (1-5)";
    const std::string direction = judged.lower_is_better ? "fell" : "rose";
    notes.push_back(
        "This trial is judged on " + what + ". \"Improved\" means it " + direction +
        (judged.threshold ? " by at least " + threshold_text + " " + judged.unit : std::string()) +
        " from the baseline to the last 4 weeks on magnesium AND the 95 % interval of that "
        "change excludes 0; \"worse\" is the mirror image. Threshold: " +
        judged.threshold_source + ".");
  }
  notes.push_back(
      "This trial was not blinded: you knew when you took magnesium, and expecting "
      "to feel better can itself ease symptoms and improve sleep. In a blinded trial "
      "in older adults with poor sleep (Nielsen 2010), sleep scores improved as much "
      "on placebo as on magnesium. A diary cannot separate a real effect from this "
      "placebo effect.");
  notes.push_back(
      "Regression to the mean: people usually start a trial when symptoms are at "
      "their worst, and symptoms that come and go tend to drift back towards their "
      "usual level whatever is done. Season, stress, sleep habits, other medicines "
      "and iron levels also move symptoms; a before-and-after comparison cannot rule "
      "them out.");
  notes.push_back("Method: the 95 % interval is a moving-block bootstrap (" +
                  std::to_string(options.bootstrap.block_length) + "-day blocks, " +
                  std::to_string(options.bootstrap.replicates) +
                  " resamples, fixed seed), which allows for runs of good and bad days. Welch's "
                  "t-test is shown as the conventional figure; it treats days as independent, "
                  "which diary days are not, so its p-value is too optimistic. Days without an "
                  "entry are left out, not filled in.");
  if (!result.complete)
    notes.push_back("The trial is still running (last planned day " +
                    add_days(phases.back().end, -1).str() +
                    "); this is an interim look. In studies, any benefit of magnesium appeared "
                    "after 4-8 weeks.");
  if (result.baseline_days_with_magnesium > 0)
    notes.push_back("Magnesium is recorded on " +
                    plural(result.baseline_days_with_magnesium, "day", "days") +
                    " of the magnesium-free phases, which makes any difference look smaller.");
  if (result.treatment_days_magnesium_recorded > result.treatment_days_with_magnesium)
    notes.push_back(
        "Magnesium is recorded as not taken on " +
        plural(result.treatment_days_magnesium_recorded - result.treatment_days_with_magnesium,
               "day", "days") +
        " of the magnesium phases.");
  if (plan.design == TrialDesign::abab) {
    if (!replication_failures.empty())
      notes.push_back("ABAB: the improvement did not repeat (" + replication_failures.front() +
                      "), so the verdict is not \"improved\" even if the pooled change is large.");
    else if (!second_pair_analysed)
      notes.push_back(
          "ABAB: the withdrawal and second magnesium phase are not analysed yet, so "
          "this is an AB answer for now.");
    else if (result.verdict == Verdict::improved)
      notes.push_back(
          "ABAB: symptoms improved on magnesium, returned without it and improved "
          "again when it restarted; that makes a real effect more likely, though "
          "placebo is still possible.");
  }
  if (result.primary.difference && result.primary.ci95 &&
      result.primary.assessment == Verdict::no_clear_change &&
      (result.primary.ci95->at(1) < 0 || result.primary.ci95->at(0) > 0))
    notes.push_back(
        (rls_primary ? std::string("RLS severity") : std::string("The primary outcome")) +
        " changed by " + signed_fixed(*result.primary.difference, 1) + " " + result.primary.unit +
        " and the interval excludes 0, but the change is smaller than the " + threshold_text +
        " threshold.");
  if (result.treatment_side_effects.days_with_any > 0) {
    const auto& kinds = result.treatment_side_effects.kinds;
    const auto most = std::max_element(
        kinds.begin(), kinds.end(), [](const auto& x, const auto& y) { return x.days < y.days; });
    notes.push_back("Side effects were recorded on " +
                    plural(result.treatment_side_effects.days_with_any, "day", "days") +
                    " on magnesium (most often " + in_words(most->kind) +
                    "). Loose stools are the commonest effect of oral magnesium; a pharmacist can "
                    "advise on the dose, timing or form.");
  }
  switch (result.verdict) {
    case Verdict::improved:
      notes.push_back(
          "What next: if you want to carry on, keep the same dose and time, and tell "
          "your GP and pharmacist that you take magnesium (it affects how some "
          "medicines are absorbed). For a stronger answer, stop for 2 weeks and "
          "restart (an ABAB trial): an effect that disappears and comes back is more "
          "likely to be real.");
      break;
    case Verdict::no_clear_change:
      notes.push_back(
          rls_primary ? "What next: magnesium did not clearly help in this trial, so there is "
                        "little reason to keep taking it for RLS or sleep. See your GP about your "
                        "symptoms: RLS has treatments with stronger evidence."
                      : "What next: magnesium did not clearly help your sleep in this trial, so "
                        "there is little reason to keep taking it for sleep. See your GP: for "
                        "long-lasting insomnia, CBT-I is the first-line treatment.");
      break;
    case Verdict::worse:
      notes.push_back(
          "What next: symptoms were clearly worse on magnesium. Stop taking it and "
          "see your GP; take this result with you.");
      break;
    case Verdict::insufficient_data: {
      std::string reasons;
      for (const auto& reason : result.primary.reasons)
        reasons += (reasons.empty() ? "" : "; ") + reason;
      notes.push_back("What next: there are not enough diary days for a verdict (" + reasons +
                      "). Keep logging every night; an entry written days later from memory is "
                      "less reliable than a gap.");
      break;
    }
  }
  if (rls_primary)
    notes.push_back(
        "Whatever the result, ask your GP to check your iron stores (ferritin and "
        "transferrin saturation) if they have not been checked recently: low iron "
        "makes RLS worse and is treatable.");
  notes.push_back(
      "This is information, not a diagnosis: discuss any change with your GP or "
      "pharmacist.");
  return result;
}

}  // namespace willis::core

namespace willis::core {

TrialOptions trial_options_from(const Kb& kb) {
  TrialOptions options;
  options.irls_minimal_important_change =
      kb.rules.threshold("trial_irls_minimal_important_change").value;
  options.meaningful_sleep_efficiency_pct =
      kb.rules.threshold("trial_meaningful_sleep_efficiency_pct").value;
  options.meaningful_sleep_onset_min = kb.rules.threshold("trial_meaningful_sleep_onset_min").value;
  return options;
}

}  // namespace willis::core
