// Plan: a starting dose of one magnesium form, only when nothing found so far stands in its way.
#include <algorithm>

#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// Whether a plan may be shown; when not, says why (a finding) and returns false.
bool plan_allowed(Findings& out) {
  for (const Item* item : out.prescribed) {
    Finding& f = out.add_text("dose", "prescribed", "prescribed_magnesium", {{"name", item->name}});
    f.data.emplace_back("prescribed", true);
  }
  if (!out.prescribed.empty()) {
    out.note("note_plan_prescribed", {});
    return false;
  }
  std::vector<std::string> what;
  for (const auto& u : out.pending) {
    if (u.missing == "unknown")
      what.push_back("willis does not know '" + u.medicines.front() + "'");
    if (u.missing == "unknown-condition")
      what.push_back("willis does not know the condition '" + u.medicines.front() + "'");
    if (u.missing == "unknown-symptom")
      what.push_back("willis does not know the symptom '" + u.medicines.front() + "'");
    if (u.missing == "amount")
      what.push_back("the magnesium in '" + u.medicines.front() + "' is not counted");
  }
  if (what.empty()) return true;
  out.add_text("caution", "plan-withheld", "plan_withheld", {{"what", join(what)}});
  return false;
}

/// Keep a form the person already takes; otherwise the KB's default (or gentler) form.
void choose_form(const Context& cx, const Findings& out, Plan& plan) {
  std::string current;
  for (const auto& form : out.current_forms)
    if (!form.empty()) current = form;
  std::string reason_text = "plan_form_reason";
  if (!current.empty()) {
    plan.form = current;
    reason_text = "plan_form_reason_current";
  } else if (cx.p.sensitive_stomach) {
    plan.form = cx.rules.sensitive_stomach_form;
    reason_text = "plan_form_reason_sensitive";
  } else {
    plan.form = cx.rules.default_form;
  }
  const RuleText& reason = cx.rules.text(reason_text);
  const Form* form = cx.kb.form(plan.form);
  plan.form_reason = fill_text(reason.detail, {{"form", form ? form->id : plan.form}});
  plan.form_sources = reason.prov.sources;
}

}  // namespace

void make_plan(const Context& cx, Findings& out) {
  if (out.verdict() >= Severity::avoid || !cx.adult()) return;
  if (!plan_allowed(out)) return;
  const UpperLimit* limit = cx.upper_limit();
  if (!limit || !limit->mg) return;
  const double ceiling = *limit->mg - out.medicine_magnesium_mg;
  if (ceiling <= 0) {
    out.note("note_plan_limit_reached", {});
    return;
  }
  Plan plan;
  choose_form(cx, out, plan);
  plan.max_elemental_mg = ceiling;
  plan.start_elemental_mg = std::min(cx.threshold("plan_start_mg"), ceiling);
  plan.review_after_weeks = static_cast<int>(cx.threshold("plan_review_weeks"));
  if (out.supplement_mg > 0)
    out.note("note_plan_replaces", {{"mg", format_number(out.supplement_mg)}});
  Finding& trial =
      out.add_text("lifestyle", "trial", cx.sleep_only() ? "plan_trial_sleep" : "plan_trial",
                   {{"weeks", std::to_string(plan.review_after_weeks)}});
  trial.data.emplace_back("review_after_weeks", static_cast<double>(plan.review_after_weeks));
  out.result.magnesium.plan = plan;
}

}  // namespace willis::core::rules
