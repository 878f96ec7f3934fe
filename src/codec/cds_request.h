// src/codec/cds_request.h: CDS Hooks 2.0 bodies in: request parsing and validation, the prefetch
// templates, request -> Profile (prefetch + draft orders, through codec/fhir_profile.h), feedback.
// No sockets here: src/http/cds_hooks_routes.cc does HTTP and fetching; app/answer_hook.h answers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/fhir_profile.h"
#include "core/cds_policy.h"
#include "core/date.h"
#include "core/names.h"
#include "core/result.h"

namespace willis::codec {

// The services are policy (core/cds_policy.h); named here too for the readers of requests.
using core::cds_services;
using core::CdsHook;
using core::CdsService;
using core::find_cds_service;

/// The prefetch templates every service asks for: key -> FHIR query
/// ("Patient/{{context.patientId}}"); the observations are the LOINC codes of `kb` (kb/labs.yaml).
/// Built once by the caller (the observation codes come from the KB) and handed to the readers
/// below.
using PrefetchTemplates = std::vector<std::pair<std::string, std::string>>;
PrefetchTemplates cds_prefetch_templates(const core::Kb& kb);

/// A validated hook request. Prefetch items and draft orders are kept as JSON text so that the
/// HTTP adapter can add what it fetched.
struct CdsRequest {
  std::string hook, hook_instance, fhir_server, access_token;
  std::string patient_id, user_id, encounter_id;
  std::vector<std::string>
      selections;            ///< order-select: "MedicationRequest/id" of the chosen orders
  std::string draft_orders;  ///< order-select/-sign: a Bundle, as JSON text
  std::vector<std::pair<std::string, std::string>>
      prefetch;  ///< key -> resource JSON (non-null only)
  const std::string* prefetched(std::string_view key) const;
};

/// Parses and validates a POST /cds-services/{id} body.
///
/// Errors: parse_error (not JSON); invalid_type (not an object, a field of the wrong type);
/// missing_field (hook, hookInstance, context, context.patientId, context.draftOrders for order
/// hooks); invalid_value (the hook is not the service's hook).
core::Result<CdsRequest> parse_cds_request(std::string_view body, const CdsService& service);

/// The prefetch keys of `templates` that `request` does not carry.
std::vector<std::string> missing_prefetch(const CdsRequest& request,
                                          const PrefetchTemplates& templates);

/// The FHIR query for a prefetch key with the context filled in ("Patient/123"); "" for an
/// unknown key. Context values are percent-encoded.
std::string prefetch_query(std::string_view key, const CdsRequest& request,
                           const PrefetchTemplates& templates);

/// `report_url` with "{patientId}" replaced by the request's patient id (percent-encoded).
std::string patient_link(std::string_view report_url, const CdsRequest& request);

/// What answering a request needs besides the request.
struct CdsOptions {
  core::CalendarDate as_of;                        ///< today, from the adapter's clock
  std::optional<core::Jurisdiction> jurisdiction;  ///< absent: from the Patient's address, else uk
  /// An absolute URL of a willis report page for the patient; "{patientId}" is replaced
  /// (percent-encoded). Empty: cards carry no report link.
  std::string report_url;
};

/// Request -> profile: prefetch resources (all of them) plus the draft orders, marked as drafts.
/// Errors: as parse_fhir_profile, with the prefetch key in the path.
core::Result<FhirProfile> cds_profile(const CdsRequest& request, const FhirTerms& terms,
                                      const CdsOptions& options);

/// Validates a POST /cds-services/{id}/feedback body; returns how many feedback items it has.
/// Errors: parse_error, invalid_type, missing_field (feedback, card, outcome, outcomeTimestamp),
/// invalid_value (outcome not accepted|overridden).
core::Result<int> parse_cds_feedback(std::string_view body);

}  // namespace willis::codec
