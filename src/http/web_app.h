// src/http/web_app.h: the local web app behind `willis serve`: pages, JSON API and static
// assets on a cpp-httplib server. A thin adapter: parse -> core/store -> codec renderers.
// Nothing clinical is decided here.
//
//     httplib::Server server;
//     http::WebApp app(kb, std::move(diary), options);
//     app.install(server);
//     const int port = server.bind_to_any_port("127.0.0.1");
//     app.set_port(port);
//     server.listen_after_bind();
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diary_entry.h"
#include "core/kb.h"
#include "core/names.h"
#include "http/evidence_pages.h"
#include "store/diary.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace willis::http {

/// Request bodies above this are refused with 413 (a profile or a year of diary is far less).
inline constexpr std::size_t kDefaultMaxBodyBytes = 256 * 1024;

struct WebOptions {
  std::string bind = "127.0.0.1";        ///< the address the server listens on
  std::vector<std::string> allow_hosts;  ///< more Host names accepted (--allow-host)
  std::string token;                     ///< access token required on every request when set
  /// Checks the bearer token of a /cds-services request (CDS Hooks JWT, http/cds_jwt.h): nullopt
  /// = accepted, else why not. Set: it replaces `token` on those routes. Empty = `token` applies.
  /// Called with the bearer token and the request path (the endpoint the JWT's `aud` names).
  std::function<std::optional<std::string>(const std::string& bearer, const std::string& path)>
      service_auth;
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;
  /// Body limit for the service routes under /cds-services (an EHR's prefetch of a long record is
  /// larger than any form); they check their own limit too. 0 = the same as max_body_bytes.
  std::size_t max_service_body_bytes = 0;
  std::function<core::CalendarDate()>
      today;  ///< the local date (required; `willis serve` passes app::Clock::today)
  std::function<std::string()>
      now_utc;  ///< "YYYYMMDDTHHMMSSZ" for .ics DTSTAMP (required; app::Clock::utc_ical)
  /// One line per request: method, path (no query), status, duration. Never bodies, never
  /// parameters: they are health data. nullptr = silent.
  std::function<void(const std::string&)> log;
  std::string csrf_token;  ///< fixed CSRF token (tests); empty = random for each start
  /// Evidence, Sources, Conflicts, Ask and the food picker; empty = those pages say the data is
  /// not built in.
  EvidenceData evidence;
};

/// The pages and the API, bound to one knowledge base and one diary file.
class WebApp {
 public:
  WebApp(const core::Kb& kb, store::Diary diary, WebOptions options);
  ~WebApp();
  WebApp(const WebApp&) = delete;
  WebApp& operator=(const WebApp&) = delete;

  /// Registers every route, the security checks, headers, the body limit, the error and
  /// exception handlers and the logger on `server`.
  void install(httplib::Server& server);

  /// The port the server is bound to (the Host check expects it). Call after binding.
  void set_port(int port);

  /// The CSRF token state-changing requests must carry (form field "csrf" or header
  /// "X-CSRF-Token").
  const std::string& csrf_token() const { return csrf_; }

  /// The URL to print: http://HOST:PORT/ (with ?token=… when a token is set).
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string csrf_;
};

}  // namespace willis::http
