// src/codec/cds_hooks.h: CDS Hooks 2.0 as pure functions: discovery document, request parsing and
// validation, request -> Profile (prefetch + draft orders, through codec/fhir_profile.h),
// Assessment -> cards, OperationOutcome bodies, feedback, and a checker of the spec's card rules.
// No sockets here: src/http/cds_hooks_routes.cc does HTTP and fetching.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/fhir_profile.h"
#include "core/assessment.h"
#include "core/diary_entry.h"
#include "core/kb.h"
#include "core/names.h"
#include "core/result.h"
#include "core/severity.h"

namespace willis::codec {

/// The hooks willis answers.
enum class CdsHook { patient_view, order_select, order_sign };

/// One CDS service as the discovery document lists it.
struct CdsService {
  std::string_view id;  ///< "willis-order-select"
  CdsHook hook;
  std::string_view hook_name;  ///< "order-select"
  std::string_view title, description;
};

/// willis-patient-view, willis-order-select, willis-order-sign.
std::span<const CdsService> cds_services();
/// The service with this id, or nullptr.
const CdsService* find_cds_service(std::string_view id);

/// The prefetch templates every service asks for: key -> FHIR query
/// ("Patient/{{context.patientId}}").
const std::vector<std::pair<std::string, std::string>>& cds_prefetch_templates();

/// The body of GET /cds-services.
std::string cds_discovery_json();

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

/// The prefetch keys of cds_prefetch_templates() that `request` does not carry.
std::vector<std::string> missing_prefetch(const CdsRequest& request);

/// The FHIR query for a prefetch key with the context filled in ("Patient/123"); "" for an
/// unknown key. Context values are percent-encoded.
std::string prefetch_query(std::string_view key, const CdsRequest& request);

/// What the card rendering needs besides the request and the assessment.
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

/// The card indicator for a finding's severity: the one place this mapping lives.
///   info -> info; caution and avoid -> warning; urgent -> critical (the table: a hard stop
///   is for red flags; an avoid card on an order being placed still says "do not" in its summary).
std::string_view cds_indicator(core::Severity severity);

/// The response body {"cards": [...]} for one request. Which findings become cards:
/// - patient-view: when magnesium is in play (the person takes it, or RLS is suspected), one card
/// per
///   finding at caution or above (unchecked medicines grouped in one card), plus a summary card
///   with the plan and timetable; otherwise no cards.
/// - order-select / order-sign: only what the draft orders change: a draft that cannot be checked;
///   a draft's own interaction, depletion, caution or RLS effects (interactions only when magnesium
///   is taken or ordered); and, when magnesium itself is ordered, every contraindication, caution,
///   dose and interaction finding plus the summary card.
std::string cds_response_json(const CdsRequest& request, const CdsService& service,
                              const FhirProfile& mapped, const core::Assessment& assessment,
                              const FhirTerms& terms, const CdsOptions& options);

/// Everything after the adapter has the prefetch: profile, assessment, cards. Returns the
/// response body, or the Error of cds_profile.
core::Result<std::string> cds_answer(const CdsRequest& request, const CdsService& service,
                                     const FhirTerms& terms, const CdsOptions& options);

/// An OperationOutcome body with one issue ("error", "required", "…").
std::string operation_outcome_json(std::string_view code, std::string_view diagnostics,
                                   std::string_view severity = "error");

/// Validates a POST /cds-services/{id}/feedback body; returns how many feedback items it has.
/// Errors: parse_error, invalid_type, missing_field (feedback, card, outcome, outcomeTimestamp),
/// invalid_value (outcome not accepted|overridden).
core::Result<int> parse_cds_feedback(std::string_view body);

/// Checks a CDS Hooks response body against the spec's rules for cards: summary present and
/// < 140 characters; indicator info|warning|critical; source.label; uuid present (willis always
/// sends one); links with label, url, type absolute|smart; cds-resp-1..7. Returns one message per
/// violation, "cards[2].summary: …"; empty when the body conforms.
std::vector<std::string> check_cds_response(std::string_view body);

}  // namespace willis::codec
