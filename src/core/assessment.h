// src/core/assessment.h: what `assess` returns (contract willis.assessment/1). Plain data; every
// surface (text, JSON, HTML, CDS Hooks, audit) renders this and decides nothing clinical.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock_time.h"
#include "core/profile.h"
#include "core/severity.h"

namespace willis::core {

/// One value of a finding's machine-readable `data`.
using DataValue = std::variant<double, std::string, bool, std::vector<std::string>>;

/// One source's window, carried in an interaction finding's data.
struct WindowData {
  std::string source;
  double magnesium_after_drug_h = 0;
  double magnesium_before_drug_h = 0;
};

struct Finding {
  std::string id;  ///< "kind:subject", e.g. "interaction:ciprofloxacin"
  std::string
      kind;  ///< red-flag | contraindication | caution | interaction | depletion | dose | iron |
             ///< rls | treatment | exacerbating | lifestyle | evidence | unrecognised
  Severity severity = Severity::info;
  std::string title, detail;
  std::string see;                   ///< whom to see, when the finding asks for someone
  std::vector<std::string> sources;  ///< never empty; keys of Assessment::sources
  bool verified = true;              ///< false when it rests on a KB entry marked unverified
  std::vector<std::pair<std::string, DataValue>> data;
  std::vector<WindowData> windows;  ///< interaction findings: each source's window
};

struct Plan {
  std::string form;  ///< form id, e.g. "citrate"
  std::string form_reason;
  std::vector<std::string> form_sources;
  double start_elemental_mg = 0;
  double max_elemental_mg = 0;  ///< the limit less magnesium from antacids/laxatives
  int review_after_weeks = 0;
};

/// Magnesium from one listed item, for transparency.
struct Contribution {
  std::string input;        ///< the name as given
  std::string source_kind;  ///< supplement | antacid | laxative | medicine | topical
  double elemental_mg_per_day = 0;
  std::optional<double>
      low_mg_per_day;  ///< when indeterminate (compound amount of a multi-hydrate form)
  bool counted = true;
};

struct MagnesiumSummary {
  double supplemental_elemental_mg = 0;  ///< per day; the highest plausible when indeterminate
  std::optional<double> supplemental_low_mg;
  std::optional<double> upper_limit_mg;  ///< absent: none can be set (infants)
  std::string upper_limit_kind;          ///< ul | guidance-level
  std::vector<std::string> upper_limit_sources;
  std::string upper_limit_note;
  std::optional<double> dietary_mg;
  std::optional<double> reference_intake_mg;
  std::string reference_intake_kind;  ///< rda | ai | rni
  std::vector<std::string> reference_intake_sources;
  std::optional<Plan> plan;
  std::vector<Contribution> contributions;
};

struct Dose {
  ClockTime time;
  double elemental_mg = 0;
  bool with_food = false;
};

/// A window the timetable kept clear: no magnesium from `from` to `to` (exclusive).
struct KeepApart {
  std::string medicine;  ///< KB id
  std::string name;      ///< as the person wrote it
  ClockTime drug_time, from, to;
  std::string day;  ///< empty: every day; else the one day the window applies
};

/// Doses for the one day a weekly or monthly medicine is taken, when they differ from every day's.
struct DaySchedule {
  std::string day;       ///< "monday", "day 1 of the month", "the day you take it"
  std::string medicine;  ///< KB id
  std::vector<Dose> doses;
};

struct Unresolved {
  std::vector<std::string>
      medicines;  ///< KB ids, or the names as written when willis does not know them
  std::string reason;
  std::string ask;
  std::string field;    ///< the profile field ("medicines[2]"), when one item is the cause
  std::string missing;  ///< unknown | time | amount | collision (no safe time)
};

struct Schedule {
  std::vector<Dose> doses;
  std::vector<Unresolved> unresolved;
  std::vector<std::string> untimed;  ///< medicines with a window but no times given
  std::vector<KeepApart> keep_apart;
  std::vector<DaySchedule> on_days;  ///< days of weekly/monthly medicines that need other times
  ClockTime wake, sleep;
};

/// A lab value as used, with its date and whether it counted.
struct LabUse {
  std::string name;  ///< egfr | serum_magnesium_mmol_l | ferritin_ng_ml | tsat_percent
  double value = 0;
  std::string unit;
  std::optional<CalendarDate> date;
  bool out_of_date = false;  ///< older than the KB's freshness limit
};

/// How one free-text input was understood.
struct Resolution {
  std::string field;  ///< "medicines[0]"
  std::string input;
  std::vector<std::string> ids;  ///< empty: unrecognised
};

/// The contract this document follows (docs/contract.md); `willis --version` names it.
inline constexpr const char* kContract = "willis.assessment/1";

struct Assessment {
  std::string schema = kContract;
  std::string kb_version;
  Jurisdiction jurisdiction = Jurisdiction::uk;
  Severity verdict = Severity::info;
  std::vector<Finding> findings;  ///< most severe first
  MagnesiumSummary magnesium;
  Schedule schedule;
  std::vector<Resolution> resolved;
  std::vector<LabUse> labs;  ///< every lab given, with its date
  std::vector<std::string> notes;
  std::vector<std::string> sources;  ///< every cited source id, in order of first citation
  std::string disclaimer;

  const Finding* finding(const std::string& id) const;
};

}  // namespace willis::core
