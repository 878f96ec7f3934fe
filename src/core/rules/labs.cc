// Labs: every lab result listed with its date, and the serum magnesium bands.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
void record_labs(const Context& cx, Findings& out) {
  const auto& labs = cx.p.labs;
  const auto use = [&](const char* name, const std::optional<double>& value, const char* unit,
                       const std::optional<CalendarDate>& date) {
    if (!value) return;
    out.result.labs.push_back(LabUse{name, *value, unit, date, cx.out_of_date(date)});
  };
  use("egfr", labs.egfr, "mL/min/1.73m2", labs.egfr_date);
  use("serum_magnesium_mmol_l", labs.serum_magnesium_mmol_l, "mmol/L", labs.serum_magnesium_date);
  use("ferritin_ng_ml", labs.ferritin_ng_ml, "ng/mL", labs.ferritin_date);
  use("tsat_percent", labs.tsat_percent, "%", labs.tsat_date);
}

void serum_magnesium_rules(const Context& cx, Findings& out) {
  const auto& mg = cx.p.labs.serum_magnesium_mmol_l;
  if (!mg) return;
  const std::string value = two_decimals(*mg) + " (" + dated(cx.p.labs.serum_magnesium_date) + ")";
  const bool stale = cx.out_of_date(cx.p.labs.serum_magnesium_date) && cx.labs_must_be_recent();
  // Abnormal results count however old they are; an old normal result is only noted.
  if (*mg < cx.threshold("serum_mg_severe_below")) {
    const std::string digoxin =
        cx.takes_medicine("digoxin") ? " " + cx.rules.text("serum_mg_severe_digoxin").detail : "";
    Finding& f = out.add_text("contraindication", "severe-hypomagnesaemia", "serum_mg_severe",
                              {{"value", value},
                               {"threshold", two_decimals(cx.threshold("serum_mg_severe_below"))},
                               {"digoxin", digoxin}});
    f.data.emplace_back("serum_magnesium_mmol_l", *mg);
  } else if (*mg > cx.threshold("serum_mg_high_above")) {
    out.add_text(
           "contraindication", "hypermagnesaemia", "serum_mg_high",
           {{"value", value}, {"threshold", two_decimals(cx.threshold("serum_mg_high_above"))}})
        .data.emplace_back("serum_magnesium_mmol_l", *mg);
  } else if (*mg < cx.threshold("serum_mg_low_below")) {
    out.add_text("caution", "low-serum-magnesium", "serum_mg_low", {{"value", value}})
        .data.emplace_back("serum_magnesium_mmol_l", *mg);
  } else if (*mg > cx.threshold("serum_mg_reference_high_above")) {
    out.add_text("caution", "serum-magnesium-above-range", "serum_mg_above_range",
                 {{"value", value},
                  {"high", two_decimals(cx.threshold("serum_mg_reference_high_above"))},
                  {"threshold", two_decimals(cx.threshold("serum_mg_high_above"))}})
        .data.emplace_back("serum_magnesium_mmol_l", *mg);
  } else if (stale) {
    out.note("serum_mg_out_of_date",
             {{"value", value}, {"months", format_number(cx.threshold("lab_fresh_days") / 30.5)}});
  }
}

}  // namespace willis::core::rules
