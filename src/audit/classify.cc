// src/audit/classify.cc: one resource -> one Fact (classify.h), and its evidence item when it is
// read again.
#include "audit/classify.h"

#include <fmt/format.h>

#include <optional>

#include "audit/audit.h"
#include "codec/fhir_profile.h"

namespace willis::audit {

using core::audit::ListMask;
using core::audit::Position;

namespace {

codec::LabKind lab_kind(core::audit::Lab lab) {
  switch (lab) {
    case core::audit::Lab::ferritin:
      return codec::LabKind::ferritin;
    case core::audit::Lab::tsat:
      return codec::LabKind::tsat;
    case core::audit::Lab::magnesium:
      return codec::LabKind::magnesium;
    default:
      return codec::LabKind::egfr;
  }
}

}  // namespace

std::string Classifier::classify(simdjson::padded_string_view json, Position pos,
                                 const MedicationTable& meds, Fact& fact) {
  std::string bad = read_resource(parser_, json, view_);
  if (!bad.empty()) return bad;
  fact = Fact{};
  switch (view_.type) {
    case ResourceType::patient:
      patient(fact);
      break;
    case ResourceType::medication:
      medication(pos, fact);
      break;
    case ResourceType::medication_request:
    case ResourceType::medication_statement:
      medicine_use(pos, meds, fact);
      break;
    case ResourceType::condition:
      condition(pos, fact);
      break;
    case ResourceType::observation:
      observation(pos, fact);
      break;
    case ResourceType::other:
      fact.kind = Fact::Kind::skipped;
      break;
  }
  return {};
}

void Classifier::patient(Fact& fact) const {
  const auto& v = view_;
  fact.kind = Fact::Kind::patient;
  fact.patient = v.id;
  fact.has_deceased_date = v.has_deceased_date;
  fact.deceased_date = core::audit::fhir_date_days(v.deceased_date);
  fact.deceased_flag = v.deceased_flag;
}

void Classifier::medication(Position pos, Fact& fact) {
  fact.kind = Fact::Kind::medication;
  fact.patient = view_.id;
  const auto what = classify_medicine();
  fact.medication = {what.lists, what.known, std::string(what.code), std::string(label()), pos};
}

void Classifier::medicine_use(Position pos, const MedicationTable& meds, Fact& fact) {
  const auto& v = view_;
  fact.kind = Fact::Kind::medicine;
  fact.patient = v.subject_patient();
  const bool request = v.type == ResourceType::medication_request;
  const std::string_view s = v.status;
  fact.medicine.active =
      request ? (s == "active" || s == "on-hold" || s == "unknown")
              : (s == "active" || s == "intended" || s == "on-hold" || s == "unknown");
  fact.medicine.entered_in_error = s == "entered-in-error";
  fact.medicine.timed = v.timed;
  fact.medicine.date = core::audit::fhir_date_days(v.date);
  fact.medicine.pos = pos;
  if (v.codings.empty() && v.text.empty() && !v.medication_ref.empty()) {
    if (auto entry = meds.find(v.medication_ref)) {
      fact.medicine.lists = entry->lists;
      fact.unrecognised = !entry->known;
    } else {
      fact.medication_ref = v.medication_ref;  // resolved when every Medication has been read
    }
    return;
  }
  const auto what = classify_medicine();
  fact.medicine.lists = what.lists;
  fact.unrecognised = !what.known;
}

void Classifier::condition(Position pos, Fact& fact) const {
  const auto& v = view_;
  fact.kind = Fact::Kind::counted;
  fact.patient = v.subject_patient();
  ListMask lists = 0;
  for (const auto& coding : v.codings) lists |= codes_.condition_code(coding.system, coding.code);
  if (!lists) return;
  fact.kind = Fact::Kind::condition;
  fact.condition.lists = lists;
  fact.condition.active = (!v.has_clinical_status || v.clinical_active) && !v.verification_excluded;
  fact.condition.pos = pos;
}

void Classifier::observation(Position pos, Fact& fact) const {
  const auto& v = view_;
  fact.kind = Fact::Kind::counted;
  fact.patient = v.subject_patient();
  std::optional<core::audit::Lab> lab;
  for (const auto& coding : v.codings)
    if ((lab = codes_.lab_code(coding.system, coding.code))) break;
  if (!lab) return;
  fact.kind = Fact::Kind::observation;
  auto& o = fact.observation;
  o.lab = *lab;
  const std::string_view s = v.status;
  o.usable_status = s == "final" || s == "amended" || s == "corrected" || s == "preliminary";
  o.date = core::audit::fhir_date_days(v.date);
  o.pos = pos;
  o.comparator = core::audit::parse_comparator(v.comparator);
  if (v.has_value && *lab != core::audit::Lab::magnesium) {
    if (auto value =
            codec::lab_value_in_profile_unit(codes_.kb(), lab_kind(*lab), v.value, v.unit)) {
      o.has_value = true;
      o.value = *value;
    }
  }
}

core::audit::EvidenceItem Classifier::evidence(simdjson::padded_string_view json,
                                               const MedicationTable& meds) {
  core::audit::EvidenceItem out;
  if (!read_resource(parser_, json, view_).empty()) return out;
  const auto& v = view_;
  out.resource = fmt::format("{}/{}", v.type_name, v.id);
  if (const auto days = core::audit::fhir_date_days(v.date); days != core::audit::kNoDate)
    out.date = core::CalendarDate::from_serial(days).str();
  out.text = std::string(label());
  switch (v.type) {
    case ResourceType::medication_request:
    case ResourceType::medication_statement:
      medicine_evidence(meds, out);
      break;
    case ResourceType::condition:
      condition_evidence(out);
      break;
    case ResourceType::observation:
      observation_evidence(out);
      break;
    default:
      break;
  }
  return out;
}

void Classifier::medicine_evidence(const MedicationTable& meds, core::audit::EvidenceItem& out) {
  const auto& v = view_;
  if (v.codings.empty() && v.text.empty() && !v.medication_ref.empty()) {
    if (auto entry = meds.find(v.medication_ref)) {
      out.code = std::string(entry->code);
      out.text = std::string(entry->text);
    }
  } else {
    out.code = std::string(classify_medicine().code);
  }
}

void Classifier::condition_evidence(core::audit::EvidenceItem& out) const {
  for (const auto& coding : view_.codings)
    if (codes_.condition_code(coding.system, coding.code)) {
      out.code = std::string(coding.code);
      break;
    }
}

void Classifier::observation_evidence(core::audit::EvidenceItem& out) const {
  const auto& v = view_;
  for (const auto& coding : v.codings)
    if (codes_.lab_code(coding.system, coding.code)) {
      out.code = std::string(coding.code);
      break;
    }
  if (v.has_value) {
    out.value = v.value;
    out.comparator = std::string(v.comparator);
    out.unit = std::string(v.unit);
  }
}

void Classifier::known_texts(std::map<std::string, ListMask>& out) const {
  for (const auto& [text, match] : text_cache_)
    if (match.known) out[text] |= match.lists;
}

std::string_view Classifier::label() const {
  if (!view_.text.empty()) return view_.text;
  for (const auto& coding : view_.codings)
    if (!coding.display.empty()) return coding.display;
  return {};
}

// docs/audit.md "What a medicine is": the codings' lists; when no coding is in a list, the
// text, then each display, through name resolution.
Classifier::MedicineClass Classifier::classify_medicine() {
  MedicineClass out;
  for (const auto& coding : view_.codings)
    if (const ListMask lists = codes_.medicine_code(coding.system, coding.code)) {
      if (!out.lists) out.code = coding.code;
      out.lists |= lists;
    }
  if (out.lists) {
    out.known = true;
    return out;
  }
  if (!view_.codings.empty()) out.code = view_.codings.front().code;
  const auto by_text = [&](std::string_view text) {
    if (text.empty()) return false;
    auto found = text_cache_.find(text);
    if (found == text_cache_.end())
      found = text_cache_.emplace(std::string(text), codes_.medicine_text(text)).first;
    if (!found->second.known) return false;
    out.known = true;
    out.lists = found->second.lists;
    return true;
  };
  if (by_text(view_.text)) return out;
  for (const auto& coding : view_.codings)
    if (by_text(coding.display)) return out;
  return out;
}

}  // namespace willis::audit
