// src/cli/serve_commands.cc: `willis serve`. The options are registered here (so --help, the man
// pages and completion see them); the server itself is the sibling program willis-serve
// (src/cli/serve_main.cc), which this command starts with the same arguments. Keeping cpp-httplib,
// libjwt and OpenSSL out of `willis` saves loading them on every other command (issue 17).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/serve_options.h"

namespace willis::cli {

/// `willis serve --help`: what the web app offers, its security, and the EHR interface.
constexpr const char* kServeHelp =
    "Start the local web app: profile, assessment, timetable (.ics), diary, trial, a printable "
    "report for your GP, the evidence behind every claim (Evidence, Sources, Conflicts), an Ask "
    "box "
    "and a food picker, at http://127.0.0.1:8080/. Your data stays in the diary file on this "
    "computer: --db PATH (before or after `serve`) picks the file, by default "
    "$XDG_DATA_HOME/willis/diary.sqlite3 or ~/.local/share/willis/diary.sqlite3.\n"
    "Security: loopback only unless --allow-remote and a token; the Host header must name this "
    "server; forms carry a CSRF token; request bodies over 256 KiB are refused; a request's head "
    "must arrive within 10 s and its body within 30 s; at most --max-connections at once (more "
    "get 503); the log has method, path, status and time only.\n"
    "Token: --token-file FILE (first line) or the environment variable WILLIS_TOKEN; --token "
    "TOKEN "
    "still works but every user of the computer can read it in `ps`.\n"
    "EHRs: the same server answers CDS Hooks 2.0 (patient-view, order-select, order-sign) at "
    "/cds-services, with CORS on those routes only, Content-Type: application/json, 4 MiB "
    "request bodies and, with a token, `Authorization: Bearer TOKEN`; with --cds-jwks, the EHR's "
    "signed JWT instead (iss, aud, exp, jti checked; keys from a JWKS file, or from a JWKS URL "
    "given with --cds-jwks: a token's `jku` header must be exactly such a URL, else it is "
    "refused "
    "and nothing is contacted). willis reads missing prefetch from an EHR's "
    "FHIR server only when that server's origin is given with --fhir-allow; otherwise it answers "
    "412 and contacts nothing (docs/fhir.md).\n\n"
    "Examples:\n"
    "  willis serve                          # http://127.0.0.1:8080/, diary in your user data "
    "folder\n"
    "  willis serve --port 0 --db ./my.sqlite3   # any free port, a diary file of your choice\n"
    "  WILLIS_TOKEN=\"$(openssl rand -hex 16)\" willis serve --bind 192.168.1.20 --allow-remote\n"
    "                                        # reachable from your network, only with the token\n"
    "  willis serve --fhir-allow https://ehr.example.org:443 --cds-jwks ehr-jwks.json \\\n"
    "               --cds-issuer https://ehr.example.org  # an EHR's FHIR server and its signed "
    "JWTs\n"
    "  willis serve --cds-jwks https://ehr.example.org/.well-known/jwks.json \\\n"
    "               --cds-issuer https://ehr.example.org  # the EHR's keys read from its JWKS "
    "URL\n";

CLI::App* add_serve_command(CLI::App& app, ServeOptions& options) {
  CLI::App* serve = app.add_subcommand("serve", kServeHelp);
  serve->add_option("--port", options.port, "Port to listen on; 0 picks any free port")
      ->capture_default_str();
  serve
      ->add_option(
          "--bind", options.bind,
          "Address to listen on. Anything but a loopback address (127.0.0.1, ::1, localhost) "
          "needs --allow-remote and --token")
      ->capture_default_str();
  serve->add_option("--token", options.token,
                    "Access token every request must carry (the printed link sets it as a cookie); "
                    "at least 16 characters; required off loopback. Visible in `ps`: prefer "
                    "--token-file or WILLIS_TOKEN");
  serve
      ->add_option("--token-file", options.token_file,
                   "Read the access token from the first line of FILE (not visible in `ps`); the "
                   "environment variable WILLIS_TOKEN works too")
      ->check(CLI::ExistingFile);
  serve->add_option(
      "--fhir-allow", options.fhir_allow,
      "An EHR FHIR server willis may read missing prefetch from, as an exact origin "
      "http(s)://HOST[:PORT] (repeatable). Without it willis never contacts a fhirServer "
      "named in a request");
  serve
      ->add_option(
          "--cds-jwks", options.cds_jwks,
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
  serve->add_option("--cds-issuer", options.cds_issuers,
                    "An accepted JWT `iss` (repeatable; required with --cds-jwks)");
  serve->add_option("--cds-audience", options.cds_audience,
                    "The JWT `aud` expected; by default http://BIND:PORT/cds-services");
  serve
      ->add_option("--max-connections", options.max_connections,
                   "Connections served at once; more are answered 503 at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  serve->add_flag("--allow-remote", options.allow_remote,
                  "Allow --bind on an address other machines can reach (needs --token)");
  serve->add_option(
      "--allow-host", options.allow_hosts,
      "Also accept this host name in the Host header (repeatable); by default only the "
      "bound address (and localhost on loopback) is accepted");
  serve->add_flag("--quiet", options.quiet, "Do not log requests (logs never contain health data)");
  return serve;
}

void register_serve_commands(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ServeOptions>();
  // The options were checked here (--help, ranges, existing files); willis-serve parses them again
  // with the same code and does the rest.
  add_serve_command(app, *options)->callback([&global, options] {
    global.exit_code = exec_sibling_program(global, "willis-serve", "willis serve (the web app)");
  });
}

}  // namespace willis::cli
