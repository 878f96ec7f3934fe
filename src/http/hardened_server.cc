#include "http/hardened_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace willis::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kBusy =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 75\r\n"
    "Retry-After: 5\r\n"
    "Cache-Control: no-store\r\n"
    "Connection: close\r\n"
    "\r\n"
    "willis is busy: too many connections are open. Try again in a few seconds.\n";
static_assert(kBusy.size() - kBusy.find("\r\n\r\n") - 4 == 75);

/// Set by the task queue while it runs a connection it has no room for on the accept thread.
thread_local bool t_reject = false;

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1'000'000));
}

/// Waits for `events` on `sock` until `deadline`; false when it passes first.
bool wait_until(int sock, short events, Clock::time_point deadline) {
  for (;;) {
    const int ms = remaining_ms(deadline);
    if (ms == 0) return false;
    pollfd fd{sock, events, 0};
    const int ready = ::poll(&fd, 1, ms);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

void address_of(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  }
  ip = text;
}

/// A socket stream whose reads and writes share one deadline per phase (head, then body and
/// response) and which counts what it hands to httplib against the head and body caps.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int sock, const ServerLimits& limits, ServerCounters& counters)
      : sock_(sock), limits_(limits), counters_(counters) {}

  /// Waits for the next request (a kept-alive connection); false when idle too long or stopping.
  template <typename Stopping>
  bool wait_for_request(Stopping stopping) {
    if (pos_ < len_) return true;  // pipelined
    const auto deadline = Clock::now() + std::chrono::milliseconds(limits_.idle_timeout_ms);
    while (!stopping()) {
      const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(100));
      if (wait_until(sock_, POLLIN, slice)) return true;
      if (Clock::now() >= deadline) return false;
    }
    return false;
  }

  void start_head() {
    head_ = true;
    deadline_ = Clock::now() + std::chrono::milliseconds(limits_.head_timeout_ms);
    head_bytes_ = body_bytes_ = 0;
    body_cap_ = limits_.max_body_bytes;
    over_ = close_after_ = false;
  }
  void start_body() {
    head_ = false;
    deadline_ = Clock::now() + std::chrono::milliseconds(limits_.body_timeout_ms);
  }
  void limit_body(std::size_t bytes) { body_cap_ = std::min(body_cap_, bytes); }
  void close_after() { close_after_ = true; }
  bool over() const { return over_; }
  bool done() const { return failed_ || close_after_; }

  bool is_readable() const override { return pos_ < len_ || wait_until(sock_, POLLIN, deadline_); }
  bool is_writable() const override { return wait_until(sock_, POLLOUT, write_deadline()); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (failed_) return -1;
    if (pos_ == len_) {
      if (!wait_until(sock_, POLLIN, deadline_)) {
        ++counters_.timed_out;
        return fail();
      }
      ssize_t got;
      do got = ::recv(sock_, buffer_, sizeof buffer_, 0);
      while (got < 0 && errno == EINTR);
      if (got <= 0) {
        failed_ = true;
        return got;
      }
      pos_ = 0;
      len_ = static_cast<std::size_t>(got);
    }
    const std::size_t n = std::min(size, len_ - pos_);
    if (head_ ? (head_bytes_ += n) > limits_.max_head_bytes : (body_bytes_ += n) > body_cap_) {
      over_ = !head_;
      ++counters_.too_large;
      return fail();
    }
    std::memcpy(ptr, buffer_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    if (!wait_until(sock_, POLLOUT, write_deadline())) {
      ++counters_.timed_out;
      return fail();
    }
    ssize_t sent;
    do sent = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    if (sent < 0) failed_ = true;
    return sent;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(sock_, true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(sock_, false, ip, port);
  }
  socket_t socket() const override { return sock_; }

 private:
  ssize_t fail() {
    failed_ = true;
    return -1;
  }
  /// An error answer to a bad head still gets a few seconds to go out.
  Clock::time_point write_deadline() const {
    return head_ ? std::max(deadline_, Clock::now() + std::chrono::seconds(5)) : deadline_;
  }

  int sock_;
  const ServerLimits& limits_;
  ServerCounters& counters_;
  Clock::time_point deadline_ = Clock::now();
  bool head_ = true, failed_ = false, over_ = false, close_after_ = false;
  std::size_t head_bytes_ = 0, body_bytes_ = 0, body_cap_ = 0;
  char buffer_[4096];
  std::size_t pos_ = 0, len_ = 0;
};

thread_local DeadlineStream* t_stream = nullptr;

/// Threads started as connections need them, up to `max`; a connection beyond that is run at once
/// on the accept thread with t_reject set, which answers 503 without serving it.
class BoundedPool final : public httplib::TaskQueue {
 public:
  explicit BoundedPool(std::size_t max) : max_(std::max<std::size_t>(max, 1)) {}

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    if (active_ >= max_ || shutdown_) {
      lock.unlock();
      t_reject = true;
      fn();
      t_reject = false;
      return;
    }
    ++active_;
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_.size() < max_) threads_.emplace_back([this] { work(); });
    lock.unlock();
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ++idle_;
      ready_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
      --idle_;
      if (jobs_.empty()) return;  // shutting down
      auto fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
      --active_;
    }
  }

  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t active_ = 0, idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace

/// Answers 503 to connections there is no room for, off the accept thread: writes the answer,
/// half-closes, and reads what the client still sends for a moment so that closing does not reset
/// the connection before the client has read the answer.
class HardenedServer::Rejecter {
 public:
  Rejecter() {
    // Signals stay with the threads that wait for them (`willis serve` stops on SIGTERM through
    // sigwait): this helper thread starts with every signal blocked, whoever creates the server.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    thread_ = std::thread([this] { run(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }
  ~Rejecter() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    ready_.notify_all();
    thread_.join();
    for (const int sock : queue_) ::close(sock);
  }

  void reject(int sock) {
    ::send(sock, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(sock, SHUT_WR);
    std::unique_lock lock(mutex_);
    if (queue_.size() >= 256) {  // a flood: close at once
      lock.unlock();
      ::close(sock);
      return;
    }
    queue_.push_back(sock);
    lock.unlock();
    ready_.notify_one();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [this] { return !queue_.empty() || stop_; });
      if (stop_) return;
      const int sock = queue_.front();
      queue_.pop_front();
      lock.unlock();
      const auto deadline = Clock::now() + std::chrono::milliseconds(200);
      char sink[1024];
      while (wait_until(sock, POLLIN, deadline) && ::recv(sock, sink, sizeof sink, 0) > 0) {
      }
      ::close(sock);
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<int> queue_;
  bool stop_ = false;
  std::thread thread_;
};

HardenedServer::HardenedServer(ServerLimits limits)
    : limits_(limits), rejecter_(std::make_unique<Rejecter>()) {
  new_task_queue = [this] {
    // Called by listen, after bind: Debian's httplib listens with a backlog of 5, so a burst of
    // connections has its SYNs dropped and waits for retransmits (1 s, 3 s, ...). Listening again
    // on the same socket only widens the queue.
    if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, SOMAXCONN);
    return new BoundedPool(limits_.max_connections);
  };
  set_payload_max_length(limits_.max_body_bytes);
  // httplib announces these in its Keep-Alive header; the loop below enforces them.
  set_keep_alive_max_count(std::max<std::size_t>(limits_.keep_alive_max, 1));
  set_keep_alive_timeout(std::max(limits_.idle_timeout_ms / 1000, 1));
}

HardenedServer::~HardenedServer() = default;

void HardenedServer::limit_body(std::size_t bytes) {
  if (t_stream) t_stream->limit_body(bytes);
}

void HardenedServer::close_after_response() {
  if (t_stream) t_stream->close_after();
}

bool HardenedServer::body_over_limit() {
  return t_stream && t_stream->over();
}

bool HardenedServer::process_and_close_socket(socket_t sock) {
  if (t_reject) {
    ++counters_->refused_busy;
    rejecter_->reject(sock);
    return false;
  }
  ++counters_->connections;
  ++counters_->active;
  DeadlineStream stream(sock, limits_, *counters_);
  t_stream = &stream;
  bool ok = false;
  const auto stopping = [this] { return svr_sock_ == INVALID_SOCKET; };
  for (std::size_t left = std::max<std::size_t>(limits_.keep_alive_max, 1); left > 0; --left) {
    if (!stream.wait_for_request(stopping)) break;
    stream.start_head();
    bool closed = false;
    ok = process_request(stream, left == 1, closed,
                         [&stream](httplib::Request&) { stream.start_body(); });
    if (!ok || closed || stream.done()) break;
  }
  t_stream = nullptr;
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  --counters_->active;
  return ok;
}

void post_reading_body(httplib::Server& server, const std::string& pattern,
                       httplib::Server::Handler handler) {
  server.Post(pattern,
              [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& reader) {
                std::string body;
                const bool read = reader([&body](const char* data, std::size_t length) {
                  body.append(data, length);
                  return true;
                });
                if (!read) {
                  res.status = HardenedServer::body_over_limit() ? 413 : 400;
                  HardenedServer::close_after_response();
                  return;
                }
                httplib::Request with_body =
                    req;  // matches still point into req.path, which outlives this call
                with_body.body = std::move(body);
                handler(with_body, res);
              });
}

}  // namespace willis::http
