// src/core/profile.h: the person, as the contract's profile describes them. Plain data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock_time.h"
#include "core/date.h"

namespace willis::core {

enum class Jurisdiction { uk, us, eu };
enum class Sex { unspecified, female, male };
/// How a supplement's amount is stated: elemental Mg (most labels) or the whole salt.
enum class AmountBasis { elemental, compound };

const char* to_string(Jurisdiction jurisdiction);

/// A measured lab value; absent when not given.
struct Labs {
  std::optional<double> ferritin_ng_ml;          ///< same number as µg/L
  std::optional<double> tsat_percent;            ///< transferrin saturation, %
  std::optional<double> egfr;                    ///< mL/min/1.73 m²
  std::optional<double> serum_magnesium_mmol_l;  ///< mmol/L
  /// When each was measured, where known (a FHIR Observation always says; a profile may).
  std::optional<CalendarDate> ferritin_date, tsat_date, egfr_date, serum_magnesium_date;
};

/// The IRLSSG essential criteria as the person answers them, plus flags.
struct Symptoms {
  std::optional<bool> urge_to_move_legs;
  std::optional<bool> worse_at_rest;
  std::optional<bool> relieved_by_movement;
  std::optional<bool> worse_evening_or_night;
  std::optional<bool> explained_by_other_condition;
  std::optional<int> irls_total;       ///< 0-40
  std::vector<std::string> red_flags;  ///< ids or free text, as given
};

/// An amount with its unit as written ("10 ml", "2 tablets").
struct Quantity {
  double value = 0;
  std::string unit;  ///< lower case: "ml", "tablet", "sachet", "mg", "g", or "" for a bare count
};

/// How a medicine reaches the body; only oral medicines meet magnesium in the gut.
enum class Route { oral, eye, ear, nose, skin, inhaled, injected, rectal, vaginal };
const char* to_string(Route route);
std::optional<Route> parse_route(std::string_view text);

/// How often a medicine is taken: weekly and monthly medicines keep their window on their day only.
enum class Every { day, week, month };

struct MedicineEntry {
  std::string name;                ///< free text as given
  std::optional<Quantity> amount;  ///< per dose
  std::optional<AmountBasis>
      amount_basis;              ///< for magnesium products: default compound (the label's salt)
  std::vector<ClockTime> times;  ///< when taken; may be empty
  std::optional<int> per_day;    ///< doses per day when no times are given
  bool prescribed = false;       ///< prescribed by a clinician (magnesium: the limit is theirs)
  std::optional<Route> route;    ///< absent: read from the name, else oral
  std::optional<Every> every;    ///< absent: read from the name, else daily
  std::string on_day;            ///< weekly: "monday".."sunday"; monthly: "1".."31"; may be empty
};

struct SupplementEntry {
  std::string name;
  std::optional<double> amount_mg;  ///< per dose (`amount_mg`)
  std::optional<Quantity> amount;   ///< per dose with its unit (`amount: "10 mmol"`)
  AmountBasis amount_basis = AmountBasis::elemental;
  bool amount_basis_given = false;
  int per_day = 1;
  std::vector<ClockTime> times;
  bool prescribed = false;
};

/// The profile's `sleep:` block (issue 15). Every answer is optional: absent = not asked.
/// The Epworth total is stored as a number only (the ESS items are licensed).
struct Sleep {
  std::vector<std::string> difficulty;  ///< "falling_asleep", "staying_asleep", "waking_early"
  std::optional<int> nights_per_week;   ///< 0-7
  std::optional<double> months;         ///< how long the problem has lasted
  std::optional<bool> daytime_impact;
  std::optional<bool> snoring_loud;
  std::optional<bool> witnessed_pauses;
  std::optional<bool> choking_or_gasping;
  std::optional<bool> unrefreshing_sleep;
  std::optional<bool> morning_headaches;
  std::optional<bool> nocturia;
  std::optional<bool> sleepy_while_driving;
  std::optional<int> epworth_total;  ///< 0-24
  std::optional<bool> shift_work;
  bool given = false;  ///< the block was present
};

struct Day {
  ClockTime wake{7 * 60};
  ClockTime sleep{23 * 60};
  std::vector<ClockTime> meals;
  bool wake_given = false;
  bool sleep_given = false;
};

struct Profile {
  /// The date the assessment is made ("today", from the adapter's clock); lab ages are counted
  /// from it. Absent: a dated lab's age cannot be judged, so it counts as out of date.
  std::optional<CalendarDate> as_of;
  Jurisdiction jurisdiction = Jurisdiction::uk;
  double age = 0;  ///< years
  Sex sex = Sex::unspecified;
  bool pregnant = false;
  bool breastfeeding = false;
  std::vector<std::string> conditions;
  Labs labs;
  Symptoms symptoms;
  std::vector<MedicineEntry> medicines;
  std::vector<SupplementEntry> supplements;
  std::optional<double> diet_magnesium_mg_per_day;
  std::optional<double> caffeine_drinks_per_day;
  std::optional<double> alcohol_units_per_week;
  std::optional<bool> smoker;
  Sleep sleep;
  Day day;
  bool sensitive_stomach = false;
};

}  // namespace willis::core
