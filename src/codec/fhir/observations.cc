// src/codec/fhir/observations.cc: lab Observations (ferritin, TSAT, eGFR, serum magnesium,
// pregnancy status) -> profile labs. The LOINC codes and unit conversions are kb/labs.yaml.
#include <fmt/format.h>

#include "codec/fhir/mapper.h"
#include "core/assess.h"

namespace willis::codec {

using namespace fhir;

namespace {

// Pregnancy status answers (LOINC answer list LL4129-4 and the SNOMED findings used for 82810-3).
std::optional<bool> pregnancy_answer(std::string_view code) {
  if (code == "LA15173-0" || code == "77386006") return true;
  if (code == "LA26683-5" || code == "60001007") return false;
  return std::nullopt;
}

bool usable_status(const std::string& status) {
  return status == "final" || status == "amended" || status == "corrected" ||
         status == "preliminary";
}

}  // namespace

void FhirMapper::Impl::read_observation(const element& r) {
  LabKind kind = LabKind::none;
  std::string loinc;
  if (auto code = child(r, "code")) {
    for (const auto& coding : concept_of(*code).codings) {
      if (coding.system != kLoincSystem) continue;
      kind = lab_kind_of_loinc(kb, coding.code);
      if (kind != LabKind::none) {
        loinc = coding.code;
        break;
      }
    }
  }
  if (kind == LabKind::none) {
    read_sleep_observation(r);
    return;
  }
  const std::string status(str(r, "status"));
  if (!usable_status(status)) {
    ++obs_skipped_status[status.empty() ? "without status" : status];
    return;
  }
  ObsRecord rec;
  rec.kind = kind;
  rec.label = fmt::format("Observation/{} (LOINC {})", str(r, "id"), loinc);
  rec.subject = subject_of(r);
  rec.order = ++order;
  // The day it was measured: a partial date ("2024-03") counts from its first day (older is
  // safer).
  if (const auto parsed = core::parse_fhir_datetime(effective_time(r))) {
    rec.when = parsed->utc_seconds;
    rec.date = parsed->date.first_day();
  }
  if (kind == LabKind::pregnancy_status)
    read_pregnancy_value(r, std::move(rec));
  else
    read_lab_value(r, std::move(rec));
}

void FhirMapper::Impl::read_pregnancy_value(const element& r, ObsRecord rec) {
  if (auto value = child(r, "valueCodeableConcept"))
    for (const auto& coding : concept_of(*value).codings)
      if (auto answer = pregnancy_answer(coding.code)) rec.pregnant = answer;
  if (!rec.pregnant) {
    ++obs_no_value;
    return;
  }
  observations.push_back(std::move(rec));
}

void FhirMapper::Impl::read_lab_value(const element& r, ObsRecord rec) {
  const auto quantity = child(r, "valueQuantity");
  const auto value = quantity ? number(*quantity, "value") : std::nullopt;
  if (!value) {
    ++obs_no_value;
    return;
  }
  std::string_view unit = str(*quantity, "code");
  if (unit.empty()) unit = str(*quantity, "unit");
  rec.comparator = std::string(str(*quantity, "comparator"));
  rec.given = fmt::format("{}{} {}", rec.comparator, *value, unit);
  const auto converted = lab_value_in_profile_unit(kb, rec.kind, *value, unit);
  if (!converted) {
    obs_bad_unit.push_back(fmt::format("{}: \"{}\"", rec.label, unit));
    return;
  }
  rec.value = *converted;
  observations.push_back(std::move(rec));
}

namespace {

/// The value used for a result reported as a bound. Honoured conservatively: a bound is read as
/// just beyond itself, on the side it points to, so "<30" is below 30 and ">1.0" mmol/L is above
/// 1.0; the true value may be further out.
double bounded_value(const ObsRecord& obs, FhirProfile& out) {
  double value = obs.value;
  if (obs.comparator.empty()) return value;
  const double step = obs.kind == LabKind::magnesium ? 0.01 : 0.1;
  if (obs.comparator[0] == '<')
    value -= step;
  else if (obs.comparator[0] == '>')
    value += step;
  out.notes.push_back(fmt::format(
      "{} was reported as \"{}\": used as {}; the true value may be further {}.", obs.label,
      obs.given, core::format_number(value), obs.comparator[0] == '<' ? "below" : "above"));
  return value;
}

void set_lab(core::Profile& p, LabKind kind, double value, core::CalendarDate date) {
  switch (kind) {
    case LabKind::ferritin:
      p.labs.ferritin_ng_ml = value;
      p.labs.ferritin_date = date;
      break;
    case LabKind::tsat:
      p.labs.tsat_percent = value;
      p.labs.tsat_date = date;
      break;
    case LabKind::egfr:
      p.labs.egfr = value;
      p.labs.egfr_date = date;
      break;
    case LabKind::magnesium:
      p.labs.serum_magnesium_mmol_l = value;
      p.labs.serum_magnesium_date = date;
      break;
    default:
      break;
  }
}

}  // namespace

// Labs: the latest observation of each kind (ties: the later in the input).
void FhirMapper::Impl::map_labs(FhirProfile& out) {
  std::map<LabKind, const ObsRecord*> latest;
  for (const auto& obs : observations) {
    if (!is_patient(obs.subject)) {
      ++other_subject;
      continue;
    }
    const ObsRecord*& best = latest[obs.kind];
    if (!best || std::tie(obs.when, obs.order) > std::tie(best->when, best->order)) best = &obs;
  }
  for (const auto& [kind, obs] : latest) {
    if (kind == LabKind::pregnancy_status) {
      out.profile.pregnant = *obs->pregnant;
      continue;
    }
    const double value = bounded_value(*obs, out);
    // A FHIR result always has a date; one that cannot be read counts as out of date.
    const core::CalendarDate date = obs->date.value_or(core::CalendarDate{1900, 1, 1});
    if (!obs->date)
      out.notes.push_back(
          fmt::format("{} has no readable date: counted as out of date.", obs->label));
    set_lab(out.profile, kind, value, date);
  }
}

}  // namespace willis::codec
