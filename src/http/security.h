// src/http/security.h: the checks every request passes before a route sees it. Pure functions,
// so each rule is unit-tested on its own; http/gate.cc applies them.
//
// - Host header: only the names the server is bound to (blocks DNS rebinding: a hostile page
//   whose name resolves to 127.0.0.1 still sends its own name as Host).
// - Origin: a state-changing request from a browser must come from this origin.
// - CSRF: state-changing requests carry a per-start random token (form field or header).
// - Access token: required on every request when set (mandatory off loopback).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace willis::http {

/// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(std::string_view address);

/// 0.0.0.0 and :: (every interface).
bool is_wildcard(std::string_view address);

/// Which Host headers a server accepts.
struct HostPolicy {
  std::vector<std::string> names;  ///< lower-case host names or IP literals (IPv6 in brackets)
  bool any_ip_literal = false;     ///< bound to every interface: accept any IP literal Host
  int port = 0;                    ///< the bound port; a Host without a port means 80
};

/// The policy for a server bound to `bind`, plus `extra_names` (--allow-host).
HostPolicy host_policy(std::string_view bind, const std::vector<std::string>& extra_names,
                       int port);

/// True when the Host header names this server. Names never match by suffix or prefix.
bool host_allowed(std::string_view host_header, const HostPolicy& policy);

/// True when `origin` ("http://127.0.0.1:8080") is this server as reached through `host_header`.
bool origin_matches(std::string_view origin, std::string_view host_header);

/// Compares secrets in time that depends only on the length.
bool constant_time_equal(std::string_view a, std::string_view b);

/// `bytes` random bytes from the OS (std::random_device), as lower-case hex.
std::string random_hex(std::size_t bytes);

/// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(std::string_view cookie_header, std::string_view name);

/// The token of an "Authorization: Bearer <token>" header, or "".
std::string bearer_token(std::string_view authorization);

/// The security headers every response carries (CSP default-src 'self', no inline script,
/// frame-ancestors 'none'; nosniff; no referrer; no caching of health data).
std::vector<std::pair<std::string, std::string>> security_headers();

}  // namespace willis::http
