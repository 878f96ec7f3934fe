// src/cli/serve_main.cc: willis-serve, the program behind `willis serve` (the local web app), which
// `willis serve` starts with its own arguments: reads the options and the token, then calls
// http::serve (the composition). Its own program so that `willis` does not load cpp-httplib,
// libjwt and OpenSSL for every command (issue 17).
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "app/clock.h"
#include "cli/commands.h"
#include "cli/serve_options.h"
#include "http/serve.h"

namespace willis::cli {
namespace {

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

int run_serve(const GlobalOptions& global, const ServeOptions& options) {
  auto token = access_token(options);
  if (!token.ok()) return report_error(token.error().path + ": " + token.error().message);
  http::ServeSettings settings;
  settings.port = options.port;
  settings.bind = options.bind;
  settings.token = std::move(token).value();
  settings.fhir_allow = options.fhir_allow;
  settings.cds_jwks = options.cds_jwks;
  settings.cds_issuers = options.cds_issuers;
  settings.cds_audience = options.cds_audience;
  settings.max_connections = options.max_connections;
  settings.allow_remote = options.allow_remote;
  settings.allow_hosts = options.allow_hosts;
  settings.quiet = options.quiet;
  settings.kb_dir = global.kb_dir;
  settings.db_path = global.db_path;
  return http::serve(settings, *global.clock, report_error);
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
  GlobalOptions global;
  prepare_command_line(app, global, argc, argv);
  ServeOptions options;
  add_serve_command(app, options)->callback([&global, &options] {
    global.exit_code = run_serve(global, options);
  });
  return parse_and_run(app, argc, argv, global.exit_code);
}
