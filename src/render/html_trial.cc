// src/render/html_trial.cc: the trial page (plan form, progress, result) and the trial's result
// and summary blocks the report page reuses. Declared in render/html_diary.h.
#include "render/html_diary.h"

namespace willis::render::html {

namespace {

std::string outcome_title(const std::string& outcome) {
  if (outcome == "rls_severity") return "RLS severity (0\u201310)";
  if (outcome == "sleep_efficiency") return "Sleep efficiency";
  if (outcome == "sleep_onset_latency") return "Minutes to fall asleep";
  if (outcome == "sleep_quality") return "Sleep quality (1\u20135)";
  if (outcome == "irls_total") return "IRLS total (weekly)";
  return outcome;
}

std::string verdict_words(core::Verdict verdict) {
  switch (verdict) {
    case core::Verdict::improved:
      return "Improved";
    case core::Verdict::no_clear_change:
      return "No clear change";
    case core::Verdict::worse:
      return "Worse";
    case core::Verdict::insufficient_data:
      return "Not enough data yet";
  }
  return "";
}

std::string opt(const std::optional<double>& value, int decimals) {
  return value ? number_text(*value, decimals) : std::string("\u2013");
}

std::string outcome_row(const core::OutcomeResult& o) {
  const int decimals = o.outcome == "sleep_onset_latency" ? 0 : 1;
  std::string interval = "\u2013";
  if (o.ci95)
    interval = number_text(o.ci95->at(0), decimals) + " to " + number_text(o.ci95->at(1), decimals);
  std::string change = "\u2013";
  if (o.difference) change = (*o.difference > 0 ? "+" : "") + number_text(*o.difference, decimals);
  std::string reasons;
  for (const auto& reason : o.reasons) reasons += (reasons.empty() ? "" : "; ") + reason;
  const auto with_unit = [&](const std::optional<double>& value) {
    return opt(value, decimals) + (value && o.unit == "%" ? " %" : "");
  };
  return format(
      "<tr><th "
      "scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>\n",
      outcome_title(o.outcome), with_unit(o.baseline_mean), with_unit(o.treatment_mean), change,
      interval, verdict_words(o.assessment),
      Raw{reasons.empty() ? std::string() : format("<br><small>{}</small>", reasons)});
}

std::string effects_summary_text(const core::SideEffectSummary& s) {
  if (s.days_recorded == 0) return "not recorded";
  if (s.days_with_any == 0) return "none on " + std::to_string(s.days_recorded) + " recorded days";
  std::string kinds;
  for (const auto& kind : s.kinds)
    kinds += (kinds.empty() ? "" : ", ") + std::string(core::to_string(kind.kind)) + " " +
             std::to_string(kind.days) + " day" + (kind.days == 1 ? "" : "s") + " (worst " +
             core::to_string(kind.worst) + ")";
  return std::to_string(s.days_with_any) + " of " + std::to_string(s.days_recorded) +
         " recorded days: " + kinds;
}

std::string design_words(core::TrialDesign design) {
  return design == core::TrialDesign::ab ? "AB: a baseline without magnesium, then magnesium"
                                         : "ABAB: baseline, magnesium, a break, magnesium again";
}

std::string phase_words(core::PhaseKind kind) {
  switch (kind) {
    case core::PhaseKind::baseline:
      return "Baseline (no magnesium)";
    case core::PhaseKind::treatment:
      return "Magnesium";
    case core::PhaseKind::withdrawal:
      return "Break (no magnesium)";
    case core::PhaseKind::retreatment:
      return "Magnesium again";
  }
  return "";
}

std::string plan_form(const FormData& form, const TrialView& view, bool replacing) {
  const auto& errors = view.errors;
  std::string fields;
  const std::string design = form.get("design");
  fields += format(
      "<fieldset class=\"question\" id=\"f-design\"><legend>Design</legend>"
      "<span class=\"radio\"><input type=\"radio\" id=\"f-design-ab\" name=\"design\" "
      "value=\"ab\"{}><label "
      "for=\"f-design-ab\">AB: baseline, then magnesium (simplest)</label></span>"
      "<span class=\"radio\"><input type=\"radio\" id=\"f-design-abab\" name=\"design\" "
      "value=\"abab\"{}><label "
      "for=\"f-design-abab\">ABAB: baseline, magnesium, a break, magnesium again (stronger "
      "evidence)</label></span>"
      "</fieldset>\n",
      Raw{design != "abab" ? " checked" : ""}, Raw{design == "abab" ? " checked" : ""});
  {
    // Issue 15: what the trial is judged on (thresholds from kb/rules.yaml, shown in the result).
    const std::string primary = form.get("primary").empty() ? "rls_severity" : form.get("primary");
    const std::pair<const char*, const char*> outcomes[] = {
        {"rls_severity", "Restless legs severity (0-10)"},
        {"sleep_onset", "How long it takes to fall asleep (minutes)"},
        {"sleep_efficiency", "Sleep efficiency (time asleep / time in bed)"},
        {"sleep_quality", "Sleep quality (1-5)"}};
    std::string radios;
    for (const auto& [value, label] : outcomes)
      radios += format(
          "<span class=\"radio\"><input type=\"radio\" id=\"f-primary-{0}\" name=\"primary\" "
          "value=\"{0}\"{1}><label for=\"f-primary-{0}\">{2}</label></span>",
          value, Raw{primary == value ? " checked" : ""}, label);
    fields += format(
        "<fieldset class=\"question\" id=\"f-primary\"><legend>What should the trial be judged "
        "on?</legend>{}</fieldset>\n",
        Raw{radios});
  }
  fields += input_field(
      form, errors,
      {"baseline_start", "Baseline starts", "At least 7 days without magnesium", "date", ""});
  fields += input_field(form, errors, {"treatment_start", "Magnesium starts", "", "date", ""});
  fields += input_field(form, errors,
                        {"treatment_weeks", "Weeks on magnesium (each phase)",
                         "6 to 8 weeks matches the studies", "text", "inputmode=\"numeric\""});
  fields += input_field(
      form, errors,
      {"withdrawal_weeks", "Weeks of break (ABAB only)", "", "text", "inputmode=\"numeric\""});
  if (replacing)
    fields +=
        "<div class=\"check\"><input type=\"checkbox\" id=\"f-replace\" name=\"replace\" "
        "value=\"true\">"
        "<label for=\"f-replace\">Replace the current plan (the old one stays in the diary "
        "file)</label></div>\n";
  return format(
      "<form method=\"post\" action=\"/trial\" class=\"trial\" novalidate>{}{}<div "
      "class=\"actions\">"
      "<button type=\"submit\" class=\"primary\" id=\"start-trial\">{}</button></div></form>\n",
      Raw{csrf_field(view.csrf).html}, Raw{fields},
      replacing ? "Replace the plan" : "Plan my trial");
}

}  // namespace

std::string trial_result_html(const core::TrialPlan& plan, const core::TrialResult& r) {
  std::string out =
      format("<p class=\"trial-verdict verdict-{}\"><strong>Result: {}</strong> ({}; {}).</p>\n",
             core::to_string(r.verdict), verdict_words(r.verdict), design_words(plan.design),
             r.complete ? "the trial is complete" : "the trial is still running: an interim look");
  std::string rows = outcome_row(r.primary);
  for (const auto& outcome : r.secondary) rows += outcome_row(outcome);
  std::string needs;
  if (plan.primary == core::TrialOutcome::rls_severity)
    needs = "RLS at least " + number_text(r.threshold, 1) + " points lower";
  else if (plan.primary == core::TrialOutcome::sleep_onset)
    needs = "falling asleep at least " + number_text(r.threshold, 1) + " minutes sooner";
  else if (plan.primary == core::TrialOutcome::sleep_efficiency)
    needs = "sleep efficiency at least " + number_text(r.threshold, 1) + " points higher";
  else
    needs = "better sleep quality";
  out += format(
      "<div class=\"table-wrap\"><table class=\"outcomes\"><caption>Baseline compared with the "
      "last 4 weeks on "
      "magnesium. \u201cImproved\u201d needs {}, with a 95 % interval that excludes "
      "0.</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Baseline</th><th "
      "scope=\"col\">On "
      "magnesium</th><th scope=\"col\">Change</th><th scope=\"col\">95 % interval</th><th "
      "scope=\"col\">Reading</th>"
      "</tr></thead><tbody>\n{}</tbody></table></div>\n",
      needs, Raw{rows});
  out += format("<p><strong>Side effects</strong> — baseline: {}; on magnesium: {}.</p>\n",
                effects_summary_text(r.baseline_side_effects),
                effects_summary_text(r.treatment_side_effects));
  if (!r.notes.empty()) {
    std::string notes;
    for (const auto& note : r.notes) notes += format("<li>{}</li>", note);
    out += format("<ul class=\"notes\">{}</ul>\n", Raw{notes});
  }
  return out;
}

std::string trial_summary_html(const core::TrialPlan& plan, const core::TrialResult& r) {
  std::vector<const core::OutcomeResult*> outcomes{&r.primary};
  for (const auto& outcome : r.secondary) outcomes.push_back(&outcome);
  std::string rows;
  for (const auto* o : outcomes) {
    const int decimals = o->outcome == "sleep_onset_latency" ? 0 : 1;
    std::string interval = "\u2013";
    if (o->ci95)
      interval =
          number_text(o->ci95->at(0), decimals) + " to " + number_text(o->ci95->at(1), decimals);
    std::string change = "\u2013";
    if (o->difference)
      change = (*o->difference > 0 ? "+" : "") + number_text(*o->difference, decimals);
    rows += format(
        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        outcome_title(o->outcome), opt(o->baseline_mean, decimals),
        opt(o->treatment_mean, decimals), change, interval, verdict_words(o->assessment));
  }
  return format(
      "<p><strong>{}</strong> \u2014 {}; {}; days analysed: baseline {}, on magnesium {}.</p>"
      "<table class=\"outcomes compact\"><thead><tr><th scope=\"col\">Outcome</th><th "
      "scope=\"col\">Baseline</th>"
      "<th scope=\"col\">On Mg</th><th scope=\"col\">Change</th><th scope=\"col\">95 % "
      "interval</th>"
      "<th scope=\"col\">Reading</th></tr></thead><tbody>{}</tbody></table>"
      "<p>Side effects \u2014 baseline: {}; on magnesium: {}.</p>\n",
      verdict_words(r.verdict), design_words(plan.design),
      r.complete ? "complete" : "still running (interim)", r.primary.baseline_days,
      r.primary.treatment_days, Raw{rows}, effects_summary_text(r.baseline_side_effects),
      effects_summary_text(r.treatment_side_effects));
}

std::string trial_page(const std::optional<core::TrialPlan>& plan,
                       const std::optional<core::TrialStatus>& status,
                       const std::optional<core::TrialResult>& result, const std::string& chart_svg,
                       const FormData& form, const TrialView& view) {
  std::string out = "<h1>Your personal trial</h1>\n";
  if (!view.notice.empty())
    out += format("<p class=\"notice\" role=\"status\">{}</p>\n", view.notice);
  out += error_summary(view.errors).html;
  if (!plan) {
    out +=
        "<p class=\"lead\">A personal trial compares your diary without magnesium (the baseline) "
        "with your diary on magnesium. Log every evening; after the trial willis shows what "
        "changed and how sure that is.</p>\n";
    out += format(
        "<section aria-labelledby=\"h-plan\"><h2 id=\"h-plan\">Plan a trial</h2>{}</section>\n",
        Raw{plan_form(form, view, false)});
    return out;
  }
  std::string phases;
  for (const auto& phase : core::trial_phases(*plan))
    phases += format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     phase_words(phase.kind), phase.start.str(),
                     core::add_days(phase.end, -1).str(), phase.days());
  out += format(
      "<section aria-labelledby=\"h-plan\"><h2 id=\"h-plan\">The plan</h2><p>{}</p><table "
      "class=\"phases\"><thead><tr>"
      "<th scope=\"col\">Phase</th><th scope=\"col\">From</th><th scope=\"col\">To</th><th "
      "scope=\"col\">Days</th></tr>"
      "</thead><tbody>{}</tbody></table></section>\n",
      design_words(plan->design), Raw{phases});
  if (status) {
    std::string todo, warnings, progress;
    for (const auto& item : status->todo) todo += format("<li>{}</li>", item);
    for (const auto& item : status->warnings) warnings += format("<li>{}</li>", item);
    for (const auto& p : status->phases) {
      std::string missing;
      const std::size_t shown = std::min<std::size_t>(p.missing.size(), 7);
      for (std::size_t idx = p.missing.size() - shown; idx < p.missing.size(); ++idx)
        missing += (missing.empty() ? "" : ", ") + p.missing[idx].str();
      if (p.missing.size() > shown)
        missing += " and " + std::to_string(p.missing.size() - shown) + " earlier";
      progress += format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         phase_words(p.phase.kind), p.days_elapsed, p.days_logged,
                         missing.empty() ? "none" : missing);
    }
    std::string now = status->phase;
    if (status->day_in_phase > 0)
      now += ", day " + std::to_string(status->day_in_phase) + " of " +
             std::to_string(status->phase_days);
    out += format(
        "<section aria-labelledby=\"h-progress\"><h2 id=\"h-progress\">Progress</h2>"
        "<p><strong>Now:</strong> {}. Days logged: {}; missing: {}.</p>"
        "{}{}<table class=\"progress\"><thead><tr><th scope=\"col\">Phase</th><th "
        "scope=\"col\">Days so far</th>"
        "<th scope=\"col\">Logged</th><th scope=\"col\">Missing "
        "days</th></tr></thead><tbody>{}</tbody></table></section>\n",
        now, status->days_logged, status->days_missing,
        Raw{todo.empty() ? std::string()
                         : format("<h3>What to do today</h3><ul>{}</ul>", Raw{todo})},
        Raw{warnings.empty()
                ? std::string()
                : format(
                      "<div class=\"warnings\" role=\"status\"><h3>Warnings</h3><ul>{}</ul></div>",
                      Raw{warnings})},
        Raw{progress});
  }
  if (result)
    out += format(
        "<section aria-labelledby=\"h-result\"><h2 id=\"h-result\">Result</h2>{}</section>\n",
        Raw{trial_result_html(*plan, *result)});
  if (!chart_svg.empty())
    out += format(
        "<section aria-labelledby=\"h-chart\"><h2 id=\"h-chart\">Chart</h2><figure "
        "class=\"chart\">{}</figure></section>\n",
        Raw{chart_svg});
  out += format("<details class=\"replan\"{}><summary>Change the plan</summary>{}</details>\n",
                Raw{view.errors.empty() ? "" : " open"}, Raw{plan_form(form, view, true)});
  return out;
}

}  // namespace willis::render::html
