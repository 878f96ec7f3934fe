// src/cli/serve_main.cc: willis-serve, the program behind `willis serve` (the local web app), which
// `willis serve` starts with its own arguments. Composition only: load the KB, open the diary,
// start http::WebApp on a cpp-httplib server, stop on Ctrl+C / SIGTERM. Its own program so that
// `willis` does not load cpp-httplib, libjwt and OpenSSL for every command (issue 17).
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
#include "cli/serve_options.h"
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

/// The access token from --token-file, WILLIS_TOKEN or --token (in that order), or an error.
core::Result<std::string> access_token(const ServeOptions& options) {
  if (!options.token_file.empty()) {
    std::ifstream in(options.token_file);
    std::string line;
    if (!in || !std::getline(in, line))
      return core::Error{core::Errc::io_error, "--token-file",
                         options.token_file + ": cannot read a token from it"};
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
  }
  if (const char* env = std::getenv("WILLIS_TOKEN"); env && *env) return std::string(env);
  if (!options.token.empty())
    report_error(
        "warning: --token is visible to every user of this computer (ps); prefer --token-file FILE "
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
      return report_error("--fhir-allow " + origin +
                          ": give an origin: http(s)://HOST[:PORT], no path");
    fhir_allow.push_back(normal);
  }
  const app::Clock& clock = *global.clock;
  if (const auto today = clock.today(); !today.ok())
    return report_error(today.error().path + ": " + today.error().message);
  if (options.port < 0 || options.port > 65535)
    return report_error("--port: " + std::to_string(options.port) +
                        " is not a port; use 1-65535, or 0 for any free port");
  const bool loopback = http::is_loopback(options.bind);
  if (!loopback && !options.allow_remote)
    return report_error(
        "--bind " + options.bind +
        ": willis serves health data, so it listens on this computer only (127.0.0.1). To "
        "let other machines in, add --allow-remote and --token with a secret of at least " +
        std::to_string(kMinTokenChars) + " characters");
  if (!loopback && options.token.size() < kMinTokenChars)
    return report_error("--token: serving on " + options.bind +
                        " needs an access token of at least " + std::to_string(kMinTokenChars) +
                        " characters (e.g. --token \"$(openssl rand -hex 16)\")");
  if (!options.token.empty() &&
      options.token.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") !=
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
    if (auto error = app::create_parent_directories(path))
      return report_error(error->path + ": " + error->message);
  }
  store::DiaryOptions diary_options;
  diary_options.now = [&clock] { return clock.utc_timestamp(); };
  auto diary = store::Diary::open(path, std::move(diary_options));
  if (!diary.ok()) return report_error(diary.error().path + ": " + diary.error().message);

  http::WebOptions web;
  web.bind = options.bind;
  web.token = options.token;
  web.allow_hosts = options.allow_hosts;
  // Today for the pages and the CDS service. The clock's today() was checked above, so it cannot
  // fail.
  web.today = [&clock] { return clock.today().value(); };
  web.now_utc = [&clock] { return clock.utc_ical(); };
  if (!options.quiet)
    web.log = [](const std::string& line) { std::fprintf(stderr, "willis: %s\n", line.c_str()); };
  // Evidence, Sources, Conflicts, Ask and the food picker: loaded once, read-only afterwards. A
  // problem is reported and those pages say so; the rest of the app still serves.
  auto evidence = app::load_evidence(kb.kb);
  auto foods = app::load_food_table();
  std::optional<store::AskIndex> ask_index;
  std::optional<store::FoodIndex> food_index;
  if (!evidence.errors.empty()) {
    for (const auto& error : evidence.errors)
      report_error("evidence pages off: " + app::describe_error(error), 0);
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
      web.evidence =
          http::EvidenceData{&evidence.evidence, &*ask_index, &foods.value(), &*food_index};
    }
  }

  // The CDS Hooks service shares the server and its gate (Host check, token); it outlives both.
  const core::NameIndex names(kb.kb);
  http::CdsHooksConfig cds(kb.kb, names);
  cds.today = web.today;
  cds.fhir_allow = fhir_allow;
  cds.allow_fetch = !fhir_allow.empty();
  web.max_service_body_bytes = cds.max_body_bytes;
  std::unique_ptr<http::CdsJwtVerifier> jwt;
  if (!options.cds_jwks.empty()) {
    http::CdsJwtOptions jwt_options;
    jwt_options.issuers = options.cds_issuers;
    jwt_options.audience = options.cds_audience;
    jwt_options.now = [&clock] { return clock.unix_seconds(); };
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
      jwt_options.audience =
          "http://" + host + ":" + std::to_string(options.port) + "/cds-services";
    }
    // JWKS URLs are read by the same outbound client as FHIR prefetch, with its timeout.
    jwt_options.fetch_limits.timeout_ms = cds.fetch_timeout_ms;
    jwt_options.fetch_limits.max_bytes = std::min<std::size_t>(cds.max_fetch_bytes, 256 * 1024);
    auto made = http::CdsJwtVerifier::make(std::move(jwt_options));
    if (!made.ok()) return report_error("--cds-jwks: " + made.error().message);
    jwt = std::move(made).value();
    web.service_auth = [&jwt](const std::string& bearer, const std::string& request_path) {
      return jwt->check(bearer, request_path);
    };
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
    return report_error("--port " + std::to_string(port) + ": cannot listen on " + options.bind +
                        ":" + std::to_string(port) +
                        " (in use?); try another port, or --port 0 for any free one");
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
  return listened ? 0 : report_error("the server stopped unexpectedly", 1);
}

}  // namespace
}  // namespace willis::cli

int main(int argc, char** argv) {
  using namespace willis::cli;
  // The same command line as `willis serve ...`, parsed by the same code (global options, serve
  // options).
  CLI::App app{
      "willis-serve: the web server behind `willis serve`, which starts it with its own arguments.",
      "willis"};
  app.fallthrough();
  app.require_subcommand(1);
  GlobalOptions global;
  global.argc = argc;
  global.argv = argv;
  add_global_options(app, global);
  ServeOptions options;
  add_serve_command(app, options)->callback([&global, &options] {
    global.exit_code = run_serve(global, options);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return global.exit_code;
}
