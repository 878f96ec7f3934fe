// src/codec/fhir/dosage.cc: FHIR Dosage -> dose times (see dosage.h).
#include "codec/fhir/dosage.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include "codec/fhir/text.h"

namespace willis::codec::fhir {

using core::ClockTime;

namespace {

// Input plausibility bounds (not clinical numbers): an offset past a whole day, more than one dose
// a minute or a period of more than a century are typing or export errors, never a regimen.
constexpr int kMaxOffsetMinutes = 24 * 60;
constexpr double kMaxFrequency = 24 * 60;
constexpr double kMaxPeriod = 100 * 365;

// FHIR EventTiming has no clock times: these are willis's assumptions for a 07:00-23:00 day with
// meals at 08:00, 13:00 and 19:00 (the contract's example day), always reported as "times assumed".
struct EventTime {
  std::string_view code;
  std::array<int, 3> minutes;  // up to three times (the three meals); -1 = unused
  int default_offset;          // minutes; applied before the event for AC*, after it otherwise
};
constexpr std::array<EventTime, 26> kEvents = {{
    {"WAKE", {7 * 60, -1, -1}, 0},          {"PHS", {7 * 60, -1, -1}, 0},
    {"MORN", {8 * 60, -1, -1}, 0},          {"MORN.early", {7 * 60, -1, -1}, 0},
    {"MORN.late", {10 * 60, -1, -1}, 0},    {"NOON", {12 * 60, -1, -1}, 0},
    {"AFT", {14 * 60, -1, -1}, 0},          {"AFT.early", {13 * 60, -1, -1}, 0},
    {"AFT.late", {16 * 60, -1, -1}, 0},     {"EVE", {19 * 60, -1, -1}, 0},
    {"EVE.early", {18 * 60, -1, -1}, 0},    {"EVE.late", {20 * 60, -1, -1}, 0},
    {"NIGHT", {22 * 60, -1, -1}, 0},        {"HS", {22 * 60 + 30, -1, -1}, 0},
    {"C", {8 * 60, 13 * 60, 19 * 60}, 0},   {"CM", {8 * 60, -1, -1}, 0},
    {"CD", {13 * 60, -1, -1}, 0},           {"CV", {19 * 60, -1, -1}, 0},
    {"AC", {8 * 60, 13 * 60, 19 * 60}, 30}, {"ACM", {8 * 60, -1, -1}, 30},
    {"ACD", {13 * 60, -1, -1}, 30},         {"ACV", {19 * 60, -1, -1}, 30},
    {"PC", {8 * 60, 13 * 60, 19 * 60}, 30}, {"PCM", {8 * 60, -1, -1}, 30},
    {"PCD", {13 * 60, -1, -1}, 30},         {"PCV", {19 * 60, -1, -1}, 30},
}};

// Doses per day spread over the day: 1-4 a day on the usual medicine-round times (08:00, then
// evenly to 20:00); more often, evenly from waking (07:00) to bedtime (23:00).
std::vector<ClockTime> spread(int per_day) {
  std::vector<ClockTime> times;
  if (per_day <= 1) return {ClockTime{8 * 60}};
  const bool rounds = per_day <= 4;
  const int first = rounds ? 8 * 60 : 7 * 60;
  const int last = rounds ? 20 * 60 : 23 * 60;
  for (int dose_idx = 0; dose_idx < per_day; ++dose_idx)
    times.push_back(ClockTime{first + (last - first) * dose_idx / (per_day - 1)});
  return times;
}

/// A dose unit as the profile writes it: "ml", "tablet", "capsule", "mg", or "" for a count.
std::string dose_unit(std::string_view unit) {
  std::string u = unit_key(unit);
  if (u.size() >= 2 && u.front() == '{' && u.back() == '}') u = u.substr(1, u.size() - 2);
  if (u == "tab" || u == "tbl" || u == "tablet" || u == "tablets") return "tablet";
  if (u == "cap" || u == "capsule" || u == "capsules") return "capsule";
  if (u == "sachet" || u == "sachets") return "sachet";
  if (u == "1" || u == "each" || u == "ea" || u == "dose" || u == "unit") return "";
  return u;
}

// ---------------------------------------------------------------- reading

void read_time_of_day(const element& repeat, Dosage& out) {
  for_each(repeat, "timeOfDay", [&](const element& t) {
    std::string_view text;
    if (t.get(text)) return;
    if (auto parsed = core::parse_clock_time(text.substr(0, 5))) out.time_of_day.push_back(*parsed);
  });
  for_each(repeat, "when", [&](const element& w) {
    std::string_view text;
    if (!w.get(text)) out.when.emplace_back(text);
  });
}

// Range checks before any cast (issue 13): FHIR's offset is an unsignedInt of minutes and
// frequency a positiveInt; a negative or huge offset would invent a dose time.
void read_frequency(const element& repeat, Dosage& out) {
  if (auto offset = number(repeat, "offset")) {
    if (*offset >= 0 && *offset <= kMaxOffsetMinutes && std::floor(*offset) == *offset)
      out.offset = static_cast<int>(*offset);
    else
      out.unreadable = fmt::format(
          "offset {:g} min is not a whole number of minutes from 0 to {}; "
          "no time assumed",
          *offset, kMaxOffsetMinutes);
  }
  out.frequency = number(repeat, "frequency");
  if (out.frequency && !(*out.frequency >= 1 && *out.frequency <= kMaxFrequency &&
                         std::floor(*out.frequency) == *out.frequency)) {
    out.unreadable =
        fmt::format("frequency {:g} is not a whole number from 1 to {}; no time assumed",
                    *out.frequency, kMaxFrequency);
    out.frequency.reset();
  }
  out.period = number(repeat, "period");
  if (out.period && !(*out.period > 0 && *out.period <= kMaxPeriod)) {
    out.unreadable = fmt::format("period {:g} is not above 0 and at most {:g}; no time assumed",
                                 *out.period, kMaxPeriod);
    out.period.reset();
  }
  out.period_unit = std::string(str(repeat, "periodUnit"));
}

void read_timing(const element& timing, Dosage& out) {
  if (auto code = child(timing, "code")) {
    const Concept c = concept_of(*code);
    out.code = c.codings.empty() ? c.text : c.codings.front().code;
  }
  if (auto repeat = child(timing, "repeat")) {
    read_time_of_day(*repeat, out);
    read_frequency(*repeat, out);
  }
}

// ---------------------------------------------------------------- times

/// Doses a day from frequency and period. False when the dosage can give no time at all.
bool per_day_of(const Dosage& d, Timing& out, std::optional<double>& per_day) {
  if (d.frequency && d.period && *d.period > 0) {
    static const std::map<std::string, double, std::less<>> kPerDay = {
        {"s", 86400},    {"min", 1440},    {"h", 24},       {"d", 1},
        {"wk", 1.0 / 7}, {"mo", 1.0 / 30}, {"a", 1.0 / 365}};
    if (auto it = kPerDay.find(d.period_unit); it != kPerDay.end())
      per_day = *d.frequency * it->second / *d.period;
    if (per_day && !(std::isfinite(*per_day) && *per_day <= kMaxFrequency)) {
      out.assumed.push_back(
          fmt::format("{:g} doses a day is not possible; no time assumed", *per_day));
      return false;
    }
  } else if (d.frequency && d.period_unit.empty() && !d.period) {
    per_day = *d.frequency;
  }
  return true;
}

/// A timing code (QD, BID, AM, BED …). True when it set the time itself.
bool code_time(const Dosage& d, std::set<int>& minutes, Timing& out,
               std::optional<double>& per_day) {
  static const std::map<std::string, double, std::less<>> kCodes = {
      {"QD", 1},  {"BID", 2}, {"TID", 3}, {"QID", 4}, {"QOD", 0.5},    {"Q1H", 24},     {"Q2H", 12},
      {"Q3H", 8}, {"Q4H", 6}, {"Q6H", 4}, {"Q8H", 3}, {"WK", 1.0 / 7}, {"MO", 1.0 / 30}};
  if (d.code == "AM") {
    minutes.insert(8 * 60);
    out.assumed.push_back("AM -> 08:00");
    return true;
  }
  if (d.code == "PM" || d.code == "BED") {
    minutes.insert(d.code == "PM" ? 20 * 60 : 22 * 60 + 30);
    out.assumed.push_back(d.code == "PM" ? "PM -> 20:00" : "BED -> 22:30");
    return true;
  }
  if (auto it = kCodes.find(d.code); it != kCodes.end()) per_day = it->second;
  return false;
}

/// EventTiming codes (meals, bedtime …) with their offset.
void event_times(const Dosage& d, std::optional<double> per_day, std::set<int>& minutes,
                 Timing& out) {
  for (const auto& code : d.when) {
    const auto* event = std::find_if(kEvents.begin(), kEvents.end(),
                                     [&](const EventTime& e) { return e.code == code; });
    if (event == kEvents.end()) {
      out.assumed.push_back(code + " (not a time willis knows; ignored)");
      continue;
    }
    const bool before = code.rfind("AC", 0) == 0;
    const int offset = d.offset.value_or(event->default_offset);
    int meals = 0;
    for (const int base : event->minutes) {
      if (base < 0) continue;
      // An unspecific meal code with N doses a day is the first N meals.
      if (event->minutes[1] >= 0 && per_day &&
          meals >= std::max(1, static_cast<int>(std::lround(*per_day))))
        break;
      ++meals;
      const int at =
          ((base + (before ? -offset : offset)) % core::kMinutesPerDay + core::kMinutesPerDay) %
          core::kMinutesPerDay;
      minutes.insert(at);
      out.assumed.push_back(fmt::format("{}{} -> {}", code,
                                        d.offset ? fmt::format(" offset {} min", *d.offset) : "",
                                        ClockTime{at}.str()));
    }
  }
}

void spread_times(double per_day, std::set<int>& minutes, Timing& out) {
  const int doses = std::clamp(static_cast<int>(std::lround(per_day)), 1, 24);
  const auto spread_times = spread(doses);
  for (const auto& t : spread_times) minutes.insert(t.minutes);
  out.assumed.push_back(
      per_day < 1 ? fmt::format("{:g} doses a day -> {}", per_day, times_text(spread_times))
                  : fmt::format("{} a day -> {}", plural(doses, "dose", "doses"),
                                times_text(spread_times)));
  if (!out.per_day) out.per_day = doses;
}

void time_one(const Dosage& d, std::set<int>& minutes, Timing& out) {
  if (!d.unreadable.empty()) {  // fail closed: this dosage gives no time at all
    out.assumed.push_back(d.unreadable);
    return;
  }
  if (!d.time_of_day.empty()) {
    for (const auto& t : d.time_of_day) minutes.insert(t.minutes);
    return;
  }
  std::optional<double> per_day;
  if (!per_day_of(d, out, per_day)) return;
  if (!per_day && !d.code.empty() && code_time(d, minutes, out, per_day)) return;
  if (!d.when.empty()) {
    event_times(d, per_day, minutes, out);
    return;
  }
  if (d.as_needed) {
    out.as_needed = true;
    return;
  }
  if (per_day) spread_times(*per_day, minutes, out);
}

}  // namespace

Dosage read_dosage(const element& d) {
  Dosage out;
  out.as_needed = boolean(d, "asNeededBoolean").value_or(false) ||
                  child(d, "asNeededCodeableConcept").has_value();
  if (auto timing = child(d, "timing")) read_timing(*timing, out);
  const auto read_quantity = [&](const element& q) {
    if (auto value = number(q, "value")) {
      std::string_view unit = str(q, "code");
      if (unit.empty()) unit = str(q, "unit");
      out.dose = core::Quantity{*value, dose_unit(unit)};
    }
  };
  for_each(d, "doseAndRate", [&](const element& dr) {
    if (out.dose) return;
    if (auto q = child(dr, "doseQuantity")) read_quantity(*q);
  });
  return out;
}

Timing timing_of(const std::vector<Dosage>& dosages) {
  Timing out;
  std::set<int> minutes;
  for (const auto& d : dosages) time_one(d, minutes, out);
  for (const int m : minutes) out.times.push_back(ClockTime{m});
  if (!out.times.empty()) out.per_day = static_cast<int>(out.times.size());
  return out;
}

std::optional<double> unit_count(const std::optional<core::Quantity>& dose) {
  if (!dose) return std::nullopt;
  if (dose->unit.empty() || dose->unit == "tablet" || dose->unit == "capsule" ||
      dose->unit == "sachet")
    return dose->value;
  return std::nullopt;
}

}  // namespace willis::codec::fhir
