#include "core/diary_entry.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace willis::core {
namespace {

Error field_error(std::string_view field, std::string message, Errc code = Errc::invalid_value) {
  Error error;
  error.code = code;
  error.path = std::string(field);
  error.message = std::move(message);
  return error;
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  if (text.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  if (text.empty() || text.front() == '+') return std::nullopt;
  const auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::string number_text(double value) {
  char buffer[64];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 64 bytes always hold the shortest round-trip form of a double
  return std::string(buffer, ptr);
}

struct IntRange {
  int low;
  int high;
  const char* advice;  // completes "use a whole number from low to high …"
};

// Plausibility ranges for the diary's whole-number items. These are input checks, not
// clinical thresholds: a value outside them is a typing mistake.
std::optional<IntRange> int_range(std::string_view field) {
  if (field == "rls") return IntRange{0, 10, " (0 = no symptoms, 10 = worst imaginable)"};
  if (field == "sleep_quality") return IntRange{1, 5, " (1 = very poor, 5 = very good)"};
  if (field == "sol_min") return IntRange{0, 720, " minutes"};
  if (field == "waso_min") return IntRange{0, 720, " minutes"};
  if (field == "awakenings") return IntRange{0, 60, ""};
  if (field == "irls_total")
    return IntRange{0, 40, " (the IRLS total is the sum of 10 items scored 0-4)"};
  return std::nullopt;
}

std::optional<Error> check_int(std::string_view field, int value) {
  const auto range = int_range(field);
  if (range && (value < range->low || value > range->high))
    return field_error(field, std::to_string(value) + " is out of range; use a whole number from " +
                                  std::to_string(range->low) + " to " +
                                  std::to_string(range->high) + range->advice);
  return std::nullopt;
}

// Elemental magnesium above this in one day is far beyond any supplement label and is taken
// as a typing mistake or a salt (compound) weight. An input check, not a dose limit. A clinical
// plausibility number still in code (issue 16): moving it to kb/rules.yaml needs the KB at every
// set_field/validate_entry call.
constexpr double kMaxPlausibleMagnesiumMg = 2000;
// Input hardening, not clinical: a note is free text stored and shown back; the cap bounds what
// one entry can make the diary file, exports and pages carry.
constexpr std::size_t kMaxNoteBytes = 2000;

std::optional<Error> check_magnesium(double mg) {
  if (!std::isfinite(mg) || mg < 0)
    return field_error("magnesium_mg", "must be 0 or more (elemental mg; 0 = none taken)",
                       Errc::invalid_amount);
  if (mg > kMaxPlausibleMagnesiumMg)
    return field_error("magnesium_mg",
                       number_text(mg) +
                           " mg is not plausible for one day; give ELEMENTAL magnesium (the "
                           "label's \"magnesium\" line, not the weight of the salt)",
                       Errc::invalid_amount);
  // Two decimals at most, so the value survives every export format unchanged.
  if (std::fabs(mg * 100 - std::round(mg * 100)) > 1e-6)
    return field_error("magnesium_mg",
                       number_text(mg) + " has more than 2 decimal places; round it",
                       Errc::invalid_amount);
  return std::nullopt;
}

bool valid_utf8(std::string_view text) {
  std::size_t idx = 0;
  while (idx < text.size()) {
    const auto lead = static_cast<unsigned char>(text[idx]);
    int extra = 0;
    unsigned min_code = 0;
    unsigned code = 0;
    if (lead < 0x80) {
      ++idx;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1, code = lead & 0x1F, min_code = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, code = lead & 0x0F, min_code = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, code = lead & 0x07, min_code = 0x10000;
    } else {
      return false;
    }
    if (idx + extra >= text.size()) return false;  // truncated sequence
    for (int byte_idx = 1; byte_idx <= extra; ++byte_idx) {
      const auto next = static_cast<unsigned char>(text[idx + byte_idx]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    idx += extra + 1;
  }
  return true;
}

std::optional<Error> check_note(std::string_view note) {
  if (note.size() > kMaxNoteBytes)
    return field_error("note", "is " + std::to_string(note.size()) + " bytes; keep it under " +
                                   std::to_string(kMaxNoteBytes));
  if (!valid_utf8(note))
    return field_error("note", "is not valid UTF-8 text; save the file as UTF-8");
  for (const char ch : note) {
    const auto byte = static_cast<unsigned char>(ch);
    if ((byte < 0x20 && ch != '\n' && ch != '\t') || byte == 0x7F)
      return field_error("note", "contains a control character (code " + std::to_string(byte) +
                                     "); use plain text, tabs and line breaks only");
  }
  return std::nullopt;
}

std::optional<ClockTime> DiaryEntry::*time_member(std::string_view field) {
  if (field == "bed") return &DiaryEntry::bed;
  if (field == "try_sleep") return &DiaryEntry::try_sleep;
  if (field == "wake") return &DiaryEntry::wake;
  if (field == "out_of_bed") return &DiaryEntry::out_of_bed;
  if (field == "magnesium_time") return &DiaryEntry::magnesium_time;
  return nullptr;
}

std::optional<int> DiaryEntry::*int_member(std::string_view field) {
  if (field == "rls") return &DiaryEntry::rls;
  if (field == "sleep_quality") return &DiaryEntry::sleep_quality;
  if (field == "sol_min") return &DiaryEntry::sol_min;
  if (field == "awakenings") return &DiaryEntry::awakenings;
  if (field == "waso_min") return &DiaryEntry::waso_min;
  if (field == "irls_total") return &DiaryEntry::irls_total;
  return nullptr;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

// ---- side effects ----

const char* to_string(SideEffectKind kind) {
  switch (kind) {
    case SideEffectKind::loose_stools:
      return "loose_stools";
    case SideEffectKind::nausea:
      return "nausea";
    case SideEffectKind::cramping:
      return "cramping";
    case SideEffectKind::other:
      return "other";
  }
  return "other";
}

const char* to_string(SideEffectSeverity severity) {
  switch (severity) {
    case SideEffectSeverity::mild:
      return "mild";
    case SideEffectSeverity::moderate:
      return "moderate";
    case SideEffectSeverity::severe:
      return "severe";
  }
  return "mild";
}

std::string side_effects_text(const std::vector<SideEffect>& effects) {
  if (effects.empty()) return "none";
  std::string text;
  for (const auto& effect : effects) {
    if (!text.empty()) text += ';';
    text += to_string(effect.kind);
    text += ':';
    text += to_string(effect.severity);
  }
  return text;
}

Result<std::vector<SideEffect>> parse_side_effects(std::string_view text) {
  const auto fail = [&](std::string what) {
    return field_error("side_effects",
                       std::move(what) +
                           "; use none, or kind:severity items separated by ';' (kinds: "
                           "loose_stools, nausea, cramping, other; severities: mild, moderate, "
                           "severe), e.g. loose_stools:mild;nausea:moderate");
  };
  std::string normal = trim(text);
  for (char& ch : normal) {
    if (ch == '-') ch = '_';
    if (ch == ',') ch = ';';
  }
  if (normal == "none") return std::vector<SideEffect>{};
  if (normal.empty()) return fail("is empty");
  std::vector<SideEffect> effects;
  std::string_view rest = normal;
  while (true) {
    const auto semicolon = rest.find(';');
    const std::string item = trim(rest.substr(0, semicolon));
    const auto colon = item.find(':');
    const std::string kind_text = trim(std::string_view(item).substr(0, colon));
    const std::string severity_text =
        colon == std::string::npos ? "" : trim(std::string_view(item).substr(colon + 1));
    SideEffect effect;
    if (kind_text == "loose_stools")
      effect.kind = SideEffectKind::loose_stools;
    else if (kind_text == "nausea")
      effect.kind = SideEffectKind::nausea;
    else if (kind_text == "cramping")
      effect.kind = SideEffectKind::cramping;
    else if (kind_text == "other")
      effect.kind = SideEffectKind::other;
    else if (kind_text == "none")
      return fail("\"none\" cannot be combined with other items");
    else
      return fail("\"" + kind_text + "\" is not a known side effect");
    if (severity_text == "mild")
      effect.severity = SideEffectSeverity::mild;
    else if (severity_text == "moderate")
      effect.severity = SideEffectSeverity::moderate;
    else if (severity_text == "severe")
      effect.severity = SideEffectSeverity::severe;
    else if (severity_text.empty())
      return fail("\"" + kind_text + "\" has no severity");
    else
      return fail("\"" + severity_text + "\" is not a severity");
    for (const auto& earlier : effects)
      if (earlier.kind == effect.kind) return fail("\"" + kind_text + "\" is listed twice");
    effects.push_back(effect);
    if (semicolon == std::string_view::npos) break;
    rest = rest.substr(semicolon + 1);
  }
  return effects;
}

// ---- fields ----

std::optional<Error> set_field(DiaryEntry& entry, std::string_view field, std::string_view raw) {
  const bool is_note = field == "note";
  const std::string text = is_note ? std::string(raw) : trim(raw);
  if (field == "date") {
    const auto date = parse_date(text);
    if (!date)
      return field_error("date", "\"" + text + "\" is not a date; use YYYY-MM-DD, e.g. 2026-11-20",
                         text.empty() ? Errc::missing_field : Errc::invalid_value);
    entry.date = *date;
    return std::nullopt;
  }
  if (const auto member = int_member(field)) {
    if (text.empty()) {
      entry.*member = std::nullopt;
      return std::nullopt;
    }
    const auto value = parse_int(text);
    if (!value) {
      const auto range = int_range(field);
      return field_error(field, "\"" + text + "\" is not a whole number; use " +
                                    std::to_string(range->low) + "-" + std::to_string(range->high) +
                                    range->advice);
    }
    if (auto error = check_int(field, *value)) return error;
    entry.*member = *value;
    return std::nullopt;
  }
  if (const auto member = time_member(field)) {
    if (text.empty()) {
      entry.*member = std::nullopt;
      return std::nullopt;
    }
    const auto time = parse_clock_time(text);
    if (!time)
      return field_error(field, "\"" + text + "\" is not a 24 h time; use HH:MM, e.g. 23:10",
                         Errc::invalid_time);
    entry.*member = *time;
    return std::nullopt;
  }
  if (field == "magnesium_mg") {
    if (text.empty()) {
      entry.magnesium_mg = std::nullopt;
      return std::nullopt;
    }
    const auto mg = parse_number(text);
    if (!mg)
      return field_error("magnesium_mg",
                         "\"" + text + "\" is not a number; give elemental mg, e.g. 200 (0 = none)",
                         Errc::invalid_amount);
    if (auto error = check_magnesium(*mg)) return error;
    entry.magnesium_mg = *mg == 0 ? 0.0 : *mg;  // no "-0"
    return std::nullopt;
  }
  if (field == "side_effects") {
    if (text.empty()) {
      entry.side_effects = std::nullopt;
      return std::nullopt;
    }
    auto effects = parse_side_effects(text);
    if (!effects.ok()) return effects.error();
    entry.side_effects = std::move(effects).value();
    return std::nullopt;
  }
  if (is_note) {
    if (auto error = check_note(text)) return error;
    entry.note = text;
    return std::nullopt;
  }
  return field_error(field,
                     "is not a diary field; the fields are date, rls, sleep_quality, bed, "
                     "try_sleep, sol_min, awakenings, waso_min, wake, out_of_bed, "
                     "magnesium_mg, magnesium_time, side_effects, irls_total, note",
                     Errc::unknown_field);
}

std::string field_text(const DiaryEntry& entry, std::string_view field) {
  if (field == "date") return entry.date.str();
  if (const auto member = int_member(field))
    return (entry.*member) ? std::to_string(*(entry.*member)) : "";
  if (const auto member = time_member(field)) return (entry.*member) ? (entry.*member)->str() : "";
  if (field == "magnesium_mg") return entry.magnesium_mg ? number_text(*entry.magnesium_mg) : "";
  if (field == "side_effects")
    return entry.side_effects ? side_effects_text(*entry.side_effects) : "";
  if (field == "note") return entry.note;
  if (field == "tib_min") {
    const auto tib = time_in_bed_min(entry);
    return tib ? std::to_string(*tib) : "";
  }
  if (field == "tst_min") {
    const auto tst = total_sleep_min(entry);
    return tst ? std::to_string(*tst) : "";
  }
  if (field == "se_percent") {
    const auto se = sleep_efficiency_percent(entry);
    if (!se) return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", *se);
    return text;
  }
  return "";
}

// ---- validation ----

namespace {

/// The date is a real calendar date and not after today.
std::optional<Error> check_date(const DiaryEntry& entry, CalendarDate today) {
  const CalendarDate& date = entry.date;
  if (date.year < 1900 || date.year > 2999 || date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > days_in_month(date.year, date.month))
    return field_error("date", "is not a real date; use YYYY-MM-DD");
  if (date > today)
    return field_error("date", date.str() + " is in the future (today is " + today.str() +
                                   "); an entry is dated by the evening the night began");
  return std::nullopt;
}

/// Each field on its own: ranges, times of day, magnesium, note, side effects listed once.
std::optional<Error> check_fields(const DiaryEntry& entry) {
  for (const auto field :
       {"rls", "sleep_quality", "sol_min", "awakenings", "waso_min", "irls_total"}) {
    const auto& value = entry.*int_member(field);
    if (value)
      if (auto error = check_int(field, *value)) return error;
  }
  for (const auto field : {"bed", "try_sleep", "wake", "out_of_bed", "magnesium_time"}) {
    const auto& value = entry.*time_member(field);
    if (value && (value->minutes < 0 || value->minutes >= kMinutesPerDay))
      return field_error(field, "is not a time of day; use HH:MM", Errc::invalid_time);
  }
  if (entry.magnesium_mg)
    if (auto error = check_magnesium(*entry.magnesium_mg)) return error;
  if (auto error = check_note(entry.note)) return error;
  if (entry.side_effects) {
    for (std::size_t idx = 0; idx < entry.side_effects->size(); ++idx)
      for (std::size_t later = idx + 1; later < entry.side_effects->size(); ++later)
        if ((*entry.side_effects)[idx].kind == (*entry.side_effects)[later].kind)
          return field_error("side_effects", std::string("\"") +
                                                 to_string((*entry.side_effects)[idx].kind) +
                                                 "\" is listed twice; list each kind once");
  }

  return std::nullopt;
}

/// The night's clock times, in order, each measured forward from the first one given.
std::optional<Error> check_night_order(const DiaryEntry& entry) {
  struct Mark {
    const char* field;
    std::optional<ClockTime> time;
  };
  const Mark marks[] = {{"bed", entry.bed},
                        {"try_sleep", entry.try_sleep},
                        {"wake", entry.wake},
                        {"out_of_bed", entry.out_of_bed}};
  const Mark* anchor = nullptr;
  const Mark* previous = nullptr;
  int previous_offset = 0;
  for (const auto& mark : marks) {
    if (!mark.time) continue;
    if (!anchor) {
      anchor = previous = &mark;
      continue;
    }
    const int offset = minutes_forward(*anchor->time, *mark.time);
    if (offset < previous_offset || offset > kMaxNightInBedMin)
      return field_error(mark.field,
                         mark.time->str() + " comes before " + previous->field + " " +
                             previous->time->str() +
                             " (times are 24 h and may cross midnight, but a night in bed lasts "
                             "at most 16 h); check both times, e.g. bed 23:10, wake 06:50",
                         Errc::invalid_time);
    previous = &mark;
    previous_offset = offset;
  }

  return std::nullopt;
}

/// Minutes awake cannot exceed the time from trying to sleep to the final wake.
std::optional<Error> check_minutes_awake(const DiaryEntry& entry) {
  const auto start = entry.try_sleep ? entry.try_sleep : entry.bed;
  if (start && entry.wake) {
    const int window = minutes_forward(*start, *entry.wake);
    const int awake = entry.sol_min.value_or(0) + entry.waso_min.value_or(0);
    if (awake > window) {
      const char* field = entry.waso_min && entry.waso_min > 0 ? "waso_min" : "sol_min";
      return field_error(field, "minutes to fall asleep (" +
                                    std::to_string(entry.sol_min.value_or(0)) +
                                    ") plus minutes awake in the night (" +
                                    std::to_string(entry.waso_min.value_or(0)) + ") exceed the " +
                                    std::to_string(window) +
                                    " minutes from trying to sleep to the final wake; check them");
    }
  }

  return std::nullopt;
}

/// An entry says something about the night.
std::optional<Error> check_has_measure(const DiaryEntry& entry) {
  const bool has_measure = entry.rls || entry.sleep_quality || entry.bed || entry.try_sleep ||
                           entry.sol_min || entry.awakenings || entry.waso_min || entry.wake ||
                           entry.out_of_bed || entry.magnesium_mg || entry.side_effects ||
                           entry.irls_total;
  if (!has_measure)
    return field_error("rls",
                       "the entry for " + entry.date.str() +
                           " has no measurement; give at least the RLS severity or the sleep times",
                       Errc::missing_field);
  return std::nullopt;
}

}  // namespace

std::optional<Error> validate_entry(const DiaryEntry& entry, CalendarDate today) {
  if (auto error = check_date(entry, today)) return error;
  if (auto error = check_fields(entry)) return error;
  if (auto error = check_night_order(entry)) return error;
  if (auto error = check_minutes_awake(entry)) return error;
  return check_has_measure(entry);
}

// ---- derived figures ----

std::optional<int> time_in_bed_min(const DiaryEntry& entry) {
  if (!entry.bed || !entry.out_of_bed) return std::nullopt;
  return minutes_forward(*entry.bed, *entry.out_of_bed);
}

std::optional<int> total_sleep_min(const DiaryEntry& entry) {
  const auto start = entry.try_sleep ? entry.try_sleep : entry.bed;
  if (!start || !entry.wake || !entry.sol_min || !entry.waso_min) return std::nullopt;
  const int tst = minutes_forward(*start, *entry.wake) - *entry.sol_min - *entry.waso_min;
  return tst < 0 ? 0 : tst;
}

std::optional<double> sleep_efficiency_percent(const DiaryEntry& entry) {
  const auto tib = time_in_bed_min(entry);
  const auto tst = total_sleep_min(entry);
  if (!tib || !tst || *tib == 0) return std::nullopt;
  return 100.0 * *tst / *tib;
}

}  // namespace willis::core
