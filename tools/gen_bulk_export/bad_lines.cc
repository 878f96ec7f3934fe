// tools/gen_bulk_export/bad_lines.cc: with --bad-lines, the lines docs/audit.md counts as errors.
#include "generator.h"

namespace gen {

void Generator::maybe_bad_line(FileId file) {
  if (opt_.bad_permille_x10 == 0) return;
  if (static_cast<int>(bad_.below(10000)) >= opt_.bad_permille_x10) return;
  std::string& out = sinks_[file].buf;
  const Uuid id = new_uuid(bad_);
  switch (bad_.below(12)) {
    case 0:  // malformed JSON: a line cut short
      put(out, R"({"resourceType":"Observation","id":")");
      put_uuid(out, id);
      put(out,
          R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2276-4")");
      break;
    case 1:  // not JSON at all
      put(out, "<html><body>502 Bad Gateway</body></html>");
      break;
    case 2:  // no resourceType
      put(out, R"({"id":")");
      put_uuid(out, id);
      put(out, R"(","status":"active"})");
      break;
    case 3:  // a resourceType that is not a FHIR type name
      put(out, R"({"resourceType":"medication_request","id":")");
      put_uuid(out, id);
      put(out, R"(","status":"active","subject":{"reference":"Patient/)");
      put_uuid(out, pid_);
      put(out, R"("}})");
      break;
    case 4:  // a used type with no subject
      put(out, R"({"resourceType":"MedicationRequest","id":")");
      put_uuid(out, id);
      put(out,
          R"(","status":"active","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6582"}]}})");
      break;
    case 5:  // a subject that is not Patient/ID
      put(out, R"({"resourceType":"Observation","id":")");
      put_uuid(out, id);
      put(out, R"(","status":"final","subject":{"reference":"Group/)");
      put_uuid(out, id);
      put(out,
          R"("},"code":{"coding":[{"system":"http://loinc.org","code":"2276-4"}]},"effectiveDateTime":"2026-01-01","valueQuantity":{"value":10,"unit":"ng/mL"}})");
      break;
    case 6:  // a subject given only as a display
      put(out, R"({"resourceType":"Condition","id":")");
      put_uuid(out, id);
      put(out,
          R"(","subject":{"display":"A. Patient"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"32914008"}]}})");
      break;
    case 7:  // a Patient with no id
      put(out, R"({"resourceType":"Patient","gender":"female","birthDate":"1970-01-01"})");
      break;
    case 8:  // a Medication with no id
      put(out,
          R"({"resourceType":"Medication","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6582"}]}})");
      break;
    case 9:  // a JSON value that is not an object
      put(out, R"(["Patient",1,2,3])");
      break;
    case 10:  // subject "Patient/" with no id
      put(out, R"({"resourceType":"MedicationStatement","id":")");
      put_uuid(out, id);
      put(out, R"(","status":"active","subject":{"reference":"Patient/"}})");
      break;
    default:  // a blank line: ignored, not an error
      break;
  }
  sinks_[file].end_line();
}

}  // namespace gen
