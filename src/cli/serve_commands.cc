// src/cli/serve_commands.cc: `willis serve`, the local web app. Composition only: load the KB,
// open the diary, start http::WebApp on a cpp-httplib server, stop on Ctrl+C / SIGTERM.
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <optional>
#include <thread>

#include "app/clock.h"
#include "app/evidence_source.h"
#include "app/kb_source.h"
#include "app/paths.h"
#include "cli/commands.h"
#include "core/names.h"
#include "http/cds_hooks_routes.h"
#include "http/cds_jwt.h"
#include "http/hardened_server.h"
#include "http/security.h"
#include "http/web_app.h"
#include "store/ask_index.h"
#include "store/diary.h"

namespace willis::cli {
namespace {

/// Shortest access token accepted: 16 characters (e.g. `openssl rand -hex 16` gives 32).
constexpr std::size_t kMinTokenChars = 16;

struct ServeOptions {
  int port = 8080;
  std::string bind = "127.0.0.1";
  std::string token;       ///< --token (visible to every user in `ps`: warned about)
  std::string token_file;  ///< --token-file: first line of the file
  std::vector<std::string> fhir_allow;  ///< --fhir-allow ORIGIN (repeatable)
  std::vector<std::string> cds_jwks;    ///< --cds-jwks FILE|URL (repeatable)
  std::vector<std::string> cds_issuers; ///< --cds-issuer ISS (repeatable)
  std::string cds_audience;             ///< --cds-audience URL (default: this server's /cds-services)
  std::size_t max_connections = 128;
  bool allow_remote = false;
  std::vector<std::string> allow_hosts;
  bool quiet = false;
};

/// Today for the pages and the CDS service. WILLIS_TODAY was checked at start-up, so this cannot fail.
core::CalendarDate serve_today() { return app::local_today().value(); }

/// The access token from --token-file, WILLIS_TOKEN or --token (in that order), or an error.
core::Result<std::string> access_token(const ServeOptions& options) {
  if (!options.token_file.empty()) {
    std::ifstream in(options.token_file);
    std::string line;
    if (!in || !std::getline(in, line))
      return core::Error{core::Errc::io_error, "--token-file", options.token_file + ": cannot read a token from it"};
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
  }
  if (const char* env = std::getenv("WILLIS_TOKEN"); env && *env) return std::string(env);
  if (!options.token.empty())
    report_error("warning: --token is visible to every user of this computer (ps); prefer --token-file FILE "
                 "or the WILLIS_TOKEN environment variable",
                 0);
  return options.token;
}

int run_serve(const GlobalOptions& global, const ServeOptions& options_in) {
  ServeOptions options = options_in;
  {
    auto token = access_token(options);
    if (!token.ok()) return report_error(token.error().path + ": " + token.error().message);
    options.token = std::move(token).value();
  }
  std::vector<std::string> fhir_allow;
  for (const auto& origin : options.fhir_allow) {
    const std::string normal = http::normalize_origin(origin);
    if (normal.empty())
      return report_error("--fhir-allow " + origin + ": give an origin: http(s)://HOST[:PORT], no path");
    fhir_allow.push_back(normal);
  }
  if (const auto today = app::local_today(); !today.ok())
    return report_error(today.error().path + ": " + today.error().message);
  if (options.port < 0 || options.port > 65535)
    return report_error("--port: " + std::to_string(options.port) + " is not a port; use 1-65535, or 0 for any free port");
  const bool loopback = http::is_loopback(options.bind);
  if (!loopback && !options.allow_remote)
    return report_error("--bind " + options.bind +
                        ": willis serves health data, so it listens on this computer only (127.0.0.1). To "
                        "let other machines in, add --allow-remote and --token with a secret of at least " +
                        std::to_string(kMinTokenChars) + " characters");
  if (!loopback && options.token.size() < kMinTokenChars)
    return report_error("--token: serving on " + options.bind + " needs an access token of at least " +
                        std::to_string(kMinTokenChars) + " characters (e.g. --token \"$(openssl rand -hex 16)\")");
  if (!options.token.empty() &&
      options.token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") !=
          std::string::npos)
    return report_error("--token: use letters, digits and - . _ ~ only");

  auto kb = app::load_kb(global.kb_dir);
  if (!kb.errors.empty()) {
    for (const auto& error : kb.errors) report_error(app::describe_error(error));
    return 2;
  }
  std::string path = global.db_path;
  if (path.empty()) {
    auto found = app::default_diary_path();
    if (!found.ok()) return report_error(found.error().path + ": " + found.error().message);
    path = found.value();
    if (auto error = app::create_parent_directories(path)) return report_error(error->path + ": " + error->message);
  }
  auto diary = store::Diary::open(path);
  if (!diary.ok()) return report_error(diary.error().path + ": " + diary.error().message);

  http::WebOptions web;
  web.bind = options.bind;
  web.token = options.token;
  web.allow_hosts = options.allow_hosts;
  web.today = serve_today;
  if (!options.quiet)
    web.log = [](const std::string& line) { std::fprintf(stderr, "willis: %s\n", line.c_str()); };
  // Evidence, Sources, Conflicts, Ask and the food picker: loaded once, read-only afterwards. A
  // problem is reported and those pages say so; the rest of the app still serves.
  auto evidence = app::load_evidence(kb.kb);
  auto foods = app::load_food_table();
  std::optional<store::AskIndex> ask_index;
  std::optional<store::FoodIndex> food_index;
  if (!evidence.errors.empty()) {
    for (const auto& error : evidence.errors) report_error("evidence pages off: " + app::describe_error(error), 0);
  } else if (!foods.ok()) {
    report_error("evidence pages off: " + app::describe_error(foods.error()), 0);
  } else {
    auto built_ask = store::AskIndex::build(core::build_ask_docs(kb.kb, evidence.evidence));
    auto built_food = store::FoodIndex::build(foods.value());
    if (!built_ask.ok()) report_error("evidence pages off: " + built_ask.error().message, 0);
    if (!built_food.ok()) report_error("evidence pages off: " + built_food.error().message, 0);
    if (built_ask.ok() && built_food.ok()) {
      ask_index.emplace(std::move(built_ask).value());
      food_index.emplace(std::move(built_food).value());
      web.evidence = http::EvidenceData{&evidence.evidence, &*ask_index, &foods.value(), &*food_index};
    }
  }

  // The CDS Hooks service shares the server and its gate (Host check, token); it outlives both.
  const core::NameIndex names(kb.kb);
  http::CdsHooksConfig cds(kb.kb, names);
  cds.today = serve_today;
  cds.fhir_allow = fhir_allow;
  cds.allow_fetch = !fhir_allow.empty();
  web.max_service_body_bytes = cds.max_body_bytes;
  std::unique_ptr<http::CdsJwtVerifier> jwt;
  if (!options.cds_jwks.empty()) {
    http::CdsJwtOptions jwt_options;
    jwt_options.issuers = options.cds_issuers;
    jwt_options.audience = options.cds_audience;
    if (jwt_options.issuers.empty())
      return report_error("--cds-jwks needs --cds-issuer ISS (each EHR's JWT `iss`)");
    for (const auto& file : options.cds_jwks) {
      if (file.rfind("https://", 0) == 0 || file.rfind("http://", 0) == 0) {
        jwt_options.jwks_urls.push_back(file);  // allow-listed; read when a token first needs it
        continue;
      }
      std::ifstream in(file, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in) return report_error("--cds-jwks " + file + ": cannot read it");
      jwt_options.jwks.push_back(text.str());
    }
    if (jwt_options.audience.empty()) {
      std::string host = http::is_wildcard(options.bind) ? "127.0.0.1" : options.bind;
      jwt_options.audience = "http://" + host + ":" + std::to_string(options.port) + "/cds-services";
    }
    // JWKS URLs are read by the same outbound client as FHIR prefetch, with its timeout.
    jwt_options.fetch_limits.timeout_ms = cds.fetch_timeout_ms;
    jwt_options.fetch_limits.max_bytes = std::min<std::size_t>(cds.max_fetch_bytes, 256 * 1024);
    auto made = http::CdsJwtVerifier::make(std::move(jwt_options));
    if (!made.ok()) return report_error("--cds-jwks: " + made.error().message);
    jwt = std::move(made).value();
    web.service_auth = [&jwt](const std::string& bearer) { return jwt->check(bearer); };
  }
  http::WebApp app(kb.kb, std::move(diary).value(), std::move(web));
  http::ServerLimits limits;
  limits.max_connections = options.max_connections;
  limits.max_body_bytes = std::max(http::kDefaultMaxBodyBytes, cds.max_body_bytes) * 2;
  http::HardenedServer server(limits);
  app.install(server);
  http::add_cds_hooks_routes(server, cds);

  // Ctrl+C and SIGTERM stop the server cleanly: block them here (threads started later inherit
  // the mask) and wait for them on one thread that calls stop().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.bind);
    if (port < 0) return report_error("--bind " + options.bind + ": cannot listen on this address");
  } else if (!server.bind_to_port(options.bind, port)) {
    return report_error("--port " + std::to_string(port) + ": cannot listen on " + options.bind + ":" +
                        std::to_string(port) + " (in use?); try another port, or --port 0 for any free one");
  }
  app.set_port(port);

  std::thread stopper([&server, signals] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    server.stop();
  });
  std::printf("willis serve: %s\n", app.url().c_str());
  std::printf("Diary: %s\nOpen the address above in your browser. Press Ctrl+C to stop.\n", path.c_str());
  std::fflush(stdout);
  const bool listened = server.listen_after_bind();
  // If the server stopped for another reason, wake the signal thread so it can end.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  std::printf("willis serve: stopped\n");
  std::fflush(stdout);
  return listened ? 0 : report_error("the server stopped unexpectedly", 1);
}

}  // namespace

void register_serve_commands(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Start the local web app: profile, assessment, timetable (.ics), diary, trial, a printable "
      "report for your GP, the evidence behind every claim (Evidence, Sources, Conflicts), an Ask box "
      "and a food picker, at http://127.0.0.1:8080/. Your data stays in the diary file on this "
      "computer: --db PATH (before or after `serve`) picks the file, by default "
      "$XDG_DATA_HOME/willis/diary.sqlite3 or ~/.local/share/willis/diary.sqlite3.\n"
      "Security: loopback only unless --allow-remote and a token; the Host header must name this "
      "server; forms carry a CSRF token; request bodies over 256 KiB are refused; a request's head "
      "must arrive within 10 s and its body within 30 s; at most --max-connections at once (more "
      "get 503); the log has method, path, status and time only.\n"
      "Token: --token-file FILE (first line) or the environment variable WILLIS_TOKEN; --token TOKEN "
      "still works but every user of the computer can read it in `ps`.\n"
      "EHRs: the same server answers CDS Hooks 2.0 (patient-view, order-select, order-sign) at "
      "/cds-services, with CORS on those routes only, Content-Type: application/json, 4 MiB "
      "request bodies and, with a token, `Authorization: Bearer TOKEN`; with --cds-jwks, the EHR's "
      "signed JWT instead (iss, aud, exp, jti checked; keys from a JWKS file, or from a JWKS URL "
      "given with --cds-jwks: a token's `jku` header must be exactly such a URL, else it is refused "
      "and nothing is contacted). willis reads missing prefetch from an EHR's "
      "FHIR server only when that server's origin is given with --fhir-allow; otherwise it answers "
      "412 and contacts nothing (docs/fhir.md).\n\n"
      "Examples:\n"
      "  willis serve                          # http://127.0.0.1:8080/, diary in your user data folder\n"
      "  willis serve --port 0 --db ./my.sqlite3   # any free port, a diary file of your choice\n"
      "  WILLIS_TOKEN=\"$(openssl rand -hex 16)\" willis serve --bind 192.168.1.20 --allow-remote\n"
      "                                        # reachable from your network, only with the token\n"
      "  willis serve --fhir-allow https://ehr.example.org:443 --cds-jwks ehr-jwks.json \\\n"
      "               --cds-issuer https://ehr.example.org  # an EHR's FHIR server and its signed JWTs\n"
      "  willis serve --cds-jwks https://ehr.example.org/.well-known/jwks.json \\\n"
      "               --cds-issuer https://ehr.example.org  # the EHR's keys read from its JWKS URL\n");
  serve->add_option("--port", options->port, "Port to listen on; 0 picks any free port")->capture_default_str();
  serve->add_option("--bind", options->bind,
                    "Address to listen on. Anything but a loopback address (127.0.0.1, ::1, localhost) "
                    "needs --allow-remote and --token")
      ->capture_default_str();
  serve->add_option("--token", options->token,
                    "Access token every request must carry (the printed link sets it as a cookie); "
                    "at least 16 characters; required off loopback. Visible in `ps`: prefer "
                    "--token-file or WILLIS_TOKEN");
  serve->add_option("--token-file", options->token_file,
                    "Read the access token from the first line of FILE (not visible in `ps`); the "
                    "environment variable WILLIS_TOKEN works too")
      ->check(CLI::ExistingFile);
  serve->add_option("--fhir-allow", options->fhir_allow,
                    "An EHR FHIR server willis may read missing prefetch from, as an exact origin "
                    "http(s)://HOST[:PORT] (repeatable). Without it willis never contacts a fhirServer "
                    "named in a request");
  serve->add_option("--cds-jwks", options->cds_jwks,
                    "A JWKS (JSON Web Key Set) with the public keys of the EHRs allowed to call "
                    "/cds-services, as a FILE or an http(s) URL (repeatable): their signed JWT bearer "
                    "token is then required and checked (signature, iss, aud, exp, jti not replayed). "
                    "A URL is also the allow-list for a token's `jku` header (exact match; any other "
                    "jku is refused without a connection); its keys are cached for an hour and read "
                    "again at most once a minute for an unknown `kid`, with a 5 s timeout, a 256 KiB "
                    "limit and no redirects")
      ->check([](const std::string& value) -> std::string {
        if (value.rfind("https://", 0) == 0 || value.rfind("http://", 0) == 0) return "";
        return CLI::ExistingFile(value);
      });
  serve->add_option("--cds-issuer", options->cds_issuers,
                    "An accepted JWT `iss` (repeatable; required with --cds-jwks)");
  serve->add_option("--cds-audience", options->cds_audience,
                    "The JWT `aud` expected; by default http://BIND:PORT/cds-services");
  serve->add_option("--max-connections", options->max_connections,
                    "Connections served at once; more are answered 503 at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  serve->add_flag("--allow-remote", options->allow_remote,
                  "Allow --bind on an address other machines can reach (needs --token)");
  serve->add_option("--allow-host", options->allow_hosts,
                    "Also accept this host name in the Host header (repeatable); by default only the "
                    "bound address (and localhost on loopback) is accepted");
  serve->add_flag("--quiet", options->quiet, "Do not log requests (logs never contain health data)");
  serve->callback([&global, options] { global.exit_code = run_serve(global, *options); });
}

}  // namespace willis::cli
