// src/http/outbound.h: the one outbound HTTP client of `willis serve` (FHIR reads for missing CDS
// Hooks prefetch, EHR JWKS documents). Every request is bounded in time and size, follows no
// redirect (so it can never be steered to another host) and is http(s) only. Callers decide
// whether a URL may be contacted at all (allow-lists); this file only makes the request.
//
//     http::OutboundLimits limits;                              // 5 s, 8 MiB
//     auto got = http::outbound_get("https://ehr.example/jwks.json", "application/json", "",
//     limits); if (!got.ok) ... got.problem ...                          // else got.body
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace willis::http {

struct OutboundLimits {
  int timeout_ms = 5000;                    ///< connect, read and write timeout
  std::size_t max_bytes = 8 * 1024 * 1024;  ///< a larger answer is refused
};

struct OutboundResult {
  bool ok = false;      ///< HTTP 200 within the limits
  std::string body;     ///< the answer's body when ok
  std::string problem;  ///< why not, when !ok (no body content in it)
};

/// GET `url` (http(s)://HOST[:PORT][/PATH][?QUERY]) with `Accept: accept` and, when `bearer` is
/// not empty, `Authorization: Bearer bearer`. A URL or token with a control character, a space or
/// a non-ASCII byte is refused before any connection is made.
OutboundResult outbound_get(const std::string& url, std::string_view accept,
                            const std::string& bearer, const OutboundLimits& limits);

}  // namespace willis::http
