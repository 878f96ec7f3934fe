// src/http/cds_hooks_routes.h: the CDS Hooks 2.0 service inside `willis serve`. A thin adapter:
// HTTP, CORS and fetching missing prefetch from the EHR's FHIR server here; everything else
// (validation, FHIR mapping, assessment, cards) is app/answer_hook.h.
//
//     httplib::Server server;
//     app.install(server);                          // the web app: Host check, headers, limits
//     http::CdsHooksConfig cds(kb, names);          // + .today, .report_url
//     http::add_cds_hooks_routes(server, cds);
//
// Routes (CORS headers on these only):
//   GET  /cds-services                      discovery: willis-patient-view, -order-select,
//   -order-sign POST /cds-services/{id}                 cards; 400 malformed, 404 unknown service,
//   412 prefetch
//                                           missing and no allowed fhirServer (OperationOutcome
//                                           bodies)
//   POST /cds-services/{id}/feedback        accepted and counted; nothing stored
//   OPTIONS /cds-services...                CORS preflight
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/kb.h"
#include "core/names.h"

namespace httplib {
class Server;
}

namespace willis::http {

/// What the CDS Hooks routes need. `kb` and `names` must outlive the server.
struct CdsHooksConfig {
  CdsHooksConfig(const core::Kb& kb_, const core::NameIndex& names_) : kb(kb_), names(names_) {}

  const core::Kb& kb;
  const core::NameIndex& names;
  /// Today's local date (ages are computed at it). Required: `willis serve` passes
  /// app::Clock::today.
  std::function<core::CalendarDate()> today;
  /// An absolute URL of the willis report for a patient ("{patientId}" is replaced); empty = cards
  /// carry no report link.
  std::string report_url;
  std::size_t max_body_bytes = 4 * 1024 * 1024;   ///< larger hook requests get 413
  std::size_t max_fetch_bytes = 8 * 1024 * 1024;  ///< per FHIR read from fhirServer
  int fetch_timeout_ms = 5000;                    ///< connect and read timeout per FHIR read
  bool allow_fetch = true;  ///< false: never contact fhirServer (missing prefetch is a 412)
  /// The only FHIR servers willis may contact, as exact origins "https://ehr.example:443" (scheme,
  /// host, port; `willis serve --fhir-allow`, see normalize_origin). Empty = none: a missing
  /// prefetch is a 412 whatever fhirServer says, and no connection is made.
  std::vector<std::string> fhir_allow;
};

/// "HTTPS://EHR.example/" -> "https://ehr.example:443"; "" when `url` is not an http(s) origin
/// (a path, user info, a query or a character outside a host name makes it not one). With
/// `allow_path`, a path after the origin is allowed and ignored (for fhirServer base URLs).
std::string normalize_origin(std::string_view url, bool allow_path = false);

/// True for an RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
bool is_bearer_token(std::string_view token);

/// Counters for operators and tests; no health data.
struct CdsHooksCounters {
  std::atomic<std::uint64_t> requests{0};        ///< hook calls answered with cards
  std::atomic<std::uint64_t> fetches{0};         ///< FHIR reads made for missing prefetch
  std::atomic<std::uint64_t> feedback_calls{0};  ///< POST …/feedback accepted
  std::atomic<std::uint64_t> feedback_items{0};  ///< feedback entries in them
};

/// Registers the routes above on `server`. The server's own pre-routing gate (Host check, token)
/// still runs first. Returns the counters (shared with the handlers).
std::shared_ptr<const CdsHooksCounters> add_cds_hooks_routes(httplib::Server& server,
                                                             const CdsHooksConfig& config);

}  // namespace willis::http
