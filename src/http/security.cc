#include "http/security.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <random>

namespace willis::http {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool is_ipv4(const std::string& text) {
  in_addr addr{};
  return ::inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

bool is_ipv6(const std::string& text) {
  in6_addr addr{};
  return ::inet_pton(AF_INET6, text.c_str(), &addr) == 1;
}

/// "[::1]" -> "::1"; other text unchanged.
std::string unbracket(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    return std::string(text.substr(1, text.size() - 2));
  return std::string(text);
}

/// A Host header as (name, port); port -1 when the header has none, -2 when it is malformed.
std::pair<std::string, int> split_host(std::string_view header) {
  std::string name;
  std::string_view rest;
  if (!header.empty() && header.front() == '[') {
    const auto close = header.find(']');
    if (close == std::string_view::npos) return {"", -2};
    name = std::string(header.substr(0, close + 1));
    rest = header.substr(close + 1);
  } else {
    const auto colon = header.find(':');
    name = std::string(header.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : header.substr(colon);
  }
  if (rest.empty()) return {lower(name), -1};
  if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6) return {"", -2};
  int port = 0;
  for (const char ch : rest.substr(1)) {
    if (ch < '0' || ch > '9') return {"", -2};
    port = port * 10 + (ch - '0');
  }
  return {lower(name), port};
}

}  // namespace

bool is_loopback(std::string_view address) {
  const std::string text = lower(unbracket(address));
  if (text == "localhost") return true;
  if (is_ipv4(text)) return text.rfind("127.", 0) == 0;
  if (is_ipv6(text)) {
    in6_addr addr{};
    ::inet_pton(AF_INET6, text.c_str(), &addr);
    return IN6_IS_ADDR_LOOPBACK(&addr);
  }
  return false;
}

bool is_wildcard(std::string_view address) {
  const std::string text = unbracket(address);
  if (text == "0.0.0.0") return true;
  if (!is_ipv6(text)) return false;
  in6_addr addr{};
  ::inet_pton(AF_INET6, text.c_str(), &addr);
  return IN6_IS_ADDR_UNSPECIFIED(&addr);
}

HostPolicy host_policy(std::string_view bind, const std::vector<std::string>& extra_names,
                       int port) {
  HostPolicy policy;
  policy.port = port;
  const std::string address = lower(unbracket(bind));
  const auto add = [&](std::string name) {
    if (std::find(policy.names.begin(), policy.names.end(), name) == policy.names.end())
      policy.names.push_back(std::move(name));
  };
  if (is_wildcard(address))
    policy.any_ip_literal = true;
  else if (is_ipv6(address))
    add("[" + address + "]");
  else
    add(address);
  if (is_loopback(address)) {
    add("localhost");
    if (address == "localhost") {
      add("127.0.0.1");
      add("[::1]");
    }
  }
  for (const auto& name : extra_names) add(lower(name));
  return policy;
}

bool host_allowed(std::string_view host_header, const HostPolicy& policy) {
  const auto [name, port] = split_host(host_header);
  if (name.empty() || port == -2) return false;
  if ((port == -1 ? 80 : port) != policy.port) return false;
  if (std::find(policy.names.begin(), policy.names.end(), name) != policy.names.end()) return true;
  // Any interface: an IP literal cannot be a rebinding attack's name; a DNS name must be listed.
  return policy.any_ip_literal && (is_ipv4(name) || is_ipv6(unbracket(name)));
}

bool origin_matches(std::string_view origin, std::string_view host_header) {
  if (origin.empty() || host_header.empty()) return false;
  return lower(origin) == "http://" + lower(host_header);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t idx = 0; idx < a.size(); ++idx)
    diff |= static_cast<unsigned char>(a[idx] ^ b[idx]);
  return diff == 0;
}

std::string random_hex(std::size_t bytes) {
  std::random_device device;  // /dev/urandom on Linux (libstdc++ uses getrandom or rdrand/urandom)
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t idx = 0; idx < bytes; ++idx) {
    const auto byte = static_cast<unsigned>(device()) & 0xffu;
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
    pos = end + 1;
  }
  return {};
}

std::string bearer_token(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() || authorization.substr(0, kPrefix.size()) != kPrefix)
    return {};
  return std::string(authorization.substr(kPrefix.size()));
}

std::vector<std::pair<std::string, std::string>> security_headers() {
  return {
      {"Content-Security-Policy",
       "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
       "object-src 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
      {"Cache-Control", "no-store"},
  };
}

}  // namespace willis::http
