// Fuzz target: FHIR JSON (Bundle, one resource or NDJSON) -> profile (codec::parse_fhir_profile).
// Properties: never crashes; every mapped dose time is a real clock time.
#include "codec/fhir_profile.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace willis;
  static const codec::FhirTerms terms(fuzz::kb(), fuzz::names());
  const auto mapped = codec::parse_fhir_profile(fuzz::text_of(data, size), "fuzz.json", terms,
                                                {core::CalendarDate{2026, 11, 22}, std::nullopt});
  if (!mapped.ok()) return 0;
  for (const auto& medicine : mapped.value().profile.medicines)
    for (const auto& time : medicine.times)
      fuzz::require(time.minutes >= 0 && time.minutes < 24 * 60,
                    "a medicine time is within the day");
  for (const auto& supplement : mapped.value().profile.supplements)
    for (const auto& time : supplement.times)
      fuzz::require(time.minutes >= 0 && time.minutes < 24 * 60,
                    "a supplement time is within the day");
  return 0;
}
