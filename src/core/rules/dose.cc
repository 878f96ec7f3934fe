// Dose: the magnesium of every item added up, compared with the upper limit for supplements;
// magnesium from food compared with the reference intake (never counted toward the limit).
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// The upper limit for the person's age, and a finding when their supplements exceed it.
/// Magnesium prescribed as treatment is outside the supplement limit (the prescriber's to judge).
void upper_limit(const Context& cx, Findings& out, double total, double prescribed_mg) {
  auto& mg = out.result.magnesium;
  const UpperLimit* limit = cx.upper_limit();
  if (!limit) return;
  mg.upper_limit_mg = limit->mg;
  mg.upper_limit_kind = limit->kind;
  mg.upper_limit_sources = limit->prov.sources;
  mg.upper_limit_note = limit->note;
  if (!limit->prov.verified)
    out.note("note_upper_limit_unverified",
             {{"limit", limit->mg ? format_number(*limit->mg) + " mg" : std::string("none")},
              {"note", limit->note}});
  if (!limit->mg || total - prescribed_mg <= *limit->mg + 1e-9) return;
  const std::string authority = limit->jurisdiction == Jurisdiction::uk   ? "UK"
                                : limit->jurisdiction == Jurisdiction::us ? "US"
                                                                          : "EU";
  const RuleText& text = cx.rules.text("dose_upper_limit");
  const Values values = {{"total", format_number(total - prescribed_mg)},
                         {"limit", format_number(*limit->mg)},
                         {"limit_kind", limit->kind == "ul" ? "upper level" : "guidance level"},
                         {"authority", authority}};
  Finding& f = out.add("dose", "upper-limit", text.severity, fill_text(text.title, values),
                       fill_text(text.detail, values), text.see, limit->prov);
  f.verified = limit->prov.verified;
  f.data.emplace_back("supplemental_elemental_mg", total);
  f.data.emplace_back("upper_limit_mg", *limit->mg);
}

/// The reference intake for the person (the US RDA when their jurisdiction encodes none), and
/// how their food compares with it.
void diet(const Context& cx, Findings& out) {
  auto& mg = out.result.magnesium;
  const ReferenceIntake* intake = cx.reference_intake(cx.p.jurisdiction);
  if (!intake && cx.p.jurisdiction != Jurisdiction::us) {
    intake = cx.reference_intake(Jurisdiction::us);
    if (intake)
      out.note("note_us_reference_intake",
               {{"jurisdiction", cx.p.jurisdiction == Jurisdiction::uk ? "UK" : "EU"}});
  }
  if (intake) {
    mg.reference_intake_mg = intake->mg;
    mg.reference_intake_kind = intake->kind;
    mg.reference_intake_sources = intake->prov.sources;
  }
  if (!cx.p.diet_magnesium_mg_per_day) return;
  mg.dietary_mg = *cx.p.diet_magnesium_mg_per_day;
  if (!intake) return;
  const double food = *cx.p.diet_magnesium_mg_per_day;
  const std::string comparison =
      food >= intake->mg ? cx.rules.text("dose_diet_reached").detail
                         : fill_text(cx.rules.text("dose_diet_below").detail,
                                     {{"percent", format_number(food / intake->mg * 100)}});
  const std::string kind = intake->kind == "rda"   ? "recommended dietary allowance (RDA)"
                           : intake->kind == "rni" ? "reference nutrient intake (RNI)"
                                                   : "adequate intake (AI)";
  Finding& f = out.add_text("dose", "diet", "dose_diet",
                            {{"diet", format_number(food)},
                             {"reference", format_number(intake->mg)},
                             {"reference_kind", kind},
                             {"comparison", comparison}});
  add_missing(f.sources, intake->prov.sources);
}

}  // namespace

void dose_rules(const Context& cx, Findings& out) {
  double prescribed_mg = 0;
  for (const auto& item : cx.items) {
    if (item.magnesium.kind == SupplementMatch::Kind::unknown) continue;
    if (item.prescribed) out.prescribed.push_back(&item);
    const Contribution& c = count_magnesium(cx, out, item);
    if (item.prescribed && c.counted) prescribed_mg += c.elemental_mg_per_day;
  }
  auto& mg = out.result.magnesium;
  double total = 0, low = 0;
  bool indeterminate = false;
  for (const auto& c : mg.contributions) {
    if (!c.counted) continue;
    total += c.elemental_mg_per_day;
    low += c.low_mg_per_day.value_or(c.elemental_mg_per_day);
    indeterminate = indeterminate || c.low_mg_per_day.has_value();
  }
  out.supplement_mg = total - out.medicine_magnesium_mg;
  mg.supplemental_elemental_mg = total;
  if (indeterminate) mg.supplemental_low_mg = low;
  upper_limit(cx, out, total, prescribed_mg);
  diet(cx, out);
}

}  // namespace willis::core::rules
