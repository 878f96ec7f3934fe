#include <algorithm>

#include "core/trial_detail.h"

namespace willis::core::trial_detail {
namespace {

/// What the trial's notes need to know besides the result.
struct NoteContext {
  const TrialPlan& plan;
  const TrialResult& result;
  const TrialOptions& options;
  bool rls_primary;
  std::string threshold_text;
};

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

/// What "improved" means for the primary outcome, and where its threshold comes from.
void note_verdict_meaning(const NoteContext& context, std::vector<std::string>& notes) {
  const TrialPlan& plan = context.plan;
  const OutcomeResult& judged = context.result.primary;
  const bool rls_primary = context.rls_primary;
  const std::string& threshold_text = context.threshold_text;
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
}

/// What an unblinded before-and-after diary cannot separate, and how the numbers were made.
void note_caveats(const TrialOptions& options, std::vector<std::string>& notes) {
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
}

/// An interim look, and magnesium taken (or not) against the plan.
void note_adherence(const TrialResult& result, CalendarDate last_day,
                    std::vector<std::string>& notes) {
  if (!result.complete)
    notes.push_back("The trial is still running (last planned day " + last_day.str() +
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
}

/// ABAB: whether the improvement repeated.
void note_replication(const TrialPlan& plan, const TrialResult& result,
                      const Replication& replication, std::vector<std::string>& notes) {
  if (plan.design == TrialDesign::abab) {
    if (!replication.failures.empty())
      notes.push_back("ABAB: the improvement did not repeat (" + replication.failures.front() +
                      "), so the verdict is not \"improved\" even if the pooled change is large.");
    else if (!replication.second_pair_analysed)
      notes.push_back(
          "ABAB: the withdrawal and second magnesium phase are not analysed yet, so "
          "this is an AB answer for now.");
    else if (result.verdict == Verdict::improved)
      notes.push_back(
          "ABAB: symptoms improved on magnesium, returned without it and improved "
          "again when it restarted; that makes a real effect more likely, though "
          "placebo is still possible.");
  }
}

/// A change that is real but smaller than the threshold, and the commonest side effect.
void note_small_change_and_side_effects(const NoteContext& context,
                                        std::vector<std::string>& notes) {
  const TrialResult& result = context.result;
  const bool rls_primary = context.rls_primary;
  const std::string& threshold_text = context.threshold_text;
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
}

/// What to do next, by verdict.
void note_what_next(const NoteContext& context, std::vector<std::string>& notes) {
  const TrialResult& result = context.result;
  const bool rls_primary = context.rls_primary;
  switch (result.verdict) {
    case Verdict::improved:
      notes.push_back(
          "What next: if you want to carry on, keep the same dose and time, and tell "
          "your GP and pharmacist that you take magnesium (it affects how some "
          "medicines are absorbed). For a stronger answer, stop for " +
          plural(context.options.rules.default_withdrawal_weeks, "week", "weeks") +
          " and restart (an ABAB trial): an effect that disappears and comes back is more "
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
}

}  // namespace

void add_trial_notes(const TrialPlan& plan, const TrialOptions& options,
                     const Replication& replication, CalendarDate last_day, TrialResult& result) {
  const NoteContext context{plan, result, options, plan.primary == TrialOutcome::rls_severity,
                            fixed(result.threshold, 1)};
  std::vector<std::string> notes;
  note_verdict_meaning(context, notes);
  note_caveats(options, notes);
  note_adherence(result, last_day, notes);
  note_replication(plan, result, replication, notes);
  note_small_change_and_side_effects(context, notes);
  note_what_next(context, notes);
  const bool rls_primary = context.rls_primary;
  if (rls_primary)
    notes.push_back(
        "Whatever the result, ask your GP to check your iron stores (ferritin and "
        "transferrin saturation) if they have not been checked recently: low iron "
        "makes RLS worse and is treatable.");
  notes.push_back(
      "This is information, not a diagnosis: discuss any change with your GP or "
      "pharmacist.");
  result.notes.insert(result.notes.end(), notes.begin(), notes.end());
}

}  // namespace willis::core::trial_detail
