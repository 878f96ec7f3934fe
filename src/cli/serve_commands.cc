// src/cli/serve_commands.cc: `willis serve`, the local web app. Composition only: load the KB,
// open the diary, start http::WebApp on a cpp-httplib server, stop on Ctrl+C / SIGTERM.
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include "app/clock.h"
#include "app/evidence_source.h"
#include "app/kb_source.h"
#include "app/paths.h"
#include "cli/commands.h"
#include "core/names.h"
#include "http/cds_hooks_routes.h"
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
  std::string token;
  bool allow_remote = false;
  std::vector<std::string> allow_hosts;
  bool quiet = false;
};

/// Today for the pages and the CDS service. WILLIS_TODAY was checked at start-up, so this cannot fail.
core::CalendarDate serve_today() { return app::local_today().value(); }

int run_serve(const GlobalOptions& global, const ServeOptions& options) {
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
  if (!options.token.empty() && options.token.find_first_of(" ;,\"\\") != std::string::npos)
    return report_error("--token: use letters and digits only");

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
  web.max_service_body_bytes = cds.max_body_bytes;
  http::WebApp app(kb.kb, std::move(diary).value(), std::move(web));
  httplib::Server server;
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
      "Security: loopback only unless --allow-remote and --token; the Host header must name this "
      "server; forms carry a CSRF token; request bodies over 256 KiB are refused; the log has "
      "method, path, status and time only.\n"
      "EHRs: the same server answers CDS Hooks 2.0 (patient-view, order-select, order-sign) at "
      "/cds-services, with CORS on those routes only, 4 MiB request bodies and, with --token, "
      "`Authorization: Bearer TOKEN` (docs/fhir.md).\n\n"
      "Examples:\n"
      "  willis serve                          # http://127.0.0.1:8080/, diary in your user data folder\n"
      "  willis serve --port 0 --db ./my.sqlite3   # any free port, a diary file of your choice\n"
      "  willis serve --bind 192.168.1.20 --allow-remote --token \"$(openssl rand -hex 16)\"\n"
      "                                        # reachable from your network, only with the token\n");
  serve->add_option("--port", options->port, "Port to listen on; 0 picks any free port")->capture_default_str();
  serve->add_option("--bind", options->bind,
                    "Address to listen on. Anything but a loopback address (127.0.0.1, ::1, localhost) "
                    "needs --allow-remote and --token")
      ->capture_default_str();
  serve->add_option("--token", options->token,
                    "Access token every request must carry (the printed link sets it as a cookie); "
                    "at least 16 characters; required off loopback");
  serve->add_flag("--allow-remote", options->allow_remote,
                  "Allow --bind on an address other machines can reach (needs --token)");
  serve->add_option("--allow-host", options->allow_hosts,
                    "Also accept this host name in the Host header (repeatable); by default only the "
                    "bound address (and localhost on loopback) is accepted");
  serve->add_flag("--quiet", options->quiet, "Do not log requests (logs never contain health data)");
  serve->callback([&global, options] { global.exit_code = run_serve(global, *options); });
}

}  // namespace willis::cli
