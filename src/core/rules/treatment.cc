// Treatment: what the guidelines say about RLS medicines the person takes, the options they
// name, and the evidence about magnesium itself.
#include <algorithm>

#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// A dopamine agonist (augmentation risk), with what each guideline says about it.
void dopamine_agonist(const Context& cx, Findings& out, const Medicine& med,
                      const std::vector<const Treatment*>& about) {
  std::vector<std::string> sides;
  Provenance prov = cx.rules.text("dopamine_agonist").prov;
  for (const Treatment* t : about) {
    if (t->id == "augmentation") continue;
    sides.push_back(cx.describe(*t) + ".");
    add_missing(prov.sources, t->prov.sources);
  }
  const RuleText& text = cx.rules.text("dopamine_agonist");
  const Values values = {
      {"medicine", med.name},
      {"sides", sides.empty() ? "" : "What guidelines say: " + join(sides, " ", " ")}};
  out.add("treatment", med.id, text.severity, fill_text(text.title, values),
          fill_text(text.detail, values), text.see, prov);
}

}  // namespace

void treatment_medicine(const Context& cx, Findings& out, const Medicine& med) {
  std::vector<const Treatment*> about;
  for (const auto& t : cx.kb.treatments)
    if (contains(t.medicines, med.id)) about.push_back(&t);
  if (about.empty()) return;
  const bool augmentation = std::any_of(about.begin(), about.end(),
                                        [](const Treatment* t) { return t->id == "augmentation"; });
  if (augmentation) return dopamine_agonist(cx, out, med, about);
  for (const Treatment* t : about) {
    if (t->direction != "against" || !t->superseded_by.empty()) continue;
    const RuleText& text = cx.rules.text("advised_against");
    const std::string guideline =
        cx.kb.sources.count(t->guideline) ? cx.describe(*t) : t->guideline;
    const Values values = {{"medicine", med.name}, {"guideline", guideline}, {"note", t->note}};
    out.add("treatment", med.id, text.severity, fill_text(text.title, values),
            fill_text(text.detail, values), text.see, t->prov);
    return;
  }
}

void treatment_and_evidence(const Context& cx, Findings& out) {
  out.add_evidence(cx.kb, "magnesium-sleep");
  if (!cx.rls_suspected()) return;
  out.add_evidence(cx.kb, "magnesium-rls");
  std::vector<std::string> options;
  Provenance prov = cx.rules.text("guideline_options").prov;
  prov.sources.clear();
  for (const auto& t : cx.kb.treatments) {
    if (!t.applies_to(cx.p.jurisdiction) || !t.superseded_by.empty()) continue;
    // Under-18s see only options recommended or licensed for their age.
    if (t.age_from_y && cx.p.age < *t.age_from_y) continue;
    if (t.direction != "for" && t.direction != "licensed" && t.direction != "off-label-use")
      continue;
    options.push_back(t.name + ": " + cx.describe(t));
    add_missing(prov.sources, t.prov.sources);
    if (!t.prov.verified) prov.verified = false;
  }
  if (options.empty()) return;
  const RuleText& text = cx.rules.text("guideline_options");
  const std::string intro = cx.pregnant() || cx.breastfeeding()
                                ? cx.rules.text("guideline_options_pregnancy").detail + " "
                                : "";
  const Values values = {{"intro", intro}, {"options", join(options, "; ", "; ")}};
  out.add("treatment", "guideline-options", text.severity, fill_text(text.title, values),
          fill_text(text.detail, values), text.see, prov);
}

}  // namespace willis::core::rules
