// src/core/audit.h: the population audit's indicators (docs/audit.md) over compact per-patient
// facts. Pure: no I/O, no clock, no threads. The adapter (src/audit) reads FHIR NDJSON, turns each
// resource into one fact, folds the facts of a patient into a PatientState and calls evaluate().
//
// Every update is commutative and associative (flags are OR-ed, "earliest" and "latest" use a
// total order that ends in the input position), so the result never depends on the order in
// which resources, chunks or threads arrive.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/kb.h"

namespace willis::core::audit {

/// The code lists of docs/audit.md, in that order; list_id() spells them as kb/indicators.yaml.
enum class List : std::uint8_t {
  magnesium,
  chelation_partner,
  raltegravir,
  iron,
  rls_exacerbating,
  dopamine_agonist,
  ppi,
  loop_or_thiazide,
  digoxin,
  rls,
  ckd_4_5,
  egfr,
  ferritin,
  tsat,
  serum_magnesium,
};
inline constexpr int kListCount = 15;
inline constexpr int kMedicineListCount = 9;  ///< magnesium .. digoxin

/// The list's id ("chelation-partner"), equal to kRequiredAuditLists[index].
std::string_view list_id(List list);

/// A set of lists, one bit per List.
using ListMask = std::uint16_t;
constexpr ListMask bit(List list) {
  return static_cast<ListMask>(1u << static_cast<unsigned>(list));
}

/// What a lab code list measures.
enum class Lab : std::uint8_t { egfr, ferritin, tsat, magnesium };

/// The indicators in docs/audit.md order; indicator_id() is kRequiredIndicators[index].id.
inline constexpr int kIndicatorCount = 9;
std::string_view indicator_id(int index);

/// Where a resource is in the input: file index (high 12 bits of 48) and byte offset of its line
/// (low 36 bits). A smaller position is earlier in the input. So that a position fits in the 6
/// bytes PatientState keeps (PackedPosition), an input has at most kMaxFiles files of at most
/// kMaxFileBytes (decompressed) bytes each; the adapter refuses larger inputs. The largest
/// 48-bit value is never a real position (its offset would be kMaxFileBytes).
using Position = std::uint64_t;
inline constexpr Position kNoPosition = std::numeric_limits<Position>::max();
inline constexpr int kOffsetBits = 36;
inline constexpr std::uint32_t kMaxFiles = 1u << 12;  ///< 4096
inline constexpr std::uint64_t kMaxFileBytes =
    (std::uint64_t{1} << kOffsetBits) - 1;  ///< 64 GiB - 1
constexpr Position make_position(std::uint32_t file, std::uint64_t offset) {
  return (static_cast<Position>(file) << kOffsetBits) | (offset & kMaxFileBytes);
}
constexpr std::uint32_t position_file(Position pos) {
  return static_cast<std::uint32_t>(pos >> kOffsetBits);
}
constexpr std::uint64_t position_offset(Position pos) {
  return pos & kMaxFileBytes;
}

/// A Position in 6 bytes (alignment 2); kNoPosition is all ones. Ordered like Position.
class PackedPosition {
 public:
  constexpr PackedPosition() : parts_{0xFFFF, 0xFFFF, 0xFFFF} {}
  constexpr explicit PackedPosition(Position pos)
      : parts_{static_cast<std::uint16_t>(pos >> 32), static_cast<std::uint16_t>(pos >> 16),
               static_cast<std::uint16_t>(pos)} {}
  constexpr Position get() const {
    const Position pos = (Position{parts_[0]} << 32) | (Position{parts_[1]} << 16) | parts_[2];
    return pos == kPackedNone ? kNoPosition : pos;
  }
  constexpr bool none() const {
    return parts_[0] == 0xFFFF && parts_[1] == 0xFFFF && parts_[2] == 0xFFFF;
  }
  /// Keeps the smaller of this and `pos`.
  constexpr void keep_earliest(Position pos) {
    if (pos < get()) *this = PackedPosition(pos);
  }

 private:
  static constexpr Position kPackedNone = (Position{1} << 48) - 1;
  std::uint16_t parts_[3];
};
static_assert(sizeof(PackedPosition) == 6);
static_assert(PackedPosition().get() == kNoPosition);
static_assert(PackedPosition(make_position(kMaxFiles - 1, kMaxFileBytes - 1)).get() ==
              make_position(kMaxFiles - 1, kMaxFileBytes - 1));

/// Days since 1970-01-01; kNoDate when a resource has no (readable) date.
inline constexpr std::int32_t kNoDate = std::numeric_limits<std::int32_t>::min();

/// The date of a FHIR date/dateTime/instant as written (core::parse_fhir_datetime), a partial date
/// (YYYY, YYYY-MM) taken at its first day. kNoDate when the text is not a FHIR date or dateTime.
std::int32_t fhir_date_days(std::string_view text);

/// The audit date and the thresholds of kb/indicators.yaml, as the engine uses them.
struct Params {
  std::int32_t as_of = 0;           ///< D: later dates are ignored
  std::int32_t lookback_start = 0;  ///< D - lookback_months (12): "within 12 months" is [start, D]
  std::int32_t long_term_cutoff =
      0;                  ///< D - long_term_years (1): a PPI dated on or before is long-term
  double egfr_below = 0;  ///< mg-egfr-below-30: egfr_below (30)
  double ferritin_at_or_below = 0;  ///< rls-low-iron-untreated: ferritin_at_or_below (75 ng/mL)
  double tsat_below = 0;            ///< rls-low-iron-untreated: tsat_below (20 %)
};

/// Params from a checked KB (the loader guarantees every threshold named here exists).
Params params_from_kb(const Kb& kb, CalendarDate as_of);

/// valueQuantity.comparator, in the order ties are broken (lowest first).
enum class Comparator : std::uint8_t {
  less,
  less_or_equal,
  none,
  greater_or_equal,
  greater,
  other
};
Comparator parse_comparator(std::string_view text);

/// One MedicationRequest / MedicationStatement, classified.
struct MedicineFact {
  ListMask lists = 0;             ///< the medicine lists it is in (resolved codes or text)
  bool active = false;            ///< status counts as active (docs/audit.md "What counts")
  bool entered_in_error = false;  ///< status entered-in-error
  bool timed = false;             ///< has a timing instruction (timeOfDay, when, or the words)
  std::int32_t date = kNoDate;
  Position pos = kNoPosition;
};

/// One Condition in the rls or ckd-4-5 lists.
struct ConditionFact {
  ListMask lists = 0;  ///< bit(List::rls) and/or bit(List::ckd_4_5)
  bool active =
      false;  ///< clinical status active/recurrence/relapse (or none), not refuted/entered-in-error
  Position pos = kNoPosition;
};

/// One Observation in a lab list.
struct ObservationFact {
  Lab lab = Lab::egfr;
  bool usable_status = false;  ///< final, amended, corrected or preliminary
  std::int32_t date = kNoDate;
  bool has_value = false;  ///< a valueQuantity.value in a usable unit
  double value = 0;        ///< in the list's unit (ng/mL, %, mL/min/1.73 m²)
  Comparator comparator = Comparator::none;
  Position pos = kNoPosition;
};

/// The latest usable observation of one kind: greatest date; ties: lowest value (no value
/// counts as highest), then comparator order, then the earliest position.
struct LabSlot {
  double value = 0;
  Position pos = kNoPosition;
  std::int32_t date = kNoDate;
  Comparator comparator = Comparator::none;
  bool has_value = false;

  bool present() const { return date != kNoDate; }
  /// True when this observation replaces `current` as the latest.
  bool later_than(const LabSlot& current) const;
  /// The value proves "< t" / "<= t" (docs/audit.md: a comparator proves a bound only when the
  /// bound does).
  bool proves_below(double threshold) const;
  bool proves_at_or_below(double threshold) const;
};

/// What the audit keeps per patient: a few flags, dates, latest values and the positions of the
/// resources that decide each indicator (for its evidence), packed: positions in 6 bytes, the
/// three latest labs split into arrays so that nothing is padding. sizeof 136 bytes (checked
/// below and by AuditMemory.PerPatientStateIsAtMost200Bytes with the slot, id and flagged entry).
struct PatientState {
  static constexpr std::uint8_t kExists = 1;  ///< a Patient resource names this id
  static constexpr std::uint8_t kTimed = 2;   ///< an active magnesium or partner resource is timed
  static constexpr std::uint8_t kIronRecent =
      4;  ///< iron MR/MS (not entered-in-error) dated within the look-back
  static constexpr std::uint8_t kDiedByDate =
      16;  ///< Patient.deceasedDateTime on or before D (or not a date)
  static constexpr std::uint8_t kDiedFlag = 32;  ///< Patient.deceasedBoolean true

  /// Index of a medicine list other than iron in the medicine positions.
  static constexpr std::size_t medicine_slot(List list) {
    return static_cast<std::size_t>(list) - (list > List::iron ? 1 : 0);
  }
  /// Earliest active resource of a medicine list (ppi: only long-term ones, dated ≤ cutoff;
  /// iron keeps no position, its indicator is about its absence).
  Position medicine(List list) const { return medicine_pos_[medicine_slot(list)].get(); }
  Position rls_pos() const { return rls_pos_.get(); }  ///< earliest active rls Condition
  Position ckd_pos() const { return ckd_pos_.get(); }  ///< earliest active ckd-4-5 Condition
  /// The latest usable observation of `lab` (not magnesium).
  LabSlot lab(Lab which) const;
  std::int32_t magnesium_date() const {
    return magnesium_date_;
  }  ///< latest usable serum magnesium

  bool exists() const { return (flags & kExists) != 0; }
  /// Dead on D (docs/audit.md "Who is in the population"): in no denominator.
  bool deceased() const { return (flags & (kDiedByDate | kDiedFlag)) != 0; }
  void add_patient() { flags |= kExists; }
  /// A Patient resource: `deceased_date` is Patient.deceasedDateTime as days (kNoDate when absent
  /// or not a date), `has_deceased_date` whether the element is there at all, `deceased_flag`
  /// Patient.deceasedBoolean == true.
  void add_patient(const Params& params, std::int32_t deceased_date, bool has_deceased_date,
                   bool deceased_flag) {
    flags |= kExists;
    if (has_deceased_date && (deceased_date == kNoDate || deceased_date <= params.as_of))
      flags |= kDiedByDate;
    if (deceased_flag) flags |= kDiedFlag;
  }
  void add_unrecognised() {
    if (unrecognised < 0xFFFF) ++unrecognised;
  }
  void add(const Params& params, const MedicineFact& fact);
  void add(const Params& params, const ConditionFact& fact);
  void add(const Params& params, const ObservationFact& fact);
  /// Folds another state of the same patient in (from another thread or shard).
  void merge(const PatientState& other);

 private:
  static constexpr int kLabs = 3;  ///< egfr, ferritin, tsat (Lab order)
  void set_lab(Lab which, const LabSlot& slot);
  void keep_latest(Lab which, const LabSlot& slot) {
    if (slot.later_than(lab(which))) set_lab(which, slot);
  }

  static constexpr std::uint8_t kHasValue = 8;
  static constexpr std::uint8_t kNoLabMeta = static_cast<std::uint8_t>(Comparator::none);

  // Members from the most to the least aligned, public and private mixed, so that there is no
  // padding.
  std::array<double, kLabs> lab_value_{};  ///< 0 when the lab has no value
  std::array<std::int32_t, kLabs> lab_date_{kNoDate, kNoDate, kNoDate};
  std::int32_t magnesium_date_ = kNoDate;

 public:
  std::uint32_t id_ref = 0;     ///< the adapter's handle of the patient id (arena offset)
  std::uint32_t resources = 0;  ///< resources naming this patient (orphans when no Patient)

 private:
  std::array<PackedPosition, kMedicineListCount - 1> medicine_pos_{};
  PackedPosition rls_pos_, ckd_pos_;
  std::array<PackedPosition, kLabs> lab_pos_{};

 public:
  std::uint16_t unrecognised = 0;  ///< medicines nothing identifies (saturates)
  ListMask active = 0;             ///< medicine lists with an active resource

 private:
  std::array<std::uint8_t, kLabs> lab_meta_{kNoLabMeta, kNoLabMeta,
                                            kNoLabMeta};  ///< comparator | kHasValue

 public:
  std::uint8_t flags = 0;  ///< kExists | kTimed | kIronRecent | kDiedByDate | kDiedFlag
};

static_assert(sizeof(PatientState) == 136, "PatientState packs to 136 bytes: check padding");

/// Which indicators count and flag one patient: bit i = indicator i (docs/audit.md order).
struct Evaluation {
  std::uint16_t denominator = 0;
  std::uint16_t numerator = 0;  ///< always a subset of denominator
  bool in_denominator(int indicator) const { return (denominator >> indicator) & 1; }
  bool flagged(int indicator) const { return (numerator >> indicator) & 1; }
};

/// The indicators for one patient. A patient without a Patient resource, or deceased on D, is in
/// no denominator.
Evaluation evaluate(const Params& params, const PatientState& state);

/// The resources that decide a flagged indicator, in a fixed order (the medicine, then the result
/// or condition that makes it a problem); kNoPosition entries are left out. At most 4.
struct Evidence {
  std::array<Position, 4> positions{};
  int count = 0;
};
Evidence evidence(const Params& params, const PatientState& state, int indicator);

/// One resource that decides a flagged indicator, as re-read from the input (src/audit reads it,
/// render/audit_report.h writes it in a flagged line).
struct EvidenceItem {
  std::string resource;  ///< "MedicationRequest/abc"
  std::string date;      ///< YYYY-MM-DD, or "" when the resource has none
  std::string code;      ///< the code that put it in its list (or the first code), or ""
  std::string text;      ///< its text or display, or ""
  std::optional<double> value;
  std::string comparator, unit;  ///< as written in valueQuantity
};

/// Numerator and denominator of one indicator (patients).
struct IndicatorCount {
  std::uint64_t denominator = 0;
  std::uint64_t numerator = 0;
};

/// The counts a run produces (docs/audit.md "Output"); rendered by render/audit_report.h.
struct Summary {
  CalendarDate as_of;
  std::uint64_t patients = 0;           ///< Patient resources (distinct ids)
  std::uint64_t resources = 0;          ///< lines that were resources (used, skipped or orphan)
  std::uint64_t errors = 0;             ///< bad lines
  std::uint64_t skipped_resources = 0;  ///< resources of types the audit does not use
  std::uint64_t orphan_resources = 0;   ///< resources naming a patient with no Patient resource
  std::uint64_t unrecognised_medicines =
      0;  ///< medicines (of existing patients) nothing identifies
  /// Patients left out of every denominator because they had died by D: deceasedDateTime on or
  /// before D (or not a date), and deceasedBoolean true (a patient with both counts once, by date).
  std::uint64_t deceased_by_date = 0, deceased_by_flag = 0;
  std::array<IndicatorCount, kIndicatorCount> indicators{};
  /// Adds one patient's evaluation to the indicator counts.
  void count(const Evaluation& evaluation);
  /// Counts one existing patient: its exclusion (if deceased) and its evaluation.
  void count(const PatientState& state, const Evaluation& evaluation);
  /// Adds another summary of the same audit (another part of the patients): exact sums.
  void add(const Summary& other);
};

}  // namespace willis::core::audit
