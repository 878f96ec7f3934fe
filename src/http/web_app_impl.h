// src/http/web_app_impl.h: the state behind http::WebApp and the routes it registers, shared by
// the files that hold them (internal to src/http; nothing outside includes it):
//   web_app.cc        construction, install (the route table), responses and loading saved data
//   gate.cc           the gate every request passes (Host, framing and body limits, token, origin)
//   routes_pages.cc   start, profile form, assessment, timetable (+ .ics) and report pages
//   routes_diary.cc   diary and trial pages and their forms
//   routes_evidence.cc evidence, sources, conflicts, ask and food pages (http/evidence_pages)
//   routes_static.cc  embedded assets under /static/
//   routes_assess.cc  POST /api/assess (stateless: a profile in, the assessment out)
//   routes_api.cc     the rest of the JSON API
#pragma once

#include <httplib.h>

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/kb.h"
#include "core/names.h"
#include "core/trial.h"
#include "http/security.h"
#include "http/web_app.h"
#include "render/html.h"
#include "render/html_diary.h"
#include "store/diary.h"

namespace willis::http {

inline constexpr const char* kHtml = "text/html; charset=utf-8";
inline constexpr const char* kJson = "application/json; charset=utf-8";

/// True for the JSON API under /api/ (errors answer in JSON there).
bool is_api(const httplib::Request& req);

/// {"error": {"code", "path": "", "message"}} for an HTTP-level error.
std::string http_error_json(std::string_view code, std::string_view message);

/// The error code and the message a bare HTTP status gets.
const char* status_code_name(int status);
const char* status_message(int status);

struct WebApp::Impl {
  using Request = httplib::Request;
  using Response = httplib::Response;
  using HandlerResponse = httplib::Server::HandlerResponse;
  using FormData = render::html::FormData;
  using Nav = render::html::Nav;
  using PageMeta = render::html::PageMeta;
  using Raw = render::html::Raw;

  Impl(const core::Kb& kb_in, store::Diary diary_in, WebOptions options_in);

  const core::Kb& kb;
  const core::NameIndex names;
  const core::TrialOptions trial;  // the personal trial's numbers, from the KB
  store::Diary diary;
  std::mutex diary_mutex;  // one SQLite connection; httplib runs handlers on a thread pool
  std::mutex index_mutex;  // the ask and food indexes: one in-memory SQLite connection each
  WebOptions options;
  std::string csrf;
  HostPolicy policy;
  int port = 0;

  // ---- responses (web_app.cc) ----
  PageMeta meta(std::string title, Nav nav) const;
  void html(Response& res, int status, const PageMeta& page_meta, const std::string& body) const;
  static void json(Response& res, int status, std::string body);
  /// An HTTP-level error in the shape the request expects (JSON for /api/, else a page).
  void error(const Request& req, Response& res, int status, std::string_view code,
             std::string_view message) const;
  /// A core/store error: 400 with {"error": {code, path, message}} (API) or a page.
  void core_error(const Request& req, Response& res, const core::Error& err,
                  int status = 400) const;
  bool csrf_ok(const Request& req, const FormData* form) const;
  void csrf_rejected(const Request& req, Response& res) const;

  // ---- data (web_app.cc) ----
  struct Saved {
    core::Profile profile;
    store::StoredProfile stored;
  };
  struct Loaded {
    std::optional<Saved> saved;
    std::optional<core::Error> error;  ///< the diary or the stored text could not be read
  };
  struct DiaryData {
    std::vector<core::DiaryEntry> entries;
    std::optional<core::TrialPlan> plan;
    std::optional<core::Error> error;
  };
  Loaded load_profile();
  DiaryData load_diary();
  std::string no_profile_body(const std::string& heading) const;

  // ---- pages (routes_pages.cc) ----
  void start_page(const Request&, Response& res);
  void profile_page(const Request& req, Response& res);
  void profile_post(const Request& req, Response& res);
  void assessment_page(const Request& req, Response& res);
  void timetable_page(const Request& req, Response& res);
  void timetable_ics(const Request& req, Response& res);
  void report_page(const Request& req, Response& res);

  // ---- diary and trial (routes_diary.cc) ----
  std::string chart_for(const DiaryData& data, core::CalendarDate today) const;
  void render_diary(Response& res, int status, const FormData& form, render::html::DiaryView view);
  void diary_page(const Request& req, Response& res);
  void diary_post(const Request& req, Response& res);
  void render_trial(Response& res, int status, const FormData& form_in,
                    render::html::TrialView view);
  void trial_page(const Request& req, Response& res);
  void trial_post(const Request& req, Response& res);

  // ---- evidence, ask and food (routes_evidence.cc) ----
  void evidence_page(const Request& req, Response& res);
  void sources_page(const Request&, Response& res);
  void conflicts_page(const Request&, Response& res);
  void ask_page(const Request& req, Response& res);
  void foods_page(const Request& req, Response& res);

  // ---- assets (routes_static.cc) ----
  void static_file(const Request& req, Response& res);

  // ---- API (routes_assess.cc, routes_api.cc) ----
  void api_assess(const Request& req, Response& res);
  void api_session(const Request&, Response& res);
  /// GET /api/version: the same three versions as `willis --version`.
  void api_version(const Request&, Response& res);
  void api_profile_get(const Request& req, Response& res);
  void api_profile_post(const Request& req, Response& res);
  void api_assessment(const Request& req, Response& res);
  void api_diary_get(const Request& req, Response& res);
  void api_diary_post(const Request& req, Response& res);
  void api_trial_get(const Request& req, Response& res);
  void api_trial_post(const Request& req, Response& res);

  // ---- the gate every request passes (gate.cc) ----
  /// Answers from the gate. When the request has a body that was not read, the connection is
  /// closed after the answer (what is left of the body cannot be taken for the next request).
  HandlerResponse refuse(const Request& req, Response& res, int status, std::string_view code,
                         std::string_view message, bool unread_body) const;
  HandlerResponse gate(const Request& req, Response& res);
  /// Credentials: the CDS client's JWT on service routes, else the access token (when set).
  HandlerResponse check_credentials(const Request& req, Response& res, bool service,
                                    bool unread_body) const;
  /// A state-changing browser request must come from this origin.
  HandlerResponse check_origin(const Request& req, Response& res, bool unread_body) const;
  void log_request(const Request& req, const Response& res) const;
};

}  // namespace willis::http
