// src/codec/fhir/json.cc: reading FHIR JSON members (see json.h).
#include "codec/fhir/json.h"

namespace willis::codec::fhir {

std::string_view str(const element& e, const char* key) {
  std::string_view value;
  if (e[key].get(value)) return {};
  return value;
}

std::optional<element> child(const element& e, const char* key) {
  element value;
  if (e[key].get(value)) return std::nullopt;
  return value;
}

std::optional<double> number(const element& e, const char* key) {
  double value = 0;
  if (e[key].get(value)) return std::nullopt;
  return value;
}

std::optional<bool> boolean(const element& e, const char* key) {
  bool value = false;
  if (e[key].get(value)) return std::nullopt;
  return value;
}

std::string Concept::label() const {
  if (!text.empty()) return text;
  for (const auto& c : codings)
    if (!c.display.empty()) return c.display;
  for (const auto& c : codings)
    if (!c.code.empty()) return c.code;
  return {};
}

Concept concept_of(const element& cc) {
  Concept out;
  for_each(cc, "coding", [&](const element& coding) {
    out.codings.push_back({std::string(str(coding, "system")), std::string(str(coding, "code")),
                           std::string(str(coding, "display"))});
  });
  out.text = std::string(str(cc, "text"));
  return out;
}

std::string_view effective_time(const element& r) {
  std::string_view when = str(r, "effectiveDateTime");
  if (when.empty()) when = str(r, "effectiveInstant");
  if (when.empty())
    if (auto period = child(r, "effectivePeriod")) {
      when = str(*period, "end");
      if (when.empty()) when = str(*period, "start");
    }
  if (when.empty()) when = str(r, "issued");
  return when;
}

std::string subject_of(const element& r) {
  if (auto subject = child(r, "subject")) return std::string(str(*subject, "reference"));
  if (auto subject = child(r, "patient")) return std::string(str(*subject, "reference"));
  return {};
}

}  // namespace willis::codec::fhir
