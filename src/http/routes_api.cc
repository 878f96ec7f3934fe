// src/http/routes_api.cc: the JSON API over the saved profile, the diary and the trial (GET reads,
// POST needs the CSRF header).
#include "http/web_app_impl.h"

#include "codec/diary_import.h"
#include "codec/profile_codec.h"
#include "core/assess.h"
#include "core/trial.h"
#include "http/forms.h"
#include "render/assessment_json.h"
#include "render/diary_export.h"
#include "render/json_writer.h"
#include "render/trial_report.h"
#include "willis_version.h"

namespace willis::http {

void WebApp::Impl::api_session(const Request&, Response& res) {
  render::JsonWriter w(false);
  w.begin_object();
  w.member("csrf", csrf);
  w.member("kb_version", kb.version);
  w.end_object();
  json(res, 200, w.take());
}

void WebApp::Impl::api_version(const Request&, Response& res) {
  render::JsonWriter w(false);
  w.begin_object();
  w.member("version", std::string(willis::kVersion));
  w.member("kb_version", kb.version);
  w.member("contract", core::Assessment{}.schema);
  w.end_object();
  json(res, 200, w.take());
}

void WebApp::Impl::api_profile_get(const Request& req, Response& res) {
  const auto loaded = load_profile();
  if (loaded.error) return core_error(req, res, *loaded.error, 500);
  if (!loaded.saved) return error(req, res, 404, "not_found", "no profile has been saved");
  render::JsonWriter w(false);
  w.begin_object();
  w.member("version", loaded.saved->stored.version);
  w.member("format", loaded.saved->stored.format);
  w.member("saved_at", loaded.saved->stored.saved_at);
  w.member("text", loaded.saved->stored.text);
  w.end_object();
  json(res, 200, w.take());
}

void WebApp::Impl::api_profile_post(const Request& req, Response& res) {
  if (!csrf_ok(req, nullptr)) return csrf_rejected(req, res);
  const auto profile = codec::parse_profile(req.body, "request body");
  if (!profile.ok()) return json(res, 400, render::error_json(profile.error()));
  const auto first = req.body.find_first_not_of(" \t\r\n");
  const bool is_json = first != std::string::npos && req.body[first] == '{';
  core::Result<int> saved = 0;
  {
    std::lock_guard lock(diary_mutex);
    saved = diary.save_profile(is_json ? "json" : "yaml", req.body);
  }
  if (!saved.ok()) return core_error(req, res, saved.error(), 500);
  render::JsonWriter w(false);
  w.begin_object();
  w.member("version", saved.value());
  w.end_object();
  json(res, 200, w.take());
}

void WebApp::Impl::api_assessment(const Request& req, Response& res) {
  const auto loaded = load_profile();
  if (loaded.error) return core_error(req, res, *loaded.error, 500);
  if (!loaded.saved) return error(req, res, 404, "not_found", "no profile has been saved");
  json(res, 200,
       render::assessment_json(core::assess(kb, names, loaded.saved->profile), kb, false));
}

void WebApp::Impl::api_diary_get(const Request& req, Response& res) {
  const auto data = load_diary();
  if (data.error) return core_error(req, res, *data.error, 500);
  json(res, 200, render::export_json(data.entries));
}

void WebApp::Impl::api_diary_post(const Request& req, Response& res) {
  if (!csrf_ok(req, nullptr)) return csrf_rejected(req, res);
  const auto today = options.today();
  auto entries = codec::import_json(req.body, "request body", today);
  if (!entries.ok()) return json(res, 400, render::error_json(entries.error()));
  core::Result<store::ImportSummary> summary = store::ImportSummary{};
  {
    std::lock_guard lock(diary_mutex);
    summary = diary.put_entries(entries.value(), today);
  }
  if (!summary.ok()) return json(res, 400, render::error_json(summary.error()));
  render::JsonWriter w(false);
  w.begin_object();
  w.member("added", summary.value().added);
  w.member("updated", summary.value().updated);
  w.member("unchanged", summary.value().unchanged);
  w.end_object();
  json(res, 200, w.take());
}

void WebApp::Impl::api_trial_get(const Request& req, Response& res) {
  const auto data = load_diary();
  if (data.error) return core_error(req, res, *data.error, 500);
  if (!data.plan) return json(res, 200, "{\"plan\":null,\"status\":null,\"result\":null}");
  const auto today = options.today();
  // Both parts are complete JSON documents from store/report.h; only joined here.
  std::string status = render::trial_status_json(
      *data.plan, core::trial_status(*data.plan, data.entries, today, trial.rules));
  std::string result = render::trial_result_json(
      *data.plan, core::evaluate_trial(*data.plan, data.entries, today, trial));
  while (!status.empty() && status.back() == '\n') status.pop_back();
  while (!result.empty() && result.back() == '\n') result.pop_back();
  json(res, 200, "{\"status\":" + status + ",\"result\":" + result + "}");
}

void WebApp::Impl::api_trial_post(const Request& req, Response& res) {
  if (!csrf_ok(req, nullptr)) return csrf_rejected(req, res);
  const auto plan = trial_plan_from_json(req.body, trial.rules);
  if (!plan.ok()) return json(res, 400, render::error_json(plan.error()));
  std::optional<core::Error> problem;
  int status = 400;
  {
    std::lock_guard lock(diary_mutex);
    const auto existing = diary.current_trial();
    if (!existing.ok()) {
      problem = existing.error();
      status = 500;
    } else if (existing.value() && req.get_param_value("replace") != "true") {
      problem =
          core::Error{core::Errc::invalid_value, "replace",
                      "a trial is already planned; POST to /api/trial?replace=true to replace it"};
      status = 409;
    } else if (const auto saved = diary.start_trial(plan.value(), trial.rules); !saved.ok()) {
      problem = saved.error();
    }
  }
  if (problem) return json(res, status, render::error_json(*problem));
  const auto data = load_diary();
  json(res, 200,
       render::trial_status_json(plan.value(), core::trial_status(plan.value(), data.entries,
                                                                  options.today(), trial.rules)));
}

}  // namespace willis::http
