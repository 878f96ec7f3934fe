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

/// One read_resource() call: the view it fills, and the fields kept apart until the type says
/// which one counts.
class Reading {
 public:
  explicit Reading(ResourceView& out) : out_(out) {}

  /// Takes one member of the resource. Keys are matched by length first: one comparison for most.
  error_code member(std::string_view key, ondemand::value value) {
    switch (key.size()) {
      case 2:
        if (key == "id") return string_of(value, out_.id);
        break;
      case 4:
        if (key == "code") return read_concept(value, out_);
        break;
      case 6:
        if (key == "status") return string_of(value, out_.status);
        if (key == "issued") return string_of(value, issued_);
        if (key == "dosage") return dosages(value);
        break;
      case 7:
        if (key == "subject") return reference(value, out_.subject);
        break;
      case 10:
        if (key == "authoredOn") return string_of(value, authored_on_);
        break;
      case 12:
        if (key == "resourceType") return resource_type(value);
        if (key == "dateAsserted") return string_of(value, date_asserted_);
        break;
      case 13:
        if (key == "valueQuantity") return value_quantity(value);
        break;
      case 14:
        if (key == "clinicalStatus") return clinical_status(value);
        break;
      case 15:
        if (key == "deceasedBoolean") return deceased_boolean(value);
        if (key == "effectivePeriod") return effective_period(value);
        break;
      case 16:
        if (key == "effectiveInstant") return string_of(value, effective_instant_);
        if (key == "deceasedDateTime") return deceased_date_time(value);
        break;
      case 17:
        if (key == "effectiveDateTime") return string_of(value, effective_date_time_);
        if (key == "dosageInstruction") return dosages(value);
        break;
      case 18:
        if (key == "verificationStatus") return verification_status(value);
        break;
      case 19:
        if (key == "medicationReference") return reference(value, out_.medication_ref);
        break;
      case 25:
        if (key == "medicationCodeableConcept") return read_concept(value, out_);
        break;
      default:
        break;
    }
    return simdjson::SUCCESS;
  }

  /// Once every member is read: "" when the resource is usable, else why the line is bad.
  std::string finish() {
    if (!type_is_string_) return "resourceType is not a string";
    if (out_.type_name.empty()) return "no resourceType";
    if (!is_type_name(out_.type_name))
      return "resourceType \"" + std::string(out_.type_name) + "\" is not a FHIR type name";
    out_.type = type_of(out_.type_name);
    out_.unit = !quantity_code_.empty() ? quantity_code_ : quantity_unit_;
    if (std::string why = missing_reference(); !why.empty()) return why;
    pick_date();
    return {};
  }

 private:
  error_code dosages(ondemand::value value) {
    return elements(value, [&](ondemand::value d) { return read_dosage(d, out_); });
  }

  /// A Reference's `reference` (subject, medicationReference).
  static error_code reference(ondemand::value value, std::string_view& out) {
    return members(value, [&](std::string_view k, ondemand::value v) -> error_code {
      return k == "reference" ? string_of(v, out) : simdjson::SUCCESS;
    });
  }

  error_code resource_type(ondemand::value value) {
    const error_code err = value.get_string().get(out_.type_name);
    if (err != simdjson::INCORRECT_TYPE) return err;
    type_is_string_ = false;
    return simdjson::SUCCESS;
  }

  error_code value_quantity(ondemand::value value) {
    return members(value, [&](std::string_view k, ondemand::value v) -> error_code {
      if (k == "value") {
        const error_code err = v.get_double().get(out_.value);
        if (err == simdjson::SUCCESS) out_.has_value = true;
        return err == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : err;
      }
      if (k == "comparator") return string_of(v, out_.comparator);
      if (k == "code") return string_of(v, quantity_code_);
      if (k == "unit") return string_of(v, quantity_unit_);
      return simdjson::SUCCESS;
    });
  }

  error_code clinical_status(ondemand::value value) {
    out_.has_clinical_status = true;
    return status_codes(value, [&](std::string_view code) {
      if (code == "active" || code == "recurrence" || code == "relapse")
        out_.clinical_active = true;
    });
  }

  error_code verification_status(ondemand::value value) {
    return status_codes(value, [&](std::string_view code) {
      if (code == "refuted" || code == "entered-in-error") out_.verification_excluded = true;
    });
  }

  error_code deceased_boolean(ondemand::value value) {
    bool flag = false;
    const error_code err = value.get_bool().get(flag);
    if (err == simdjson::SUCCESS) out_.deceased_flag = flag;
    return err == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : err;
  }

  /// A string: died (on that date); null or another type: absent.
  error_code deceased_date_time(ondemand::value value) {
    const error_code err = value.get_string().get(out_.deceased_date);
    if (err == simdjson::SUCCESS) out_.has_deceased_date = true;
    return err == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : err;
  }

  error_code effective_period(ondemand::value value) {
    return members(value, [&](std::string_view k, ondemand::value v) -> error_code {
      return k == "start" ? string_of(v, period_start_) : simdjson::SUCCESS;
    });
  }

  /// Why a resource of a type the audit reads lacks the id or subject it needs ("" if not).
  std::string missing_reference() const {
    switch (out_.type) {
      case ResourceType::patient:
      case ResourceType::medication:
        if (out_.id.empty()) return std::string(out_.type_name) + " without id";
        break;
      case ResourceType::medication_request:
      case ResourceType::medication_statement:
      case ResourceType::observation:
      case ResourceType::condition:
        if (out_.subject_patient().empty())
          return std::string(out_.type_name) + " without subject.reference \"Patient/ID\"" +
                 (out_.subject.empty() ? std::string()
                                       : " (it is \"" + std::string(out_.subject) + "\")");
        break;
      default:
        break;
    }
    return {};
  }

  /// The date docs/audit.md "Dates" reads for the type: the first present of its fields.
  void pick_date() {
    const auto first = [](std::initializer_list<std::string_view> options) {
      for (const auto option : options)
        if (!option.empty()) return option;
      return std::string_view{};
    };
    switch (out_.type) {
      case ResourceType::observation:
        out_.date = first({effective_date_time_, period_start_, effective_instant_, issued_});
        break;
      case ResourceType::medication_request:
        out_.date = authored_on_;
        break;
      case ResourceType::medication_statement:
        out_.date = first({effective_date_time_, period_start_, date_asserted_});
        break;
      default:
        break;
    }
  }

  ResourceView& out_;
  std::string_view authored_on_, effective_date_time_, period_start_, effective_instant_, issued_,
      date_asserted_;
  std::string_view quantity_code_, quantity_unit_;
  bool type_is_string_ = true;
};

/// Empties `out` for the next resource (its buffers are kept).
void clear(ResourceView& out) {
  out.type = ResourceType::other;
  out.type_name = out.id = out.subject = out.status = out.text = out.medication_ref = out.date = {};
  out.codings.clear();
  out.timed = out.has_value = out.has_clinical_status = out.clinical_active =
      out.verification_excluded = false;
  out.value = 0;
  out.comparator = out.unit = {};
  out.deceased_date = {};
  out.has_deceased_date = out.deceased_flag = false;
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
  clear(out);
  ondemand::document doc;
  if (const error_code err = parser.iterate(json).get(doc)) return malformed(err);
  ondemand::object object;
  if (const error_code err = doc.get_object().get(object))
    return err == simdjson::INCORRECT_TYPE ? "malformed JSON: not a JSON object" : malformed(err);
  Reading reading(out);
  for (auto member : object) {
    ondemand::field field;
    if (const error_code err = std::move(member).get(field)) return malformed(err);
    if (const error_code err = reading.member(key_of(field), field.value())) return malformed(err);
  }
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
    return "malformed JSON: more than one value on the line";
  return reading.finish();
}

}  // namespace willis::audit
