// src/http/raw_client_test_support.h: a raw loopback TCP client for the HTTP tests, to send what
// httplib::Client never would (slow heads, malformed framing, duplicate headers). Tests only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace willis::http::testing_support {

/// A connected socket to 127.0.0.1:port, or -1.
inline int connect_loopback(int port) {
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(sock);
    return -1;
  }
  return sock;
}

/// True when the server has closed (or reset) the connection.
inline bool peer_closed(int sock) {
  pollfd fd{sock, POLLIN, 0};
  if (::poll(&fd, 1, 0) <= 0) return false;
  char byte;
  return ::recv(sock, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

/// Everything the server sends until it closes, or until nothing arrives for `idle_ms`.
inline std::string read_all(int sock, int idle_ms = 5000) {
  std::string out;
  char buffer[4096];
  for (;;) {
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, idle_ms) <= 0) break;
    const ssize_t got = ::recv(sock, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    out.append(buffer, static_cast<std::size_t>(got));
  }
  return out;
}

/// Sends `request` on a new connection and returns the answer (read until close or idle).
inline std::string exchange(int port, const std::string& request, int idle_ms = 5000) {
  const int sock = connect_loopback(port);
  if (sock < 0) return {};
  ::send(sock, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer = read_all(sock, idle_ms);
  ::close(sock);
  return answer;
}

}  // namespace willis::http::testing_support
