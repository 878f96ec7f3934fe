#include "core/sleep_rules.h"

#include <algorithm>

#include "core/assess.h"
#include "core/rules/context.h"

namespace willis::core {

namespace {

using rules::contains;
using rules::join;

bool yes(const std::optional<bool>& answer) {
  return answer.value_or(false);
}

bool insomnia_answers(const Sleep& s) {
  return !s.difficulty.empty() || s.nights_per_week.value_or(0) > 0;
}

/// NICE NG202 1.1.1 features the profile can answer, as {key, words}.
std::vector<std::pair<std::string, std::string>> apnoea_features(const Profile& p,
                                                                 const Rules& rules,
                                                                 bool insomnia) {
  const Sleep& s = p.sleep;
  std::vector<std::pair<std::string, std::string>> out;
  if (yes(s.snoring_loud)) out.emplace_back("snoring_loud", "loud snoring");
  if (yes(s.witnessed_pauses))
    out.emplace_back("witnessed_pauses", "pauses in breathing seen by someone else");
  if (yes(s.unrefreshing_sleep)) out.emplace_back("unrefreshing_sleep", "unrefreshing sleep");
  if (yes(s.morning_headaches)) out.emplace_back("morning_headaches", "waking headaches");
  const bool sleepy =
      yes(s.sleepy_while_driving) ||
      (s.epworth_total && *s.epworth_total > rules.threshold("epworth_sleepy_above").value);
  if (sleepy) out.emplace_back("excessive_sleepiness", "excessive daytime sleepiness");
  if (yes(s.nocturia)) out.emplace_back("nocturia", "getting up at night to pass urine");
  if (yes(s.choking_or_gasping))
    out.emplace_back("choking_or_gasping", "choking or gasping during sleep");
  if (insomnia) out.emplace_back("insomnia", "broken sleep or insomnia");
  return out;
}

std::string class_name(const Kb& kb, const std::string& id) {
  for (const auto& c : kb.classes)
    if (c.id == id) return c.name;
  return id;
}

}  // namespace

bool sleep_complaint(const Profile& profile, bool insomnia_condition) {
  const Sleep& s = profile.sleep;
  return insomnia_condition || insomnia_answers(s) || yes(s.snoring_loud) ||
         yes(s.witnessed_pauses) || yes(s.choking_or_gasping) || yes(s.unrefreshing_sleep) ||
         yes(s.morning_headaches) || yes(s.sleepy_while_driving);
}

namespace {

/// Insomnia: chronic (ICSD-3 / DSM-5 frequency, duration, daytime effect) or short-term, with
/// what is unmet or unknown. Returns whether it is chronic.
bool insomnia_finding(const Sleep& s, const Rules& rules, std::vector<SleepFinding>& out) {
  const double min_nights = rules.threshold("insomnia_nights_per_week_min").value;
  const double min_months = rules.threshold("insomnia_months_min").value;
  const std::vector<std::pair<std::string, std::string>> limits = {
      {"min_nights", format_number(min_nights)}, {"min_months", format_number(min_months)}};
  std::vector<std::string> unknown, unmet;
  if (!s.nights_per_week)
    unknown.push_back("how many nights a week");
  else if (*s.nights_per_week < min_nights)
    unmet.push_back("it happens on " + std::to_string(*s.nights_per_week) + " nights a week");
  if (!s.months)
    unknown.push_back("how many months it has lasted");
  else if (*s.months < min_months)
    unmet.push_back("it has lasted " + format_number(*s.months) + " months");
  if (!s.daytime_impact)
    unknown.push_back("whether it affects your day");
  else if (!*s.daytime_impact)
    unmet.push_back("you said it does not affect your day");
  if (unknown.empty() && unmet.empty()) {
    SleepFinding f{"sleep", "insomnia-disorder", "sleep_insomnia_disorder", limits, {}};
    f.values.emplace_back("nights", std::to_string(*s.nights_per_week));
    f.values.emplace_back("months", format_number(*s.months));
    f.data.emplace_back("nights_per_week", static_cast<double>(*s.nights_per_week));
    f.data.emplace_back("months", *s.months);
    out.push_back(std::move(f));
    return true;
  }
  std::string why;
  if (!unmet.empty()) why += "From your answers, " + join(unmet) + ". ";
  if (!unknown.empty()) why += "willis does not know " + join(unknown) + ". ";
  if (!why.empty()) why.pop_back();
  SleepFinding f{"sleep", "insomnia-short-term", "sleep_insomnia_short_term", limits, {}};
  f.values.emplace_back("why", why);
  std::vector<std::string> missing;
  if (!s.nights_per_week) missing.push_back("nights_per_week");
  if (!s.months) missing.push_back("months");
  if (!s.daytime_impact) missing.push_back("daytime_impact");
  f.data.emplace_back("unknown", missing);
  out.push_back(std::move(f));
  return false;
}

/// CBT-I first; an assessment for sleep apnoea before it when apnoea is possible.
SleepFinding cbt_i_first(const Profile& p, const Rules& rules, bool apnoea) {
  std::string assess;
  if (apnoea) assess = rules.text("sleep_cbt_i_assess_first").detail;
  const std::string see = p.jurisdiction == Jurisdiction::uk
                              ? "your GP (ask about CBT-I, including Sleepio, on the NHS)"
                              : "your doctor (ask about CBT-I, face to face or digital)";
  SleepFinding f{
      "sleep", "cbt-i-first", "sleep_cbt_i_first", {{"assess", assess}, {"see", see}}, {}};
  f.data.emplace_back("assessment_first", apnoea);
  return f;
}

/// Possible obstructive sleep apnoea: enough NG202 features.
SleepFinding apnoea_assess(const std::vector<std::pair<std::string, std::string>>& features) {
  std::vector<std::string> keys, words;
  for (const auto& [key, text] : features) {
    keys.push_back(key);
    words.push_back(text);
  }
  SleepFinding f{"sleep",
                 "apnoea-assess",
                 "sleep_apnoea_assess",
                 {{"count", std::to_string(features.size())}, {"features", join(words)}},
                 {}};
  f.data.emplace_back("feature_count", static_cast<double>(features.size()));
  f.data.emplace_back("features", keys);
  return f;
}

/// Caffeine and alcohol, for any sleep complaint.
void caffeine_and_alcohol(const Profile& p, const Rules& rules, std::vector<SleepFinding>& out) {
  if (p.caffeine_drinks_per_day && *p.caffeine_drinks_per_day > 0) {
    SleepFinding f{"lifestyle",
                   "caffeine",
                   "sleep_caffeine",
                   {{"amount", format_number(*p.caffeine_drinks_per_day)},
                    {"hours", format_number(rules.threshold("caffeine_stop_before_bed_h").value)}},
                   {}};
    f.data.emplace_back("caffeine_drinks_per_day", *p.caffeine_drinks_per_day);
    out.push_back(std::move(f));
  }
  if (p.alcohol_units_per_week && *p.alcohol_units_per_week > 0) {
    const double limit = rules.threshold("alcohol_low_risk_units_per_week").value;
    const bool above = *p.alcohol_units_per_week > limit;
    const std::string sentence = above ? "That is more than the " + format_number(limit) +
                                             " units a week that the UK Chief Medical Officers "
                                             "say it is safest not to exceed regularly."
                                       : "";
    SleepFinding f{"lifestyle",
                   "alcohol",
                   "sleep_alcohol",
                   {{"amount", format_number(*p.alcohol_units_per_week)}, {"limit", sentence}},
                   {}};
    f.data.emplace_back("alcohol_units_per_week", *p.alcohol_units_per_week);
    f.data.emplace_back("above_low_risk_limit", above);
    out.push_back(std::move(f));
  }
}

/// Medicines that can disturb sleep, by class: never "stop it".
void disturbing_medicines(const Kb& kb, const SleepInput& in, std::vector<SleepFinding>& out) {
  const Rules& rules = kb.rules;
  std::vector<std::string> names, groups, ids;
  bool thyroid = false;
  for (const Medicine* med : in.medicines) {
    if (contains(ids, med->id)) continue;
    for (const auto& cls : med->classes) {
      if (!contains(rules.sleep_disturbing_classes, cls)) continue;
      ids.push_back(med->id);
      names.push_back(med->name);
      const std::string group = class_name(kb, cls);
      if (!contains(groups, group)) groups.push_back(group);
      if (cls == "thyroid-hormone") thyroid = true;
      break;
    }
  }
  if (ids.empty()) return;
  SleepFinding f{
      "sleep",
      "medicine-may-disturb",
      "sleep_medicine_may_disturb",
      {{"medicines", join(names)},
       {"groups", join(groups)},
       {"extra", thyroid ? " (thyroid hormone when the dose is more than the body needs)" : ""}},
      {}};
  f.data.emplace_back("medicines", ids);
  out.push_back(std::move(f));
}

/// Melatonin: its status where the person lives.
void melatonin(const Profile& p, const SleepInput& in, std::vector<SleepFinding>& out) {
  for (const Medicine* med : in.medicines)
    if (contains(med->classes, "melatonin")) {
      const char* text = p.jurisdiction == Jurisdiction::uk   ? "sleep_melatonin_uk"
                         : p.jurisdiction == Jurisdiction::us ? "sleep_melatonin_us"
                                                              : "sleep_melatonin_eu";
      out.push_back({"sleep", "melatonin", text, {}, {}});
      return;
    }
}

}  // namespace

std::vector<SleepFinding> sleep_findings(const Profile& p, const Kb& kb, const SleepInput& in) {
  std::vector<SleepFinding> out;
  const Rules& rules = kb.rules;
  const Sleep& s = p.sleep;
  const bool insomnia = in.insomnia_condition || insomnia_answers(s);
  const auto features = apnoea_features(p, rules, insomnia);
  const bool apnoea = !in.osa_condition && static_cast<double>(features.size()) >=
                                               rules.threshold("apnoea_features_min").value;
  const bool chronic = insomnia && insomnia_finding(s, rules, out);
  // CBT-I first: chronic insomnia, or insomnia listed as a condition.
  if (chronic || in.insomnia_condition) out.push_back(cbt_i_first(p, rules, apnoea));
  if (apnoea) out.push_back(apnoea_assess(features));
  if (yes(s.sleepy_while_driving))
    out.push_back(
        {"sleep",
         "drowsy-driving",
         p.jurisdiction == Jurisdiction::uk ? "sleep_drowsy_driving_uk" : "sleep_drowsy_driving",
         {},
         {}});
  if (yes(s.shift_work)) out.push_back({"sleep", "shift-work", "sleep_shift_work", {}, {}});
  if (sleep_complaint(p, in.insomnia_condition)) {
    caffeine_and_alcohol(p, rules, out);
    disturbing_medicines(kb, in, out);
  }
  melatonin(p, in, out);
  return out;
}

}  // namespace willis::core
