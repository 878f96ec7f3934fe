// src/http/gate.cc: the gate every request passes before a route sees it (WebApp's pre-routing
// handler): Host check, body framing and size limits, credentials, same-origin for state-changing
// requests; and the one-line request log. The pure checks live in http/security.
#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>

#include "http/hardened_server.h"
#include "http/security.h"
#include "http/web_app_impl.h"

namespace willis::http {

using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

namespace {

/// When the request on this thread started (httplib handles each request on one thread).
thread_local std::optional<std::chrono::steady_clock::time_point> t_request_start;

constexpr const char* kTokenCookie = "willis_token";

/// What a request says about its body before it is read (the gate runs before the body is read).
/// Framing is checked strictly (RFC 9112 6.3): one Content-Length of digits only, or
/// Transfer-Encoding exactly "chunked", never both; anything else could be read one way here and
/// another by a proxy in front, or slip past the size check ("+300000").
struct DeclaredLength {
  bool malformed = false;   ///< framing willis refuses (400)
  bool chunked = false;     ///< Transfer-Encoding: chunked, length unknown until read
  std::uint64_t bytes = 0;  ///< Content-Length (0 when absent)
  bool too_large(std::size_t limit) const { return chunked || bytes > limit; }
};

std::string lower_trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
  text.erase(0, start);
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

DeclaredLength declared_body_length(const Request& req) {
  DeclaredLength out;
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  const std::size_t encodings = req.get_header_value_count("Transfer-Encoding");
  if (lengths > 1 || encodings > 1 || (lengths && encodings)) {
    out.malformed = true;
    return out;
  }
  if (encodings) {
    out.chunked = true;
    out.malformed = lower_trimmed(req.get_header_value("Transfer-Encoding")) != "chunked";
    return out;
  }
  if (lengths) {
    const std::string length = req.get_header_value("Content-Length");
    if (length.empty() || length.size() > 18 ||
        length.find_first_not_of("0123456789") != std::string::npos)
      out.malformed = true;
    else
      out.bytes = std::stoull(length);
  }
  return out;
}

/// A path as one log line can carry it: control characters, backslashes, quotes and non-ASCII
/// bytes as \xHH, so a request cannot forge or split log lines.
std::string loggable(std::string_view path) {
  std::string out;
  for (const char ch : path) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte >= 0x7f || ch == '\\' || ch == '"')
      out += fmt::format("\\x{:02x}", byte);
    else
      out += ch;
  }
  return out;
}

/// Where to send the browser after the token link: the same path when it is a plain local path,
/// else the start page. Never "//host/..." (a protocol-relative URL leaves the site) or anything a
/// browser could read as another origin.
std::string local_redirect(const std::string& path) {
  if (path.size() < 1 || path[0] != '/' || (path.size() > 1 && (path[1] == '/' || path[1] == '\\')))
    return "/";
  for (const char ch : path)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '.' || ch == '-' ||
          ch == '_'))
      return "/";
  return path;
}

/// The CDS Hooks routes (http/cds_hooks_routes): called by EHRs from other origins, with their own
/// CORS headers and body limit.
bool is_service(const Request& req) {
  return req.path.rfind("/cds-services", 0) == 0;
}

bool is_unsafe(const Request& req) {
  return req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
}

}  // namespace

HandlerResponse WebApp::Impl::refuse(const Request& req, Response& res, int status,
                                     std::string_view code, std::string_view message,
                                     bool unread_body) const {
  if (unread_body) {
    HardenedServer::close_after_response();
    res.set_header("Connection", "close");
  }
  error(req, res, status, code, message);
  return HandlerResponse::Handled;
}

HandlerResponse WebApp::Impl::gate(const Request& req, Response& res) {
  t_request_start = std::chrono::steady_clock::now();
  const auto length = declared_body_length(req);
  const bool unread_body = length.malformed || length.chunked || length.bytes > 0;
  const std::string host = req.get_header_value("Host");
  if (!host_allowed(host, policy))
    return refuse(req, res, 403, "forbidden_host",
                  "This address is not how willis was opened (Host not allowed). Use the address "
                  "`willis serve` "
                  "printed.",
                  unread_body);
  const bool service = is_service(req);
  if (service) {
    // Errors from this gate must be readable by a browser-based EHR simulator too.
    res.set_header("Access-Control-Allow-Origin", "*");
    // A CORS preflight never carries credentials; the routes answer it with headers only.
    if (req.method == "OPTIONS") return HandlerResponse::Unhandled;
  }
  if (length.malformed)
    return refuse(req, res, 400, "bad_framing",
                  "The request's length is unclear (one Content-Length of digits, or "
                  "Transfer-Encoding: chunked, "
                  "never both).",
                  true);
  const std::size_t limit = service && options.max_service_body_bytes
                                ? options.max_service_body_bytes
                                : options.max_body_bytes;
  if (!service && length.too_large(limit)) {
    // The server accepts service-sized bodies; web routes keep their own, smaller limit.
    return refuse(req, res, length.chunked ? 411 : 413,
                  length.chunked ? "length_required" : "payload_too_large",
                  length.chunked ? "Send the request with a Content-Length." : status_message(413),
                  true);
  }
  if (length.bytes > limit)
    return refuse(req, res, 413, "payload_too_large", status_message(413), true);
  // The server stops reading a body at the limit, chunked or not (chunk framing allowed for).
  HardenedServer::limit_body(length.chunked ? limit + limit / 8 + 4096 : limit);
  const std::string type = lower_trimmed(req.get_header_value("Content-Type"));
  if (type.rfind("multipart/", 0) == 0)
    return refuse(req, res, 415, "unsupported_media_type", "willis does not take multipart bodies.",
                  unread_body);
  if (service && req.method == "POST" && type.substr(0, type.find(';')) != "application/json") {
    // A page in the browser can send text/plain to any address without asking; application/json
    // needs a CORS preflight first, so a page cannot make willis act on its behalf unasked.
    return refuse(req, res, 415, "unsupported_media_type",
                  "CDS Hooks requests must be sent as Content-Type: application/json.",
                  unread_body);
  }
  if (check_credentials(req, res, service, unread_body) == HandlerResponse::Handled)
    return HandlerResponse::Handled;
  if (is_unsafe(req) && !service) return check_origin(req, res, unread_body);
  return HandlerResponse::Unhandled;
}

HandlerResponse WebApp::Impl::check_credentials(const Request& req, Response& res, bool service,
                                                bool unread_body) const {
  if (service && options.service_auth) {
    // CDS clients (EHRs) prove who they are with a signed JWT (CDS Hooks security model).
    if (const auto problem =
            options.service_auth(bearer_token(req.get_header_value("Authorization")), req.path)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return refuse(req, res, 401, "unauthorized", "The CDS client's JWT was refused: " + *problem,
                    unread_body);
    }
  } else if (!options.token.empty()) {
    const bool ok =
        constant_time_equal(bearer_token(req.get_header_value("Authorization")), options.token) ||
        constant_time_equal(cookie_value(req.get_header_value("Cookie"), kTokenCookie),
                            options.token);
    if (!ok) {
      if (req.method == "GET" && req.has_param("token") &&
          constant_time_equal(req.get_param_value("token"), options.token)) {
        // The printed link carries the token once; a cookie carries it from then on, and the
        // redirect takes it out of the address bar (to a local path only).
        res.set_header("Set-Cookie", std::string(kTokenCookie) + "=" + options.token +
                                         "; HttpOnly; SameSite=Strict; Path=/");
        res.set_redirect(local_redirect(req.path), 303);
        return HandlerResponse::Handled;
      }
      return refuse(req, res, 401, "unauthorized", status_message(401), unread_body);
    }
  }
  return HandlerResponse::Unhandled;
}

HandlerResponse WebApp::Impl::check_origin(const Request& req, Response& res,
                                           bool unread_body) const {
  const std::string origin = req.get_header_value("Origin");
  const std::string site = req.get_header_value("Sec-Fetch-Site");
  // Under Referrer-Policy: no-referrer a browser sends "Origin: null" even for its own form
  // posts; Sec-Fetch-Site (and the CSRF token the routes check) decide those.
  if ((!origin.empty() && origin != "null" &&
       !origin_matches(origin, req.get_header_value("Host"))) ||
      (!site.empty() && site != "same-origin" && site != "none"))
    return refuse(req, res, 403, "cross_origin", "Requests from other sites are refused.",
                  unread_body);
  return HandlerResponse::Unhandled;
}

void WebApp::Impl::log_request(const Request& req, const Response& res) const {
  if (!options.log) return;
  std::string duration = "-";
  if (t_request_start) {
    const auto elapsed = std::chrono::steady_clock::now() - *t_request_start;
    duration = fmt::format("{:.1f} ms", std::chrono::duration<double, std::milli>(elapsed).count());
    t_request_start.reset();
  }
  // Method, path without its query, status and time only: never bodies or parameters.
  options.log(
      fmt::format("{} {} {} {}", loggable(req.method), loggable(req.path), res.status, duration));
}

}  // namespace willis::http
