// src/codec/fhir/finish.cc: the mapped profile, once every resource is in: this patient's
// records in a fixed order (patient, medicines, labs, sleep answers, conditions), then notes on
// what was not used.
#include <fmt/format.h>

#include "codec/fhir/mapper.h"
#include "codec/fhir/text.h"

namespace willis::codec {

using namespace fhir;

bool FhirMapper::Impl::is_patient(const std::string& reference) const {
  if (reference.empty()) return true;  // one patient's resources: no subject means this patient
  if (!patient.full_url.empty() && reference == patient.full_url) return true;
  if (patient.id.empty()) return false;
  const std::string local = "Patient/" + patient.id;
  return reference == local || (reference.size() > local.size() &&
                                reference.compare(reference.size() - local.size() - 1,
                                                  std::string::npos, "/" + local) == 0);
}

// Medicines, in input order.
void FhirMapper::Impl::map_medicines(FhirProfile& out) {
  for (const auto& rec : meds) {
    if (!is_patient(rec.subject)) {
      ++other_subject;
      continue;
    }
    map_medicine(rec, out);
  }
  if (!out.draft_medicines.empty() || !out.draft_supplements.empty())
    out.notes.push_back(fmt::format(
        "{} assessed together with the active list.",
        plural(static_cast<int>(out.draft_medicines.size() + out.draft_supplements.size()),
               "draft order", "draft orders")));
}

// What was not used, counted.
void FhirMapper::Impl::note_what_was_not_used(FhirProfile& out) const {
  auto& notes = out.notes;
  for (const auto& [what, count] : med_ignored)
    notes.push_back(fmt::format(
        "{} with status {} {} not used (only active, on-hold and draft orders count).",
        plural(count, what.first, what.first + "s"), what.second, count == 1 ? "was" : "were"));
  for (const auto& [status, count] : obs_skipped_status)
    notes.push_back(fmt::format("{} with status {} not used.",
                                plural(count, "Observation", "Observations"), status));
  for (const auto& bad : obs_bad_unit)
    notes.push_back(fmt::format("{}: unit not convertible; not used.", bad));
  if (obs_no_value)
    notes.push_back(fmt::format("{} without a usable value not used.",
                                plural(obs_no_value, "Observation", "Observations")));
  for (const auto& note : sleep_not_used) notes.push_back(note);
  if (obs_outside)
    notes.push_back(fmt::format("{} outside the knowledge base's value sets {} not used.",
                                plural(obs_outside, "Observation", "Observations"),
                                obs_outside == 1 ? "was" : "were"));
  if (cond_outside)
    notes.push_back(fmt::format("{} outside the knowledge base's value sets {} checked by {} name.",
                                plural(cond_outside, "Condition", "Conditions"),
                                cond_outside == 1 ? "was" : "were",
                                cond_outside == 1 ? "its" : "their"));
  for (const auto& [status, count] : cond_inactive)
    notes.push_back(fmt::format("{} with status {} not used.",
                                plural(count, "Condition", "Conditions"), status));
  if (!skipped_types.empty()) {
    std::vector<std::string> parts;
    int total = 0;
    for (const auto& [type, count] : skipped_types) {
      parts.push_back(fmt::format("{} {}", type, count));
      total += count;
    }
    notes.push_back(fmt::format("{} of types willis does not use skipped: {}.",
                                plural(total, "resource", "resources"), join(parts, ", ")));
  }
  if (other_subject || other_patients)
    notes.push_back(fmt::format("{} about another patient not used.",
                                plural(other_subject + other_patients, "resource", "resources")));
}

core::Result<FhirProfile> FhirMapper::Impl::finish() {
  FhirProfile out;
  if (!patient.present)
    return core::Error(core::Errc::missing_field, "Patient",
                       "no Patient resource: willis needs the patient's birth date and sex (add "
                       "the Patient to the Bundle)");
  out.patient_id = patient.id;
  if (auto error = map_patient(out)) return *error;
  map_jurisdiction(out);
  map_medicines(out);
  map_labs(out);
  map_sleep_answers(out);
  map_conditions(out);
  note_what_was_not_used(out);
  return out;
}

}  // namespace willis::codec
