// src/core/profile.h: the person, as the contract's profile describes them. Plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock_time.h"

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

struct MedicineEntry {
  std::string name;                 ///< free text as given
  std::optional<Quantity> amount;   ///< per dose
  std::vector<ClockTime> times;     ///< when taken; may be empty
  std::optional<int> per_day;       ///< doses per day when no times are given
};

struct SupplementEntry {
  std::string name;
  std::optional<double> amount_mg;  ///< per dose
  AmountBasis amount_basis = AmountBasis::elemental;
  int per_day = 1;
  std::vector<ClockTime> times;
};

struct Day {
  ClockTime wake{7 * 60};
  ClockTime sleep{23 * 60};
  std::vector<ClockTime> meals;
  bool wake_given = false;
  bool sleep_given = false;
};

struct Profile {
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
  Day day;
  bool sensitive_stomach = false;
};

}  // namespace willis::core
