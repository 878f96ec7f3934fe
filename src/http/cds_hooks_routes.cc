// src/http/cds_hooks_routes.cc: CDS Hooks over cpp-httplib. Parse -> (fetch) -> app -> respond;
// no clinical decision is made here.
#include "http/cds_hooks_routes.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <stdexcept>

#include "app/answer_hook.h"
#include "codec/cds_request.h"
#include "codec/fhir_profile.h"
#include "http/hardened_server.h"
#include "http/outbound.h"
#include "render/cds_cards.h"
#include "willis_version.h"

namespace willis::http {

namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kJson = "application/json";

/// CORS on /cds-services* only: CDS clients (and browser-based EHR simulators) call from other
/// origins. No credentials are allowed cross-origin, so a browser never sends cookies here.
void cors(Response& res) {
  res.headers.erase("Access-Control-Allow-Origin");  // the gate set it already for its own errors
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
  res.set_header("Access-Control-Max-Age", "600");
}

void outcome(Response& res, int status, std::string_view code, std::string_view diagnostics) {
  res.status = status;
  res.set_content(render::operation_outcome_json(code, diagnostics), kJson);
}

/// One FHIR read from the EHR's server, through the one outbound client (http/outbound.h):
/// bounded in time and size, redirects never followed, http(s) only.
OutboundResult fetch_fhir(std::string base, const std::string& query, const std::string& token,
                          const CdsHooksConfig& config) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  OutboundLimits limits;
  limits.timeout_ms = config.fetch_timeout_ms;
  limits.max_bytes = config.max_fetch_bytes;
  return outbound_get(base + "/" + query, "application/fhir+json", token, limits);
}

}  // namespace

std::string normalize_origin(std::string_view url, bool allow_path) {
  std::string text;
  for (const char ch : url) text += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string scheme;
  int port = 0;
  if (text.rfind("https://", 0) == 0) {
    scheme = "https";
    port = 443;
  } else if (text.rfind("http://", 0) == 0) {
    scheme = "http";
    port = 80;
  } else {
    return {};
  }
  std::string rest = text.substr(scheme.size() + 3);
  const auto path_start = rest.find('/');
  if (path_start != std::string::npos) {
    if (!allow_path && rest.find_first_not_of('/', path_start) != std::string::npos) return {};
    rest.resize(path_start);
  }
  std::string host = rest;
  if (const auto colon = rest.rfind(':');
      colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    const std::string digits = rest.substr(colon + 1);
    if (digits.empty() || digits.size() > 5 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return {};
    port = std::stoi(digits);
    if (port < 1 || port > 65535) return {};
  }
  if (host.empty()) return {};
  const bool bracketed = host.front() == '[' && host.back() == ']' && host.size() > 2;
  for (const char ch : bracketed ? host.substr(1, host.size() - 2) : host)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' ||
          (bracketed && ch == ':')))
      return {};
  return scheme + "://" + host + ":" + std::to_string(port);
}

bool is_bearer_token(std::string_view token) {
  std::size_t idx = 0;
  while (idx < token.size() &&
         (std::isalnum(static_cast<unsigned char>(token[idx])) ||
          std::string_view("-._~+/").find(token[idx]) != std::string_view::npos))
    ++idx;
  if (idx == 0) return false;
  while (idx < token.size() && token[idx] == '=') ++idx;
  return idx == token.size();
}

namespace {

struct State {
  explicit State(const CdsHooksConfig& c)
      : config(c), terms(c.kb, c.names), prefetch(codec::cds_prefetch_templates(c.kb)) {
    if (!config.today) throw std::invalid_argument("CdsHooksConfig.today is required");
  }
  CdsHooksConfig config;
  codec::FhirTerms terms;
  const codec::PrefetchTemplates prefetch;  // from the KB's LOINC codes; the same for every request
  std::shared_ptr<CdsHooksCounters> counters = std::make_shared<CdsHooksCounters>();
};

void discovery(const State& state, const Request&, Response& res) {
  cors(res);
  res.set_content(
      render::cds_discovery_json(state.prefetch, {willis::kVersion, state.config.kb.version}),
      kJson);
}

void hook(State& state, const Request& req, Response& res) {
  cors(res);
  const codec::CdsService* service = codec::find_cds_service(req.matches[1].str());
  if (!service)
    return outcome(res, 404, "not-found", "no CDS service \"" + req.matches[1].str() + "\" here");
  if (req.body.size() > state.config.max_body_bytes)
    return outcome(
        res, 413, "too-costly",
        "the request is larger than " + std::to_string(state.config.max_body_bytes) + " bytes");
  auto parsed = codec::parse_cds_request(req.body, *service);
  if (!parsed.ok()) {
    const auto& e = parsed.error();
    return outcome(res, 400, e.code == core::Errc::missing_field ? "required" : "invalid",
                   e.path.empty() ? e.message : e.path + ": " + e.message);
  }
  codec::CdsRequest& request = parsed.value();
  const auto missing = codec::missing_prefetch(request, state.prefetch);
  if (!missing.empty()) {
    std::string keys;
    for (const auto& key : missing) keys += (keys.empty() ? "" : ", ") + key;
    // Outbound requests are opt-in (--fhir-allow): any other fhirServer gets exactly the answer a
    // request without one gets, and no connection, so a caller learns nothing about other hosts.
    const std::string origin = normalize_origin(request.fhir_server, true);
    const auto& allowed = state.config.fhir_allow;
    if (request.fhir_server.empty() || !state.config.allow_fetch || origin.empty() ||
        std::find(allowed.begin(), allowed.end(), origin) == allowed.end())
      return outcome(res, 412, "required",
                     "prefetch missing (" + keys +
                         ") and no fhirServer willis may read it from: send the prefetch "
                         "listed by GET /cds-services (willis reads only from servers started with "
                         "--fhir-allow)");
    if (!request.access_token.empty() && !is_bearer_token(request.access_token))
      return outcome(res, 400, "invalid",
                     "fhirAuthorization.access_token: not an RFC 6750 bearer token");
    for (const auto& key : missing) {
      ++state.counters->fetches;
      const OutboundResult fetched =
          fetch_fhir(request.fhir_server, codec::prefetch_query(key, request, state.prefetch),
                     request.access_token, state.config);
      if (!fetched.ok)
        return outcome(res, 412, "required",
                       "prefetch " + key +
                           " missing and reading it from fhirServer failed: " + fetched.problem);
      request.prefetch.emplace_back(key, fetched.body);
    }
  }
  codec::CdsOptions options;
  options.as_of = state.config.today();
  options.report_url = state.config.report_url;
  auto answer = app::answer_hook(request, *service, state.terms, options);
  if (!answer.ok()) {
    const auto& e = answer.error();
    return outcome(res, 400, "invalid", e.path.empty() ? e.message : e.path + ": " + e.message);
  }
  ++state.counters->requests;
  res.status = 200;
  res.set_content(std::move(answer).value(), kJson);
}

void feedback(State& state, const Request& req, Response& res) {
  cors(res);
  if (!codec::find_cds_service(req.matches[1].str()))
    return outcome(res, 404, "not-found", "no CDS service \"" + req.matches[1].str() + "\" here");
  if (req.body.size() > state.config.max_body_bytes)
    return outcome(res, 413, "too-costly", "the feedback is too large");
  const auto items = codec::parse_cds_feedback(req.body);
  if (!items.ok()) {
    const auto& e = items.error();
    return outcome(res, 400, "invalid", e.path.empty() ? e.message : e.path + ": " + e.message);
  }
  // Counted only: the feedback names cards and outcomes, which willis does not keep.
  ++state.counters->feedback_calls;
  state.counters->feedback_items += static_cast<std::uint64_t>(items.value());
  res.status = 200;
  res.set_content("{}", kJson);
}

}  // namespace

std::shared_ptr<const CdsHooksCounters> add_cds_hooks_routes(httplib::Server& server,
                                                             const CdsHooksConfig& config) {
  auto state = std::make_shared<State>(config);
  server.Get("/cds-services",
             [state](const Request& req, Response& res) { discovery(*state, req, res); });
  post_reading_body(server, R"(/cds-services/([A-Za-z0-9-]+))",
                    [state](const Request& req, Response& res) { hook(*state, req, res); });
  post_reading_body(server, R"(/cds-services/([A-Za-z0-9-]+)/feedback)",
                    [state](const Request& req, Response& res) { feedback(*state, req, res); });
  server.Options(R"(/cds-services(/[A-Za-z0-9/-]*)?)", [](const Request&, Response& res) {
    cors(res);
    res.status = 204;
  });
  return std::shared_ptr<const CdsHooksCounters>(state, state->counters.get());
}

}  // namespace willis::http
