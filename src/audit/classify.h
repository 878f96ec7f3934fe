// src/audit/classify.h: one resource -> one Fact. Reads a line with simdjson On Demand
// (resource.h) and puts what it names in the indicator classes of the code lists
// (codec/audit_codes.h): docs/audit.md "What counts", "What a medicine is".
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/medication_table.h"
#include "audit/resource.h"
#include "codec/audit_codes.h"
#include "core/audit.h"

namespace willis::audit {

/// What one resource tells the engine.
struct Fact {
  enum class Kind {
    patient,
    medication,
    medicine,
    condition,
    observation,
    counted,
    skipped
  } kind = Kind::skipped;
  std::string_view patient;                           ///< Patient.id, or the subject's id
  std::int32_t deceased_date = core::audit::kNoDate;  ///< Patient: deceasedDateTime
  bool has_deceased_date = false, deceased_flag = false;
  core::audit::MedicineFact medicine;
  core::audit::ConditionFact condition;
  core::audit::ObservationFact observation;
  bool unrecognised = false;
  std::string_view medication_ref;  ///< a medicine whose Medication is not known yet
  MedicationEntry medication;       ///< kind medication: what it is
};

/// Per-thread reading and classification: owns a parser and caches of text look-ups.
class Classifier {
 public:
  explicit Classifier(const codec::AuditCodes& codes) : codes_(codes) {}

  /// Reads the resource in `json` (padded) at `pos`. Returns "" or why the line is bad.
  std::string classify(simdjson::padded_string_view json, core::audit::Position pos,
                       const MedicationTable& meds, Fact& fact);

  /// The evidence item of a line read again (its resource was classified in the run).
  core::audit::EvidenceItem evidence(simdjson::padded_string_view json,
                                     const MedicationTable& meds);

  simdjson::ondemand::parser& parser() { return parser_; }
  /// Adds the texts this classifier identified to `out`.
  void known_texts(std::map<std::string, core::audit::ListMask>& out) const;

 private:
  struct MedicineClass {
    core::audit::ListMask lists = 0;
    bool known = false;
    std::string_view code;
  };

  // The steps of classify(), one per resource type the audit reads.
  void patient(Fact& fact) const;
  void medication(core::audit::Position pos, Fact& fact);
  void medicine_use(core::audit::Position pos, const MedicationTable& meds, Fact& fact);
  void condition(core::audit::Position pos, Fact& fact) const;
  void observation(core::audit::Position pos, Fact& fact) const;

  // The steps of evidence(): the code (and value) that made the resource count.
  void medicine_evidence(const MedicationTable& meds, core::audit::EvidenceItem& out);
  void condition_evidence(core::audit::EvidenceItem& out) const;
  void observation_evidence(core::audit::EvidenceItem& out) const;

  std::string_view label() const;
  MedicineClass classify_medicine();

  const codec::AuditCodes& codes_;
  simdjson::ondemand::parser parser_;
  ResourceView view_;
  std::unordered_map<std::string, codec::AuditCodes::TextMatch, StringHash, std::equal_to<>>
      text_cache_;
};

}  // namespace willis::audit
