#include "core/kb.h"

#include <algorithm>

namespace willis::core {

const std::vector<std::string> kRequiredThresholds = {
    "egfr_contraindicated_below", "egfr_caution_below", "serum_mg_high_above", "serum_mg_low_below",
    "infant_below_y", "adult_from_y", "child_ferritin_treat_below", "plan_start_mg",
    "plan_review_weeks", "split_from_mg", "evening_target_before_sleep_h",
    "trial_irls_minimal_important_change", "trial_meaningful_sleep_efficiency_pct",
    "trial_meaningful_sleep_onset_min", "serum_mg_severe_below", "serum_mg_reference_high_above",
    "lab_fresh_days", "lab_freshness_age_from_y",
    // sleep (issue 15)
    "insomnia_nights_per_week_min", "insomnia_months_min", "apnoea_features_min",
    "epworth_sleepy_above", "caffeine_stop_before_bed_h", "alcohol_low_risk_units_per_week",
    // personal trial (issue 16: read by core/trial*.cc)
    "trial_rls_improvement_points", "trial_min_baseline_days", "trial_min_baseline_logged",
    "trial_analysed_treatment_days", "trial_min_treatment_logged", "trial_max_missing_fraction",
    "trial_default_treatment_weeks", "trial_default_abab_treatment_weeks",
    "trial_warn_treatment_weeks_below", "trial_default_withdrawal_weeks"};

const std::vector<std::string> kRequiredTexts = {
    "kidney_severe", "kidney_caution", "kidney_unknown", "serum_mg_high", "serum_mg_low", "infant",
    "child", "iron_check", "iron_treat", "iron_iv_band", "dose_upper_limit", "dose_compound",
    "dose_topical", "dose_diet", "plan_form_reason", "plan_form_reason_sensitive",
    "plan_form_reason_current", "plan_trial", "schedule_unresolved", "schedule_untimed",
    "criteria_met", "criteria_not_met", "other_explanation", "irls_severity", "caffeine", "alcohol",
    "guideline_options", "dopamine_agonist", "advised_against", "unrecognised_medicine",
    "unrecognised_supplement", "unrecognised_condition", "unrecognised_flag",
    "exacerbating_medicine", "dose_amount_missing", "no_safe_time", "timetable_withheld",
    "unresolved_unknown", "unresolved_untimed", "unresolved_amount", "unresolved_condition",
    "unresolved_symptom", "plan_withheld", "magnesium_collision", "route_not_oral", "kidney_stage3",
    "kidney_out_of_date", "egfr_out_of_date", "serum_mg_severe", "serum_mg_above_range",
    "prescribed_magnesium",
    // sleep (issue 15)
    "plan_trial_sleep", "sleep_insomnia_disorder", "sleep_insomnia_short_term", "sleep_cbt_i_first",
    "sleep_cbt_i_assess_first", "sleep_apnoea_assess", "sleep_drowsy_driving_uk",
    "sleep_drowsy_driving", "sleep_caffeine", "sleep_alcohol", "sleep_medicine_may_disturb",
    "sleep_melatonin_uk", "sleep_melatonin_us", "sleep_melatonin_eu", "sleep_shift_work",
    "child_sleep",
    // sentences and parts of sentences once written in src/core/assess.cc (issue 16)
    "serum_mg_severe_digoxin", "serum_mg_out_of_date", "kidney_reason_egfr",
    "kidney_reason_condition", "kidney_why_disease", "kidney_why_age",
    "guideline_options_pregnancy", "dose_diet_reached", "dose_diet_below", "note_one_unit_assumed",
    "note_once_a_day_assumed", "note_strength_in_name", "note_upper_limit_unverified",
    "note_us_reference_intake", "collision_nearest_clear", "collision_no_clear",
    "note_plan_prescribed", "note_plan_limit_reached", "note_plan_replaces",
    "schedule_unresolved_ask", "note_unverified_findings"};

const std::vector<RequiredIndicator> kRequiredIndicators = {
    {"mg-egfr-below-30", {"egfr_below"}},
    {"mg-chelator-no-timing", {}},
    {"raltegravir-with-mg", {}},
    {"rls-no-ferritin-12m", {"lookback_months"}},
    {"rls-low-iron-untreated", {"ferritin_at_or_below", "tsat_below", "lookback_months"}},
    {"rls-exacerbating-medicine", {}},
    {"rls-dopamine-agonist", {}},
    {"ppi-1y-no-mg-12m", {"long_term_years", "lookback_months"}},
    {"diuretic-digoxin-no-mg-12m", {"lookback_months"}},
};

const std::vector<std::string> kRequiredLabs = {"ferritin", "tsat", "egfr", "magnesium",
                                                "pregnancy_status"};

const std::vector<std::string> kRequiredAuditLists = {"magnesium",
                                                      "chelation-partner",
                                                      "raltegravir",
                                                      "iron",
                                                      "rls-exacerbating",
                                                      "dopamine-agonist",
                                                      "ppi",
                                                      "loop-or-thiazide",
                                                      "digoxin",
                                                      "rls",
                                                      "ckd-4-5",
                                                      "egfr",
                                                      "ferritin",
                                                      "tsat",
                                                      "serum-magnesium"};

double Indicator::threshold(std::string_view name) const {
  const auto found = thresholds.find(name);
  return found == thresholds.end() ? 0 : found->second.value;
}

const AuditList* Audit::list(std::string_view id) const {
  for (const auto& item : lists)
    if (item.id == id) return &item;
  return nullptr;
}

const Indicator* Audit::indicator(std::string_view id) const {
  for (const auto& item : indicators)
    if (item.id == id) return &item;
  return nullptr;
}

double Interaction::after_h() const {
  double longest = 0;
  for (const auto& window : windows) longest = std::max(longest, window.magnesium_after_drug_h);
  return longest;
}

double Interaction::before_h() const {
  double longest = 0;
  for (const auto& window : windows) longest = std::max(longest, window.magnesium_before_drug_h);
  return longest;
}

bool Condition::has_role(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Treatment::applies_to(Jurisdiction jurisdiction) const {
  return std::find(jurisdictions.begin(), jurisdictions.end(), jurisdiction) != jurisdictions.end();
}

const Threshold& Rules::threshold(std::string_view name) const {
  static const Threshold missing{};
  const auto found = thresholds.find(name);
  return found == thresholds.end() ? missing : found->second;
}

const RuleText& Rules::text(std::string_view name) const {
  static const RuleText missing{};
  const auto found = texts.find(name);
  return found == texts.end() ? missing : found->second;
}

namespace {
template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}
}  // namespace

const Medicine* Kb::medicine(const std::string& id) const {
  return find_by_id(medicines, id);
}
const Condition* Kb::condition(const std::string& id) const {
  return find_by_id(conditions, id);
}
const Salt* Kb::salt(const std::string& id) const {
  return find_by_id(salts, id);
}
const Form* Kb::form(const std::string& id) const {
  return find_by_id(forms, id);
}
const Evidence* Kb::evidence_entry(const std::string& id) const {
  return find_by_id(evidence, id);
}
const RedFlag* Kb::red_flag(const std::string& id) const {
  return find_by_id(red_flags, id);
}

const Lab* Kb::lab(const std::string& id) const {
  return find_by_id(labs, id);
}

const char* to_string(Jurisdiction jurisdiction) {
  switch (jurisdiction) {
    case Jurisdiction::uk:
      return "uk";
    case Jurisdiction::us:
      return "us";
    case Jurisdiction::eu:
      return "eu";
  }
  return "uk";
}

}  // namespace willis::core

namespace willis::core {

const char* to_string(Route route) {
  switch (route) {
    case Route::oral:
      return "oral";
    case Route::eye:
      return "eye";
    case Route::ear:
      return "ear";
    case Route::nose:
      return "nose";
    case Route::skin:
      return "skin";
    case Route::inhaled:
      return "inhaled";
    case Route::injected:
      return "injected";
    case Route::rectal:
      return "rectal";
    case Route::vaginal:
      return "vaginal";
  }
  return "oral";
}

std::optional<Route> parse_route(std::string_view text) {
  for (const Route route : {Route::oral, Route::eye, Route::ear, Route::nose, Route::skin,
                            Route::inhaled, Route::injected, Route::rectal, Route::vaginal})
    if (text == to_string(route)) return route;
  return std::nullopt;
}

}  // namespace willis::core
