#include "http/forms.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "render/html_diary.h"
#include "render/html_profile_form.h"
#include "render/json_writer.h"

namespace willis::http {

using render::JsonWriter;
using render::html::FieldError;
using render::html::FormData;

namespace {

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

std::string time_list(const std::vector<core::ClockTime>& times) {
  std::string out;
  for (const auto& time : times) out += (out.empty() ? "" : ", ") + time.str();
  return out;
}

std::string num(double value) {
  return render::html::number_text(value, 4);
}

std::string amount_text(const core::Quantity& amount) {
  return num(amount.value) + (amount.unit.empty() ? "" : " " + amount.unit);
}

void add_medicine_rows(FormData& form, const std::vector<core::MedicineEntry>& medicines) {
  for (std::size_t idx = 0; idx < medicines.size(); ++idx) {
    const auto& m = medicines[idx];
    const std::string base = "medicines[" + std::to_string(idx) + "].";
    form.add(base + "name", m.name);
    form.add(base + "times", time_list(m.times));
    if (m.amount) form.add(base + "amount", amount_text(*m.amount));
    if (m.prescribed) form.add(base + "prescribed", "true");
  }
}

void add_supplement_rows(FormData& form, const std::vector<core::SupplementEntry>& supplements) {
  for (std::size_t idx = 0; idx < supplements.size(); ++idx) {
    const auto& s = supplements[idx];
    const std::string base = "supplements[" + std::to_string(idx) + "].";
    form.add(base + "name", s.name);
    if (s.amount_mg)
      form.add(base + "amount_mg", num(*s.amount_mg));
    else if (s.amount)
      form.add(base + "amount_mg", amount_text(*s.amount));
    if (s.prescribed) form.add(base + "prescribed", "true");
    form.add(base + "amount_basis",
             s.amount_basis == core::AmountBasis::compound ? "compound" : "elemental");
    form.add(base + "per_day", std::to_string(s.per_day));
    form.add(base + "times", time_list(s.times));
  }
}

}  // namespace

std::string trim_field(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    const char ch = text[idx];
    if (ch == '+') {
      out += ' ';
    } else if (ch == '%' && idx + 2 < text.size() && hex_value(text[idx + 1]) >= 0 &&
               hex_value(text[idx + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[idx + 1]) * 16 + hex_value(text[idx + 2]));
      idx += 2;
    } else {
      out += ch;
    }
  }
  return out;
}

FormData parse_urlencoded(std::string_view body) {
  FormData form;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    auto amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    const std::string_view pair = body.substr(pos, amp - pos);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos)
        form.add(url_decode(pair), "");
      else
        form.add(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
    }
    pos = amp + 1;
  }
  return form;
}

FieldError field_error_for(const core::Error& error, const ProfileJson& json) {
  std::string path = error.path;
  // Map list indices back to form rows.
  for (const auto& [list, rows] : {std::pair{std::string("medicines["), &json.medicine_rows},
                                   std::pair{std::string("supplements["), &json.supplement_rows}}) {
    if (path.rfind(list, 0) != 0) continue;
    const auto close = path.find(']');
    if (close == std::string::npos) continue;
    const int index = std::atoi(path.substr(list.size(), close - list.size()).c_str());
    if (index >= 0 && index < static_cast<int>(rows->size()))
      path = list + std::to_string((*rows)[static_cast<std::size_t>(index)]) + path.substr(close);
  }
  // "medicines[2].times[1]" -> the form's "medicines[2].times" field; "symptoms.red_flags[0]"
  // alike.
  const auto bracket = path.rfind('[');
  const auto dot = path.rfind('.');
  if (bracket != std::string::npos && (dot == std::string::npos || bracket > dot) &&
      path.back() == ']')
    path.resize(bracket);
  if (path == "medicines" || path == "supplements") path += "[0].name";
  // The form has one amount field per supplement, and a lab's value is its own field.
  if (path.rfind("supplements[", 0) == 0 && path.size() > 7 &&
      path.compare(path.size() - 7, 7, ".amount") == 0)
    path += "_mg";
  if (path.rfind("labs.", 0) == 0 && path.size() > 6 &&
      path.compare(path.size() - 6, 6, ".value") == 0)
    path.resize(path.size() - 6);
  // The top-level object's own errors ("(top level)") and unknown fields have no form field.
  if (path == "(top level)") path.clear();
  return FieldError{path, error.message};
}

FormData form_from_profile(const core::Profile& p) {
  FormData form;
  form.add("jurisdiction", core::to_string(p.jurisdiction));
  form.add("age", num(p.age));
  if (p.sex != core::Sex::unspecified)
    form.add("sex", p.sex == core::Sex::female ? "female" : "male");
  if (p.pregnant) form.add("pregnant", "true");
  if (p.breastfeeding) form.add("breastfeeding", "true");
  std::string conditions;
  for (const auto& c : p.conditions) conditions += (conditions.empty() ? "" : "\n") + c;
  form.add("conditions", conditions);
  const auto opt = [&](const char* name, const std::optional<double>& value) {
    if (value) form.add(name, num(*value));
  };
  const auto lab = [&](const char* name, const std::optional<double>& value,
                       const std::optional<core::CalendarDate>& date) {
    opt(name, value);
    if (date) form.add(std::string(name) + ".date", date->str());
  };
  lab("labs.ferritin_ng_ml", p.labs.ferritin_ng_ml, p.labs.ferritin_date);
  lab("labs.tsat_percent", p.labs.tsat_percent, p.labs.tsat_date);
  lab("labs.egfr", p.labs.egfr, p.labs.egfr_date);
  lab("labs.serum_magnesium_mmol_l", p.labs.serum_magnesium_mmol_l, p.labs.serum_magnesium_date);
  const auto answer = [&](const char* name, const std::optional<bool>& value) {
    if (value) form.add(name, *value ? "yes" : "no");
  };
  answer("symptoms.urge_to_move_legs", p.symptoms.urge_to_move_legs);
  answer("symptoms.worse_at_rest", p.symptoms.worse_at_rest);
  answer("symptoms.relieved_by_movement", p.symptoms.relieved_by_movement);
  answer("symptoms.worse_evening_or_night", p.symptoms.worse_evening_or_night);
  answer("symptoms.explained_by_other_condition", p.symptoms.explained_by_other_condition);
  if (p.symptoms.irls_total)
    form.add("symptoms.irls_total", std::to_string(*p.symptoms.irls_total));
  for (const auto& flag : p.symptoms.red_flags) form.add("symptoms.red_flags", flag);
  add_medicine_rows(form, p.medicines);
  add_supplement_rows(form, p.supplements);
  opt("diet.magnesium_mg_per_day", p.diet_magnesium_mg_per_day);
  opt("lifestyle.caffeine_drinks_per_day", p.caffeine_drinks_per_day);
  opt("lifestyle.alcohol_units_per_week", p.alcohol_units_per_week);
  answer("lifestyle.smoker", p.smoker);
  for (const auto& kind : p.sleep.difficulty) form.add("sleep.difficulty", kind);
  if (p.sleep.nights_per_week)
    form.add("sleep.nights_per_week", std::to_string(*p.sleep.nights_per_week));
  opt("sleep.months", p.sleep.months);
  answer("sleep.daytime_impact", p.sleep.daytime_impact);
  answer("sleep.snoring_loud", p.sleep.snoring_loud);
  answer("sleep.witnessed_pauses", p.sleep.witnessed_pauses);
  answer("sleep.choking_or_gasping", p.sleep.choking_or_gasping);
  answer("sleep.unrefreshing_sleep", p.sleep.unrefreshing_sleep);
  answer("sleep.morning_headaches", p.sleep.morning_headaches);
  answer("sleep.nocturia", p.sleep.nocturia);
  answer("sleep.sleepy_while_driving", p.sleep.sleepy_while_driving);
  if (p.sleep.epworth_total)
    form.add("sleep.epworth_total", std::to_string(*p.sleep.epworth_total));
  answer("sleep.shift_work", p.sleep.shift_work);
  if (p.day.wake_given) form.add("day.wake", p.day.wake.str());
  if (p.day.sleep_given) form.add("day.sleep", p.day.sleep.str());
  form.add("day.meals", time_list(p.day.meals));
  if (p.sensitive_stomach) form.add("preferences.sensitive_stomach", "true");
  return form;
}

std::string apply_row_action(FormData& form, std::string_view action) {
  struct ListAction {
    const char* add;
    const char* remove_prefix;
    const char* list;
  };
  static constexpr ListAction kActions[] = {
      {"add-medicine", "remove-medicine-", "medicines"},
      {"add-supplement", "remove-supplement-", "supplements"}};
  std::string focus;
  for (const auto& spec : kActions) {
    const std::string list = spec.list;
    const int rows = render::html::form_rows(form, list);
    int removed = -1;
    if (action.rfind(spec.remove_prefix, 0) == 0)
      removed = std::atoi(
          std::string(action.substr(std::char_traits<char>::length(spec.remove_prefix))).c_str());
    // Renumber: collect each row's fields, drop the removed one, write them back as 0..n-1.
    std::map<int, std::vector<std::pair<std::string, std::string>>> by_row;
    std::vector<std::pair<std::string, std::string>> others;
    for (auto& [name, value] : form.fields) {
      if (name.rfind(list + "[", 0) != 0) {
        others.emplace_back(std::move(name), std::move(value));
        continue;
      }
      const auto close = name.find(']');
      const int row = std::atoi(name.substr(list.size() + 1).c_str());
      if (close == std::string::npos || row < 0 || row >= rows) continue;
      by_row[row].emplace_back(name.substr(close + 1), std::move(value));  // ".name"
    }
    form.fields = std::move(others);
    int next = 0;
    for (auto& [row, fields] : by_row) {
      if (row == removed) continue;
      for (auto& [suffix, value] : fields)
        form.add(list + "[" + std::to_string(next) + "]" + suffix, std::move(value));
      ++next;
    }
    if (action == spec.add) {
      form.add(list + "[" + std::to_string(next) + "].name", "");
      focus = list + "[" + std::to_string(next) + "].name";
    }
  }
  return focus;
}

core::Result<core::DiaryEntry> diary_entry_from_form(const FormData& form) {
  core::DiaryEntry entry;
  const std::string date = trim_field(form.get("date"));
  if (date.empty())
    return core::Error{core::Errc::missing_field, "date",
                       "choose the date of the evening this entry is for"};
  const auto parsed = core::parse_date(date);
  if (!parsed)
    return core::Error{core::Errc::invalid_value, "date",
                       "\"" + date + "\" is not a date (YYYY-MM-DD)"};
  entry.date = *parsed;
  for (const auto field : core::kEntryFields) {
    if (field == "date" || field == "side_effects") continue;
    const std::string value =
        field == "note" ? form.get(std::string(field)) : trim_field(form.get(std::string(field)));
    if (value.empty()) continue;
    if (auto error = core::set_field(entry, field, value)) return *error;
  }
  std::string effects;
  for (const auto& choice : render::html::kSideEffectChoices) {
    const std::string severity = trim_field(form.get(choice.field));
    if (severity.empty()) continue;
    effects +=
        (effects.empty() ? "" : ";") + std::string(core::to_string(choice.kind)) + ":" + severity;
  }
  const bool none = form.get("se.none") == "true";
  if (none && !effects.empty())
    return core::Error{
        core::Errc::invalid_value, "side_effects",
        "\"No side effects\" is ticked and a side effect is chosen; keep one of them"};
  if (none) effects = "none";
  if (!effects.empty())
    if (auto error = core::set_field(entry, "side_effects", effects)) return *error;
  return entry;
}

namespace {

core::Result<int> whole_weeks(const std::string& text, const char* field, int fallback) {
  if (text.empty()) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || value < 0 || value > 520)
    return core::Error{core::Errc::invalid_value, field,
                       "\"" + text + "\" is not a whole number of weeks"};
  return static_cast<int>(value);
}

core::Result<core::TrialPlan> make_plan(const core::TrialRules& rules,
                                        const std::string& design_text, const std::string& baseline,
                                        const std::string& treatment,
                                        const std::string& treatment_weeks,
                                        const std::string& withdrawal_weeks,
                                        const std::string& primary = "") {
  core::TrialPlan plan;
  if (!primary.empty()) {
    const auto outcome = core::parse_trial_outcome(primary);
    if (!outcome)
      return core::Error{core::Errc::invalid_value, "primary",
                         "\"" + primary +
                             "\" is not an outcome; use rls_severity, sleep_onset, "
                             "sleep_efficiency or sleep_quality"};
    plan.primary = *outcome;
  }
  const auto design = core::parse_trial_design(design_text.empty() ? "ab" : design_text);
  if (!design)
    return core::Error{core::Errc::invalid_value, "design",
                       "\"" + design_text + "\" is not a design; use ab or abab"};
  plan.design = *design;
  const auto base = core::parse_date(baseline);
  if (!base)
    return core::Error{core::Errc::invalid_value, "baseline_start",
                       "choose the first day of the baseline (YYYY-MM-DD)"};
  const auto treat = core::parse_date(treatment);
  if (!treat)
    return core::Error{core::Errc::invalid_value, "treatment_start",
                       "choose the first day on magnesium (YYYY-MM-DD)"};
  plan.baseline_start = *base;
  plan.treatment_start = *treat;
  const auto weeks =
      whole_weeks(treatment_weeks, "treatment_weeks", rules.default_weeks(plan.design));
  if (!weeks.ok()) return weeks.error();
  plan.treatment_weeks = weeks.value();
  const auto withdrawal =
      whole_weeks(withdrawal_weeks, "withdrawal_weeks", rules.default_withdrawal_weeks);
  if (!withdrawal.ok()) return withdrawal.error();
  plan.withdrawal_weeks = withdrawal.value();
  if (auto error = core::validate_plan(plan, rules)) return *error;
  return plan;
}

}  // namespace

core::Result<core::TrialPlan> trial_plan_from_form(const FormData& form,
                                                   const core::TrialRules& rules) {
  return make_plan(rules, trim_field(form.get("design")), trim_field(form.get("baseline_start")),
                   trim_field(form.get("treatment_start")), trim_field(form.get("treatment_weeks")),
                   trim_field(form.get("withdrawal_weeks")), trim_field(form.get("primary")));
}

core::Result<core::TrialPlan> trial_plan_from_json(std::string_view json,
                                                   const core::TrialRules& rules) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS)
    return core::Error{core::Errc::parse_error, "", "the body is not JSON"};
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS)
    return core::Error{core::Errc::invalid_type, "(top level)",
                       "expected an object with design, baseline_start, treatment_start"};
  std::map<std::string, std::string> values;
  for (const auto field : object) {
    const std::string key(field.key);
    if (key != "design" && key != "baseline_start" && key != "treatment_start" &&
        key != "treatment_weeks" && key != "withdrawal_weeks" && key != "primary")
      return core::Error{core::Errc::unknown_field, key, "is not a trial plan field"};
    std::string_view text;
    int64_t number = 0;
    if (field.value.get(text) == simdjson::SUCCESS)
      values[key] = std::string(text);
    else if (field.value.get(number) == simdjson::SUCCESS)
      values[key] = std::to_string(number);
    else
      return core::Error{core::Errc::invalid_type, key, "expected a string or a whole number"};
  }
  return make_plan(rules, values["design"], values["baseline_start"], values["treatment_start"],
                   values["treatment_weeks"], values["withdrawal_weeks"], values["primary"]);
}

}  // namespace willis::http
