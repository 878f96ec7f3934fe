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

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

/// The whole text as a finite number ("0,7" read as 0.7 when there is no '.').
std::optional<double> whole_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string copy = text;
  if (copy.find('.') == std::string::npos && std::count(copy.begin(), copy.end(), ',') == 1)
    std::replace(copy.begin(), copy.end(), ',', '.');
  const char* begin = copy.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || !std::isfinite(value)) return std::nullopt;
  // strtod accepts "inf", "nan", hex floats and leading spaces; a form number is digits.
  for (const char ch : copy)
    if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' ||
          ch == 'E'))
      return std::nullopt;
  return value;
}

/// A form value as a JSON number when it is one, else as the string typed.
void number_or_text(JsonWriter& w, const std::string& text) {
  if (const auto number = whole_number(text))
    w.value(*number);
  else
    w.value(text);
}

/// "08:00, 20:00" / "08:00 20:00" / "08:00;20:00" -> ["08:00", "20:00"].
std::vector<std::string> split_list(std::string_view text, bool lines_only = false) {
  std::vector<std::string> items;
  std::string current;
  const auto flush = [&] {
    std::string item = trim(current);
    if (!item.empty()) items.push_back(std::move(item));
    current.clear();
  };
  for (const char ch : text) {
    const bool separator = lines_only ? (ch == '\n' || ch == '\r')
                                      : (ch == ',' || ch == ';' || ch == ' ' || ch == '\n' ||
                                         ch == '\r' || ch == '\t');
    if (separator)
      flush();
    else
      current += ch;
  }
  flush();
  return items;
}

void string_list(JsonWriter& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const auto& item : items) w.value(item);
  w.end_array();
}

std::optional<bool> yes_no(const std::string& text) {
  if (text == "yes" || text == "true") return true;
  if (text == "no" || text == "false") return false;
  return std::nullopt;
}

/// Writes "key": value for the non-empty fields of a group, as one object; nothing when all empty.
struct Group {
  const FormData& form;
  JsonWriter& w;
  const char* prefix;
  std::vector<std::pair<const char*, char>>
      fields;  ///< name, kind: n = number, b = yes/no, s = string
  /// `opened`: the caller already wrote the key and opened the object (write() closes it).
  void write(bool opened = false) {
    bool any = opened;
    for (const auto& [name, kind] : fields) {
      const std::string value = trim(form.get(std::string(prefix) + "." + name));
      if (value.empty() || (kind == 'b' && !yes_no(value))) continue;
      if (!any) {
        w.key(prefix);
        w.begin_object();
        any = true;
      }
      w.key(name);
      if (kind == 'n')
        number_or_text(w, value);
      else if (kind == 'b')
        w.value(*yes_no(value));
      else
        w.value(value);
    }
    if (any) w.end_object();
  }
};

std::string time_list(const std::vector<core::ClockTime>& times) {
  std::string out;
  for (const auto& time : times) out += (out.empty() ? "" : ", ") + time.str();
  return out;
}

std::string num(double value) {
  return render::html::number_text(value, 4);
}

}  // namespace

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

ProfileJson profile_json_from_form(const FormData& form) {
  ProfileJson out;
  JsonWriter w(false);
  w.begin_object();
  const auto text = [&](const char* name) { return trim(form.get(name)); };
  if (const auto v = text("jurisdiction"); !v.empty()) w.member("jurisdiction", v);
  if (const auto v = text("age"); !v.empty()) {
    w.key("age");
    number_or_text(w, v);
  }
  if (const auto v = text("sex"); !v.empty()) w.member("sex", v);
  if (text("pregnant") == "true") w.member("pregnant", true);
  if (text("breastfeeding") == "true") w.member("breastfeeding", true);
  if (const auto list = split_list(form.get("conditions"), true); !list.empty()) {
    w.key("conditions");
    string_list(w, list);
  }
  {
    // Labs: a number, or {value, date} when the date of the test is given.
    bool open = false;
    for (const char* key : {"ferritin_ng_ml", "tsat_percent", "egfr", "serum_magnesium_mmol_l"}) {
      const std::string value = text((std::string("labs.") + key).c_str());
      const std::string date = text((std::string("labs.") + key + ".date").c_str());
      if (value.empty() && date.empty()) continue;
      if (!open) {
        w.key("labs");
        w.begin_object();
        open = true;
      }
      w.key(key);
      if (date.empty()) {
        number_or_text(w, value);
        continue;
      }
      w.begin_object();
      w.key("value");
      if (value.empty())
        w.null();
      else
        number_or_text(w, value);
      w.member("date", date);
      w.end_object();
    }
    if (open) w.end_object();
  }
  {
    // Symptoms: the yes/no questions, the IRLS score and the red flags, in one object.
    std::vector<std::string> flags;
    for (const auto& flag : form.all("symptoms.red_flags"))
      if (!trim(flag).empty()) flags.push_back(trim(flag));
    const char* questions[] = {"urge_to_move_legs", "worse_at_rest", "relieved_by_movement",
                               "worse_evening_or_night", "explained_by_other_condition"};
    bool any = !flags.empty() || !text("symptoms.irls_total").empty();
    for (const char* q : questions)
      any = any || yes_no(text((std::string("symptoms.") + q).c_str()));
    if (any) {
      w.key("symptoms");
      w.begin_object();
      for (const char* q : questions)
        if (const auto answer = yes_no(text((std::string("symptoms.") + q).c_str())))
          w.member(q, *answer);
      if (const auto v = text("symptoms.irls_total"); !v.empty()) {
        w.key("irls_total");
        number_or_text(w, v);
      }
      if (!flags.empty()) {
        w.key("red_flags");
        string_list(w, flags);
      }
      w.end_object();
    }
  }
  {
    const int rows = render::html::form_rows(form, "medicines");
    bool open = false;
    for (int row = 0; row < rows; ++row) {
      const std::string base = "medicines[" + std::to_string(row) + "].";
      const std::string name = trim(form.get(base + "name")), times = form.get(base + "times"),
                        amount = trim(form.get(base + "amount"));
      if (name.empty() && trim(times).empty() && amount.empty()) continue;
      if (!open) {
        w.key("medicines");
        w.begin_array();
        open = true;
      }
      out.medicine_rows.push_back(row);
      w.begin_object();
      w.member("name", name);
      if (!amount.empty()) w.member("amount", amount);
      if (const auto list = split_list(times); !list.empty()) {
        w.key("times");
        string_list(w, list);
      }
      if (trim(form.get(base + "prescribed")) == "true") w.member("prescribed", true);
      w.end_object();
    }
    if (open) w.end_array();
  }
  {
    const int rows = render::html::form_rows(form, "supplements");
    bool open = false;
    for (int row = 0; row < rows; ++row) {
      const std::string base = "supplements[" + std::to_string(row) + "].";
      const std::string name = trim(form.get(base + "name")),
                        amount = trim(form.get(base + "amount_mg")),
                        basis = trim(form.get(base + "amount_basis")),
                        per_day = trim(form.get(base + "per_day")),
                        times = form.get(base + "times");
      if (name.empty() && amount.empty() && per_day.empty() && trim(times).empty()) continue;
      if (!open) {
        w.key("supplements");
        w.begin_array();
        open = true;
      }
      out.supplement_rows.push_back(row);
      w.begin_object();
      w.member("name", name);
      if (!amount.empty()) {
        // A bare number is mg; with a unit ("10 mmol", "2 tablets") it is read as an amount.
        char* end = nullptr;
        std::strtod(amount.c_str(), &end);
        const bool bare_number = end && trim(std::string(end)).empty();
        w.key(bare_number ? "amount_mg" : "amount");
        number_or_text(w, amount);
      }
      if (trim(form.get(base + "prescribed")) == "true") w.member("prescribed", true);
      if (!basis.empty()) w.member("amount_basis", basis);
      if (!per_day.empty()) {
        w.key("per_day");
        number_or_text(w, per_day);
      }
      if (const auto list = split_list(times); !list.empty()) {
        w.key("times");
        string_list(w, list);
      }
      w.end_object();
    }
    if (open) w.end_array();
  }
  Group{form, w, "diet", {{"magnesium_mg_per_day", 'n'}}}.write();
  Group{form,
        w,
        "lifestyle",
        {{"caffeine_drinks_per_day", 'n'}, {"alcohol_units_per_week", 'n'}, {"smoker", 'b'}}}
      .write();
  {
    // Sleep: `difficulty` is a list (one checkbox per kind), written first; the other answers
    // follow.
    std::vector<std::string> difficulty;
    for (const auto& kind : form.all("sleep.difficulty"))
      if (const auto t = trim(kind);
          !t.empty() && std::find(difficulty.begin(), difficulty.end(), t) == difficulty.end())
        difficulty.push_back(t);
    Group group{form,
                w,
                "sleep",
                {{"nights_per_week", 'n'},
                 {"months", 'n'},
                 {"daytime_impact", 'b'},
                 {"snoring_loud", 'b'},
                 {"witnessed_pauses", 'b'},
                 {"choking_or_gasping", 'b'},
                 {"unrefreshing_sleep", 'b'},
                 {"morning_headaches", 'b'},
                 {"nocturia", 'b'},
                 {"sleepy_while_driving", 'b'},
                 {"epworth_total", 'n'},
                 {"shift_work", 'b'}}};
    if (!difficulty.empty()) {
      w.key("sleep");
      w.begin_object();
      w.key("difficulty");
      string_list(w, difficulty);
    }
    group.write(!difficulty.empty());
  }
  {
    const std::string wake = text("day.wake"), sleep = text("day.sleep");
    const auto meals = split_list(form.get("day.meals"));
    if (!wake.empty() || !sleep.empty() || !meals.empty()) {
      w.key("day");
      w.begin_object();
      if (!wake.empty()) w.member("wake", wake);
      if (!sleep.empty()) w.member("sleep", sleep);
      if (!meals.empty()) {
        w.key("meals");
        string_list(w, meals);
      }
      w.end_object();
    }
  }
  if (text("preferences.sensitive_stomach") == "true") {
    w.key("preferences");
    w.begin_object();
    w.member("sensitive_stomach", true);
    w.end_object();
  }
  w.end_object();
  out.json = w.take();
  return out;
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
  for (std::size_t idx = 0; idx < p.medicines.size(); ++idx) {
    const auto& m = p.medicines[idx];
    const std::string base = "medicines[" + std::to_string(idx) + "].";
    form.add(base + "name", m.name);
    form.add(base + "times", time_list(m.times));
    if (m.amount)
      form.add(base + "amount",
               num(m.amount->value) + (m.amount->unit.empty() ? "" : " " + m.amount->unit));
    if (m.prescribed) form.add(base + "prescribed", "true");
  }
  for (std::size_t idx = 0; idx < p.supplements.size(); ++idx) {
    const auto& s = p.supplements[idx];
    const std::string base = "supplements[" + std::to_string(idx) + "].";
    form.add(base + "name", s.name);
    if (s.amount_mg)
      form.add(base + "amount_mg", num(*s.amount_mg));
    else if (s.amount)
      form.add(base + "amount_mg",
               num(s.amount->value) + (s.amount->unit.empty() ? "" : " " + s.amount->unit));
    if (s.prescribed) form.add(base + "prescribed", "true");
    form.add(base + "amount_basis",
             s.amount_basis == core::AmountBasis::compound ? "compound" : "elemental");
    form.add(base + "per_day", std::to_string(s.per_day));
    form.add(base + "times", time_list(s.times));
  }
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
  const std::string date = trim(form.get("date"));
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
        field == "note" ? form.get(std::string(field)) : trim(form.get(std::string(field)));
    if (value.empty()) continue;
    if (auto error = core::set_field(entry, field, value)) return *error;
  }
  std::string effects;
  for (const auto& choice : render::html::kSideEffectChoices) {
    const std::string severity = trim(form.get(choice.field));
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
  return make_plan(rules, trim(form.get("design")), trim(form.get("baseline_start")),
                   trim(form.get("treatment_start")), trim(form.get("treatment_weeks")),
                   trim(form.get("withdrawal_weeks")), trim(form.get("primary")));
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
