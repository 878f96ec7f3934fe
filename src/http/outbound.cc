#include "http/outbound.h"

#include <httplib.h>

namespace willis::http {

OutboundResult outbound_get(const std::string& url, std::string_view accept,
                            const std::string& bearer, const OutboundLimits& limits) {
  OutboundResult out;
  // Nothing may reach the request line or the headers raw (CR/LF would add headers of its own; a
  // space would split the request line).
  for (const char ch : url + bearer)
    if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
      out.problem = "the request would carry a control character, a space or a non-ASCII byte";
      return out;
    }
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    out.problem = "not an http(s) URL";
    return out;
  }
  const std::string rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?");
  const std::string host_port = rest.substr(0, path_start);
  std::string target = path_start == std::string::npos ? "/" : rest.substr(path_start);
  if (target.front() == '?') target.insert(0, "/");
  if (host_port.empty() || host_port.find('@') != std::string::npos) {
    out.problem = "no usable host";
    return out;
  }
  httplib::Client client(scheme + "://" + host_port);
  const int ms = limits.timeout_ms;
  client.set_connection_timeout(ms / 1000, (ms % 1000) * 1000);
  client.set_read_timeout(ms / 1000, (ms % 1000) * 1000);
  client.set_write_timeout(ms / 1000, (ms % 1000) * 1000);
  client.set_follow_location(false);
  httplib::Headers headers{{"Accept", std::string(accept)}};
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  bool too_big = false;
  const auto result = client.Get(target, headers, [&](const char* data, std::size_t length) {
    if (out.body.size() + length > limits.max_bytes) {
      too_big = true;
      return false;
    }
    out.body.append(data, length);
    return true;
  });
  if (too_big) {
    out.problem = "the answer is larger than " + std::to_string(limits.max_bytes) + " bytes";
  } else if (!result) {
    out.problem = httplib::to_string(result.error());
  } else if (result->status >= 300 && result->status < 400) {
    out.problem = "the server redirected (willis does not follow redirects)";
  } else if (result->status != 200) {
    out.problem = "HTTP " + std::to_string(result->status);
  } else {
    out.ok = true;
  }
  if (!out.ok) out.body.clear();
  return out;
}

}  // namespace willis::http
