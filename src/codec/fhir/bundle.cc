// src/codec/fhir/bundle.cc: reading FHIR input (Bundles, single resources, NDJSON) into the
// mapper's records, and the public FhirMapper entry points.
#include <fmt/format.h>

#include "codec/fhir/mapper.h"
#include "codec/fhir/text.h"
#include "codec/strict_input.h"

namespace willis::codec {

using core::Errc;
using core::Error;
using namespace fhir;

bool looks_like_fhir(std::string_view text) {
  std::size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // UTF-8 byte-order mark
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos >= text.size() || text[pos] != '{') return false;
  // The first document (or NDJSON line) names a resourceType; a profile never has that key.
  const std::size_t line_end = text.find('\n', pos);
  const std::string_view first =
      text.substr(pos, line_end == std::string_view::npos ? text.npos : line_end - pos);
  if (first.find("\"resourceType\"") != std::string_view::npos) return true;
  return text.find("\"resourceType\"") != std::string_view::npos;
}

std::optional<Error> FhirMapper::Impl::add(const element& resource, std::string_view full_url,
                                           bool draft, int depth) {
  simdjson::dom::object obj;
  if (resource.get(obj))
    return Error(Errc::invalid_type, "resource", "expected a FHIR resource (a JSON object)");
  const std::string_view type = str(resource, "resourceType");
  if (type.empty())
    return Error(Errc::missing_field, "resourceType",
                 "not a FHIR resource: no \"resourceType\" (expected a Bundle, a resource or "
                 "NDJSON of resources)");
  ++order;
  if (type == "Bundle") {
    if (depth > 8) return Error(Errc::invalid_value, "Bundle", "Bundles nested more than 8 deep");
    std::optional<Error> failure;
    for_each(resource, "entry", [&](const element& entry) {
      if (failure) return;
      const auto inner = child(entry, "resource");
      if (!inner) return;  // e.g. a transaction DELETE entry
      failure = add(*inner, str(entry, "fullUrl"), draft, depth + 1);
    });
    return failure;
  }
  if (type == "Patient")
    read_patient(resource, full_url);
  else if (type == "MedicationRequest" || type == "MedicationStatement")
    read_med(resource, type, full_url, draft);
  else if (type == "Medication")
    read_medication(resource, full_url);
  else if (type == "Observation")
    read_observation(resource);
  else if (type == "Condition")
    read_condition(resource);
  else
    ++skipped_types[std::string(type)];
  return std::nullopt;
}

void FhirMapper::Impl::read_patient(const element& r, std::string_view full_url) {
  const std::string id(str(r, "id"));
  if (patient.present) {
    if (id != patient.id || id.empty()) ++other_patients;
    return;
  }
  patient.present = true;
  patient.id = id;
  patient.full_url = std::string(full_url);
  patient.birth_date = std::string(str(r, "birthDate"));
  patient.gender = std::string(str(r, "gender"));
  patient.deceased =
      boolean(r, "deceasedBoolean").value_or(false) || !str(r, "deceasedDateTime").empty();
  for_each(r, "address", [&](const element& address) {
    if (patient.country.empty()) patient.country = std::string(str(address, "country"));
  });
}

void FhirMapper::Impl::read_medication(const element& r, std::string_view full_url) {
  const MedicationInfo info = medication_info(r);
  const std::string_view id = str(r, "id");
  if (!id.empty()) medications["Medication/" + std::string(id)] = info;
  if (!full_url.empty()) medications[std::string(full_url)] = info;
}

// ---------------------------------------------------------------- the public entry points

FhirMapper::FhirMapper(const FhirTerms& terms, FhirOptions options)
    : impl_(std::make_unique<Impl>(terms, options)) {}
FhirMapper::~FhirMapper() = default;
FhirMapper::FhirMapper(FhirMapper&&) noexcept = default;
FhirMapper& FhirMapper::operator=(FhirMapper&&) noexcept = default;

std::optional<Error> FhirMapper::add(const element& resource, std::string_view full_url,
                                     bool draft) {
  return impl_->add(resource, full_url, draft, 0);
}

std::optional<Error> FhirMapper::add_json(std::string_view json, bool draft) {
  element doc;
  if (const auto err = impl_->parser.parse(json.data(), json.size()).get(doc))
    return Error(Errc::parse_error, "",
                 fmt::format("not valid JSON: {}", simdjson::error_message(err)));
  return impl_->add(doc, {}, draft, 0);
}

core::Result<FhirProfile> FhirMapper::finish() && {
  return impl_->finish();
}

namespace {

// NDJSON: one resource per line; blank lines allowed. Returns the error and its line.
std::optional<std::pair<Error, int>> add_ndjson(FhirMapper& mapper, std::string_view text) {
  int line_no = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    ++line_no;
    start = end + 1;
    if (trim_copy(line).empty()) {
      if (end == text.size()) break;
      continue;
    }
    if (auto error = mapper.add_json(line)) return std::make_pair(*error, line_no);
    if (end == text.size()) break;
  }
  return std::nullopt;
}

}  // namespace

core::Result<FhirProfile> parse_fhir_profile(std::string_view text, const std::string& source_name,
                                             const FhirTerms& terms, const FhirOptions& options) {
  FhirMapper mapper(terms, options);
  auto with_file = [&](Error error, int line) {
    error.file = source_name;
    error.line = line;
    return error;
  };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // Strict (issue 13): simdjson keeps the first of two equal keys; a duplicate is an error here.
  if (auto error = check_json(text, source_name)) return *error;
  simdjson::dom::parser parser;
  element doc;
  if (!parser.parse(text.data(), text.size()).get(doc)) {
    if (auto error = mapper.add(doc, {}, false)) return with_file(*error, 0);
  } else if (auto failure = add_ndjson(mapper, text)) {
    return with_file(failure->first, failure->second);
  }
  auto result = std::move(mapper).finish();
  if (!result.ok()) return with_file(result.error(), 0);
  return result;
}

}  // namespace willis::codec
