// src/app/answer_hook.cc: the CDS Hooks use case, composed from codec, core and render.
#include "app/answer_hook.h"

#include "app/assess_input.h"
#include "render/cds_cards.h"

namespace willis::app {

std::string hook_cards_json(const codec::CdsRequest& request, const core::CdsService& service,
                            const codec::FhirProfile& mapped, const core::Assessment& assessment,
                            const codec::FhirTerms& terms, const codec::CdsOptions& options) {
  const core::HookContext ctx =
      core::hook_context(mapped.profile, mapped.draft_medicines, mapped.draft_supplements,
                         assessment, terms.kb(), terms.names());
  render::CdsCardsInput input;
  input.hook_instance = request.hook_instance;
  input.draft_orders = request.draft_orders;
  input.medicine_origins = mapped.medicine_origins;
  if (!options.report_url.empty() && !request.patient_id.empty())
    input.report_link = codec::patient_link(options.report_url, request);
  return render::cds_cards_json(core::choose_cards(service.hook, ctx, assessment, terms.kb()),
                                assessment, terms.kb(), input);
}

core::Result<std::string> answer_hook(const codec::CdsRequest& request,
                                      const core::CdsService& service,
                                      const codec::FhirTerms& terms,
                                      const codec::CdsOptions& options) {
  auto mapped = codec::cds_profile(request, terms, options);
  if (!mapped.ok()) {
    const core::Errc code = mapped.error().code;
    if (code == core::Errc::parse_error || code == core::Errc::invalid_type) return mapped.error();
    return render::cds_not_assessed_json(request.hook_instance, mapped.error());
  }
  const core::Assessment assessment =
      assess_fhir_profile(terms.kb(), terms.names(), mapped.value());
  return hook_cards_json(request, service, mapped.value(), assessment, terms, options);
}

}  // namespace willis::app
