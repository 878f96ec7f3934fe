#include "http/web_app.h"

#include <httplib.h>

#include <algorithm>
#include <stdexcept>

#include "codec/profile_codec.h"
#include "http/hardened_server.h"
#include "http/security.h"
#include "http/web_app_impl.h"
#include "render/assessment_json.h"
#include "render/json_writer.h"

namespace willis::http {

using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

bool is_api(const Request& req) {
  return req.path.rfind("/api/", 0) == 0;
}

std::string http_error_json(std::string_view code, std::string_view message) {
  render::JsonWriter w(false);
  w.begin_object();
  w.key("error");
  w.begin_object();
  w.member("code", code);
  w.member("path", "");
  w.member("message", message);
  w.end_object();
  w.end_object();
  return w.take();
}

const char* status_code_name(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    default:
      return status >= 500 ? "internal_error" : "error";
  }
}

const char* status_message(int status) {
  switch (status) {
    case 400:
      return "The request could not be read.";
    case 401:
      return "This willis needs its access token: open the address `willis serve` printed.";
    case 403:
      return "This request is not allowed.";
    case 404:
      return "There is no such page.";
    case 405:
      return "This address does not accept that method.";
    case 413:
      return "The request is too large.";
    default:
      return status >= 500 ? "Something went wrong inside willis; nothing was changed."
                           : "The request failed.";
  }
}

WebApp::Impl::Impl(const core::Kb& kb_in, store::Diary diary_in, WebOptions options_in)
    : kb(kb_in),
      names(kb_in),
      trial(kb_in),
      diary(std::move(diary_in)),
      options(std::move(options_in)) {
  // "Today" is the composition's (app::Clock: local date or WILLIS_TODAY), never guessed here.
  if (!options.today) throw std::invalid_argument("WebOptions.today is required");
  if (!options.now_utc) throw std::invalid_argument("WebOptions.now_utc is required");
}

WebApp::Impl::PageMeta WebApp::Impl::meta(std::string title, Nav nav) const {
  PageMeta m;
  m.title = std::move(title);
  m.nav = nav;
  m.disclaimer = kb.rules.disclaimer;
  m.kb_version = kb.version;
  return m;
}

void WebApp::Impl::html(Response& res, int status, const PageMeta& page_meta,
                        const std::string& body) const {
  res.status = status;
  res.set_content(render::html::page(page_meta, Raw{body}), kHtml);
}

void WebApp::Impl::json(Response& res, int status, std::string body) {
  res.status = status;
  if (body.empty() || body.back() != '\n') body += '\n';
  res.set_content(body, kJson);
}

void WebApp::Impl::error(const Request& req, Response& res, int status, std::string_view code,
                         std::string_view message) const {
  res.status = status;
  if (is_api(req)) {
    res.set_content(http_error_json(code, message) + "\n", kJson);
    return;
  }
  const std::string body =
      render::html::format("<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/\">Back to the start</a></p>\n",
                           status == 404   ? "Not found"
                           : status >= 500 ? "Something went wrong"
                                           : "Not allowed",
                           message);
  res.set_content(render::html::page(meta("Error", Nav::none), Raw{body}), kHtml);
}

void WebApp::Impl::core_error(const Request& req, Response& res, const core::Error& err,
                              int status) const {
  if (is_api(req)) {
    json(res, status, render::error_json(err));
    return;
  }
  error(req, res, status, core::to_string(err.code),
        err.path.empty() ? err.message : err.path + ": " + err.message);
}

bool WebApp::Impl::csrf_ok(const Request& req, const FormData* form) const {
  if (constant_time_equal(req.get_header_value("X-CSRF-Token"), csrf)) return true;
  return form && constant_time_equal(form->get("csrf"), csrf);
}

void WebApp::Impl::csrf_rejected(const Request& req, Response& res) const {
  error(req, res, 403, "csrf",
        is_api(req)
            ? "state-changing requests need the X-CSRF-Token header (GET /api/session gives it)"
            : "This form has expired (willis may have been restarted). Go back, reload the page "
              "and send it again.");
}

WebApp::Impl::Loaded WebApp::Impl::load_profile() {
  Loaded out;
  std::optional<store::StoredProfile> stored;
  {
    std::lock_guard lock(diary_mutex);
    auto latest = diary.latest_profile();
    if (!latest.ok()) {
      out.error = latest.error();
      return out;
    }
    stored = latest.value();
  }
  if (!stored) return out;
  auto parsed = codec::parse_profile(stored->text, "saved profile");
  if (!parsed.ok()) {
    out.error = parsed.error();
    return out;
  }
  out.saved = Saved{std::move(parsed).value(), *stored};
  out.saved->profile.as_of = options.today();  // lab dates are judged against today
  return out;
}

WebApp::Impl::DiaryData WebApp::Impl::load_diary() {
  DiaryData out;
  std::lock_guard lock(diary_mutex);
  auto entries = diary.entries();
  if (!entries.ok()) {
    out.error = entries.error();
    return out;
  }
  out.entries = std::move(entries).value();
  auto plan = diary.current_trial();
  if (!plan.ok()) {
    out.error = plan.error();
    return out;
  }
  out.plan = plan.value();
  return out;
}

std::string WebApp::Impl::no_profile_body(const std::string& heading) const {
  return render::html::format(
      "<h1>{}</h1>\n<p class=\"lead\">There is no profile yet. <a class=\"button\" "
      "href=\"/profile\">Fill in "
      "your profile</a> first; it takes a few minutes.</p>\n",
      heading);
}

WebApp::WebApp(const core::Kb& kb, store::Diary diary, WebOptions options)
    : impl_(std::make_unique<Impl>(kb, std::move(diary), std::move(options))) {
  csrf_ = impl_->options.csrf_token.empty() ? random_hex(32) : impl_->options.csrf_token;
  impl_->csrf = csrf_;
  impl_->policy = host_policy(impl_->options.bind, impl_->options.allow_hosts, 0);
}

WebApp::~WebApp() = default;

void WebApp::set_port(int port) {
  impl_->port = port;
  impl_->policy = host_policy(impl_->options.bind, impl_->options.allow_hosts, port);
}

std::string WebApp::url() const {
  std::string host = impl_->options.bind;
  if (is_wildcard(host)) host = "127.0.0.1";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  std::string out = "http://" + host + ":" + std::to_string(impl_->port) + "/";
  if (!impl_->options.token.empty()) out += "?token=" + impl_->options.token;
  return out;
}

void WebApp::install(httplib::Server& server) {
  Impl& app = *impl_;
  httplib::Headers headers;
  for (auto& [name, value] : security_headers()) headers.emplace(name, value);
  server.set_default_headers(headers);
  server.set_payload_max_length(
      std::max(app.options.max_body_bytes, app.options.max_service_body_bytes));
  // Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and the
  // client's delayed ACK hold each response back by tens of milliseconds.
  server.set_tcp_nodelay(true);
  server.set_pre_routing_handler(
      [&app](const Request& req, Response& res) { return app.gate(req, res); });
  server.set_logger([&app](const Request& req, const Response& res) { app.log_request(req, res); });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([&app](const Request& req, Response& res) {
        if (HardenedServer::body_over_limit()) {  // the server stopped reading the body at its cap
          res.status = 413;
          res.body.clear();
        }
        if (!res.body.empty())
          return HandlerResponse::Unhandled;  // a route already explained itself
        app.error(req, res, res.status, status_code_name(res.status), status_message(res.status));
        return HandlerResponse::Handled;
      }));
  server.set_exception_handler([&app](const Request& req, Response& res, std::exception_ptr) {
    // Never the exception's text or a trace: it could carry internals or health data.
    app.error(req, res, 500, "internal_error", status_message(500));
  });

  const auto bind = [&app](void (Impl::*method)(const Request&, Response&)) {
    return [&app, method](const Request& req, Response& res) { (app.*method)(req, res); };
  };
  const auto post = [&server](const std::string& pattern, httplib::Server::Handler handler) {
    post_reading_body(server, pattern, std::move(handler));
  };
  server.Get("/", bind(&Impl::start_page));
  server.Get("/profile", bind(&Impl::profile_page));
  post("/profile", bind(&Impl::profile_post));
  server.Get("/assessment", bind(&Impl::assessment_page));
  server.Get("/timetable", bind(&Impl::timetable_page));
  server.Get("/timetable.ics", bind(&Impl::timetable_ics));
  server.Get("/diary", bind(&Impl::diary_page));
  post("/diary", bind(&Impl::diary_post));
  server.Get("/trial", bind(&Impl::trial_page));
  post("/trial", bind(&Impl::trial_post));
  server.Get("/report", bind(&Impl::report_page));
  server.Get("/evidence", bind(&Impl::evidence_page));
  server.Get("/sources", bind(&Impl::sources_page));
  server.Get("/conflicts", bind(&Impl::conflicts_page));
  server.Get("/ask", bind(&Impl::ask_page));
  server.Get("/foods", bind(&Impl::foods_page));
  server.Get(R"(/static/([A-Za-z0-9_.-]+))", bind(&Impl::static_file));
  post("/api/assess", bind(&Impl::api_assess));
  server.Get("/api/session", bind(&Impl::api_session));
  server.Get("/api/version", bind(&Impl::api_version));
  server.Get("/api/profile", bind(&Impl::api_profile_get));
  post("/api/profile", bind(&Impl::api_profile_post));
  server.Get("/api/assessment", bind(&Impl::api_assessment));
  server.Get("/api/diary", bind(&Impl::api_diary_get));
  post("/api/diary", bind(&Impl::api_diary_post));
  server.Get("/api/trial", bind(&Impl::api_trial_get));
  post("/api/trial", bind(&Impl::api_trial_post));
}

}  // namespace willis::http
