// src/http/routes_assess.cc: POST /api/assess: a profile in, the assessment out; nothing is saved.
#include "http/web_app_impl.h"

#include "codec/profile_codec.h"
#include "core/assess.h"
#include "render/assessment_json.h"
#include "render/json_writer.h"

namespace willis::http {

void WebApp::Impl::api_assess(const Request& req, Response& res) {
  auto profile = codec::parse_profile(req.body, "request body");
  if (!profile.ok()) return json(res, 400, render::error_json(profile.error()));
  profile.value().as_of = options.today();  // lab dates are judged against today
  json(res, 200, render::assessment_json(core::assess(kb, names, profile.value()), kb, false));
}

}  // namespace willis::http
