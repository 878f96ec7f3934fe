// src/http/serve.cc: `willis serve` composed: policy checks, sources through app, the web app and
// the CDS Hooks service on one server, a clean stop on Ctrl+C / SIGTERM.
#include "http/serve.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "app/kb_source.h"
#include "app/paths.h"
#include "app/web_sources.h"
#include "core/names.h"
#include "http/cds_hooks_routes.h"
#include "http/cds_jwt.h"
#include "http/hardened_server.h"
#include "http/security.h"
#include "http/web_app.h"
#include "store/diary.h"

namespace willis::http {
namespace {

/// Shortest access token accepted: 16 characters (e.g. `openssl rand -hex 16` gives 32).
constexpr std::size_t kMinTokenChars = 16;

/// The serving policy: origins, the clock, the port, loopback unless allowed, the token. The
/// problem, or nullopt; `fhir_allow` gets the normalised origins.
std::optional<std::string> check_policy(const ServeSettings& settings, const app::Clock& clock,
                                        std::vector<std::string>& fhir_allow) {
  for (const auto& origin : settings.fhir_allow) {
    const std::string normal = normalize_origin(origin);
    if (normal.empty())
      return "--fhir-allow " + origin + ": give an origin: http(s)://HOST[:PORT], no path";
    fhir_allow.push_back(normal);
  }
  if (const auto today = clock.today(); !today.ok())
    return today.error().path + ": " + today.error().message;
  if (settings.port < 0 || settings.port > 65535)
    return "--port: " + std::to_string(settings.port) +
           " is not a port; use 1-65535, or 0 for any free port";
  const bool loopback = is_loopback(settings.bind);
  if (!loopback && !settings.allow_remote)
    return "--bind " + settings.bind +
           ": willis serves health data, so it listens on this computer only (127.0.0.1). To "
           "let other machines in, add --allow-remote and --token with a secret of at least " +
           std::to_string(kMinTokenChars) + " characters";
  if (!loopback && settings.token.size() < kMinTokenChars)
    return "--token: serving on " + settings.bind + " needs an access token of at least " +
           std::to_string(kMinTokenChars) +
           " characters (e.g. --token \"$(openssl rand -hex 16)\")";
  if (!settings.token.empty() &&
      settings.token.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") !=
          std::string::npos)
    return "--token: use letters, digits and - . _ ~ only";
  return std::nullopt;
}

/// --db, else the default diary path (its folder created). Errors: "path: message".
core::Result<std::string> diary_path(const ServeSettings& settings) {
  if (!settings.db_path.empty()) return settings.db_path;
  auto found = app::default_diary_path();
  if (!found.ok()) return found.error();
  if (auto error = app::create_parent_directories(found.value())) return *error;
  return found;
}

/// The JWT verifier of --cds-jwks (files read now, URLs when a token first needs them). Errors:
/// the whole message in Error::message.
core::Result<std::unique_ptr<CdsJwtVerifier>> make_jwt(const ServeSettings& settings,
                                                       const CdsHooksConfig& cds,
                                                       const app::Clock& clock) {
  const auto fail = [](std::string message) {
    return core::Error{core::Errc::invalid_value, "--cds-jwks", std::move(message)};
  };
  CdsJwtOptions jwt_options;
  jwt_options.issuers = settings.cds_issuers;
  jwt_options.audience = settings.cds_audience;
  jwt_options.now = [&clock] { return clock.unix_seconds(); };
  if (jwt_options.issuers.empty())
    return fail("--cds-jwks needs --cds-issuer ISS (each EHR's JWT `iss`)");
  for (const auto& file : settings.cds_jwks) {
    if (file.rfind("https://", 0) == 0 || file.rfind("http://", 0) == 0) {
      jwt_options.jwks_urls.push_back(file);  // allow-listed; read when a token first needs it
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return fail("--cds-jwks " + file + ": cannot read it");
    jwt_options.jwks.push_back(text.str());
  }
  if (jwt_options.audience.empty()) {
    std::string host = is_wildcard(settings.bind) ? "127.0.0.1" : settings.bind;
    jwt_options.audience = "http://" + host + ":" + std::to_string(settings.port) + "/cds-services";
  }
  // JWKS URLs are read by the same outbound client as FHIR prefetch, with its timeout.
  jwt_options.fetch_limits.timeout_ms = cds.fetch_timeout_ms;
  jwt_options.fetch_limits.max_bytes = std::min<std::size_t>(cds.max_fetch_bytes, 256 * 1024);
  auto made = CdsJwtVerifier::make(std::move(jwt_options));
  if (!made.ok()) return fail("--cds-jwks: " + made.error().message);
  return made;
}

WebOptions web_options(const ServeSettings& settings, const app::Clock& clock) {
  WebOptions web;
  web.bind = settings.bind;
  web.token = settings.token;
  web.allow_hosts = settings.allow_hosts;
  // Today for the pages and the CDS service. The clock's today() was checked by check_policy, so
  // it cannot fail.
  web.today = [&clock] { return clock.today().value(); };
  web.now_utc = [&clock] { return clock.utc_ical(); };
  if (!settings.quiet)
    web.log = [](const std::string& line) { std::fprintf(stderr, "willis: %s\n", line.c_str()); };
  return web;
}

/// Binds, prints the address, serves until Ctrl+C / SIGTERM; the exit code.
int listen_until_stopped(HardenedServer& server, WebApp& app, const ServeSettings& settings,
                         const std::string& path, const ReportFn& report) {
  // Ctrl+C and SIGTERM stop the server cleanly: block them here (threads started later inherit
  // the mask) and wait for them on one thread that calls stop().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int port = settings.port;
  if (port == 0) {
    port = server.bind_to_any_port(settings.bind);
    if (port < 0) return report("--bind " + settings.bind + ": cannot listen on this address", 2);
  } else if (!server.bind_to_port(settings.bind, port)) {
    return report("--port " + std::to_string(port) + ": cannot listen on " + settings.bind + ":" +
                      std::to_string(port) +
                      " (in use?); try another port, or --port 0 for any free one",
                  2);
  }
  app.set_port(port);

  std::thread stopper([&server, signals] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    server.stop();
  });
  std::printf("willis serve: %s\n", app.url().c_str());
  std::printf("Diary: %s\nOpen the address above in your browser. Press Ctrl+C to stop.\n",
              path.c_str());
  std::fflush(stdout);
  const bool listened = server.listen_after_bind();
  // If the server stopped for another reason, wake the signal thread so it can end.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  std::printf("willis serve: stopped\n");
  std::fflush(stdout);
  return listened ? 0 : report("the server stopped unexpectedly", 1);
}

}  // namespace

int serve(const ServeSettings& settings, const app::Clock& clock, const ReportFn& report) {
  std::vector<std::string> fhir_allow;
  if (auto problem = check_policy(settings, clock, fhir_allow)) return report(*problem, 2);
  auto kb = app::load_kb(settings.kb_dir);
  if (!kb.errors.empty()) {
    for (const auto& error : kb.errors) report(app::describe_error(error), 2);
    return 2;
  }
  auto path = diary_path(settings);
  if (!path.ok()) return report(path.error().path + ": " + path.error().message, 2);
  store::DiaryOptions diary_options;
  diary_options.now = [&clock] { return clock.utc_timestamp(); };
  auto diary = store::Diary::open(path.value(), std::move(diary_options));
  if (!diary.ok()) return report(diary.error().path + ": " + diary.error().message, 2);

  WebOptions web = web_options(settings, clock);
  // Evidence, Sources, Conflicts, Ask and the food picker: loaded once, read-only afterwards. A
  // problem is reported and those pages say so; the rest of the app still serves.
  const auto sources = app::load_web_sources(kb.kb);
  for (const auto& problem : sources->problems) report("evidence pages off: " + problem, 0);
  if (sources->ready())
    web.evidence = EvidenceData{&sources->evidence.evidence, &*sources->ask_index, &*sources->foods,
                                &*sources->food_index};

  // The CDS Hooks service shares the server and its gate (Host check, token); it outlives both.
  const core::NameIndex names(kb.kb);
  CdsHooksConfig cds(kb.kb, names);
  cds.today = web.today;
  cds.fhir_allow = fhir_allow;
  cds.allow_fetch = !fhir_allow.empty();
  web.max_service_body_bytes = cds.max_body_bytes;
  std::unique_ptr<CdsJwtVerifier> jwt;
  if (!settings.cds_jwks.empty()) {
    auto made = make_jwt(settings, cds, clock);
    if (!made.ok()) return report(made.error().message, 2);
    jwt = std::move(made).value();
    web.service_auth = [&jwt](const std::string& bearer, const std::string& request_path) {
      return jwt->check(bearer, request_path);
    };
  }
  WebApp app(kb.kb, std::move(diary).value(), std::move(web));
  ServerLimits limits;
  limits.max_connections = settings.max_connections;
  limits.max_body_bytes = std::max(kDefaultMaxBodyBytes, cds.max_body_bytes) * 2;
  HardenedServer server(limits);
  app.install(server);
  add_cds_hooks_routes(server, cds);
  return listen_until_stopped(server, app, settings, path.value(), report);
}

}  // namespace willis::http
