// src/http/hardened_server.h: cpp-httplib's Server with the limits a server on a person's computer
// needs against slow or hostile clients (issue 13):
//
// - a deadline for the whole request head (request line + headers), not only per read: a client
//   that sends one byte every 2 s is cut off when the deadline passes;
// - a deadline for the body and the response;
// - a cap on head bytes and on body bytes as they arrive, chunked or not (a chunked body is never
//   buffered past the cap);
// - at most `max_connections` connections being served; one more gets a 503 and is closed at
//   once, without taking a worker thread. Threads are started as needed up to that number.
//
// Debian's cpp-httplib (0.11.4) is a compiled library whose SocketStream has only a per-read
// timeout and whose ThreadPool queue is unbounded; this class keeps httplib's request parsing and
// routing (Server::process_request) and replaces the connection loop around it (the socket stream
// and the task queue, both extension points httplib declares).
//
//     http::HardenedServer server;              // or HardenedServer(limits)
//     app.install(server);                      // the gate calls HardenedServer::limit_body etc.
//     server.bind_to_any_port("127.0.0.1");
//     server.listen_after_bind();
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace willis::http {

struct ServerLimits {
  int head_timeout_ms = 10'000;  ///< request line and headers, from their first byte
  int body_timeout_ms = 30'000;  ///< body, handler and response, from the end of the head
  int idle_timeout_ms = 5'000;   ///< a kept-alive connection waiting for its next request
  std::size_t max_head_bytes = 64 * 1024;
  /// Raw body bytes read for one request (chunk framing included); the gate can lower it per
  /// request (HardenedServer::limit_body).
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  std::size_t max_connections = 128;  ///< served at once; more get 503
  std::size_t keep_alive_max = 100;   ///< requests on one connection
};

/// What happened, for operators and tests (no request data).
struct ServerCounters {
  std::atomic<std::uint64_t> connections{0};   ///< accepted and served
  std::atomic<std::uint64_t> refused_busy{0};  ///< answered 503: max_connections reached
  std::atomic<std::uint64_t> timed_out{0};     ///< cut off at a deadline
  std::atomic<std::uint64_t> too_large{0};     ///< head or body over its cap
  std::atomic<std::size_t> active{0};          ///< connections being served now
};

class HardenedServer : public httplib::Server {
 public:
  explicit HardenedServer(ServerLimits limits = {});
  ~HardenedServer() override;

  const ServerLimits& limits() const { return limits_; }
  const ServerCounters& counters() const { return *counters_; }

  // ---- for the gate, on the thread serving the request; no-ops under a plain httplib::Server ----

  /// Caps this request's body at `bytes` raw bytes (chunk framing included).
  static void limit_body(std::size_t bytes);
  /// Closes the connection after this response (the body was not read, so the stream is unusable).
  static void close_after_response();
  /// True when this request's body was cut off at its cap (answer 413, not 400).
  static bool body_over_limit();

 private:
  bool process_and_close_socket(socket_t sock) override;

  class Rejecter;
  ServerLimits limits_;
  std::shared_ptr<ServerCounters> counters_ = std::make_shared<ServerCounters>();
  std::unique_ptr<Rejecter> rejecter_;
};

/// Registers `handler` for POST `pattern`, reading the body itself into `req.body` as the request
/// arrives (Debian's httplib refuses url-encoded bodies over 8 KiB whatever the limit, and cannot
/// cap a chunked body). A body cut off at its cap is answered 413, an unreadable one 400, and the
/// handler is not called.
void post_reading_body(httplib::Server& server, const std::string& pattern,
                       httplib::Server::Handler handler);

}  // namespace willis::http
