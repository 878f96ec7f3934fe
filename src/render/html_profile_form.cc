#include "render/html_profile_form.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace willis::render::html {
namespace {

using Input = InputSpec;

struct Ctx {
  const FormData& form;
  const ProfileFormView& view;
};

std::string input(const Ctx& ctx, const Input& in) {
  return input_field(ctx.form, ctx.view.errors, in, ctx.view.focus);
}

struct Option {
  const char* value;
  const char* label;
};

std::string select(const Ctx& ctx, const std::string& name, const std::string& label,
                   const std::string& hint, std::initializer_list<Option> options) {
  const std::string id = field_id(name);
  const std::string error = error_for(ctx.view.errors, name);
  const std::string current = ctx.form.get(name);
  std::string opts;
  for (const auto& option : options)
    opts += format("<option value=\"{}\"{}>{}</option>", option.value,
                   Raw{current == option.value ? " selected" : ""}, option.label);
  return format(
      "<div class=\"field{}\"><label for=\"{}\">{}</label>{}<select id=\"{}\" "
      "name=\"{}\"{}>{}</select></div>\n",
      Raw{error.empty() ? "" : " has-error"}, id, label, Raw{hint_and_error(id, hint, error)}, id,
      name, Raw{described_by(id, !hint.empty(), !error.empty())}, Raw{opts});
}

std::string checkbox(const Ctx& ctx, const std::string& name, const std::string& value,
                     const std::string& label, const std::string& hint, bool checked,
                     const std::string& id_suffix = "") {
  (void)ctx;
  const std::string id = field_id(name) + id_suffix;
  return format(
      "<div class=\"check\"><input type=\"checkbox\" id=\"{0}\" name=\"{1}\" value=\"{2}\"{3}{4}>"
      "<label for=\"{0}\">{5}</label>{6}</div>\n",
      id, name, value, Raw{checked ? " checked" : ""},
      Raw{hint.empty() ? "" : format(" aria-describedby=\"{}-hint\"", id)}, label,
      Raw{hint.empty() ? "" : format("<p class=\"hint\" id=\"{}-hint\">{}</p>", id, hint)});
}

/// A yes / no / not sure question as a radio group.
std::string yes_no(const Ctx& ctx, const std::string& name, const std::string& question) {
  const std::string id = field_id(name);
  const std::string current = ctx.form.get(name);
  const std::string error = error_for(ctx.view.errors, name);
  std::string radios;
  for (const auto& [value, label] :
       {std::pair{"yes", "Yes"}, std::pair{"no", "No"}, std::pair{"", "Not sure"}})
    radios += format(
        "<span class=\"radio\"><input type=\"radio\" id=\"{0}-{1}\" name=\"{2}\" value=\"{3}\"{4}>"
        "<label for=\"{0}-{1}\">{5}</label></span>",
        id, value[0] ? value : "unsure", name, value, Raw{current == value ? " checked" : ""},
        label);
  return format(
      "<fieldset class=\"question{}\" id=\"{}\"><legend>{}</legend>{}<div "
      "class=\"radios\">{}</div></fieldset>\n",
      Raw{error.empty() ? "" : " has-error"}, id, question, Raw{hint_and_error(id, "", error)},
      Raw{radios});
}

std::string textarea(const Ctx& ctx, const std::string& name, const std::string& label,
                     const std::string& hint) {
  const std::string id = field_id(name);
  const std::string error = error_for(ctx.view.errors, name);
  return format(
      "<div class=\"field{}\"><label for=\"{}\">{}</label>{}<textarea id=\"{}\" name=\"{}\" "
      "rows=\"3\"{}>{}</textarea></div>\n",
      Raw{error.empty() ? "" : " has-error"}, id, label, Raw{hint_and_error(id, hint, error)}, id,
      name, Raw{described_by(id, !hint.empty(), !error.empty())}, ctx.form.get(name));
}

/// Errors for sub-paths of a row field ("medicines[0].times[1]") show at the field.
std::vector<FieldError> fold_errors(std::vector<FieldError> errors) {
  for (auto& error : errors) {
    const auto bracket = error.field.rfind('[');
    const auto dot = error.field.rfind('.');
    if (bracket != std::string::npos && dot != std::string::npos && bracket > dot)
      error.field.resize(bracket);
  }
  return errors;
}

std::string medicine_row(const Ctx& ctx, const std::string& index, const std::string& number) {
  const std::string base = "medicines[" + index + "]";
  std::string fields;
  fields +=
      input(ctx, {base + ".name", "Name", "As on the box, e.g. Levothyroxine 75 microgram tablets",
                  "text", "autocomplete=\"off\""});
  fields += input(ctx, {base + ".times", "Times you take it",
                        "24-hour clock, separated by commas, e.g. 08:00, 20:00", "text",
                        "autocomplete=\"off\" inputmode=\"numeric\" placeholder=\"08:00, 20:00\""});
  fields += input(ctx, {base + ".amount", "Amount per dose (optional)",
                        "With a unit, e.g. 10 ml or 2 tablets", "text", "autocomplete=\"off\""});
  fields += checkbox(ctx, base + ".prescribed", "true",
                     "Prescribed for me by a doctor, nurse or pharmacist", "",
                     ctx.form.get(base + ".prescribed") == "true");
  return format(
      "<li class=\"row\" data-row=\"{0}\"><fieldset><legend>Medicine {1}</legend>{2}"
      "<button type=\"submit\" class=\"remove secondary\" name=\"action\" "
      "value=\"remove-medicine-{0}\" "
      "data-remove=\"medicines\">Remove medicine {1}</button></fieldset></li>\n",
      index, number, Raw{fields});
}

std::string supplement_row(const Ctx& ctx, const std::string& index, const std::string& number) {
  const std::string base = "supplements[" + index + "]";
  std::string fields;
  fields += input(ctx, {base + ".name", "Name", "e.g. magnesium citrate, or the product name",
                        "text", "autocomplete=\"off\""});
  fields += input(ctx, {base + ".amount_mg", "Amount per dose",
                        "In mg, or with its unit: 10 mmol, 2 tablets, 5 ml, 1 g", "text",
                        "autocomplete=\"off\""});
  fields += select(ctx, base + ".amount_basis", "The amount is",
                   "Labels usually state elemental magnesium (\"magnesium 100 mg\")",
                   {{"elemental", "elemental magnesium (most labels)"},
                    {"compound", "the whole salt (e.g. magnesium citrate 1000 mg)"}});
  fields += input(ctx, {base + ".per_day", "Doses a day", "", "text",
                        "inputmode=\"numeric\" autocomplete=\"off\""});
  fields += input(ctx, {base + ".times", "Times (optional)", "24-hour clock, separated by commas",
                        "text", "autocomplete=\"off\" inputmode=\"numeric\""});
  fields += checkbox(ctx, base + ".prescribed", "true",
                     "Prescribed for me by a doctor, nurse or pharmacist", "",
                     ctx.form.get(base + ".prescribed") == "true");
  return format(
      "<li class=\"row\" data-row=\"{0}\"><fieldset><legend>Supplement {1}</legend>{2}"
      "<button type=\"submit\" class=\"remove secondary\" name=\"action\" "
      "value=\"remove-supplement-{0}\" "
      "data-remove=\"supplements\">Remove supplement {1}</button></fieldset></li>\n",
      index, number, Raw{fields});
}

}  // namespace

int form_rows(const FormData& form, std::string_view list) {
  int rows = 0;
  const std::string prefix = std::string(list) + "[";
  for (const auto& [name, value] : form.fields) {
    if (name.rfind(prefix, 0) != 0) continue;
    const char* digits = name.c_str() + prefix.size();
    char* end = nullptr;
    const long index = std::strtol(digits, &end, 10);
    if (end == digits || *end != ']' || index < 0 || index > 500) continue;
    rows = std::max(rows, static_cast<int>(index) + 1);
  }
  return rows;
}

namespace {

using RowFn = std::string (*)(const Ctx&, const std::string& index, const std::string& number);

/// The rows of a repeating list (at least one) and a blank row for the <template> the page's
/// script copies on "Add".
std::pair<std::string, std::string> list_rows(const Ctx& ctx, const char* list, RowFn row) {
  const int rows = std::max(form_rows(ctx.form, list), 1);
  std::string items;
  for (int idx = 0; idx < rows; ++idx)
    items += row(ctx, std::to_string(idx), std::to_string(idx + 1));
  const FormData empty;
  const ProfileFormView blank;
  const Ctx template_ctx{empty, blank};
  return {items, row(template_ctx, "__i__", "__n__")};
}

/// Red flags first: any of these makes the assessment urgent.
std::string red_flags_section(const Ctx& ctx, const core::Kb& kb) {
  std::string boxes;
  const auto chosen = ctx.form.all("symptoms.red_flags");
  const std::set<std::string> checked(chosen.begin(), chosen.end());
  for (const auto& flag : kb.red_flags)
    boxes += checkbox(ctx, "symptoms.red_flags", flag.id, flag.name,
                      flag.possible_cause.empty() ? "" : "It can mean " + flag.possible_cause + ".",
                      checked.count(flag.id) > 0, "-" + flag.id);
  return format(
      "<fieldset class=\"section redflags\" id=\"{}\"><legend>First: do you have any of these "
      "right now?</legend><p class=\"hint\">If you do, get medical help before anything else; "
      "willis will say whom to call.</p>{}</fieldset>\n",
      field_id("symptoms.red_flags"), Raw{boxes});
}

std::string about_you_section(const Ctx& ctx) {
  std::string fields;
  fields += input(ctx, {"age", "Age in years (needed)", "", "text",
                        "inputmode=\"decimal\" autocomplete=\"off\" required"});
  fields += select(ctx, "sex", "Sex", "Some limits and intakes differ",
                   {{"", "Prefer not to say"}, {"female", "Female"}, {"male", "Male"}});
  fields +=
      checkbox(ctx, "pregnant", "true", "I am pregnant", "", ctx.form.get("pregnant") == "true");
  fields += checkbox(ctx, "breastfeeding", "true", "I am breastfeeding", "",
                     ctx.form.get("breastfeeding") == "true");
  fields +=
      select(ctx, "jurisdiction", "Where you live", "Picks the guidelines and limits that apply",
             {{"uk", "United Kingdom"}, {"us", "United States"}, {"eu", "European Union"}});
  return format("<fieldset class=\"section\"><legend>About you</legend>{}</fieldset>\n",
                Raw{fields});
}

/// Restless legs, in plain words.
std::string restless_legs_section(const Ctx& ctx) {
  std::string fields;
  fields += yes_no(ctx, "symptoms.urge_to_move_legs",
                   "Do you get an urge to move your legs, often with unpleasant feelings in them?");
  fields += yes_no(ctx, "symptoms.worse_at_rest", "Is it worse when you sit or lie still?");
  fields += yes_no(ctx, "symptoms.relieved_by_movement",
                   "Does moving (walking, stretching) ease it, at least while you move?");
  fields +=
      yes_no(ctx, "symptoms.worse_evening_or_night", "Is it worse in the evening or at night?");
  fields += yes_no(ctx, "symptoms.explained_by_other_condition",
                   "Has a clinician said another condition explains it (e.g. cramps, arthritis, "
                   "nerve damage)?");
  fields += input(ctx, {"symptoms.irls_total", "IRLS score, 0 to 40 (if a clinician scored it)", "",
                        "text", "inputmode=\"numeric\" autocomplete=\"off\""});
  return format("<fieldset class=\"section\"><legend>Your restless legs</legend>{}</fieldset>\n",
                Raw{fields});
}

/// A repeating list (medicines, supplements): its rows, a blank one for the script's "Add", and
/// a button that adds a row without the script.
std::string list_section(const Ctx& ctx, const char* list, RowFn row, const char* legend,
                         const char* hint, const char* add_action, const char* add_label) {
  const auto [items, blank_row] = list_rows(ctx, list, row);
  return format(
      "<fieldset class=\"section\" id=\"{0}\"><legend>{1}</legend><p class=\"hint\">{2}</p>"
      "<ol class=\"rows\" data-list=\"{0}\">{3}</ol><template id=\"tpl-{0}\">{4}</template>"
      "<button type=\"submit\" class=\"add secondary\" name=\"action\" value=\"{5}\" "
      "data-add=\"{0}\">{6}</button></fieldset>\n",
      list, legend, hint, Raw{items}, Raw{blank_row}, add_action, add_label);
}

std::string blood_tests_section(const Ctx& ctx) {
  std::string fields;
  // Each result with the date of the test: an old kidney or magnesium result may not count.
  const std::pair<const char*, const char*> labs[] = {
      {"ferritin_ng_ml", "Ferritin, ng/mL (same number as \u00b5g/L)"},
      {"tsat_percent", "Transferrin saturation (TSAT), %"},
      {"egfr", "Kidney function (eGFR), mL/min/1.73 m\u00b2"},
      {"serum_magnesium_mmol_l", "Blood magnesium, mmol/L"}};
  for (const auto& [key, label] : labs) {
    fields += input(ctx, {std::string("labs.") + key, label, "", "text",
                          "inputmode=\"decimal\" autocomplete=\"off\""});
    fields += input(ctx, {std::string("labs.") + key + ".date", std::string("Date of that test"),
                          "YYYY-MM-DD", "date", "autocomplete=\"off\""});
  }
  return format(
      "<fieldset class=\"section\"><legend>Blood tests (if you know "
      "them)</legend>{}</fieldset>\n",
      Raw{fields});
}

/// Diet and habits.
std::string habits_section(const Ctx& ctx) {
  std::string fields;
  fields += input(ctx, {"diet.magnesium_mg_per_day", "Magnesium from food, mg a day (if known)", "",
                        "text", "inputmode=\"decimal\" autocomplete=\"off\""});
  fields +=
      "<p class=\"hint\"><a href=\"/foods\">Work it out from what you eat</a> (USDA food table; "
      "opens the food picker).</p>\n";
  fields += input(ctx, {"lifestyle.caffeine_drinks_per_day", "Caffeinated drinks a day", "", "text",
                        "inputmode=\"decimal\" autocomplete=\"off\""});
  fields += input(ctx, {"lifestyle.alcohol_units_per_week", "Alcohol units a week", "", "text",
                        "inputmode=\"decimal\" autocomplete=\"off\""});
  fields += yes_no(ctx, "lifestyle.smoker", "Do you smoke?");
  return format(
      "<fieldset class=\"section\"><legend>Food, drinks and habits</legend>{}</fieldset>\n",
      Raw{fields});
}

/// Sleep (issue 15). The Epworth total only: its items are licensed, so willis never shows
/// them.
std::string sleep_section(const Ctx& ctx) {
  std::string fields;
  {
    // Any of the three (the contract's `difficulty` is a list): one checkbox each, so all survive
    // a round trip.
    const auto chosen = ctx.form.all("sleep.difficulty");
    std::string boxes;
    for (const auto& [value, label] : {std::pair{"falling_asleep", "Falling asleep"},
                                       std::pair{"staying_asleep", "Staying asleep"},
                                       std::pair{"waking_early", "Waking too early"}})
      boxes += checkbox(ctx, "sleep.difficulty", value, label, "",
                        std::find(chosen.begin(), chosen.end(), value) != chosen.end(),
                        std::string("-") + value);
    fields += format(
        "<fieldset class=\"question\" id=\"{}\"><legend>Trouble sleeping? Tick all that "
        "apply</legend>{}</fieldset>\n",
        field_id("sleep.difficulty"), Raw{boxes});
  }
  fields += input(ctx, {"sleep.nights_per_week", "Bad nights a week (0-7)", "", "text",
                        "inputmode=\"numeric\" autocomplete=\"off\""});
  fields += input(ctx, {"sleep.months", "For how many months?", "", "text",
                        "inputmode=\"decimal\" autocomplete=\"off\""});
  fields += yes_no(ctx, "sleep.daytime_impact",
                   "Does it affect your day (tired, low mood, poor concentration)?");
  fields += yes_no(ctx, "sleep.snoring_loud", "Do you snore loudly?");
  fields +=
      yes_no(ctx, "sleep.witnessed_pauses", "Has anyone seen you stop breathing in your sleep?");
  fields += yes_no(ctx, "sleep.choking_or_gasping", "Do you wake choking or gasping?");
  fields += yes_no(ctx, "sleep.unrefreshing_sleep", "Do you wake unrefreshed?");
  fields += yes_no(ctx, "sleep.morning_headaches", "Do you wake with headaches?");
  fields += yes_no(ctx, "sleep.nocturia", "Do you get up at night to pass urine?");
  fields += yes_no(ctx, "sleep.sleepy_while_driving", "Do you feel sleepy while driving?");
  fields += input(ctx, {"sleep.epworth_total",
                        "Epworth Sleepiness Scale total (0-24), if a clinician scored it", "",
                        "text", "inputmode=\"numeric\" autocomplete=\"off\""});
  fields += yes_no(ctx, "sleep.shift_work", "Do you work shifts?");
  return format(
      "<fieldset class=\"section\" id=\"sleep-section\"><legend>Sleep</legend>{}</fieldset>\n",
      Raw{fields});
}

std::string day_section(const Ctx& ctx) {
  std::string fields;
  fields += input(ctx, {"day.wake", "Usual wake time", "24-hour clock, e.g. 07:00", "text",
                        "inputmode=\"numeric\" autocomplete=\"off\" placeholder=\"07:00\""});
  fields += input(ctx, {"day.sleep", "Usual bedtime", "24-hour clock, e.g. 23:00", "text",
                        "inputmode=\"numeric\" autocomplete=\"off\" placeholder=\"23:00\""});
  fields += input(
      ctx, {"day.meals", "Meal times (optional)", "Separated by commas, e.g. 08:00, 13:00, 19:00",
            "text", "inputmode=\"numeric\" autocomplete=\"off\""});
  fields += checkbox(ctx, "preferences.sensitive_stomach", "true",
                     "My stomach is sensitive (loose stools, upset)",
                     "willis then prefers a gentler form",
                     ctx.form.get("preferences.sensitive_stomach") == "true");
  return format("<fieldset class=\"section\"><legend>Your day</legend>{}</fieldset>\n",
                Raw{fields});
}

}  // namespace

std::string profile_form_page(const FormData& form, const core::Kb& kb,
                              const ProfileFormView& view_in) {
  ProfileFormView view = view_in;
  view.errors = fold_errors(view.errors);
  const Ctx ctx{form, view};
  std::string out = "<h1>Your profile</h1>\n";
  out +=
      "<p class=\"lead\">Answer what you can; only your age is needed. Nothing leaves this "
      "computer: your answers are saved in your diary file.</p>\n";
  if (!view.notice.empty())
    out += format("<p class=\"notice\" role=\"status\">{}</p>\n", view.notice);
  out += error_summary(view.errors).html;
  out += "<form method=\"post\" action=\"/profile\" class=\"profile\" novalidate>\n";
  out += csrf_field(view.csrf).html;

  out += red_flags_section(ctx, kb);
  out += about_you_section(ctx);
  out += restless_legs_section(ctx);
  out += list_section(ctx, "medicines", medicine_row, "Medicines",
                      "Everything you take: prescriptions, antacids, laxatives, over the counter. "
                      "Leave a row empty to skip it.",
                      "add-medicine", "Add a medicine");
  out += list_section(ctx, "supplements", supplement_row, "Supplements",
                      "Any magnesium you already take, and other supplements.", "add-supplement",
                      "Add a supplement");
  // Conditions: one free-text box.
  out += format("<fieldset class=\"section\"><legend>Health conditions</legend>{}</fieldset>\n",
                Raw{textarea(ctx, "conditions", "Conditions you have been told you have",
                             "One per line, e.g. chronic kidney disease")});
  out += blood_tests_section(ctx);
  out += habits_section(ctx);
  out += sleep_section(ctx);
  out += day_section(ctx);
  out +=
      "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"save\" "
      "class=\"primary\" "
      "id=\"save-profile\">Save and see my assessment</button></div>\n</form>\n";
  return out;
}

}  // namespace willis::render::html
