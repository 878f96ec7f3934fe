// src/cli/serve_options.h: the options of `willis serve`, registered by both programs with the same
// code: `willis` (for --help, the man pages and completion; it then hands the command line to
// willis-serve) and `willis-serve` (which runs the server). Nothing here needs cpp-httplib, libjwt
// or OpenSSL, so the `willis` binary links none of them and starts faster (issue 17).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace willis::cli {

struct ServeOptions {
  int port = 8080;
  std::string bind = "127.0.0.1";
  std::string token;                     ///< --token (visible to every user in `ps`: warned about)
  std::string token_file;                ///< --token-file: first line of the file
  std::vector<std::string> fhir_allow;   ///< --fhir-allow ORIGIN (repeatable)
  std::vector<std::string> cds_jwks;     ///< --cds-jwks FILE|URL (repeatable)
  std::vector<std::string> cds_issuers;  ///< --cds-issuer ISS (repeatable)
  std::string cds_audience;  ///< --cds-audience URL (default: this server's /cds-services)
  std::size_t max_connections = 128;
  bool allow_remote = false;
  std::vector<std::string> allow_hosts;
  bool quiet = false;
};

/// Adds the `serve` subcommand and its options (bound to `options`, which must outlive `app`) to
/// `app` and returns it; the caller sets its callback.
CLI::App* add_serve_command(CLI::App& app, ServeOptions& options);

}  // namespace willis::cli
