#include "render/trial_report.h"

#include <fmt/format.h>

#include <cctype>

#include "render/json_writer.h"

namespace willis::render {
namespace {

using core::OutcomeResult;
using core::TrialResult;

std::string one_line(std::string_view text, std::size_t width) {
  std::string flat;
  for (const char ch : text) flat += (ch == '\n' || ch == '\t') ? ' ' : ch;
  if (flat.size() <= width) return flat;
  // cut on a UTF-8 character boundary
  std::size_t cut = width - 1;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
  return flat.substr(0, cut) + "…";
}

std::string design_text(core::TrialDesign design) {
  return design == core::TrialDesign::ab
             ? "AB (baseline, then magnesium)"
             : "ABAB (baseline, magnesium, withdrawal, magnesium again)";
}

std::string outcome_title(const std::string& outcome) {
  if (outcome == "rls_severity") return "RLS severity";
  if (outcome == "sleep_efficiency") return "sleep efficiency";
  if (outcome == "sleep_onset_latency") return "minutes to fall asleep";
  if (outcome == "sleep_quality") return "sleep quality";
  if (outcome == "irls_total") return "IRLS total (weekly)";
  return outcome;
}

std::string p_text(double p) {
  if (p < 0.001) return "p < 0.001";
  return fmt::format("p = {:.3f}", p);
}

void write_outcome(render::JsonWriter& writer, const OutcomeResult& outcome) {
  const auto optional_number = [&](const char* name, const std::optional<double>& value) {
    writer.key(name);
    if (value)
      writer.value(*value);
    else
      writer.null();
  };
  writer.begin_object();
  writer.member("outcome", outcome.outcome);
  writer.member("unit", outcome.unit);
  writer.member("lower_is_better", outcome.lower_is_better);
  optional_number("baseline_mean", outcome.baseline_mean);
  optional_number("treatment_mean", outcome.treatment_mean);
  optional_number("difference", outcome.difference);
  writer.key("ci95");
  if (outcome.ci95) {
    writer.begin_array();
    writer.value(outcome.ci95->at(0));
    writer.value(outcome.ci95->at(1));
    writer.end_array();
  } else {
    writer.null();
  }
  writer.member("baseline_days", outcome.baseline_days);
  writer.member("treatment_days", outcome.treatment_days);
  writer.key("welch");
  if (outcome.welch) {
    writer.begin_object();
    writer.member("t", outcome.welch->t);
    writer.member("df", outcome.welch->df);
    writer.member("p", outcome.welch->p);
    writer.end_object();
  } else {
    writer.null();
  }
  optional_number("threshold", outcome.threshold);
  writer.member("threshold_source", outcome.threshold_source);
  writer.member("assessment", core::to_string(outcome.assessment));
  writer.key("reasons");
  writer.begin_array();
  for (const auto& reason : outcome.reasons) writer.value(reason);
  writer.end_array();
  writer.end_object();
}

void write_side_effects(render::JsonWriter& writer, const core::SideEffectSummary& summary) {
  writer.begin_object();
  writer.member("days_recorded", summary.days_recorded);
  writer.member("days_with_any", summary.days_with_any);
  writer.key("kinds");
  writer.begin_object();
  for (const auto& kind : summary.kinds) {
    writer.key(core::to_string(kind.kind));
    writer.begin_object();
    writer.member("days", kind.days);
    writer.member("worst", core::to_string(kind.worst));
    writer.end_object();
  }
  writer.end_object();
  writer.end_object();
}

std::string number_or_dash(const std::optional<double>& value, int decimals) {
  return value ? fmt::format("{:.{}f}", *value, decimals) : std::string("-");
}

std::string outcome_line(const OutcomeResult& outcome) {
  const int decimals = outcome.outcome == "sleep_onset_latency" ? 0 : 1;
  const std::string unit = outcome.unit == "%" ? " %" : outcome.unit == "min" ? " min" : "";
  std::string line = fmt::format("  {:<24}", outcome_title(outcome.outcome));
  line += fmt::format("{}{} -> {}{}", number_or_dash(outcome.baseline_mean, decimals), unit,
                      number_or_dash(outcome.treatment_mean, decimals), unit);
  if (outcome.difference) line += fmt::format("  change {:+.{}f}", *outcome.difference, decimals);
  if (outcome.ci95)
    line += fmt::format(" (95 % {:.{}f} to {:.{}f})", outcome.ci95->at(0), decimals,
                        outcome.ci95->at(1), decimals);
  const bool excludes_zero = outcome.ci95 && (outcome.ci95->at(0) > 0 || outcome.ci95->at(1) < 0);
  if (outcome.assessment == core::Verdict::no_clear_change && excludes_zero)
    line += "  changed, but by less than a meaningful amount";
  else
    line += fmt::format("  {}", core::to_string(outcome.assessment));
  if (outcome.threshold) line += fmt::format(" [meaningful: {:g}{}]", *outcome.threshold, unit);
  return line + "\n";
}

std::string side_effects_line(const core::SideEffectSummary& summary) {
  if (summary.days_recorded == 0) return "not recorded";
  if (summary.days_with_any == 0)
    return fmt::format("none on {} recorded days", summary.days_recorded);
  std::string kinds;
  for (const auto& kind : summary.kinds)
    kinds += fmt::format("{}{} {} day{} (worst {})", kinds.empty() ? "" : ", ",
                         core::to_string(kind.kind), kind.days, kind.days == 1 ? "" : "s",
                         core::to_string(kind.worst));
  return fmt::format("{} of {} recorded days: {}", summary.days_with_any, summary.days_recorded,
                     kinds);
}

}  // namespace

std::string entries_text(const std::vector<core::DiaryEntry>& entries) {
  if (entries.empty()) return "No diary entries.\n";
  std::string out = fmt::format(
      "{:<10}  {:>3}  {:>4}  {:<5}  {:>4}  {:>4}  {:<5}  {:<5}  {:>4}  "
      "{:>4}  {:>5}  {:>6}  {:<22}  {}\n",
      "date", "rls", "qual", "bed", "sol", "waso", "wake", "out", "TIB", "TST", "SE%", "Mg mg",
      "side effects", "note");
  for (const auto& entry : entries) {
    const auto field = [&](std::string_view name) {
      const std::string text = core::field_text(entry, name);
      return text.empty() ? std::string("-") : text;
    };
    out += fmt::format(
        "{:<10}  {:>3}  {:>4}  {:<5}  {:>4}  {:>4}  {:<5}  {:<5}  {:>4}  {:>4}  "
        "{:>5}  {:>6}  {:<22}  {}\n",
        field("date"), field("rls"), field("sleep_quality"), field("bed"), field("sol_min"),
        field("waso_min"), field("wake"), field("out_of_bed"), field("tib_min"), field("tst_min"),
        field("se_percent"), field("magnesium_mg"), one_line(field("side_effects"), 22),
        one_line(entry.note, 40));
  }
  out += fmt::format(
      "{} entr{}. TIB = time in bed, TST = total sleep time (min); "
      "SE = TST / TIB x 100.\n",
      entries.size(), entries.size() == 1 ? "y" : "ies");
  return out;
}

std::string trial_status_text(const core::TrialPlan& plan, const core::TrialStatus& status) {
  std::string out = fmt::format("Personal trial: {}\n", design_text(plan.design));
  for (const auto& progress : status.phases)
    out += fmt::format("  {:<12} {} to {}  ({} days)  logged {}, missing {}\n",
                       core::to_string(progress.phase.kind), progress.phase.start.str(),
                       core::add_days(progress.phase.end, -1).str(), progress.phase.days(),
                       progress.days_logged, progress.missing.size());
  out += fmt::format("Now: {}", status.phase);
  if (status.day_in_phase > 0)
    out += fmt::format(", day {} of {}", status.day_in_phase, status.phase_days);
  out += fmt::format(". Days logged {}, missing {}.\n", status.days_logged, status.days_missing);
  std::vector<std::string> missing;
  for (const auto& progress : status.phases)
    for (const auto& date : progress.missing) missing.push_back(date.str());
  if (!missing.empty()) {
    out += "Missing:";
    const std::size_t shown = std::min<std::size_t>(missing.size(), 10);
    for (std::size_t idx = missing.size() - shown; idx < missing.size(); ++idx)
      out += " " + missing[idx];
    if (missing.size() > shown) out += fmt::format(" (and {} earlier)", missing.size() - shown);
    out += "\n";
  }
  out += "\nWhat to do today:\n";
  for (const auto& item : status.todo) out += "  - " + item + "\n";
  for (const auto& warning : status.warnings) out += "Warning: " + warning + "\n";
  return out;
}

std::string trial_status_json(const core::TrialPlan& plan, const core::TrialStatus& status) {
  render::JsonWriter writer;
  writer.begin_object();
  writer.member("design", core::to_string(plan.design));
  writer.member("phase", status.phase);
  writer.member("day_in_phase", status.day_in_phase);
  writer.member("phase_days", status.phase_days);
  writer.member("last_day", core::add_days(status.end, -1).str());
  writer.member("days_logged", status.days_logged);
  writer.member("days_missing", status.days_missing);
  writer.key("phases");
  writer.begin_array();
  for (const auto& progress : status.phases) {
    writer.begin_object();
    writer.member("phase", core::to_string(progress.phase.kind));
    writer.member("start", progress.phase.start.str());
    writer.member("last_day", core::add_days(progress.phase.end, -1).str());
    writer.member("days_elapsed", progress.days_elapsed);
    writer.member("days_logged", progress.days_logged);
    writer.key("missing");
    writer.begin_array();
    for (const auto& date : progress.missing) writer.value(date.str());
    writer.end_array();
    writer.end_object();
  }
  writer.end_array();
  writer.key("todo");
  writer.begin_array();
  for (const auto& item : status.todo) writer.value(item);
  writer.end_array();
  writer.key("warnings");
  writer.begin_array();
  for (const auto& warning : status.warnings) writer.value(warning);
  writer.end_array();
  writer.end_object();
  return writer.take() + "\n";
}

std::string trial_result_text(const core::TrialPlan& plan, const TrialResult& result) {
  std::string verdict = core::to_string(result.verdict);
  for (char& ch : verdict) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string out = fmt::format("Personal trial result: {}\n", verdict);
  out += fmt::format("Design: {}; {}\n\n", design_text(plan.design),
                     result.complete ? "complete" : "still running (interim look)");
  const auto& primary = result.primary;
  const bool rls_primary = plan.primary == core::TrialOutcome::rls_severity;
  out += rls_primary
             ? std::string(
                   "RLS severity (0-10): baseline vs the last 4 weeks of each magnesium phase\n")
             : "Judged on " + outcome_title(primary.outcome) + " (" + primary.unit +
                   "): baseline vs the last 4 weeks of each magnesium phase\n";
  for (const auto& phase : result.phases) {
    if (phase.days_expected == 0) continue;
    out += fmt::format(
        "  {:<12} {} to {}  logged {:>2} of {:>2}  mean {}{}\n", core::to_string(phase.phase.kind),
        phase.window_start.str(), core::add_days(phase.window_end, -1).str(), phase.days_logged,
        phase.days_expected, number_or_dash(rls_primary ? phase.rls_mean : phase.primary_mean, 1),
        phase.analysed ? "" : "  (still running: not analysed yet)");
  }
  out += fmt::format("  baseline {} ({} days) -> magnesium {} ({} days)",
                     number_or_dash(primary.baseline_mean, 1), primary.baseline_days,
                     number_or_dash(primary.treatment_mean, 1), primary.treatment_days);
  if (primary.difference)
    out += fmt::format(": change {:+.1f} {}", *primary.difference,
                       rls_primary ? std::string("points") : primary.unit);
  out += "\n";
  if (primary.ci95)
    out += fmt::format("  95 % interval {:.1f} to {:.1f} (moving-block bootstrap)\n",
                       primary.ci95->at(0), primary.ci95->at(1));
  if (primary.welch)
    out += fmt::format("  Welch's t-test: t = {:.2f}, df = {:.1f}, {}\n", primary.welch->t,
                       primary.welch->df, p_text(primary.welch->p));
  for (const auto& reason : primary.reasons) out += "  not enough data: " + reason + "\n";
  if (rls_primary)
    out += fmt::format(
        "  \"improved\" needs a reduction of at least {:.1f} points whose interval "
        "excludes 0\n\n",
        result.threshold);
  else
    out += fmt::format(
        "  \"improved\" needs {} {} of at least {:.1f} {} whose interval excludes 0 "
        "(threshold: {})\n\n",
        primary.lower_is_better ? "a fall" : "a rise", "in " + outcome_title(primary.outcome),
        result.threshold, primary.unit, primary.threshold_source);
  out += "Secondary outcomes (baseline -> magnesium)\n";
  for (const auto& outcome : result.secondary) out += outcome_line(outcome);
  out += "\nSide effects\n";
  out += "  baseline:  " + side_effects_line(result.baseline_side_effects) + "\n";
  out += "  magnesium: " + side_effects_line(result.treatment_side_effects) + "\n";
  out += fmt::format(
      "  magnesium recorded as taken on {} of {} magnesium-phase days with a "
      "record\n\n",
      result.treatment_days_with_magnesium, result.treatment_days_magnesium_recorded);
  out += "Notes\n";
  for (const auto& note : result.notes) out += "  - " + note + "\n";
  return out;
}

std::string trial_result_json(const core::TrialPlan& plan, const TrialResult& result) {
  render::JsonWriter writer;
  writer.begin_object();
  writer.member("verdict", core::to_string(result.verdict));
  writer.member("design", core::to_string(result.design));
  writer.member("complete", result.complete);
  writer.key("plan");
  writer.begin_object();
  writer.member("baseline_start", plan.baseline_start.str());
  writer.member("treatment_start", plan.treatment_start.str());
  writer.member("treatment_weeks", plan.treatment_weeks);
  writer.member("primary", core::to_string(plan.primary));
  if (plan.design == core::TrialDesign::abab)
    writer.member("withdrawal_weeks", plan.withdrawal_weeks);
  writer.member("last_day", core::add_days(core::trial_end(plan), -1).str());
  writer.end_object();
  writer.key("threshold");
  writer.begin_object();
  writer.member("outcome", result.primary.outcome);
  writer.member("reduction", result.threshold);
  writer.member("rule", result.primary.lower_is_better
                            ? "improved = treatment_mean - baseline_mean <= -reduction and ci95 "
                              "excludes 0; worse = the mirror image"
                            : "improved = treatment_mean - baseline_mean >= reduction and ci95 "
                              "excludes 0; worse = the mirror image");
  writer.end_object();
  writer.key("primary");
  write_outcome(writer, result.primary);
  writer.key("secondary");
  writer.begin_array();
  for (const auto& outcome : result.secondary) write_outcome(writer, outcome);
  writer.end_array();
  writer.key("phases");
  writer.begin_array();
  for (const auto& phase : result.phases) {
    writer.begin_object();
    writer.member("phase", core::to_string(phase.phase.kind));
    writer.member("start", phase.phase.start.str());
    writer.member("last_day", core::add_days(phase.phase.end, -1).str());
    writer.member("analysed", phase.analysed);
    writer.member("window_start", phase.window_start.str());
    writer.member("window_last_day", core::add_days(phase.window_end, -1).str());
    writer.member("days_expected", phase.days_expected);
    writer.member("days_logged", phase.days_logged);
    writer.key("rls_mean");
    if (phase.rls_mean)
      writer.value(*phase.rls_mean);
    else
      writer.null();
    writer.end_object();
  }
  writer.end_array();
  writer.key("side_effects");
  writer.begin_object();
  writer.key("baseline");
  write_side_effects(writer, result.baseline_side_effects);
  writer.key("treatment");
  write_side_effects(writer, result.treatment_side_effects);
  writer.end_object();
  writer.key("magnesium");
  writer.begin_object();
  writer.member("treatment_days_taken", result.treatment_days_with_magnesium);
  writer.member("treatment_days_recorded", result.treatment_days_magnesium_recorded);
  writer.member("baseline_days_taken", result.baseline_days_with_magnesium);
  writer.end_object();
  writer.key("notes");
  writer.begin_array();
  for (const auto& note : result.notes) writer.value(note);
  writer.end_array();
  writer.end_object();
  return writer.take() + "\n";
}

}  // namespace willis::render
