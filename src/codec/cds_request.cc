// src/codec/cds_request.cc: CDS Hooks 2.0 bodies in: strict parsing of requests and feedback.
#include "codec/cds_request.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cctype>

#include "codec/fhir/json.h"
#include "codec/strict_input.h"

namespace willis::codec {

using core::Errc;
using core::Error;
using fhir::child;  // the FHIR JSON member readers (codec/fhir/json.h)
using fhir::str;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

std::string percent_encode(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

/// A string member into `out`: absent or null is an error only when `required`.
std::optional<Error> text(const element& e, const char* key, const std::string& path, bool required,
                          std::string& out) {
  element value;
  if (e[key].get(value) || value.is_null()) {
    if (required) return Error(Errc::missing_field, path, fmt::format("\"{}\" is required", path));
    return std::nullopt;
  }
  std::string_view s;
  if (value.get(s))
    return Error(Errc::invalid_type, path, fmt::format("\"{}\" must be a string", path));
  out = std::string(s);
  return std::nullopt;
}

/// hook, hookInstance, fhirServer, fhirAuthorization.
std::optional<Error> read_envelope(const element& root, const CdsService& service,
                                   CdsRequest& request) {
  if (auto e = text(root, "hook", "hook", true, request.hook)) return e;
  if (request.hook != service.hook_name)
    return Error(Errc::invalid_value, "hook",
                 fmt::format("service {} answers the {} hook, not \"{}\"", service.id,
                             service.hook_name, request.hook));
  if (auto e = text(root, "hookInstance", "hookInstance", true, request.hook_instance)) return e;
  if (request.hook_instance.empty())
    return Error(Errc::invalid_value, "hookInstance", "\"hookInstance\" is empty");
  if (auto e = text(root, "fhirServer", "fhirServer", false, request.fhir_server)) return e;
  if (auto auth = child(root, "fhirAuthorization"); auth && !auth->is_null()) {
    if (auth->type() != simdjson::dom::element_type::OBJECT)
      return Error(Errc::invalid_type, "fhirAuthorization",
                   "\"fhirAuthorization\" must be an object");
    if (auto e = text(*auth, "access_token", "fhirAuthorization.access_token", true,
                      request.access_token))
      return e;
  }
  return std::nullopt;
}

/// context.selections of order-select.
std::optional<Error> read_selections(const element& context, CdsRequest& request) {
  const auto selections = child(context, "selections");
  if (!selections || selections->is_null())
    return Error(Errc::missing_field, "context.selections", "\"context.selections\" is required");
  array items;
  if (selections->get(items))
    return Error(Errc::invalid_type, "context.selections", "\"context.selections\" must be a list");
  for (const element item : items) {
    std::string_view s;
    if (item.get(s))
      return Error(Errc::invalid_type, "context.selections",
                   "\"context.selections\" must list strings");
    request.selections.emplace_back(s);
  }
  return std::nullopt;
}

/// context: patientId, userId, encounterId, and the draft orders of the order hooks.
std::optional<Error> read_context(const element& root, const CdsService& service,
                                  CdsRequest& request) {
  const auto context = child(root, "context");
  if (!context || context->is_null())
    return Error(Errc::missing_field, "context", "\"context\" is required");
  if (context->type() != simdjson::dom::element_type::OBJECT)
    return Error(Errc::invalid_type, "context", "\"context\" must be an object");
  if (auto e = text(*context, "patientId", "context.patientId", true, request.patient_id)) return e;
  if (auto e = text(*context, "userId", "context.userId", false, request.user_id)) return e;
  if (auto e = text(*context, "encounterId", "context.encounterId", false, request.encounter_id))
    return e;
  if (service.hook == CdsHook::patient_view) return std::nullopt;
  const auto drafts = child(*context, "draftOrders");
  if (!drafts || drafts->is_null())
    return Error(Errc::missing_field, "context.draftOrders",
                 "\"context.draftOrders\" (a Bundle) is required");
  if (drafts->type() != simdjson::dom::element_type::OBJECT ||
      str(*drafts, "resourceType") != "Bundle")
    return Error(Errc::invalid_type, "context.draftOrders",
                 "\"context.draftOrders\" must be a FHIR Bundle");
  request.draft_orders = simdjson::minify(*drafts);
  if (service.hook == CdsHook::order_select) return read_selections(*context, request);
  return std::nullopt;
}

std::optional<Error> read_prefetch(const element& root, CdsRequest& request) {
  const auto prefetch = child(root, "prefetch");
  if (!prefetch || prefetch->is_null()) return std::nullopt;
  object items;
  if (prefetch->get(items))
    return Error(Errc::invalid_type, "prefetch", "\"prefetch\" must be an object");
  for (const auto field : items) {
    if (field.value.is_null()) continue;  // the client could not fetch it: willis may
    if (field.value.type() != simdjson::dom::element_type::OBJECT)
      return Error(Errc::invalid_type, "prefetch." + std::string(field.key),
                   "a prefetch item must be a FHIR resource or Bundle");
    request.prefetch.emplace_back(std::string(field.key), simdjson::minify(field.value));
  }
  return std::nullopt;
}

}  // namespace

PrefetchTemplates cds_prefetch_templates(const core::Kb& kb) {
  std::string codes;
  for (const auto code : loinc_codes_read(kb))
    codes += (codes.empty() ? "" : ",") + std::string("http://loinc.org|") + std::string(code);
  return PrefetchTemplates{
      {"patient", "Patient/{{context.patientId}}"},
      {"medicationRequests",
       "MedicationRequest?patient={{context.patientId}}&status=active,on-hold&_include="
       "MedicationRequest:medication"},
      {"medicationStatements",
       "MedicationStatement?patient={{context.patientId}}&status=active,intended,on-hold"},
      {"conditions",
       "Condition?patient={{context.patientId}}&clinical-status=active,recurrence,relapse"},
      {"observations", "Observation?patient={{context.patientId}}&code=" + codes + "&_sort=-date"},
  };
}

const std::string* CdsRequest::prefetched(std::string_view key) const {
  for (const auto& [name, json] : prefetch)
    if (name == key) return &json;
  return nullptr;
}

core::Result<CdsRequest> parse_cds_request(std::string_view body, const CdsService& service) {
  // Strict (issue 13): a duplicate key anywhere (prefetch included), invalid UTF-8 or a control
  // character is an error naming the line, before simdjson (which keeps the first key) reads it.
  if (auto error = check_json(body, "request body")) return *error;
  simdjson::dom::parser parser;
  element root;
  if (const auto err = parser.parse(body.data(), body.size()).get(root))
    return Error(Errc::parse_error, "",
                 fmt::format("the body is not JSON: {}", simdjson::error_message(err)));
  if (root.type() != simdjson::dom::element_type::OBJECT)
    return Error(Errc::invalid_type, "", "the body must be a JSON object");
  CdsRequest request;
  if (auto e = read_envelope(root, service, request)) return *e;
  if (auto e = read_context(root, service, request)) return *e;
  if (auto e = read_prefetch(root, request)) return *e;
  return request;
}

std::vector<std::string> missing_prefetch(const CdsRequest& request,
                                          const PrefetchTemplates& templates) {
  std::vector<std::string> missing;
  for (const auto& [key, query] : templates)
    if (!request.prefetched(key)) missing.push_back(key);
  return missing;
}

std::string prefetch_query(std::string_view key, const CdsRequest& request,
                           const PrefetchTemplates& templates) {
  for (const auto& [name, query] : templates)
    if (name == key) {
      std::string filled =
          replace_all(query, "{{context.patientId}}", percent_encode(request.patient_id));
      filled = replace_all(filled, "{{context.userId}}", percent_encode(request.user_id));
      return replace_all(filled, "{{context.encounterId}}", percent_encode(request.encounter_id));
    }
  return {};
}

std::string patient_link(std::string_view report_url, const CdsRequest& request) {
  return replace_all(std::string(report_url), "{patientId}", percent_encode(request.patient_id));
}

core::Result<FhirProfile> cds_profile(const CdsRequest& request, const FhirTerms& terms,
                                      const CdsOptions& options) {
  FhirMapper mapper(terms, {options.as_of, options.jurisdiction});
  for (const auto& [key, json] : request.prefetch)
    if (auto error = mapper.add_json(json)) {
      error->path = "prefetch." + key + (error->path.empty() ? "" : "." + error->path);
      return *error;
    }
  if (!request.draft_orders.empty())
    if (auto error = mapper.add_json(request.draft_orders, true)) {
      error->path = "context.draftOrders" + (error->path.empty() ? "" : "." + error->path);
      return *error;
    }
  return std::move(mapper).finish();
}

core::Result<int> parse_cds_feedback(std::string_view body) {
  simdjson::dom::parser parser;
  element root;
  if (const auto err = parser.parse(body.data(), body.size()).get(root))
    return Error(Errc::parse_error, "",
                 fmt::format("the body is not JSON: {}", simdjson::error_message(err)));
  array items;
  if (root["feedback"].get(items))
    return Error(Errc::missing_field, "feedback", "\"feedback\" (a list) is required");
  int count = 0;
  for (const element item : items) {
    const std::string path = fmt::format("feedback[{}]", count);
    if (item.type() != simdjson::dom::element_type::OBJECT)
      return Error(Errc::invalid_type, path, "each feedback item must be an object");
    for (const char* key : {"card", "outcome", "outcomeTimestamp"})
      if (str(item, key).empty())
        return Error(Errc::missing_field, path + "." + key,
                     fmt::format("\"{}\" (a string) is required", key));
    const std::string_view outcome = str(item, "outcome");
    if (outcome != "accepted" && outcome != "overridden")
      return Error(Errc::invalid_value, path + ".outcome",
                   "\"outcome\" must be accepted or overridden");
    ++count;
  }
  return count;
}

}  // namespace willis::codec
