// Conditions that carry their own finding (kb/conditions.yaml `finding:`).
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

void add_condition_finding(Findings& out, const Condition& condition) {
  if (!condition.finding) return;
  const auto& t = *condition.finding;
  out.add(t.kind, condition.id, t.severity, t.title, t.detail, t.see, t.prov);
}

}  // namespace

void condition_findings(const Context& cx, Findings& out) {
  for (const auto& id : cx.condition_ids)
    if (const Condition* c = cx.kb.condition(id)) add_condition_finding(out, *c);
  // The contract's pregnant/breastfeeding flags mean the same as listing the condition.
  for (const auto& role : {std::string("pregnancy"), std::string("breastfeeding")}) {
    if (role == "pregnancy" ? !cx.p.pregnant : !cx.p.breastfeeding) continue;
    for (const auto& c : cx.kb.conditions)
      if (c.has_role(role)) add_condition_finding(out, c);
  }
  if (cx.has_condition("nocturnal-leg-cramps")) out.add_evidence(cx.kb, "leg-cramps");
}

}  // namespace willis::core::rules
