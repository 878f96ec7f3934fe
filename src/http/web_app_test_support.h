// src/http/web_app_test_support.h: the fixture the web app's tests share: a real
// httplib::Server on an ephemeral loopback port and a real httplib::Client (cpp-httplib's own
// test style; Debian's 0.11.4 has no wait_until_ready, so poll is_running).
#pragma once

#include "http/web_app.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "app/evidence_source.h"
#include "http/cds_hooks_routes.h"
#include "http/hardened_server.h"
#include "http/raw_client_test_support.h"
#include "store/ask_index.h"
#include "store/diary.h"
#include "support/diary_clock.h"

namespace willis::http {

inline constexpr const char* kCsrf = "test-csrf-0123456789abcdef";
inline constexpr const char* kForm = "application/x-www-form-urlencoded";

inline constexpr const char* kTwoMedicines = R"({"age": 54,
  "medicines": [{"name": "Levothyroxine 75 microgram tablets", "times": ["07:00"]},
                {"name": "Ciprofloxacin 500 mg tablets", "times": ["08:00", "20:00"]}],
  "day": {"wake": "07:00", "sleep": "23:00"}})";

inline std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t found = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++found;
  return found;
}

/// A temp folder removed at the end of the test.
struct TempDir {
  TempDir() {
    char pattern[] = "/tmp/willis-http-test-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

class WebAppTest : public ::testing::Test {
 protected:
  /// `cds`: also the CDS Hooks routes, composed as `willis serve` does.
  void start(WebOptions options = {}, bool cds = false) {
    auto diary = store::Diary::open(dir_.path + "/diary.sqlite3", testing::fixed_clock_diary());
    ASSERT_TRUE(diary.ok()) << diary.error().message;
    options.csrf_token = kCsrf;
    options.today = [] { return core::CalendarDate{2026, 11, 20}; };
    options.now_utc = [] { return std::string("20261120T120000Z"); };
    options.log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      log_ += line + "\n";
    };
    app_ = std::make_unique<WebApp>(testing::kb(), std::move(diary).value(), std::move(options));
    app_->install(server_);
    if (cds) {
      CdsHooksConfig config(testing::kb(), testing::names());
      config.today = [] { return core::CalendarDate{2026, 11, 20}; };
      config.allow_fetch = false;
      add_cds_hooks_routes(server_, config);
    }
    port_ = server_.bind_to_any_port("127.0.0.1");  // never a fixed port
    ASSERT_GT(port_, 0);
    app_->set_port(port_);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int idx = 0; idx < 1000 && !server_.is_running(); ++idx)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(server_.is_running());
  }

  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(20);
    return c;
  }

  httplib::Headers csrf() const { return {{"X-CSRF-Token", kCsrf}}; }

  /// Saves a profile through the API (as a script would).
  void save_profile(const std::string& json) {
    auto c = client();
    const auto res = c.Post("/api/profile", csrf(), json, "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    ASSERT_EQ(res->status, 200) << res->body;
  }

  std::string log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  TempDir dir_;
  HardenedServer server_;
  std::unique_ptr<WebApp> app_;
  std::thread thread_;
  int port_ = 0;
  std::mutex log_mutex_;
  std::string log_;
};

}  // namespace willis::http
