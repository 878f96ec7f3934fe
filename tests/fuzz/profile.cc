// Fuzz target: profile text (YAML or JSON) -> core::Profile (codec::parse_profile).
// Properties: never crashes; an accepted profile's names are valid single-line UTF-8.
#include "codec/profile_codec.h"
#include "codec/strict_input.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace willis;
  const auto profile = codec::parse_profile(fuzz::text_of(data, size), "fuzz.yaml");
  if (!profile.ok()) return 0;
  for (const auto& medicine : profile.value().medicines)
    fuzz::require(!codec::text_problem(medicine.name, codec::Lines::single),
                  "medicine name is clean text");
  for (const auto& supplement : profile.value().supplements)
    fuzz::require(!codec::text_problem(supplement.name, codec::Lines::single),
                  "supplement name is clean text");
  for (const auto& condition : profile.value().conditions)
    fuzz::require(!codec::text_problem(condition, codec::Lines::single), "condition is clean text");
  return 0;
}
