// src/app/answer_hook.h: one CDS Hooks request -> the response body: request -> FHIR profile ->
// assessment -> the cards core/cds_policy.h chooses, written by render/cds_cards.h. The HTTP
// adapter (http/cds_hooks_routes.cc) parses, fetches missing prefetch, then calls this.
#pragma once

#include <string>

#include "codec/cds_request.h"
#include "codec/fhir_profile.h"
#include "core/assessment.h"
#include "core/cds_policy.h"
#include "core/result.h"

namespace willis::app {

/// The body {"cards": [...]} for a request whose profile is mapped and assessed already.
std::string hook_cards_json(const codec::CdsRequest& request, const core::CdsService& service,
                            const codec::FhirProfile& mapped, const core::Assessment& assessment,
                            const codec::FhirTerms& terms, const codec::CdsOptions& options);

/// Everything after the adapter has the prefetch: profile, assessment, cards. Returns the
/// response body, or the Error of codec::cds_profile when the data cannot be read (parse_error,
/// invalid_type). Data that is readable but not enough to assess (no Patient, no birth date)
/// gets one info card saying so rather than failing the EHR's workflow.
core::Result<std::string> answer_hook(const codec::CdsRequest& request,
                                      const core::CdsService& service,
                                      const codec::FhirTerms& terms,
                                      const codec::CdsOptions& options);

}  // namespace willis::app
