// src/render/cds_cards.h: CDS Hooks 2.0 bodies out: the discovery document, the cards that
// core/cds_policy.h chose, and OperationOutcome bodies (codec/cds_response_check.h checks them).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/assessment.h"
#include "core/cds_policy.h"
#include "core/kb.h"
#include "core/result.h"
#include "core/severity.h"

namespace willis::render {

/// The versions a discovery document names (the spec's top-level `extension`, reverse-domain
/// style keys): the program's, the knowledge base's; the contract's comes from core.
struct CdsVersions {
  std::string_view software;  ///< willis_version.h kVersion
  std::string_view kb;        ///< core::Kb::version
};

/// The body of GET /cds-services: every service of core::cds_services() with `prefetch`
/// (key -> FHIR query template), and `extension` {"willis.version", "willis.kb_version",
/// "willis.contract"}.
std::string cds_discovery_json(const std::vector<std::pair<std::string, std::string>>& prefetch,
                               const CdsVersions& versions);

/// The card indicator for a finding's severity: the one place this mapping lives.
///   info -> info; caution and avoid -> warning; urgent -> critical (the table: a hard stop
///   is for red flags; an avoid card on an order being placed still says "do not" in its summary).
std::string_view cds_indicator(core::Severity severity);

/// What the cards need from the request besides the assessment.
struct CdsCardsInput {
  std::string_view hook_instance;  ///< seeds the card uuids
  std::string_view draft_orders;   ///< the draft Bundle as JSON ("" for patient-view)
  /// The resource each profile medicine came from ("MedicationRequest/abc").
  std::span<const std::string> medicine_origins;
  std::string report_link;  ///< absolute URL of the patient's willis report; "" for none
};

/// The response body {"cards": [...]} for the chosen cards, most severe first.
std::string cds_cards_json(const std::vector<core::CardChoice>& choices,
                           const core::Assessment& assessment, const core::Kb& kb,
                           const CdsCardsInput& input);

/// The one info card saying the record could not be assessed (`error` says why).
std::string cds_not_assessed_json(std::string_view hook_instance, const core::Error& error);

/// An OperationOutcome body with one issue ("error", "required", "…").
std::string operation_outcome_json(std::string_view code, std::string_view diagnostics,
                                   std::string_view severity = "error");

}  // namespace willis::render
