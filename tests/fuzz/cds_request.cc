// Fuzz target: a CDS Hooks request body -> CdsRequest -> profile, for each willis service
// (codec::parse_cds_request, codec::cds_profile, codec::missing_prefetch).
#include "codec/cds_request.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace willis;
  static const codec::FhirTerms terms(fuzz::kb(), fuzz::names());
  static const auto templates = codec::cds_prefetch_templates(fuzz::kb());
  for (const auto& service : codec::cds_services()) {
    const auto request = codec::parse_cds_request(fuzz::text_of(data, size), service);
    if (!request.ok()) continue;
    (void)codec::missing_prefetch(request.value(), templates);
    codec::CdsOptions options;
    options.as_of = core::CalendarDate{2026, 11, 22};
    (void)codec::cds_profile(request.value(), terms, options);
  }
  (void)codec::parse_cds_feedback(fuzz::text_of(data, size));
  return 0;
}
