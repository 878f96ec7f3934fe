// Kidneys: eGFR bands, kidney conditions in any spelling, and eGFR results too old to count.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

bool kidney_disease(const Context& cx) {
  return cx.has_condition_role("kidney") || cx.has_condition_role("kidney-moderate") ||
         !cx.unknown_kidney_condition.empty();
}

/// Why magnesium is ruled out for the kidneys ("" when it is not): a low eGFR however old, or a
/// severe kidney condition.
std::string severe_reason(const Context& cx) {
  const auto& egfr = cx.p.labs.egfr;
  std::string reason;
  if (egfr && *egfr < cx.threshold("egfr_contraindicated_below")) {
    reason = fill_text(cx.rules.text("kidney_reason_egfr").detail,
                       {{"egfr", format_number(*egfr)}, {"date", dated(cx.p.labs.egfr_date)}});
  } else {
    for (const auto& id : cx.condition_ids)
      if (const Condition* c = cx.kb.condition(id); c && c->has_role("kidney-severe"))
        reason = fill_text(cx.rules.text("kidney_reason_condition").detail, {{"name", c->name}});
  }
  return reason;
}

/// An eGFR too old to count: kidney function unknown with kidney disease, else ask for a new one.
void egfr_out_of_date(const Context& cx, Findings& out, double egfr) {
  const bool disease = kidney_disease(cx);
  const std::string why =
      disease ? cx.rules.text("kidney_why_disease").detail
              : fill_text(cx.rules.text("kidney_why_age").detail,
                          {{"age", format_number(cx.threshold("lab_freshness_age_from_y"))}});
  const Values values = {{"value", format_number(egfr)},
                         {"date", cx.p.labs.egfr_date ? cx.p.labs.egfr_date->str() : "no date"},
                         {"months", format_number(cx.threshold("lab_fresh_days") / 30.5)},
                         {"why", why},
                         {"threshold", format_number(cx.threshold("egfr_contraindicated_below"))}};
  if (disease) {
    Finding& f =
        out.add_text("contraindication", "kidney-function-unknown", "kidney_out_of_date", values);
    f.data.emplace_back("egfr", egfr);
    f.data.emplace_back("egfr_out_of_date", true);
    return;
  }
  // 65 or older, no kidney disease listed: the old result does not count; ask for a new one.
  out.add_text("caution", "egfr-out-of-date", "egfr_out_of_date", values)
      .data.emplace_back("egfr", egfr);
}

}  // namespace

void kidney_rules(const Context& cx, Findings& out) {
  const double severe_below = cx.threshold("egfr_contraindicated_below");
  const auto& egfr = cx.p.labs.egfr;
  const bool stale = egfr && cx.out_of_date(cx.p.labs.egfr_date);
  // An old low result still rules magnesium out; an old normal one cannot reassure.
  const std::optional<double> usable =
      egfr && !(stale && cx.labs_must_be_recent()) ? egfr : std::nullopt;
  if (const std::string reason = severe_reason(cx); !reason.empty()) {
    Finding& f = out.add_text("contraindication", "severe-renal-impairment", "kidney_severe",
                              {{"reason", reason}, {"threshold", format_number(severe_below)}});
    if (egfr) f.data.emplace_back("egfr", *egfr);
    f.data.emplace_back("egfr_threshold", severe_below);
    return;
  }
  if (egfr && !usable) return egfr_out_of_date(cx, out, *egfr);
  if (usable && *usable < cx.threshold("egfr_caution_below")) {
    Finding& f = out.add_text("caution", "chronic-kidney-disease", "kidney_caution",
                              {{"egfr", format_number(*usable)}});
    f.data.emplace_back("egfr", *usable);
    if (!cx.threshold_prov("egfr_caution_below").verified) f.verified = false;
    return;
  }
  if (usable) return;
  if (cx.has_condition_role("kidney") || !cx.unknown_kidney_condition.empty()) {
    out.add_text("contraindication", "kidney-function-unknown", "kidney_unknown",
                 {{"threshold", format_number(severe_below)}});
    return;
  }
  for (const auto& id : cx.condition_ids)
    if (const Condition* c = cx.kb.condition(id); c && c->has_role("kidney-moderate"))
      out.add_text("caution", "ckd-stage-3", "kidney_stage3",
                   {{"name", c->name}, {"threshold", format_number(severe_below)}});
}

}  // namespace willis::core::rules
