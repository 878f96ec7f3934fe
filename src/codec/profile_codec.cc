#include "codec/profile_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <cstdlib>
#include <functional>

#include "codec/yaml_fields.h"

namespace willis::codec {

using core::Errc;

namespace {

// Plausibility bounds for input checking only (not clinical thresholds): values outside
// them are typing errors, not people.
constexpr double kMaxAge = 130;

std::vector<core::ClockTime> read_times(Fields& f, const char* key) {
  std::vector<core::ClockTime> times;
  const YAML::Node list = f.node(key);
  if (!list.IsDefined() || list.IsNull()) return times;
  if (!list.IsSequence()) {
    f.error(Errc::invalid_type, key, "expected a list of times such as [\"07:00\", \"19:00\"]");
    return times;
  }
  for (std::size_t idx = 0; idx < list.size(); ++idx) {
    const std::string path = item_path(f.child_path(key), idx);
    const auto parsed =
        list[idx].IsScalar() ? core::parse_clock_time(list[idx].Scalar()) : std::nullopt;
    if (!parsed) {
      f.sink().add(Errc::invalid_time, path,
                   fmt::format("\"{}\" is not a 24 h time (use HH:MM, 00:00 to 23:59)",
                               list[idx].IsScalar() ? list[idx].Scalar() : "a list or map"),
                   f.file(), line_of(list[idx]));
      continue;
    }
    times.push_back(*parsed);
  }
  return times;
}

std::optional<core::ClockTime> read_time(Fields& f, const char* key) {
  const auto text = f.text(key);
  if (!text) return std::nullopt;
  const auto parsed = core::parse_clock_time(*text);
  if (!parsed)
    f.error(Errc::invalid_time, key,
            fmt::format("\"{}\" is not a 24 h time (use HH:MM, 00:00 to 23:59)", *text));
  return parsed;
}

void read_list_of_maps(Fields& parent, const char* key, const std::function<void(Fields&)>& each) {
  const YAML::Node list = parent.node(key);
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    parent.error(Errc::invalid_type, key, "expected a list");
    return;
  }
  for (std::size_t idx = 0; idx < list.size(); ++idx) {
    Fields item(list[idx], item_path(parent.child_path(key), idx), parent.file(), parent.sink());
    if (!list[idx].IsMap()) continue;
    each(item);
    item.finish();
  }
}

/// A lab: a plain number, or {value: N, date: YYYY-MM-DD}.
void read_lab(Fields& labs, const char* key, double min, double max, std::optional<double>& value,
              std::optional<core::CalendarDate>& date) {
  const YAML::Node node = labs.node(key);
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    value = labs.number(key, min, max);
    return;
  }
  Fields lab(node, labs.child_path(key), labs.file(), labs.sink());
  value = lab.number("value", min, max, true);
  if (auto text = lab.text("date")) {
    date = core::parse_date(*text);
    if (!date)
      lab.error(Errc::invalid_value, "date",
                fmt::format("\"{}\" is not a date (use YYYY-MM-DD)", *text));
  }
  lab.finish();
}

Fields sub(Fields& parent, const char* key, bool& present) {
  const YAML::Node node = parent.node(key);
  present = node.IsDefined() && !node.IsNull();
  return Fields(present ? node : YAML::Node(YAML::NodeType::Map), parent.child_path(key),
                parent.file(), parent.sink());
}

}  // namespace

std::optional<core::Quantity> parse_quantity(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  const std::string rest(text.substr(pos));
  char* end = nullptr;
  const double value = std::strtod(rest.c_str(), &end);
  if (end == rest.c_str() || !(value > 0) || !std::isfinite(value) || value > 1e9)
    return std::nullopt;
  std::string unit;
  for (const char* c = end; *c; ++c)
    if (!std::isspace(static_cast<unsigned char>(*c)))
      unit += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  if (unit == "mls" || unit == "millilitres" || unit == "milliliters" || unit == "millilitre" ||
      unit == "milliliter")
    unit = "ml";
  if (unit == "tablets" || unit == "tabs" || unit == "tab") unit = "tablet";
  if (unit == "capsules" || unit == "caps") unit = "capsule";
  if (unit == "sachets") unit = "sachet";
  if (unit == "milligrams" || unit == "milligram") unit = "mg";
  if (unit == "grams" || unit == "gram" || unit == "gm" || unit == "gms") unit = "g";
  if (unit == "micrograms" || unit == "microgram" || unit == "ug" || unit == "\xc2\xb5g" ||
      unit == "\xce\xbcg")
    unit = "mcg";
  if (unit == "millimoles" || unit == "millimole" || unit == "mmols") unit = "mmol";
  if (unit == "milliequivalents" || unit == "milliequivalent" || unit == "meqs") unit = "meq";
  if (unit == "litre" || unit == "litres" || unit == "liter" || unit == "liters") unit = "l";
  if (unit == "gummies") unit = "gummy";
  if (unit == "lozenges") unit = "lozenge";
  if (unit == "teaspoons" || unit == "teaspoonful" || unit == "teaspoonfuls") unit = "teaspoon";
  static const char* const kUnits[] = {"ml",    "tablet",   "capsule", "sachet", "mg",     "g",
                                       "mcg",   "mmol",     "meq",     "l",      "",       "dose",
                                       "doses", "teaspoon", "tsp",     "gummy",  "lozenge"};
  for (const char* known : kUnits)
    if (unit == known) {
      if (unit == "teaspoon" || unit == "tsp")
        return core::Quantity{value * 5, "ml"};  // a 5 mL spoon
      if (unit == "doses") unit = "dose";
      return core::Quantity{value, unit};
    }
  return std::nullopt;
}

namespace {

void read_person(Fields& top, core::Profile& p) {
  if (auto j = top.choice("jurisdiction", {"uk", "us", "eu"}))
    p.jurisdiction = *j == "us"   ? core::Jurisdiction::us
                     : *j == "eu" ? core::Jurisdiction::eu
                                  : core::Jurisdiction::uk;
  if (auto age = top.number("age", 0, kMaxAge, true)) p.age = *age;
  if (auto sex = top.choice("sex", {"female", "male"}))
    p.sex = *sex == "female" ? core::Sex::female : core::Sex::male;
  p.pregnant = top.boolean("pregnant").value_or(false);
  p.breastfeeding = top.boolean("breastfeeding").value_or(false);
  if (p.sex == core::Sex::male && (p.pregnant || p.breastfeeding))
    top.error(Errc::invalid_value, p.pregnant ? "pregnant" : "breastfeeding",
              "is true but sex is male");
  p.conditions = top.texts("conditions");
}

void read_labs(Fields& top, core::Profile& p) {
  bool present = false;
  Fields labs = sub(top, "labs", present);
  read_lab(labs, "ferritin_ng_ml", 0, 100000, p.labs.ferritin_ng_ml, p.labs.ferritin_date);
  read_lab(labs, "tsat_percent", 0, 100, p.labs.tsat_percent, p.labs.tsat_date);
  read_lab(labs, "egfr", 0, 250, p.labs.egfr, p.labs.egfr_date);
  read_lab(labs, "serum_magnesium_mmol_l", 0, 20, p.labs.serum_magnesium_mmol_l,
           p.labs.serum_magnesium_date);
  labs.finish();
}

void read_symptoms(Fields& top, core::Profile& p) {
  bool present = false;
  Fields s = sub(top, "symptoms", present);
  p.symptoms.urge_to_move_legs = s.boolean("urge_to_move_legs");
  p.symptoms.worse_at_rest = s.boolean("worse_at_rest");
  p.symptoms.relieved_by_movement = s.boolean("relieved_by_movement");
  p.symptoms.worse_evening_or_night = s.boolean("worse_evening_or_night");
  p.symptoms.explained_by_other_condition = s.boolean("explained_by_other_condition");
  if (auto irls = s.integer("irls_total", 0, 40)) p.symptoms.irls_total = static_cast<int>(*irls);
  p.symptoms.red_flags = s.texts("red_flags");
  s.finish();
}

/// The `amount:` text of a medicine or supplement; `units_hint` ends the error message.
std::optional<core::Quantity> parse_amount(Fields& f, const std::string& amount,
                                           std::string_view units_hint) {
  auto quantity = parse_quantity(amount);
  if (!quantity)
    f.error(Errc::invalid_amount, "amount",
            fmt::format("\"{}\" is not a positive amount with a unit {}", amount, units_hint));
  return quantity;
}

std::optional<core::AmountBasis> read_amount_basis(Fields& f) {
  const auto basis = f.choice("amount_basis", {"elemental", "compound"});
  if (!basis) return std::nullopt;
  return *basis == "compound" ? core::AmountBasis::compound : core::AmountBasis::elemental;
}

void read_on_day(Fields& m, core::MedicineEntry& entry) {
  const auto on_day = m.text("on_day");
  if (!on_day) return;
  static const char* const kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};
  std::string day = *on_day;
  for (auto& c : day) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool weekday = std::find(std::begin(kDays), std::end(kDays), day) != std::end(kDays);
  char* end = nullptr;
  const long date = std::strtol(day.c_str(), &end, 10);
  const bool month_day = end && *end == '\0' && !day.empty() && date >= 1 && date <= 31;
  if (!weekday && !month_day)
    m.error(Errc::invalid_value, "on_day",
            fmt::format("\"{}\" is not a weekday (monday..sunday) or a day of the month (1..31)",
                        *on_day));
  else if (!entry.every)
    entry.every = weekday ? core::Every::week : core::Every::month;
  entry.on_day = day;
}

core::MedicineEntry read_medicine(Fields& m) {
  core::MedicineEntry entry;
  entry.name = m.text("name", true).value_or("");
  if (entry.name.empty() && m.has("name")) m.error(Errc::invalid_value, "name", "is empty");
  if (auto amount = m.text("amount"))
    entry.amount = parse_amount(m, *amount, "(e.g. \"10 ml\", \"2 tablets\", \"400 mg\")");
  if (auto basis = read_amount_basis(m)) entry.amount_basis = *basis;
  entry.times = read_times(m, "times");
  if (auto per_day = m.integer("per_day", 1, 24)) entry.per_day = static_cast<int>(*per_day);
  entry.prescribed = m.boolean("prescribed").value_or(false);
  if (auto route = m.choice("route", {"oral", "eye", "ear", "nose", "skin", "inhaled", "injected",
                                      "rectal", "vaginal"}))
    entry.route = core::parse_route(*route);
  if (auto every = m.choice("every", {"day", "week", "month"}))
    entry.every = *every == "week"    ? core::Every::week
                  : *every == "month" ? core::Every::month
                                      : core::Every::day;
  read_on_day(m, entry);
  return entry;
}

core::SupplementEntry read_supplement(Fields& s) {
  core::SupplementEntry entry;
  entry.name = s.text("name", true).value_or("");
  if (s.has("amount_mg")) {
    const auto amount = s.number("amount_mg", -1e12, 1e12);
    if (amount && !(*amount > 0))
      s.error(Errc::invalid_amount, "amount_mg",
              fmt::format("{} is not a positive amount in mg", *amount));
    else if (amount && *amount > 1000000)
      s.error(Errc::invalid_amount, "amount_mg",
              fmt::format("{} mg per dose is not possible; check the unit", *amount));
    else
      entry.amount_mg = amount;
  }
  if (auto amount = s.text("amount")) {
    if (entry.amount_mg)
      s.error(Errc::invalid_value, "amount", "give amount or amount_mg, not both");
    entry.amount = parse_amount(
        s, *amount, "willis reads (mg, g, mcg, mmol, mEq, ml, tablet, capsule, sachet)");
  }
  if (auto basis = read_amount_basis(s)) {
    entry.amount_basis = *basis;
    entry.amount_basis_given = true;
  }
  if (auto per_day = s.integer("per_day", 1, 24)) entry.per_day = static_cast<int>(*per_day);
  entry.times = read_times(s, "times");
  entry.prescribed = s.boolean("prescribed").value_or(false);
  return entry;
}

void read_diet_and_lifestyle(Fields& top, core::Profile& p) {
  bool present = false;
  Fields diet = sub(top, "diet", present);
  p.diet_magnesium_mg_per_day = diet.number("magnesium_mg_per_day", 0, 10000);
  diet.finish();
  Fields life = sub(top, "lifestyle", present);
  p.caffeine_drinks_per_day = life.number("caffeine_drinks_per_day", 0, 100);
  p.alcohol_units_per_week = life.number("alcohol_units_per_week", 0, 1000);
  p.smoker = life.boolean("smoker");
  life.finish();
}

void read_sleep_difficulty(Fields& sl, core::Profile& p) {
  if (!sl.has("difficulty")) return;
  const YAML::Node d = sl.node("difficulty");
  std::vector<std::string> kinds;
  if (d.IsScalar())
    kinds.push_back(d.Scalar());
  else if (d.IsSequence()) {
    for (const auto& item : d)
      if (item.IsScalar())
        kinds.push_back(item.Scalar());
      else
        sl.error(Errc::invalid_type, "difficulty",
                 "expected falling_asleep, staying_asleep or waking_early");
  } else if (!d.IsNull()) {
    sl.error(Errc::invalid_type, "difficulty",
             "expected falling_asleep, staying_asleep or waking_early, or a list of them");
  }
  for (const auto& kind : kinds) {
    if (kind != "falling_asleep" && kind != "staying_asleep" && kind != "waking_early")
      sl.error(
          Errc::invalid_value, "difficulty",
          fmt::format("\"{}\" is not one of falling_asleep, staying_asleep, waking_early", kind));
    else if (std::find(p.sleep.difficulty.begin(), p.sleep.difficulty.end(), kind) ==
             p.sleep.difficulty.end())
      p.sleep.difficulty.push_back(kind);
  }
}

void read_sleep(Fields& top, core::Profile& p) {
  bool sleep_present = false;
  Fields sl = sub(top, "sleep", sleep_present);
  p.sleep.given = sleep_present;
  read_sleep_difficulty(sl, p);
  if (auto n = sl.integer("nights_per_week", 0, 7)) p.sleep.nights_per_week = static_cast<int>(*n);
  p.sleep.months = sl.number("months", 0, 1200);
  p.sleep.daytime_impact = sl.boolean("daytime_impact");
  p.sleep.snoring_loud = sl.boolean("snoring_loud");
  p.sleep.witnessed_pauses = sl.boolean("witnessed_pauses");
  p.sleep.choking_or_gasping = sl.boolean("choking_or_gasping");
  p.sleep.unrefreshing_sleep = sl.boolean("unrefreshing_sleep");
  p.sleep.morning_headaches = sl.boolean("morning_headaches");
  p.sleep.nocturia = sl.boolean("nocturia");
  p.sleep.sleepy_while_driving = sl.boolean("sleepy_while_driving");
  if (auto e = sl.integer("epworth_total", 0, 24)) p.sleep.epworth_total = static_cast<int>(*e);
  p.sleep.shift_work = sl.boolean("shift_work");
  sl.finish();
}

void read_day_and_preferences(Fields& top, core::Profile& p) {
  bool present = false;
  Fields day = sub(top, "day", present);
  if (auto wake = read_time(day, "wake")) {
    p.day.wake = *wake;
    p.day.wake_given = true;
  }
  if (auto sleep = read_time(day, "sleep")) {
    p.day.sleep = *sleep;
    p.day.sleep_given = true;
  }
  if (p.day.wake == p.day.sleep)
    day.error(Errc::invalid_value, "sleep", "is the same time as wake");
  p.day.meals = read_times(day, "meals");
  day.finish();
  Fields prefs = sub(top, "preferences", present);
  p.sensitive_stomach = prefs.boolean("sensitive_stomach").value_or(false);
  prefs.finish();
}

// A misspelt key explains the errors it causes ("ag" -> missing age): report it first.
core::Error first_error(const ErrorSink& sink) {
  auto first = sink.errors.begin();
  for (auto it = sink.errors.begin(); it != sink.errors.end(); ++it) {
    const bool it_unknown = it->code == Errc::unknown_field,
               first_unknown = first->code == Errc::unknown_field;
    if ((it_unknown && !first_unknown) || (it_unknown == first_unknown && it->line < first->line))
      first = it;
  }
  return *first;
}

}  // namespace

core::Result<core::Profile> profile_from_node(const YAML::Node& node,
                                              const std::string& source_name) {
  ErrorSink sink;
  core::Profile p;
  if (!node.IsMap()) {
    return core::Error{Errc::invalid_type, "(top level)",
                       "a profile is a map of keys such as age, medicines, labs", source_name,
                       line_of(node)};
  }
  Fields top(node, "", source_name, sink);
  read_person(top, p);
  read_labs(top, p);
  read_symptoms(top, p);
  read_list_of_maps(top, "medicines", [&](Fields& m) { p.medicines.push_back(read_medicine(m)); });
  read_list_of_maps(top, "supplements",
                    [&](Fields& s) { p.supplements.push_back(read_supplement(s)); });
  read_diet_and_lifestyle(top, p);
  read_sleep(top, p);
  read_day_and_preferences(top, p);
  top.finish();
  if (!sink.empty()) return first_error(sink);
  return p;
}

core::Result<core::Profile> parse_profile(std::string_view text, const std::string& source_name) {
  // Strict (issue 13): duplicate keys, a second document, invalid UTF-8 and control characters
  // (line breaks included: no profile field is prose) are errors before any field is read.
  auto node = parse_yaml_text(text, source_name, Lines::single);
  if (!node.ok()) return node.error();
  try {
    return profile_from_node(node.value(), source_name);
  } catch (const YAML::Exception& error) {
    return core::Error{Errc::parse_error, "", error.msg, source_name, error.mark.line + 1};
  }
}

}  // namespace willis::codec
