// src/audit/resource.cc: one pass of simdjson On Demand over a resource, taking only the fields the
// indicators read. The resource type may come anywhere in the object, so every field is matched by
// its key and interpreted once the type is known.
#include "audit/resource.h"

#include <cstring>

namespace willis::audit {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

namespace {

#define WILLIS_TRY(expr)                                   \
  do {                                                     \
    if (const error_code err_ = (expr); err_) return err_; \
  } while (0)

/// A key as written (keys with escapes never match the names below, which have none).
std::string_view key_of(ondemand::field& field) {
  const char* start = field.key().raw();
  const char* end = start;
  while (*end != '"') ++end;
  return {start, static_cast<std::size_t>(end - start)};
}

/// A string value; a value of another type is left alone (as if absent).
error_code string_of(ondemand::value value, std::string_view& out) {
  const error_code err = value.get_string().get(out);
  if (err == simdjson::INCORRECT_TYPE) return simdjson::SUCCESS;
  return err;
}

/// Calls each(key, value) for each member of an object value; a non-object is left alone.
template <typename Each>
error_code members(ondemand::value value, Each&& each) {
  ondemand::object object;
  const error_code err = value.get_object().get(object);
  if (err == simdjson::INCORRECT_TYPE) return simdjson::SUCCESS;
  WILLIS_TRY(err);
  for (auto member : object) {
    ondemand::field field;
    WILLIS_TRY(std::move(member).get(field));
    WILLIS_TRY(each(key_of(field), field.value()));
  }
  return simdjson::SUCCESS;
}

/// Calls each(value) for each element of an array value; a non-array is left alone.
template <typename Each>
error_code elements(ondemand::value value, Each&& each) {
  ondemand::array array;
  const error_code err = value.get_array().get(array);
  if (err == simdjson::INCORRECT_TYPE) return simdjson::SUCCESS;
  WILLIS_TRY(err);
  for (auto element : array) {
    ondemand::value item;
    WILLIS_TRY(std::move(element).get(item));
    WILLIS_TRY(each(item));
  }
  return simdjson::SUCCESS;
}

/// A CodeableConcept: codings into out.codings, text into out.text.
error_code read_concept(ondemand::value value, ResourceView& out) {
  return members(value, [&](std::string_view key, ondemand::value member) -> error_code {
    if (key == "text") return string_of(member, out.text);
    if (key != "coding") return simdjson::SUCCESS;
    return elements(member, [&](ondemand::value item) -> error_code {
      Coding coding;
      WILLIS_TRY(members(item, [&](std::string_view k, ondemand::value v) -> error_code {
        if (k == "system") return string_of(v, coding.system);
        if (k == "code") return string_of(v, coding.code);
        if (k == "display") return string_of(v, coding.display);
        return simdjson::SUCCESS;
      }));
      out.codings.push_back(coding);
      return simdjson::SUCCESS;
    });
  });
}

/// The codes of a status CodeableConcept (clinicalStatus, verificationStatus).
template <typename Each>
error_code status_codes(ondemand::value value, Each&& each) {
  return members(value, [&](std::string_view key, ondemand::value member) -> error_code {
    if (key != "coding") return simdjson::SUCCESS;
    return elements(member, [&](ondemand::value item) -> error_code {
      return members(item, [&](std::string_view k, ondemand::value v) -> error_code {
        if (k != "code") return simdjson::SUCCESS;
        std::string_view code;
        WILLIS_TRY(string_of(v, code));
        each(code);
        return simdjson::SUCCESS;
      });
    });
  });
}

/// One Dosage: timing.repeat.timeOfDay / when, or timing words in text / patientInstruction.
error_code read_dosage(ondemand::value value, ResourceView& out) {
  return members(value, [&](std::string_view key, ondemand::value member) -> error_code {
    if (key == "text" || key == "patientInstruction") {
      std::string_view text;
      WILLIS_TRY(string_of(member, text));
      if (has_timing_words(text)) out.timed = true;
      return simdjson::SUCCESS;
    }
    if (key != "timing") return simdjson::SUCCESS;
    return members(member, [&](std::string_view k, ondemand::value timing) -> error_code {
      if (k != "repeat") return simdjson::SUCCESS;
      return members(timing, [&](std::string_view r, ondemand::value repeat) -> error_code {
        if (r != "timeOfDay" && r != "when") return simdjson::SUCCESS;
        return elements(repeat, [&](ondemand::value) -> error_code {
          out.timed = true;
          return simdjson::SUCCESS;
        });
      });
    });
  });
}

bool is_type_name(std::string_view name) {
  if (name.size() < 2 || name[0] < 'A' || name[0] > 'Z') return false;
  for (const char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

ResourceType type_of(std::string_view name) {
  if (name == "Patient") return ResourceType::patient;
  if (name == "Medication") return ResourceType::medication;
  if (name == "MedicationRequest") return ResourceType::medication_request;
  if (name == "MedicationStatement") return ResourceType::medication_statement;
  if (name == "Observation") return ResourceType::observation;
  if (name == "Condition") return ResourceType::condition;
  return ResourceType::other;
}

std::string malformed(error_code err) {
  return std::string("malformed JSON: ") + simdjson::error_message(err);
}

}  // namespace

std::string_view ResourceView::subject_patient() const {
  constexpr std::string_view kPrefix = "Patient/";
  if (subject.size() <= kPrefix.size() || subject.substr(0, kPrefix.size()) != kPrefix) return {};
  const std::string_view patient = subject.substr(kPrefix.size());
  if (patient.find('/') != std::string_view::npos) return {};
  return patient;
}

bool has_timing_words(std::string_view text) {
  static constexpr std::string_view kWords[] = {"before", "after", "apart", "separat"};
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  for (const auto word : kWords) {
    if (text.size() < word.size()) continue;
    for (std::size_t at = 0; at + word.size() <= text.size(); ++at) {
      std::size_t matched = 0;
      while (matched < word.size() && lower(text[at + matched]) == word[matched]) ++matched;
      if (matched == word.size()) return true;
    }
  }
  return false;
}

std::string read_resource(ondemand::parser& parser, simdjson::padded_string_view json,
                          ResourceView& out) {
  out.type = ResourceType::other;
  out.type_name = out.id = out.subject = out.status = out.text = out.medication_ref = out.date = {};
  out.codings.clear();
  out.timed = out.has_value = out.has_clinical_status = out.clinical_active =
      out.verification_excluded = false;
  out.value = 0;
  out.comparator = out.unit = {};
  out.deceased_date = {};
  out.has_deceased_date = out.deceased_flag = false;

  ondemand::document doc;
  if (const error_code err = parser.iterate(json).get(doc)) return malformed(err);
  ondemand::object object;
  if (const error_code err = doc.get_object().get(object))
    return err == simdjson::INCORRECT_TYPE ? "malformed JSON: not a JSON object" : malformed(err);

  // Dates, kept apart until the type says which one counts.
  std::string_view authored_on, effective_date_time, period_start, effective_instant, issued,
      date_asserted;
  std::string_view quantity_code, quantity_unit;
  bool type_is_string = true;
  const auto each = [&](std::string_view key, ondemand::value value) -> error_code {
    switch (key.size()) {
      case 2:
        if (key == "id") return string_of(value, out.id);
        break;
      case 4:
        if (key == "code") return read_concept(value, out);
        break;
      case 6:
        if (key == "status") return string_of(value, out.status);
        if (key == "issued") return string_of(value, issued);
        if (key == "dosage")
          return elements(value, [&](ondemand::value d) { return read_dosage(d, out); });
        break;
      case 7:
        if (key == "subject")
          return members(value, [&](std::string_view k, ondemand::value v) -> error_code {
            return k == "reference" ? string_of(v, out.subject) : simdjson::SUCCESS;
          });
        break;
      case 10:
        if (key == "authoredOn") return string_of(value, authored_on);
        break;
      case 12:
        if (key == "resourceType") {
          const error_code err = value.get_string().get(out.type_name);
          if (err == simdjson::INCORRECT_TYPE)
            type_is_string = false;
          else
            return err;
        }
        if (key == "dateAsserted") return string_of(value, date_asserted);
        break;
      case 13:
        if (key == "valueQuantity")
          return members(value, [&](std::string_view k, ondemand::value v) -> error_code {
            if (k == "value") {
              const error_code err = v.get_double().get(out.value);
              if (err == simdjson::SUCCESS) out.has_value = true;
              return err == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : err;
            }
            if (k == "comparator") return string_of(v, out.comparator);
            if (k == "code") return string_of(v, quantity_code);
            if (k == "unit") return string_of(v, quantity_unit);
            return simdjson::SUCCESS;
          });
        break;
      case 14:
        if (key == "clinicalStatus") {
          out.has_clinical_status = true;
          return status_codes(value, [&](std::string_view code) {
            if (code == "active" || code == "recurrence" || code == "relapse")
              out.clinical_active = true;
          });
        }
        break;
      case 15:
        if (key == "deceasedBoolean") {
          bool flag = false;
          const error_code err = value.get_bool().get(flag);
          if (err == simdjson::SUCCESS) out.deceased_flag = flag;
          return err == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : err;
        }
        if (key == "effectivePeriod")
          return members(value, [&](std::string_view k, ondemand::value v) -> error_code {
            return k == "start" ? string_of(v, period_start) : simdjson::SUCCESS;
          });
        break;
      case 16:
        if (key == "effectiveInstant") return string_of(value, effective_instant);
        if (key ==
            "deceasedDateTime") {  // a string: died (on that date); null or another type: absent
          const error_code err = value.get_string().get(out.deceased_date);
          if (err == simdjson::SUCCESS) out.has_deceased_date = true;
          return err == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : err;
        }
        break;
      case 17:
        if (key == "effectiveDateTime") return string_of(value, effective_date_time);
        if (key == "dosageInstruction")
          return elements(value, [&](ondemand::value d) { return read_dosage(d, out); });
        break;
      case 18:
        if (key == "verificationStatus")
          return status_codes(value, [&](std::string_view code) {
            if (code == "refuted" || code == "entered-in-error") out.verification_excluded = true;
          });
        break;
      case 19:
        if (key == "medicationReference")
          return members(value, [&](std::string_view k, ondemand::value v) -> error_code {
            return k == "reference" ? string_of(v, out.medication_ref) : simdjson::SUCCESS;
          });
        break;
      case 25:
        if (key == "medicationCodeableConcept") return read_concept(value, out);
        break;
      default:
        break;
    }
    return simdjson::SUCCESS;
  };
  for (auto member : object) {
    ondemand::field field;
    if (const error_code err = std::move(member).get(field)) return malformed(err);
    if (const error_code err = each(key_of(field), field.value())) return malformed(err);
  }
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
    return "malformed JSON: more than one value on the line";

  if (!type_is_string) return "resourceType is not a string";
  if (out.type_name.empty()) return "no resourceType";
  if (!is_type_name(out.type_name))
    return "resourceType \"" + std::string(out.type_name) + "\" is not a FHIR type name";
  out.type = type_of(out.type_name);
  out.unit = !quantity_code.empty() ? quantity_code : quantity_unit;
  const auto first = [](std::initializer_list<std::string_view> options) {
    for (const auto option : options)
      if (!option.empty()) return option;
    return std::string_view{};
  };
  switch (out.type) {
    case ResourceType::patient:
    case ResourceType::medication:
      if (out.id.empty()) return std::string(out.type_name) + " without id";
      break;
    case ResourceType::medication_request:
    case ResourceType::medication_statement:
    case ResourceType::observation:
    case ResourceType::condition:
      if (out.subject_patient().empty())
        return std::string(out.type_name) + " without subject.reference \"Patient/ID\"" +
               (out.subject.empty() ? std::string()
                                    : " (it is \"" + std::string(out.subject) + "\")");
      break;
    default:
      break;
  }
  switch (out.type) {
    case ResourceType::observation:
      out.date = first({effective_date_time, period_start, effective_instant, issued});
      break;
    case ResourceType::medication_request:
      out.date = authored_on;
      break;
    case ResourceType::medication_statement:
      out.date = first({effective_date_time, period_start, date_asserted});
      break;
    default:
      break;
  }
  return {};
}

}  // namespace willis::audit
