// src/audit/resource.h: the fields the audit reads from one FHIR resource, in one pass of simdjson
// On Demand over the line (docs/audit.md "Input", "Dates", "What counts"). No allocation per line
// once the buffers have grown to the largest resource seen.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace willis::audit {

enum class ResourceType : std::uint8_t {
  patient,
  medication,
  medication_request,
  medication_statement,
  observation,
  condition,
  other,  ///< a valid FHIR type name the audit does not use (counted as skipped)
};

struct Coding {
  std::string_view system, code, display;
};

/// One resource as the audit sees it. Views point into the parser's buffers: valid until the
/// parser reads its next document.
struct ResourceView {
  ResourceType type = ResourceType::other;
  std::string_view type_name, id, subject, status;
  std::vector<Coding> codings;      ///< code.coding (Observation, Condition, Medication) or
                                    ///< medicationCodeableConcept.coding
  std::string_view text;            ///< the same concept's text
  std::string_view medication_ref;  ///< medicationReference.reference
  std::string_view date;  ///< the date field docs/audit.md "Dates" picks for this type ("" = none)
  bool timed = false;  ///< a dosage has timeOfDay/when or timing words (docs/audit.md indicator 2)
  // Observation.valueQuantity
  bool has_value = false;
  double value = 0;
  std::string_view comparator, unit;  ///< unit: valueQuantity.code, else valueQuantity.unit
  // Patient: deceasedDateTime (as written; has_deceased_date when the element is there) and
  // deceasedBoolean == true
  std::string_view deceased_date;
  bool has_deceased_date = false;
  bool deceased_flag = false;
  // Condition
  bool has_clinical_status = false;
  bool clinical_active = false;  ///< a clinicalStatus coding is active, recurrence or relapse
  bool verification_excluded =
      false;  ///< a verificationStatus coding is refuted or entered-in-error

  /// The patient id of `subject` ("Patient/ID" -> "ID"); empty when the reference is not of that
  /// form.
  std::string_view subject_patient() const;
};

/// Reads a resource from `json` (a padded view: SIMDJSON_PADDING readable bytes after it).
/// Returns "" when the resource is usable, else why the line is bad, in the words of
/// docs/audit.md ("malformed JSON: …", "no resourceType", "resourceType \"x\" is not a FHIR type
/// name", "MedicationRequest without subject.reference \"Patient/ID\"", "Patient without id").
std::string read_resource(simdjson::ondemand::parser& parser, simdjson::padded_string_view json,
                          ResourceView& out);

/// True when `text` contains, ignoring ASCII case, before / after / apart / separat.
bool has_timing_words(std::string_view text);

}  // namespace willis::audit
