#include "core/trial.h"

#include <gtest/gtest.h>

#include "support/test_kb.h"

#include <cmath>

namespace willis::core {
namespace {

// ---- the Student-t distribution ----

TEST(IncompleteBeta, MatchesClosedForms) {
  for (const double x : {0.01, 0.2, 0.5, 0.77, 0.99}) {
    EXPECT_NEAR(regularized_incomplete_beta(1, 1, x), x, 1e-14);
    EXPECT_NEAR(regularized_incomplete_beta(3, 1, x), std::pow(x, 3), 1e-13);
    EXPECT_NEAR(regularized_incomplete_beta(1, 4, x), 1 - std::pow(1 - x, 4), 1e-13);
    EXPECT_NEAR(regularized_incomplete_beta(2.5, 7.25, x),
                1 - regularized_incomplete_beta(7.25, 2.5, 1 - x), 1e-13);
  }
  for (const double a : {0.5, 1.0, 4.0, 30.0})
    EXPECT_NEAR(regularized_incomplete_beta(a, a, 0.5), 0.5, 1e-13);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 0), 0);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 1), 1);
}

TEST(StudentT, KnownValues) {
  // Tables: two-sided p for t = 2.0 with 10 df is 0.07339 (0.0733880347…).
  EXPECT_NEAR(student_t_two_sided_p(2.0, 10), 0.0733880347707, 1e-10);
  EXPECT_NEAR(student_t_two_sided_p(-2.0, 10), 0.0733880347707, 1e-10);
  // Critical values t(0.975, 10) = 2.228139 and t(0.95, 10) = 1.812461.
  EXPECT_NEAR(student_t_two_sided_p(2.228138851986, 10), 0.05, 1e-10);
  EXPECT_NEAR(student_t_cdf(1.812461123, 10), 0.95, 1e-9);
  // df = 1 is the Cauchy distribution: F(1) = 3/4. df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
  EXPECT_NEAR(student_t_cdf(1, 1), 0.75, 1e-13);
  EXPECT_NEAR(student_t_cdf(1, 2), 0.5 + 1 / (2 * std::sqrt(3.0)), 1e-13);
  EXPECT_NEAR(student_t_cdf(-1, 2), 0.5 - 1 / (2 * std::sqrt(3.0)), 1e-13);
  EXPECT_DOUBLE_EQ(student_t_cdf(0, 7.3), 0.5);
  // Fractional df (Welch): Simpson integration of the density gives 0.404061027278.
  EXPECT_NEAR(student_t_two_sided_p(1.0, 2.5), 0.404061027278, 1e-10);
  // Large df approaches the normal: P(|Z| >= 1.959964) = 0.05.
  EXPECT_NEAR(student_t_two_sided_p(1.959963985, 1e7), 0.05, 1e-6);
  EXPECT_EQ(student_t_two_sided_p(INFINITY, 3), 0);
  EXPECT_EQ(student_t_cdf(-INFINITY, 3), 0);
}

TEST(Welch, TextbookExample) {
  // means 3 and 6, variances 2.5 and 10: t = -3 / sqrt(0.5 + 2), df = 2.5^2 / (0.25/4 + 4/4).
  const auto result = welch_t_test({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10});
  ASSERT_TRUE(result);
  EXPECT_NEAR(result->t, -3 / std::sqrt(2.5), 1e-13);
  EXPECT_NEAR(result->df, 6.25 / 1.0625, 1e-12);
  EXPECT_NEAR(result->p, 0.10753119493063, 1e-10);  // Simpson integration, compute_expected.py
}

TEST(Welch, UndefinedCases) {
  EXPECT_FALSE(welch_t_test({1}, {1, 2, 3}));
  EXPECT_FALSE(welch_t_test({4, 4, 4}, {6, 6}));  // no variance at all: t undefined
  EXPECT_TRUE(welch_t_test({4, 4, 4}, {6, 7}));
}

// ---- the generator and the bootstrap ----

TEST(SplitMix64, ReferenceStream) {
  SplitMix64 zero(0);
  EXPECT_EQ(zero.next(), 0xe220a8397b1dcdafULL);  // the published splitmix64 sequence from 0
  EXPECT_EQ(zero.next(), 0x6e789e6aa1b965f4ULL);
  SplitMix64 willis(BootstrapOptions{}.seed);
  EXPECT_EQ(willis.next(), 10940772762470460940ULL);  // same as compute_expected.py
}

TEST(SplitMix64, BelowStaysInRange) {
  SplitMix64 rng(42);
  std::array<int, 7> counts{};
  for (int draw = 0; draw < 7000; ++draw) {
    const auto value = rng.below(7);
    ASSERT_LT(value, 7u);
    ++counts[value];
  }
  for (const int count : counts) EXPECT_GT(count, 850);  // ~1000 each
  EXPECT_EQ(rng.below(1), 0u);
}

std::vector<Observation> obs(const std::vector<double>& values) {
  std::vector<Observation> out;
  for (const double value : values) out.push_back({value, 1});
  return out;
}

TEST(BlockBootstrap, ConstantSeriesGiveAPointInterval) {
  const auto ci =
      block_bootstrap_ci({obs({6, 6, 6, 6, 6, 6, 6})}, {obs(std::vector<double>(28, 3))});
  EXPECT_DOUBLE_EQ(ci[0], -3);
  EXPECT_DOUBLE_EQ(ci[1], -3);
}

TEST(BlockBootstrap, IsDeterministicAndBracketsTheEstimate) {
  const std::vector<std::vector<Observation>> baseline = {obs({6, 7, 5, 6, 8, 7, 6, 5, 7, 6})};
  const std::vector<std::vector<Observation>> treatment = {
      obs({4, 3, 4, 5, 3, 4, 2, 3, 4, 3, 4, 5, 3, 3, 4, 2, 3, 4, 3, 4, 4})};
  const auto first = block_bootstrap_ci(baseline, treatment);
  const auto second = block_bootstrap_ci(baseline, treatment);
  EXPECT_EQ(first, second);
  const double estimate = pooled_ratio(treatment) - pooled_ratio(baseline);
  EXPECT_LT(first[0], estimate);
  EXPECT_GT(first[1], estimate);
  BootstrapOptions other;
  other.seed = 1;
  EXPECT_NE(block_bootstrap_ci(baseline, treatment, other), first);
}

TEST(BlockBootstrap, SeriesShorterThanABlockStillWork) {
  const auto ci = block_bootstrap_ci({obs({5, 6})}, {obs({3, 4, 3})});
  EXPECT_LE(ci[0], ci[1]);
  EXPECT_GE(ci[0], 3 - 6);
  EXPECT_LE(ci[1], 4 - 5);
}

TEST(PooledRatio, SleepEfficiencyIsTotalSleepOverTotalTimeInBed) {
  // 300 of 400 min and 450 of 500 min: 750 / 900 = 83.33 %, not the mean of 75 % and 90 %.
  const std::vector<std::vector<Observation>> group = {{{30000, 400}, {45000, 500}}};
  EXPECT_NEAR(pooled_ratio(group), 100.0 * 750 / 900, 1e-12);
}

// ---- plans ----

const TrialRules& rules() {
  return testing::trial_rules();
}

TrialOptions kb_options() {
  return trial_options_from(testing::kb());
}

TrialPlan ab_plan() {
  TrialPlan plan = default_plan(rules());
  plan.baseline_start = {2026, 1, 5};
  plan.treatment_start = {2026, 1, 19};
  return plan;
}

TEST(TrialPlan, PhasesOfAnAbPlan) {
  const auto phases = trial_phases(ab_plan());
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].kind, PhaseKind::baseline);
  EXPECT_EQ(phases[0].days(), 14);
  EXPECT_EQ(phases[1].kind, PhaseKind::treatment);
  EXPECT_EQ(phases[1].days(), 56);
  EXPECT_EQ(trial_end(ab_plan()), (CalendarDate{2026, 3, 16}));
}

TEST(TrialPlan, PhasesOfAnAbabPlan) {
  TrialPlan plan = ab_plan();
  plan.design = TrialDesign::abab;
  plan.treatment_weeks = 6;
  plan.withdrawal_weeks = 2;
  ASSERT_FALSE(validate_plan(plan, rules()));
  const auto phases = trial_phases(plan);
  ASSERT_EQ(phases.size(), 4u);
  EXPECT_EQ(phases[2].kind, PhaseKind::withdrawal);
  EXPECT_EQ(phases[2].start, (CalendarDate{2026, 3, 2}));
  EXPECT_EQ(phases[3].start, (CalendarDate{2026, 3, 16}));
  EXPECT_EQ(phases[3].end, (CalendarDate{2026, 4, 27}));
}

TEST(TrialPlan, Validation) {
  TrialPlan plan = ab_plan();
  plan.treatment_start = {2026, 1, 11};  // 6-day baseline
  auto error = validate_plan(plan, rules());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "treatment_start");
  EXPECT_NE(error->message.find("2026-01-12"), std::string::npos);  // says when to start instead
  plan.treatment_start = {2026, 1, 12};                             // exactly 7 days
  EXPECT_FALSE(validate_plan(plan, rules()));
  plan.treatment_weeks = 3;
  error = validate_plan(plan, rules());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "treatment_weeks");
  plan.treatment_weeks = 4;
  EXPECT_FALSE(validate_plan(plan, rules()));
  EXPECT_EQ(plan_warnings(plan, rules()).size(), 1u);  // under 6 weeks
  plan.treatment_weeks = 6;
  EXPECT_TRUE(plan_warnings(plan, rules()).empty());
  plan.design = TrialDesign::abab;
  plan.withdrawal_weeks = 0;
  error = validate_plan(plan, rules());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "withdrawal_weeks");
}

// ---- status ----

std::vector<DiaryEntry> daily(CalendarDate from, CalendarDate to_exclusive, int rls, double mg) {
  std::vector<DiaryEntry> entries;
  for (CalendarDate date = from; date < to_exclusive; date = add_days(date, 1)) {
    DiaryEntry entry;
    entry.date = date;
    entry.rls = rls;
    entry.magnesium_mg = mg;
    entries.push_back(entry);
  }
  return entries;
}

TEST(TrialStatus, BeforeTheStart) {
  const auto status = trial_status(ab_plan(), {}, {2026, 1, 1}, rules());
  EXPECT_EQ(status.phase, "not-started");
  EXPECT_EQ(status.days_missing, 0);
  ASSERT_FALSE(status.todo.empty());
  EXPECT_NE(status.todo[0].find("2026-01-05"), std::string::npos);
}

TEST(TrialStatus, BaselineCountsLoggedAndMissingDays) {
  auto entries = daily({2026, 1, 5}, {2026, 1, 10}, 6, 0);  // 5, 6, 7, 8, 9 logged
  entries.erase(entries.begin() + 2);                       // the 7th missing
  const auto status = trial_status(ab_plan(), entries, {2026, 1, 11}, rules());
  EXPECT_EQ(status.phase, "baseline");
  EXPECT_EQ(status.day_in_phase, 7);
  EXPECT_EQ(status.phase_days, 14);
  EXPECT_EQ(status.days_logged, 4);
  EXPECT_EQ(status.days_missing, 2);  // the 7th and the 10th (yesterday)
  ASSERT_EQ(status.phases[0].missing.size(), 2u);
  EXPECT_EQ(status.phases[0].missing[1], (CalendarDate{2026, 1, 10}));
  EXPECT_NE(status.todo[0].find("do NOT take magnesium"), std::string::npos);
  bool asks_for_yesterday = false;
  for (const auto& item : status.todo)
    asks_for_yesterday =
        asks_for_yesterday || item.find("Log last night (2026-01-10)") != std::string::npos;
  EXPECT_TRUE(asks_for_yesterday);
}

TEST(TrialStatus, WarnsAboutMagnesiumDuringTheBaseline) {
  auto entries = daily({2026, 1, 5}, {2026, 1, 8}, 6, 0);
  entries[1].magnesium_mg = 200;
  const auto status = trial_status(ab_plan(), entries, {2026, 1, 8}, rules());
  ASSERT_EQ(status.warnings.size(), 1u);
  EXPECT_NE(status.warnings[0].find("magnesium-free"), std::string::npos);
}

TEST(TrialStatus, TreatmentAndFinished) {
  auto entries = daily({2026, 1, 5}, {2026, 1, 19}, 6, 0);
  auto on = daily({2026, 1, 19}, {2026, 1, 25}, 4, 300);
  entries.insert(entries.end(), on.begin(), on.end());
  auto status = trial_status(ab_plan(), entries, {2026, 1, 25}, rules());
  EXPECT_EQ(status.phase, "treatment");
  EXPECT_EQ(status.day_in_phase, 7);
  EXPECT_NE(status.todo[0].find("week 1"), std::string::npos);
  EXPECT_EQ(status.days_missing, 0);

  status = trial_status(ab_plan(), entries, {2026, 3, 20}, rules());
  EXPECT_EQ(status.phase, "finished");
  EXPECT_EQ(status.days_missing, 56 - 6);
}

TEST(TrialStatus, WithdrawalSaysStop) {
  TrialPlan plan = ab_plan();
  plan.design = TrialDesign::abab;
  plan.treatment_weeks = 6;
  const auto status = trial_status(plan, {}, {2026, 3, 3}, rules());
  EXPECT_EQ(status.phase, "withdrawal");
  EXPECT_NE(status.todo[0].find("stop magnesium"), std::string::npos);
}

// ---- evaluation (the numbers themselves are checked by tests/trial_vectors) ----

bool mentions(const std::vector<std::string>& notes, std::string_view text) {
  for (const auto& note : notes)
    if (note.find(text) != std::string::npos) return true;
  return false;
}

TEST(EvaluateTrial, DuringTheBaselineThereIsNoVerdict) {
  const auto entries = daily({2026, 1, 5}, {2026, 1, 12}, 6, 0);
  const auto result = evaluate_trial(ab_plan(), entries, {2026, 1, 12}, kb_options());
  EXPECT_EQ(result.verdict, Verdict::insufficient_data);
  EXPECT_FALSE(result.complete);
  EXPECT_FALSE(result.primary.ci95);
  EXPECT_FALSE(result.primary.reasons.empty());
  // The notes the issue requires are there even without a verdict.
  EXPECT_TRUE(mentions(result.notes, "placebo"));
  EXPECT_TRUE(mentions(result.notes, "Regression to the mean"));
  EXPECT_TRUE(mentions(result.notes, "ferritin"));
  EXPECT_TRUE(mentions(result.notes, "What next: there are not enough diary days"));
  EXPECT_TRUE(mentions(result.notes, "not a diagnosis"));
}

TEST(EvaluateTrial, ClearDropIsImprovedWithItsNotes) {
  auto entries = daily({2026, 1, 5}, {2026, 1, 19}, 6, 0);
  auto on = daily({2026, 1, 19}, {2026, 3, 16}, 3, 300);
  entries.insert(entries.end(), on.begin(), on.end());
  entries[3].rls = 7;  // some variation
  entries[20].rls = 2;
  const auto result = evaluate_trial(ab_plan(), entries, {2026, 3, 16}, kb_options());
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.verdict, Verdict::improved);
  EXPECT_EQ(result.primary.baseline_days, 14);
  EXPECT_EQ(result.primary.treatment_days, 28);
  EXPECT_TRUE(mentions(result.notes, "What next: if you want to carry on"));
  EXPECT_TRUE(mentions(result.notes, "Nielsen 2010"));
  EXPECT_EQ(result.treatment_days_with_magnesium, 56);
  // Stated threshold is a parameter: a 4-point requirement turns the same data into no change.
  TrialOptions strict = kb_options();
  strict.rules.rls_improvement_points = 4;
  EXPECT_EQ(evaluate_trial(ab_plan(), entries, {2026, 3, 16}, strict).verdict,
            Verdict::no_clear_change);
}

TEST(EvaluateTrial, InterimLookDuringTreatment) {
  auto entries = daily({2026, 1, 5}, {2026, 1, 19}, 6, 0);
  auto on = daily({2026, 1, 19}, {2026, 2, 15}, 3, 300);  // 27 days so far
  entries.insert(entries.end(), on.begin(), on.end());
  const auto result = evaluate_trial(ab_plan(), entries, {2026, 2, 15}, kb_options());
  EXPECT_FALSE(result.complete);
  EXPECT_EQ(result.primary.treatment_days, 27);
  EXPECT_TRUE(mentions(result.notes, "interim"));
  // Today's entry, once logged, counts.
  entries.push_back(daily({2026, 2, 15}, {2026, 2, 16}, 3, 300)[0]);
  EXPECT_EQ(evaluate_trial(ab_plan(), entries, {2026, 2, 15}, kb_options()).primary.treatment_days,
            28);
}

TEST(EvaluateTrial, SideEffectsAndAdherenceAreSummarised) {
  auto entries = daily({2026, 1, 5}, {2026, 1, 19}, 6, 0);
  auto on = daily({2026, 1, 19}, {2026, 3, 16}, 3, 300);
  for (auto& entry : entries) entry.side_effects = std::vector<SideEffect>{};
  on[0].side_effects = {{{SideEffectKind::loose_stools, SideEffectSeverity::mild}}};
  on[1].side_effects = {{{SideEffectKind::loose_stools, SideEffectSeverity::moderate},
                         {SideEffectKind::nausea, SideEffectSeverity::mild}}};
  on[2].side_effects = std::vector<SideEffect>{};
  on[5].magnesium_mg = 0;  // a missed dose
  entries.insert(entries.end(), on.begin(), on.end());
  entries[2].magnesium_mg = 100;  // magnesium during the baseline
  const auto result = evaluate_trial(ab_plan(), entries, {2026, 3, 16}, kb_options());
  EXPECT_EQ(result.baseline_side_effects.days_recorded, 14);
  EXPECT_EQ(result.baseline_side_effects.days_with_any, 0);
  EXPECT_EQ(result.treatment_side_effects.days_recorded, 3);
  EXPECT_EQ(result.treatment_side_effects.days_with_any, 2);
  ASSERT_EQ(result.treatment_side_effects.kinds.size(), 2u);
  EXPECT_EQ(result.treatment_side_effects.kinds[0].kind, SideEffectKind::loose_stools);
  EXPECT_EQ(result.treatment_side_effects.kinds[0].days, 2);
  EXPECT_EQ(result.treatment_side_effects.kinds[0].worst, SideEffectSeverity::moderate);
  EXPECT_EQ(result.treatment_days_with_magnesium, 55);
  EXPECT_EQ(result.treatment_days_magnesium_recorded, 56);
  EXPECT_EQ(result.baseline_days_with_magnesium, 1);
  EXPECT_TRUE(mentions(result.notes, "Loose stools"));
  EXPECT_TRUE(mentions(result.notes, "not taken on 1 day"));
  EXPECT_TRUE(mentions(result.notes, "magnesium-free"));
}

TEST(EvaluateTrial, IrlsTotalsAreComparedWithTheMinimalImportantChange) {
  auto entries = daily({2026, 1, 5}, {2026, 1, 19}, 6, 0);
  auto on = daily({2026, 1, 19}, {2026, 3, 16}, 3, 300);
  entries[6].irls_total = 24;
  entries[13].irls_total = 22;
  on[34].irls_total = 13;
  on[55].irls_total = 12;
  entries.insert(entries.end(), on.begin(), on.end());
  const auto result = evaluate_trial(ab_plan(), entries, {2026, 3, 16}, kb_options());
  const OutcomeResult* irls = nullptr;
  for (const auto& outcome : result.secondary)
    if (outcome.outcome == "irls_total") irls = &outcome;
  ASSERT_TRUE(irls);
  EXPECT_DOUBLE_EQ(*irls->difference, 12.5 - 23);
  EXPECT_EQ(irls->assessment, Verdict::improved);  // -10.5 <= -9
  EXPECT_EQ(*irls->threshold, 9);
}

TEST(EvaluateTrial, AbabIsProvisionalUntilTheSecondPairIsAnalysed) {
  TrialPlan plan = ab_plan();
  plan.design = TrialDesign::abab;
  plan.treatment_weeks = 6;
  auto entries = daily({2026, 1, 5}, {2026, 1, 19}, 6, 0);
  auto on = daily({2026, 1, 19}, {2026, 3, 2}, 3, 300);
  auto off = daily({2026, 3, 2}, {2026, 3, 5}, 5, 0);  // withdrawal: only 3 days so far
  entries.insert(entries.end(), on.begin(), on.end());
  entries.insert(entries.end(), off.begin(), off.end());
  entries[2].rls = 7;
  const auto result = evaluate_trial(plan, entries, {2026, 3, 5}, kb_options());
  EXPECT_EQ(result.verdict, Verdict::improved);
  EXPECT_FALSE(result.phases[2].analysed);  // withdrawal still running, too short
  EXPECT_EQ(result.primary.baseline_days, 14);
  EXPECT_TRUE(mentions(result.notes, "AB answer for now"));
}

}  // namespace
}  // namespace willis::core

namespace willis::core {
namespace {

// The trial's numbers are the KB's: change one in a copy of the KB and the trial follows it.
TEST(TrialRules, ComeFromTheKb) {
  Kb kb = testing::kb();
  kb.rules.thresholds.at("trial_min_baseline_days").value = 10;
  kb.rules.thresholds.at("trial_irls_minimal_important_change").value = 5;
  const TrialRules changed(kb);
  EXPECT_EQ(changed.min_baseline_days, 10);
  EXPECT_DOUBLE_EQ(changed.irls_minimal_important_change, 5);
  TrialPlan plan = ab_plan();
  plan.treatment_start = {2026, 1, 14};  // a 9-day baseline
  EXPECT_FALSE(validate_plan(plan, rules()));
  const auto error = validate_plan(plan, changed);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("at least 10 days"), std::string::npos) << error->message;
}

}  // namespace
}  // namespace willis::core
