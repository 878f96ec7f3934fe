// src/http/serve.h: the composition of the http face (`willis serve`): checks the serving policy
// (port, loopback, token), loads the KB, diary and evidence through app, starts the web app and
// the CDS Hooks service on one hardened server, and stops on Ctrl+C / SIGTERM.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "app/clock.h"

namespace willis::http {

/// The settings of one server, as the command line gave them (the token already read).
struct ServeSettings {
  int port = 8080;
  std::string bind = "127.0.0.1";
  std::string token;                     ///< access token ("" on loopback: none)
  std::vector<std::string> fhir_allow;   ///< origins willis may read FHIR from
  std::vector<std::string> cds_jwks;     ///< JWKS files or URLs
  std::vector<std::string> cds_issuers;  ///< accepted JWT issuers
  std::string cds_audience;              ///< default: this server's /cds-services
  std::size_t max_connections = 128;
  bool allow_remote = false;
  std::vector<std::string> allow_hosts;
  bool quiet = false;
  std::string kb_dir;   ///< --kb DIR ("" = built in)
  std::string db_path;  ///< --db FILE ("" = the default diary path)
};

/// Reports one problem ("willis: error: …" on standard error) and returns `exit_code`.
using ReportFn = std::function<int(const std::string& message, int exit_code)>;

/// Serves until stopped. Returns the exit code: 0 after a clean stop, 2 when the KB cannot be
/// loaded, 1 for any other problem (reported through `report`).
int serve(const ServeSettings& settings, const app::Clock& clock, const ReportFn& report);

}  // namespace willis::http
