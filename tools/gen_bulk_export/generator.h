// tools/gen_bulk_export/generator.h: one synthetic patient at a time, from its own splitmix64
// stream, into the output files: the resources of every indicator of docs/audit.md on both sides
// of each threshold and window (see main.cc for the whole mixture).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "codes.h"
#include "core/date.h"
#include "output.h"
#include "rng.h"

namespace gen {

struct Options {
  std::string out_dir;
  std::uint64_t patients = 0;
  std::uint64_t target_bytes = 0;
  std::uint64_t seed = 1;
  bool gzip = false;
  int bad_permille_x10 = 0;  // bad-line rate in units of 1/10000
  int as_of = 0;             // days since epoch
  bool quiet = false;
};

class Generator {
 public:
  Generator(const Options& options, std::array<Sink, kFiles>& sinks)
      : opt_(options),
        sinks_(sinks),
        year_before_(
            willis::core::minus_months(willis::core::CalendarDate::from_serial(options.as_of), 12)
                .serial()),
        bad_{mix(options.seed, 0xBAD11E5ull)} {}

  void patient(std::uint64_t index);

  std::uint64_t total_bytes() const;

 private:
  // ------------------------------------------------------------ resource pieces

  Sink& begin(FileId file) { return sinks_[file]; }
  void end(FileId file);

  void put_meta(std::string& out, std::string_view profile);
  void put_narrative(std::string& out, std::string_view text);
  void put_subject(std::string& out);
  void put_coding(std::string& out, std::string_view system, std::string_view code,
                  std::string_view display);

  /// A day relative to --as-of for medicines and labs: mostly the last three years, with the
  /// 12-month edges (D - 1 year - 1, D - 1 year, D - 1 year + 1, D), a few after D, old ones.
  int pick_day(bool long_term_bias);
  /// How a date field is written: mostly a dateTime, sometimes a date, rarely partial.
  DateForm pick_form();

  void write_patient_resource(std::uint64_t index);

  void write_encounter();

  void write_condition(const Code& code);

  /// A dosage element (MedicationRequest.dosageInstruction / MedicationStatement.dosage). About
  /// half carry a timing instruction in the sense of docs/audit.md (timeOfDay, when, or text with
  /// before/after/apart/separat), some in upper case or as a word that only contains "after".
  void put_dosage(std::string& out);

  /// The medicine part: a codeable concept (ingredient or product code, sometimes a second
  /// coding from another system first), or a reference to a Medication in Medication.ndjson.
  void put_medication(std::string& out, const Drug& drug, std::string_view& display);

  void write_medication_resource(const Uuid& id, std::string_view code, std::string_view display);

  void write_medicine(const Drug& drug, bool long_term_bias = false);
  /// MedicationStatement: effectiveDateTime or effectivePeriod (or neither), and dateAsserted.
  void put_statement_dates(std::string& out, int day);

  void write_uncoded_medicine(std::string_view text);

  // ------------------------------------------------------------ observations

  struct LabValue {
    long scaled = 0;  // value x 10^places
    int places = 0;
    std::string_view comparator;  // "", "<", "<=", ">", ">="
    std::string_view unit;        // "" = no valueQuantity at all (valueString instead)
  };

  /// A value on either side of the thresholds of docs/audit.md, in a usable unit or not.
  LabValue pick_value(Lab lab, bool plain);

  /// The day docs/audit.md reads from a date written in `form`: a partial date is its first day.
  static int effective_day(int day, DateForm form);

  /// `count` observations of one lab for the current patient, on distinct days as read (so
  /// "latest" is never a tie by chance), and sometimes a second plain value on the same day as
  /// the first, which is then plain too: the tie rule "lowest value" compares two numbers.
  void write_labs(Lab lab, int count);
  /// A value from pick_value; when `plain`, with no comparator and in a usable unit.
  LabValue usable_plain(Lab lab, bool plain);

  void write_observation(Lab lab, int day, DateForm date_form, const LabValue& value,
                         bool same_day_twin = false);
  /// One of the LOINC codes of `lab`.
  Code lab_code(Lab lab);
  /// effectiveDateTime, effectivePeriod, effectiveInstant and/or issued.
  void put_observation_dates(std::string& out, int day, DateForm date_form, bool same_day_twin);
  /// valueQuantity (with comparator and UCUM code), or valueString when there is no unit.
  void put_lab_value(std::string& out, const LabValue& value);

  void write_noise_lab(const NoiseLab& lab);

  // ------------------------------------------------------------ bad lines

  /// With --bad-lines, one line of a kind docs/audit.md counts as an error (or a blank line,
  /// which it ignores). None of them can add a patient or a finding in a lenient parser either.
  void maybe_bad_line(FileId file);

  const Options& opt_;
  std::array<Sink, kFiles>& sinks_;
  const int year_before_;
  Rng bad_;
  Rng* rng_ = nullptr;
  Uuid pid_{};
  Uuid encounter_{};
};

}  // namespace gen
