// Fuzz target: the web app's form bodies (src/http/forms.*, read only here): urlencoded body ->
// form -> profile JSON -> profile; diary and trial forms; the trial JSON API body.
#include "codec/profile_codec.h"
#include "fuzz.h"
#include "core/trial.h"
#include "http/forms.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace willis;
  const std::string_view body = fuzz::text_of(data, size);
  auto form = http::parse_urlencoded(body);
  (void)http::apply_row_action(form, form.get("action"));
  const auto json = http::profile_json_from_form(form);
  const auto profile = codec::parse_profile(json.json, "form");
  if (profile.ok()) {
    (void)http::form_from_profile(profile.value());
  } else {
    (void)http::field_error_for(profile.error(), json);
  }
  (void)http::diary_entry_from_form(form);
  static const core::TrialRules rules(fuzz::kb());
  (void)http::trial_plan_from_form(form, rules);
  (void)http::trial_plan_from_json(body, rules);
  (void)http::url_decode(body);
  return 0;
}
