// Iron: in suspected RLS, ask for ferritin and TSAT and say when iron treatment is indicated.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// Adults: why iron is indicated ("" when it is not) and the rule that says so (`which`); the
/// AASM band where only IV iron helps is a finding of its own.
std::string adult_reason(const Context& cx, Findings& out, const IronRule& rule,
                         std::string& which) {
  const auto& labs = cx.p.labs;
  std::string reason;
  const bool ferritin_low =
      labs.ferritin_ng_ml &&
      ((rule.ferritin_treat_at_or_below >= 0 &&
        *labs.ferritin_ng_ml <= rule.ferritin_treat_at_or_below) ||
       (rule.ferritin_treat_below >= 0 && *labs.ferritin_ng_ml < rule.ferritin_treat_below));
  const bool tsat_low = labs.tsat_percent && *labs.tsat_percent < rule.tsat_treat_below;
  if (ferritin_low)
    reason += "Your ferritin is " + format_number(*labs.ferritin_ng_ml) +
              " ng/mL (same as micrograms/L). ";
  if (tsat_low)
    reason += "Your transferrin saturation is " + format_number(*labs.tsat_percent) + " %. ";
  if (!reason.empty()) reason.pop_back();
  which = rule.ferritin_treat_at_or_below >= 0
              ? "ferritin " + format_number(rule.ferritin_treat_at_or_below) + " ng/mL or less"
              : "ferritin below " + format_number(rule.ferritin_treat_below) + " micrograms/L";
  which += ", or TSAT below " + format_number(rule.tsat_treat_below) + " %";
  if (reason.empty() && rule.ferritin_iv_only_up_to && labs.ferritin_ng_ml &&
      *labs.ferritin_ng_ml > rule.ferritin_treat_at_or_below &&
      *labs.ferritin_ng_ml <= *rule.ferritin_iv_only_up_to &&
      (!labs.tsat_percent || *labs.tsat_percent >= rule.tsat_treat_below)) {
    Finding& f = out.add_text("iron", "iv-band", "iron_iv_band",
                              {{"ferritin", format_number(*labs.ferritin_ng_ml)}});
    f.data.emplace_back("ferritin_ng_ml", *labs.ferritin_ng_ml);
  }
  return reason;
}

}  // namespace

void iron_rules(const Context& cx, Findings& out) {
  if (!cx.rls_suspected()) return;
  const auto& labs = cx.p.labs;
  std::vector<std::string> missing;
  if (!labs.ferritin_ng_ml) missing.push_back("ferritin");
  if (!labs.tsat_percent) missing.push_back("transferrin saturation (TSAT)");
  if (!missing.empty()) out.add_text("iron", "check", "iron_check", {{"missing", join(missing)}});
  const IronRule* rule = nullptr;
  for (const auto& r : cx.rules.iron)
    if (r.jurisdiction == cx.p.jurisdiction) rule = &r;
  if (!rule) return;
  std::string reason, which;
  Provenance prov = rule->prov;
  if (!cx.adult()) {
    const double below = cx.threshold("child_ferritin_treat_below");
    if (labs.ferritin_ng_ml && *labs.ferritin_ng_ml < below) {
      reason = "Your ferritin is " + format_number(*labs.ferritin_ng_ml) + " ng/mL.";
      which = "children: ferritin below " + format_number(below) + " ng/mL";
      prov = cx.threshold_prov("child_ferritin_treat_below");
    }
  } else {
    reason = adult_reason(cx, out, *rule, which);
  }
  if (reason.empty()) return;
  const RuleText& text = cx.rules.text("iron_treat");
  const Values values = {{"reason", reason}, {"rule", which}};
  Finding& f = out.add("iron", "treat", text.severity, fill_text(text.title, values),
                       fill_text(text.detail, values), text.see, prov);
  f.verified = prov.verified;
  add_missing(f.sources, text.prov.sources);
  if (labs.ferritin_ng_ml) f.data.emplace_back("ferritin_ng_ml", *labs.ferritin_ng_ml);
  if (labs.tsat_percent) f.data.emplace_back("tsat_percent", *labs.tsat_percent);
}

}  // namespace willis::core::rules
