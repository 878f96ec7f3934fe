// src/codec/fhir_profile.h: FHIR R4 patient data -> core::Profile; the code is in codec/fhir/.
// Pure: no files, no clock (the caller passes "today"), no network. The mapping table is
// docs/fhir.md.
//
// Input: a Bundle of any type (collection, searchset, transaction, document, …; nested Bundles are
// unpacked), a single resource, or NDJSON with one resource (or Bundle) per line, all about one
// patient. References are resolved by `fullUrl` (urn:uuid:…, absolute URLs), `Type/id` and
// `#contained`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/fhir/labs.h"
#include "core/date.h"
#include "core/kb.h"
#include "core/names.h"
#include "core/profile.h"
#include "core/result.h"

namespace simdjson::dom {
class element;
}

namespace willis::codec {

/// What the mapping needs besides the resources.
struct FhirOptions {
  core::CalendarDate as_of;  ///< "today": the age is computed at this date (the adapter's clock)
  /// Picks limits and guideline wording. Absent: from the Patient's address country (US -> us,
  /// GB/UK -> uk, EU member states -> eu), else uk (the contract's default).
  std::optional<core::Jurisdiction> jurisdiction;
};

/// The mapped profile, with what the caller must add to the assessment's notes.
struct FhirProfile {
  core::Profile profile;
  /// Assumptions and what was skipped ("times assumed …", "9 Conditions outside the knowledge
  /// base's value sets were not used"). Append to core::Assessment::notes.
  std::vector<std::string> notes;
  std::string patient_id;  ///< Patient.id ("" when the resource has none)
  /// Indices into profile.medicines / profile.supplements of entries that came from draft orders
  /// (CDS Hooks draftOrders), so a caller can tell what is being ordered now.
  std::vector<std::size_t> draft_medicines, draft_supplements;
  /// The resource each entry came from ("MedicationRequest/abc"), parallel to
  /// profile.medicines / profile.supplements.
  std::vector<std::string> medicine_origins, supplement_origins;
};

/// True when `text` looks like FHIR JSON rather than a willis profile: a JSON object with a
/// "resourceType" member, or NDJSON whose first line is one. Cheap; does not validate.
bool looks_like_fhir(std::string_view text);

/// The KB's codes indexed for FHIR (RxNorm, ATC, SNOMED CT): build once per KB, share between
/// mappers and threads (read-only after construction).
class FhirTerms {
 public:
  /// `kb` and `names` must outlive this.
  FhirTerms(const core::Kb& kb, const core::NameIndex& names);
  ~FhirTerms();
  FhirTerms(const FhirTerms&) = delete;
  FhirTerms& operator=(const FhirTerms&) = delete;

  const core::Kb& kb() const { return kb_; }
  const core::NameIndex& names() const { return names_; }

  struct Tables;
  const Tables& tables() const { return *tables_; }

 private:
  const core::Kb& kb_;
  const core::NameIndex& names_;
  std::unique_ptr<Tables> tables_;
};

/// Maps one patient's resources, added one by one, into a Profile. Resources may come in any
/// order (a MedicationRequest before the Medication it references, the Patient last).
///
///     const codec::FhirTerms terms(kb, names);  // once
///     codec::FhirMapper mapper(terms, {.as_of = today});
///     for (std::string_view line : patient_lines)
///       if (auto error = mapper.add_json(line)) return *error;
///     auto mapped = std::move(mapper).finish();
///     if (!mapped.ok()) …;  // no Patient, no birth date
///     core::Assessment a = core::assess(kb, names, mapped.value().profile);
///     a.notes.insert(a.notes.end(), mapped.value().notes.begin(), mapped.value().notes.end());
class FhirMapper {
 public:
  /// `terms` must outlive the mapper.
  FhirMapper(const FhirTerms& terms, FhirOptions options);
  ~FhirMapper();
  FhirMapper(FhirMapper&&) noexcept;
  FhirMapper& operator=(FhirMapper&&) noexcept;

  /// Adds one parsed resource (a Bundle is unpacked). `full_url` is its Bundle entry's fullUrl,
  /// if any. `draft` marks orders being placed now (CDS Hooks draftOrders): counted whatever
  /// their status. Errors: invalid_type / missing_field when it is not a FHIR resource.
  std::optional<core::Error> add(const simdjson::dom::element& resource,
                                 std::string_view full_url = {}, bool draft = false);
  /// The same from JSON text (one resource or Bundle). Errors: parse_error, as add().
  std::optional<core::Error> add_json(std::string_view json, bool draft = false);

  /// The profile. Errors: missing_field "Patient" (no Patient resource) or "Patient.birthDate"
  /// (willis needs the age); invalid_value for a birth date after `as_of` or unreadable.
  core::Result<FhirProfile> finish() &&;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Parses and maps FHIR text: a Bundle, a single resource or NDJSON (one resource per line).
///
///     auto mapped = codec::parse_fhir_profile(text, "patient.json", terms, {.as_of = today});
///
/// Errors: parse_error naming the line for NDJSON; otherwise as FhirMapper.
core::Result<FhirProfile> parse_fhir_profile(std::string_view text, const std::string& source_name,
                                             const FhirTerms& terms, const FhirOptions& options);

/// FHIR code system URIs willis reads.
inline constexpr std::string_view kRxNormSystem = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kSnomedSystem = "http://snomed.info/sct";
inline constexpr std::string_view kLoincSystem = "http://loinc.org";
inline constexpr std::string_view kAtcSystem = "http://www.whocc.no/atc";

/// SNOMED CT codes that map to a KB condition: its own `snomed` codes and the extra CKD codes of
/// docs/fhir.md that the mapper applies to it.
std::vector<std::string> snomed_codes_of_condition(const core::Kb& kb,
                                                   std::string_view condition_id);

}  // namespace willis::codec
