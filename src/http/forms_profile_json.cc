// src/http/forms_profile_json.cc: the profile form -> the profile's JSON text (codec/profile
// parses it, so the form and the API share one set of rules). One step per form section.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "http/forms.h"
#include "render/html_profile_form.h"
#include "render/json_writer.h"

namespace willis::http {

using render::JsonWriter;
using render::html::FormData;

namespace {

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
    std::string item = trim_field(current);
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
      const std::string value = trim_field(form.get(std::string(prefix) + "." + name));
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

void write_basics(const FormData& form, JsonWriter& w) {
  const auto text = [&](const char* name) { return trim_field(form.get(name)); };
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
}

/// Labs: a number, or {value, date} when the date of the test is given.
void write_labs(const FormData& form, JsonWriter& w) {
  const auto text = [&](const std::string& name) { return trim_field(form.get(name)); };
  bool open = false;
  for (const char* key : {"ferritin_ng_ml", "tsat_percent", "egfr", "serum_magnesium_mmol_l"}) {
    const std::string value = text(std::string("labs.") + key);
    const std::string date = text(std::string("labs.") + key + ".date");
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

/// Symptoms: the yes/no questions, the IRLS score and the red flags, in one object.
void write_symptoms(const FormData& form, JsonWriter& w) {
  const auto text = [&](const std::string& name) { return trim_field(form.get(name)); };
  std::vector<std::string> flags;
  for (const auto& flag : form.all("symptoms.red_flags"))
    if (!trim_field(flag).empty()) flags.push_back(trim_field(flag));
  const char* questions[] = {"urge_to_move_legs", "worse_at_rest", "relieved_by_movement",
                             "worse_evening_or_night", "explained_by_other_condition"};
  bool any = !flags.empty() || !text("symptoms.irls_total").empty();
  for (const char* q : questions) any = any || yes_no(text(std::string("symptoms.") + q));
  if (!any) return;
  w.key("symptoms");
  w.begin_object();
  for (const char* q : questions)
    if (const auto answer = yes_no(text(std::string("symptoms.") + q))) w.member(q, *answer);
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

void write_medicines(const FormData& form, JsonWriter& w, std::vector<int>& rows_written) {
  const int rows = render::html::form_rows(form, "medicines");
  bool open = false;
  for (int row = 0; row < rows; ++row) {
    const std::string base = "medicines[" + std::to_string(row) + "].";
    const std::string name = trim_field(form.get(base + "name")), times = form.get(base + "times"),
                      amount = trim_field(form.get(base + "amount"));
    if (name.empty() && trim_field(times).empty() && amount.empty()) continue;
    if (!open) {
      w.key("medicines");
      w.begin_array();
      open = true;
    }
    rows_written.push_back(row);
    w.begin_object();
    w.member("name", name);
    if (!amount.empty()) w.member("amount", amount);
    if (const auto list = split_list(times); !list.empty()) {
      w.key("times");
      string_list(w, list);
    }
    if (trim_field(form.get(base + "prescribed")) == "true") w.member("prescribed", true);
    w.end_object();
  }
  if (open) w.end_array();
}

/// A supplement's amount: a bare number is mg; with a unit ("10 mmol", "2 tablets") it is read
/// as an amount.
void write_supplement_amount(JsonWriter& w, const std::string& amount) {
  char* end = nullptr;
  std::strtod(amount.c_str(), &end);
  const bool bare_number = end && trim_field(std::string(end)).empty();
  w.key(bare_number ? "amount_mg" : "amount");
  number_or_text(w, amount);
}

void write_supplements(const FormData& form, JsonWriter& w, std::vector<int>& rows_written) {
  const int rows = render::html::form_rows(form, "supplements");
  bool open = false;
  for (int row = 0; row < rows; ++row) {
    const std::string base = "supplements[" + std::to_string(row) + "].";
    const std::string name = trim_field(form.get(base + "name")),
                      amount = trim_field(form.get(base + "amount_mg")),
                      basis = trim_field(form.get(base + "amount_basis")),
                      per_day = trim_field(form.get(base + "per_day")),
                      times = form.get(base + "times");
    if (name.empty() && amount.empty() && per_day.empty() && trim_field(times).empty()) continue;
    if (!open) {
      w.key("supplements");
      w.begin_array();
      open = true;
    }
    rows_written.push_back(row);
    w.begin_object();
    w.member("name", name);
    if (!amount.empty()) write_supplement_amount(w, amount);
    if (trim_field(form.get(base + "prescribed")) == "true") w.member("prescribed", true);
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

/// Sleep: `difficulty` is a list (one checkbox per kind), written first; the other answers
/// follow.
void write_sleep(const FormData& form, JsonWriter& w) {
  std::vector<std::string> difficulty;
  for (const auto& kind : form.all("sleep.difficulty"))
    if (const auto t = trim_field(kind);
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

void write_day(const FormData& form, JsonWriter& w) {
  const std::string wake = trim_field(form.get("day.wake")),
                    sleep = trim_field(form.get("day.sleep"));
  const auto meals = split_list(form.get("day.meals"));
  if (wake.empty() && sleep.empty() && meals.empty()) return;
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

void write_preferences(const FormData& form, JsonWriter& w) {
  if (trim_field(form.get("preferences.sensitive_stomach")) != "true") return;
  w.key("preferences");
  w.begin_object();
  w.member("sensitive_stomach", true);
  w.end_object();
}

}  // namespace

ProfileJson profile_json_from_form(const FormData& form) {
  ProfileJson out;
  JsonWriter w(false);
  w.begin_object();
  write_basics(form, w);
  write_labs(form, w);
  write_symptoms(form, w);
  write_medicines(form, w, out.medicine_rows);
  write_supplements(form, w, out.supplement_rows);
  Group{form, w, "diet", {{"magnesium_mg_per_day", 'n'}}}.write();
  Group{form,
        w,
        "lifestyle",
        {{"caffeine_drinks_per_day", 'n'}, {"alcohol_units_per_week", 'n'}, {"smoker", 'b'}}}
      .write();
  write_sleep(form, w);
  write_day(form, w);
  write_preferences(form, w);
  w.end_object();
  out.json = w.take();
  return out;
}

}  // namespace willis::http
