// src/codec/fhir/patient.cc: the Patient -> age (from the birth date, read by the one strict FHIR
// date parser, core::parse_fhir_date), sex and jurisdiction.
#include <fmt/format.h>

#include <set>

#include "codec/fhir/mapper.h"
#include "codec/fhir/text.h"

namespace willis::codec {

using core::Errc;
using core::Error;

std::optional<Error> FhirMapper::Impl::map_patient(FhirProfile& out) const {
  auto& p = out.profile;
  // Age at as_of, from the birth date (a partial date is read as its latest day: the younger
  // age, whose rules are the stricter ones).
  if (patient.birth_date.empty())
    return Error(Errc::missing_field, "Patient.birthDate",
                 "the Patient has no birthDate: willis needs the age");
  auto birth = core::parse_fhir_date(patient.birth_date);
  if (!birth)
    return Error(
        Errc::invalid_value, "Patient.birthDate",
        fmt::format("\"{}\" is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)", patient.birth_date));
  if (birth->precision < 3) {
    if (birth->precision < 2) birth->month = 12;
    birth->day = core::days_in_month(birth->year, birth->month);
    out.notes.push_back(
        fmt::format("Birth date \"{}\" is partial: {}-{:02}-{:02} assumed (the younger age).",
                    patient.birth_date, birth->year, birth->month, birth->day));
  }
  const auto& today = options.as_of;
  if (std::tie(birth->year, birth->month, birth->day) >
      std::tie(today.year, today.month, today.day))
    return Error(Errc::invalid_value, "Patient.birthDate",
                 fmt::format("birth date {} is after the assessment date {}", patient.birth_date,
                             today.str()));
  int age = today.year - birth->year;
  if (std::tie(today.month, today.day) < std::tie(birth->month, birth->day)) --age;
  p.age = age;
  p.as_of = today;
  if (patient.gender == "female")
    p.sex = core::Sex::female;
  else if (patient.gender == "male")
    p.sex = core::Sex::male;
  if (patient.deceased) out.notes.push_back("The Patient is recorded as deceased.");
  return std::nullopt;
}

// The jurisdiction: the caller's, else from the Patient's address country (US -> us, GB/UK -> uk,
// EU member states -> eu), else the profile's default.
void FhirMapper::Impl::map_jurisdiction(FhirProfile& out) const {
  if (options.jurisdiction) {
    out.profile.jurisdiction = *options.jurisdiction;
    return;
  }
  if (patient.country.empty()) return;
  static const std::set<std::string, std::less<>> kUs = {"us", "usa", "united states",
                                                         "united states of america"};
  static const std::set<std::string, std::less<>> kUk = {
      "gb", "gbr", "uk", "united kingdom", "england", "scotland", "wales", "northern ireland"};
  static const std::set<std::string, std::less<>> kEu = {
      "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie",
      "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se"};
  const std::string country = fhir::lower(fhir::trim_copy(patient.country));
  std::optional<core::Jurisdiction> found;
  if (kUs.count(country))
    found = core::Jurisdiction::us;
  else if (kUk.count(country))
    found = core::Jurisdiction::uk;
  else if (kEu.count(country))
    found = core::Jurisdiction::eu;
  if (found) {
    out.profile.jurisdiction = *found;
    out.notes.push_back(fmt::format("Jurisdiction {} from the Patient's address ({}).",
                                    core::to_string(*found), patient.country));
  }
}

}  // namespace willis::codec
