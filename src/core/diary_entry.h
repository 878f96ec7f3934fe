// src/core/diary_entry.h: one night's diary entry, its validation and the derived sleep figures.
// Pure: no I/O, no clock ("today" is a parameter).
//
// The date of an entry is the date of the EVENING the night began: symptoms rated for the
// evening and night of 2026-11-20, bed at 23:10 on the 20th, final wake 06:50 on the 21st.
// The sleep items are the Consensus Sleep Diary core items (Carney 2012, sources: carney2012).
#pragma once

#include <array>
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock_time.h"
#include "core/date.h"
#include "core/result.h"

namespace willis::core {

/// Side effects the diary asks about; anything else is `other` (describe it in the note).
enum class SideEffectKind { loose_stools, nausea, cramping, other };
enum class SideEffectSeverity { mild, moderate, severe };

const char* to_string(SideEffectKind kind);
const char* to_string(SideEffectSeverity severity);

struct SideEffect {
  SideEffectKind kind = SideEffectKind::other;
  SideEffectSeverity severity = SideEffectSeverity::mild;
  bool operator==(const SideEffect&) const = default;
};

/// One diary entry. Every measurement is optional; an entry needs at least one.
struct DiaryEntry {
  CalendarDate date;       ///< the evening the night began
  std::optional<int> rls;  ///< RLS symptom severity, evening and night, 0 (none)-10 (worst)
  std::optional<int> sleep_quality;  ///< 1 very poor .. 5 very good (Consensus Sleep Diary)
  std::optional<ClockTime> bed;      ///< got into bed
  std::optional<ClockTime>
      try_sleep;                  ///< started trying to sleep (defaults to `bed` in the figures)
  std::optional<int> sol_min;     ///< minutes to fall asleep (sleep onset latency)
  std::optional<int> awakenings;  ///< number of awakenings, not counting the final one
  std::optional<int> waso_min;    ///< minutes awake after sleep onset, before the final wake
  std::optional<ClockTime> wake;  ///< final awakening
  std::optional<ClockTime> out_of_bed;  ///< got out of bed for the day
  std::optional<double> magnesium_mg;   ///< elemental magnesium taken that day, mg (0 = none)
  std::optional<ClockTime> magnesium_time;
  /// nullopt = not recorded; an empty list = recorded as "none".
  std::optional<std::vector<SideEffect>> side_effects;
  std::optional<int>
      irls_total;    ///< weekly IRLS total 0-40, numbers only (item text is copyrighted)
  std::string note;  ///< free text, UTF-8

  bool operator==(const DiaryEntry&) const = default;
};

/// The stored fields, in export (CSV column) order. Names carry units, as the contract does.
inline constexpr std::array<std::string_view, 15> kEntryFields = {
    "date",         "rls",        "sleep_quality", "bed",        "try_sleep",    "sol_min",
    "awakenings",   "waso_min",   "wake",          "out_of_bed", "magnesium_mg", "magnesium_time",
    "side_effects", "irls_total", "note"};
/// Computed fields that exports add after the stored ones; imports check them when present.
inline constexpr std::array<std::string_view, 3> kDerivedFields = {"tib_min", "tst_min",
                                                                   "se_percent"};

/// Sets one field from its text form (the CSV/CLI spelling); empty text clears it.
/// `date` cannot be cleared. Checks the value's own range; cross-field checks are in
/// validate_entry. Errors name the field: Error{invalid_value, "rls", "11 is out of range …"}.
std::optional<Error> set_field(DiaryEntry& entry, std::string_view field, std::string_view text);

/// The text form of one stored or derived field; "" when absent. set_field(field_text(x)) == x.
std::string field_text(const DiaryEntry& entry, std::string_view field);

/// "none", or "loose_stools:mild;nausea:moderate" (the canonical text form).
std::string side_effects_text(const std::vector<SideEffect>& effects);
/// Parses the canonical text form; accepts '-' for '_' and ',' for ';'.
Result<std::vector<SideEffect>> parse_side_effects(std::string_view text);

/// Checks every field's range and the fields against each other:
/// - the date is real and not after `today`;
/// - bed <= try_sleep <= wake <= out_of_bed on one night (times wrap at midnight; a night in bed
///   lasts at most 16 h, so "wake 22:00" after "bed 23:00" is an error, not a 23 h night);
/// - sol_min + waso_min fit between trying to sleep and the final wake;
/// - at least one measurement is present.
/// Returns the first problem, naming its field.
std::optional<Error> validate_entry(const DiaryEntry& entry, CalendarDate today);

/// Time in bed: bed -> out of bed, minutes (sources: carney2012). nullopt unless both are known.
std::optional<int> time_in_bed_min(const DiaryEntry& entry);
/// Total sleep time: (try to sleep -> final wake) - SOL - WASO, minutes. `try_sleep` defaults to
/// `bed`. nullopt unless the times, SOL and WASO are known.
std::optional<int> total_sleep_min(const DiaryEntry& entry);
/// Sleep efficiency SE (%) = TST / TIB x 100 (Carney 2012, sources: carney2012).
std::optional<double> sleep_efficiency_percent(const DiaryEntry& entry);

/// Longest night in bed the diary accepts, minutes; longer spans are taken as a clock mistake
/// (the times are 24 h clock readings that may cross midnight, so a reversed pair looks like a
/// very long night). Input consistency, not a clinical limit.
inline constexpr int kMaxNightInBedMin = 16 * 60;

}  // namespace willis::core
