// Conclusion: the verdict, the findings in order of severity, and every source they cite.
#include <algorithm>

#include "core/rules/passes.h"

namespace willis::core::rules {

void conclude(const Context&, Findings& out) {
  Assessment& a = out.result;
  a.verdict = out.verdict();
  if (a.verdict >= Severity::avoid) {
    a.magnesium.plan.reset();
    a.schedule.doses.clear();
  }
  std::stable_sort(a.findings.begin(), a.findings.end(),
                   [](const Finding& x, const Finding& y) { return x.severity > y.severity; });
  std::vector<std::string> unverified;
  for (const auto& f : a.findings) {
    add_missing(a.sources, f.sources);
    if (!f.verified) unverified.push_back(f.id);
  }
  add_missing(a.sources, a.magnesium.upper_limit_sources);
  add_missing(a.sources, a.magnesium.reference_intake_sources);
  if (a.magnesium.plan) add_missing(a.sources, a.magnesium.plan->form_sources);
  if (!unverified.empty())
    out.note("note_unverified_findings", {{"findings", join(unverified, ", ", ", ")}});
}

}  // namespace willis::core::rules
