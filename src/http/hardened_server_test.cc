// The server against slow and greedy clients (issue 13, findings 3 and 4), on loopback only. No
// wall-clock thresholds: each test shows what happens (answered, cut off, refused), and clients use
// generous timeouts only so that a blocked server fails the test instead of hanging it.
#include "http/hardened_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/raw_client_test_support.h"

namespace willis::http {
namespace {

using testing_support::connect_loopback;
using testing_support::exchange;
using testing_support::peer_closed;

/// A HardenedServer on an ephemeral loopback port with GET / and POST /echo.
class Running {
 public:
  explicit Running(ServerLimits limits = {}) : server_(limits) {
    server_.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    post_reading_body(server_, "/echo",
                      [this](const httplib::Request& req, httplib::Response& res) {
                        ++posts_;
                        res.set_content(std::to_string(req.body.size()), "text/plain");
                      });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int idx = 0; idx < 1000 && !server_.is_running(); ++idx)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~Running() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  HardenedServer& server() { return server_; }
  int posts() const { return posts_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c;
  }
  /// Waits (bounded) until `n` connections are being served.
  bool wait_active(std::size_t n) {
    for (int idx = 0; idx < 2500; ++idx) {
      if (server_.counters().active.load() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

 private:
  HardenedServer server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> posts_{0};
};

// Finding 3: 8 connections sending a head one byte every 2 s blocked every other request.
TEST(HardenedServer, FiftySlowClientsDoNotHoldUpANormalRequest) {
  Running running;
  std::vector<int> slow;
  const std::string head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  for (int idx = 0; idx < 50; ++idx) {
    const int sock = connect_loopback(running.port());
    ASSERT_GE(sock, 0);
    ASSERT_EQ(::send(sock, head.data(), 1, MSG_NOSIGNAL), 1);  // one byte of the head, more later
    slow.push_back(sock);
  }
  ASSERT_TRUE(running.wait_active(50));
  // The slow clients keep trickling while the normal request is made.
  std::atomic<bool> stop{false};
  std::thread drip([&] {
    for (std::size_t pos = 1; pos < head.size() && !stop; ++pos) {
      for (const int sock : slow) ::send(sock, head.data() + pos, 1, MSG_NOSIGNAL);
      for (int idx = 0; idx < 20 && !stop; ++idx)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  auto client = running.client();
  const auto res = client.Get("/");
  const std::size_t active = running.server().counters().active.load();
  stop = true;
  drip.join();
  for (const int sock : slow) ::close(sock);
  ASSERT_TRUE(res) << "the server did not answer while 50 slow clients were connected: "
                   << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_GE(active, 50u) << "the slow clients were no longer held when the request was answered";
}

TEST(HardenedServer, AHeadThatTakesTooLongIsCutOff) {
  ServerLimits limits;
  limits.head_timeout_ms = 300;
  Running running(limits);
  const int sock = connect_loopback(running.port());
  ASSERT_GE(sock, 0);
  // Each byte arrives well within any per-read timeout; only a deadline for the whole head stops
  // it.
  const std::string head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(400, 'a');
  std::size_t sent = 0;
  for (; sent < head.size() && !peer_closed(sock); ++sent) {
    if (::send(sock, head.data() + sent, 1, MSG_NOSIGNAL) != 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ::close(sock);
  EXPECT_LT(sent, head.size()) << "the server waited for the whole slow head";
  EXPECT_GE(running.server().counters().timed_out.load(), 1u);
}

TEST(HardenedServer, AHeadLargerThanItsCapIsRefused) {
  ServerLimits limits;
  limits.max_head_bytes = 16 * 1024;
  Running running(limits);
  std::string head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int idx = 0; idx < 200; ++idx)
    head += "X-Pad-" + std::to_string(idx) + ": " + std::string(200, 'a') + "\r\n";
  const std::string answer = exchange(running.port(), head + "\r\n");
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << answer.substr(0, 100);
  EXPECT_GE(running.server().counters().too_large.load(), 1u);
}

TEST(HardenedServer, ConnectionsBeyondTheLimitGetA503) {
  ServerLimits limits;
  limits.max_connections = 2;
  Running running(limits);
  std::vector<int> held;
  for (int idx = 0; idx < 2; ++idx) {
    held.push_back(connect_loopback(running.port()));
    ::send(held.back(), "GET", 3, MSG_NOSIGNAL);
  }
  ASSERT_TRUE(running.wait_active(2));
  const std::string answer = exchange(running.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  EXPECT_NE(answer.find("Retry-After"), std::string::npos);
  EXPECT_GE(running.server().counters().refused_busy.load(), 1u);
  for (const int sock : held) ::close(sock);
  // Room again once they are gone.
  bool served = false;
  for (int idx = 0; idx < 200 && !served; ++idx) {
    served =
        exchange(running.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .rfind("HTTP/1.1 200", 0) == 0;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
}

// Finding 4: a chunked body was buffered whole (300 MiB -> 570 MB RSS) before the 413.
TEST(HardenedServer, AChunkedBodyIsNotReadPastItsCap) {
  ServerLimits limits;
  limits.max_body_bytes = 64 * 1024;
  Running running(limits);
  const int sock = connect_loopback(running.port());
  ASSERT_GE(sock, 0);
  const std::string head =
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  ::send(sock, head.data(), head.size(), MSG_NOSIGNAL);
  const std::string chunk = "4000\r\n" + std::string(0x4000, 'x') + "\r\n";
  std::size_t body_sent = 0;
  for (int idx = 0; idx < 1024; ++idx) {  // 16 MiB offered; the server stops reading at 64 KiB
    pollfd fd{sock, POLLOUT, 0};
    if (::poll(&fd, 1, 2000) <= 0 || (fd.revents & (POLLERR | POLLHUP))) break;
    if (::send(sock, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) break;
    body_sent += chunk.size();
  }
  std::string answer = testing_support::read_all(sock);
  ::close(sock);
  EXPECT_LT(body_sent, 16u * 1024 * 1024) << "the server read the whole 16 MiB";
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
  EXPECT_EQ(running.posts(), 0);
  EXPECT_GE(running.server().counters().too_large.load(), 1u);
}

TEST(HardenedServer, BodiesUnderTheCapArriveWholeChunkedOrNot) {
  Running running;
  auto client = running.client();
  const std::string body(200 * 1024, 'b');
  const auto fixed = client.Post("/echo", body, "application/octet-stream");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->body, std::to_string(body.size()));
  const std::string chunked =
      exchange(running.port(),
               "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 200", 0), 0u) << chunked;
  EXPECT_NE(chunked.find("\r\n\r\n11"), std::string::npos) << chunked;
}

}  // namespace
}  // namespace willis::http
