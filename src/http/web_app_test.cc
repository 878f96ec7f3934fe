// A real httplib::Server on an ephemeral loopback port and a real httplib::Client
// (cpp-httplib's own test style; Debian's 0.11.4 has no wait_until_ready, so poll is_running).
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
#include "support/test_kb.h"

namespace willis::http {
namespace {

constexpr const char* kCsrf = "test-csrf-0123456789abcdef";
constexpr const char* kForm = "application/x-www-form-urlencoded";

const char* kTwoMedicines = R"({"age": 54,
  "medicines": [{"name": "Levothyroxine 75 microgram tablets", "times": ["07:00"]},
                {"name": "Ciprofloxacin 500 mg tablets", "times": ["08:00", "20:00"]}],
  "day": {"wake": "07:00", "sleep": "23:00"}})";

std::size_t count(const std::string& text, std::string_view needle) {
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

TEST_F(WebAppTest, ApiAssessReturnsTheContract) {
  start();
  auto c = client();
  const auto res = c.Post("/api/assess", kTwoMedicines, "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_NE(res->body.find("\"schema\":\"willis.assessment/1\""), std::string::npos);
  EXPECT_NE(res->body.find("\"id\":\"interaction:ciprofloxacin\""), std::string::npos);
}

TEST_F(WebAppTest, ApiAssessBadProfileIs400NamingTheField) {
  start();
  auto c = client();
  const auto res = c.Post("/api/assess", R"({"ag": 54})", "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("\"error\":{\"code\":\"unknown_field\",\"path\":\"ag\""),
            std::string::npos)
      << res->body;
  const auto garbage = c.Post("/api/assess", "{not json", "application/json");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  EXPECT_NE(garbage->body.find("\"code\":\"parse_error\""), std::string::npos) << garbage->body;
}

TEST_F(WebAppTest, ForeignHostHeaderIsRejected) {
  start();
  auto c = client();
  const std::vector<std::string> hosts = {"evil.example:" + std::to_string(port_),
                                          "localhost.evil.example:" + std::to_string(port_),
                                          "127.0.0.1:1"};
  for (const auto& host : hosts) {
    const auto res = c.Get("/", {{"Host", host}});
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 403) << host;
    // Nothing a rebinding page could use: no CSRF token, no form that changes anything.
    EXPECT_EQ(res->body.find("name=\"csrf\""), std::string::npos);
    EXPECT_EQ(res->body.find("method=\"post\""), std::string::npos);
  }
  const auto api = c.Post("/api/assess", {{"Host", "evil.example:" + std::to_string(port_)}},
                          kTwoMedicines, "application/json");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 403);
  EXPECT_NE(api->body.find("\"code\":\"forbidden_host\""), std::string::npos);
  const auto ok = c.Get("/", {{"Host", "localhost:" + std::to_string(port_)}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(WebAppTest, StateChangingRequestsNeedTheCsrfToken) {
  start();
  auto c = client();
  auto res = c.Post("/profile", "age=54&action=save", kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = c.Post("/profile", "age=54&action=save&csrf=wrong", kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = c.Post("/diary", "date=2026-11-19&rls=5", kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = c.Post("/api/diary", R"([{"date": "2026-11-19", "rls": 5}])", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_NE(res->body.find("\"code\":\"csrf\""), std::string::npos);
  res = c.Post("/api/trial", R"({"baseline_start": "2026-11-01", "treatment_start": "2026-11-15"})",
               "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  // Nothing was written.
  const auto diary = c.Get("/api/diary");
  ASSERT_TRUE(diary);
  EXPECT_EQ(diary->body.find("2026-11-19"), std::string::npos);
  // With the token (from the page's hidden field) the same requests go through.
  res = c.Post("/profile", std::string("age=54&action=save&csrf=") + kCsrf, kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/assessment");
  res = c.Post("/api/diary", csrf(), R"([{"date": "2026-11-19", "rls": 5}])", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find("\"added\":1"), std::string::npos);
  // A page shows the token it expects.
  const auto page = c.Get("/profile");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find(std::string("name=\"csrf\" value=\"") + kCsrf + "\""),
            std::string::npos);
}

TEST_F(WebAppTest, CrossOriginPostsAreRejectedEvenWithTheToken) {
  start();
  auto c = client();
  auto res = c.Post("/api/diary", {{"X-CSRF-Token", kCsrf}, {"Origin", "http://evil.example"}},
                    R"([{"date": "2026-11-19", "rls": 5}])", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res =
      c.Post("/api/assess", {{"Sec-Fetch-Site", "cross-site"}}, kTwoMedicines, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  // A sandboxed or data: page sends "Origin: null"; the browser still says it is cross-site.
  res = c.Post("/profile", {{"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}},
               std::string("csrf=") + kCsrf + "&action=save&age=54", kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  // Our own form under Referrer-Policy: no-referrer: "Origin: null", same-origin, with the token.
  res = c.Post("/profile", {{"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}},
               std::string("csrf=") + kCsrf + "&action=save&age=54", kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  res = c.Post("/api/diary",
               {{"X-CSRF-Token", kCsrf},
                {"Origin", "http://127.0.0.1:" + std::to_string(port_)},
                {"Sec-Fetch-Site", "same-origin"}},
               R"([{"date": "2026-11-18", "rls": 4}])", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

TEST_F(WebAppTest, EveryResponseCarriesTheSecurityHeaders) {
  start();
  auto c = client();
  for (const char* path : {"/", "/profile", "/static/app.css", "/no-such-page", "/api/session"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    const std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer") << path;
  }
  const auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(count(page->body, "<script"), 1u);
  EXPECT_NE(page->body.find("<script src=\"/static/app.js\" defer></script>"), std::string::npos);
  EXPECT_NE(page->body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(page->body.find("Information, not a diagnosis."), std::string::npos);
}

TEST_F(WebAppTest, OversizedBodyIs413) {
  start();
  auto c = client();
  const std::string big(kDefaultMaxBodyBytes + 1, 'x');
  const auto res = c.Post("/api/assess", big, "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  EXPECT_NE(res->body.find("\"code\":\"payload_too_large\""), std::string::npos) << res->body;
}

// One server, one gate: the CDS Hooks routes get their own CORS and a larger body limit, the web
// routes keep theirs, and the Host check and the token apply to both.
TEST_F(WebAppTest, CdsHooksShareTheGateWithTheirOwnCorsAndBodyLimit) {
  WebOptions options;
  options.token = "0123456789abcdef0123";
  options.max_service_body_bytes = 4 * 1024 * 1024;
  start(std::move(options), /*cds=*/true);
  auto c = client();
  const httplib::Headers bearer = {{"Authorization", "Bearer 0123456789abcdef0123"}};
  const httplib::Headers cross_site = {{"Authorization", "Bearer 0123456789abcdef0123"},
                                       {"Origin", "https://ehr.example.org"},
                                       {"Sec-Fetch-Site", "cross-site"}};

  // A body over the web limit reaches the CDS route (which reads it and finds it malformed)…
  const std::string big =
      "{\"hook\": \"order-select\", \"pad\": \"" + std::string(kDefaultMaxBodyBytes, 'x') + "\"";
  const auto service =
      c.Post("/cds-services/willis-order-select", cross_site, big, "application/json");
  ASSERT_TRUE(service) << httplib::to_string(service.error());
  EXPECT_EQ(service->status, 400) << service->body;
  EXPECT_EQ(service->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(service->body.find("OperationOutcome"), std::string::npos) << service->body;
  // …while a web route still refuses it, before reading it.
  const auto web = c.Post("/api/assess", bearer, big, "application/json");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->status, 413);
  EXPECT_TRUE(web->get_header_value("Access-Control-Allow-Origin").empty());
  // Cross-site calls stay refused on web routes.
  const auto web_cross = c.Post("/api/assess", cross_site, kTwoMedicines, "application/json");
  ASSERT_TRUE(web_cross);
  EXPECT_EQ(web_cross->status, 403);

  // The token: required on hook calls, not on the CORS preflight (browsers send none there).
  const auto no_token = c.Get("/cds-services");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 401);
  EXPECT_EQ(no_token->get_header_value("Access-Control-Allow-Origin"), "*");
  const auto preflight = c.Options("/cds-services/willis-order-select");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  const auto discovery = c.Get("/cds-services", bearer);
  ASSERT_TRUE(discovery);
  EXPECT_EQ(discovery->status, 200);
  EXPECT_NE(discovery->body.find("willis-order-sign"), std::string::npos);

  // The Host check applies to the service too (DNS rebinding).
  httplib::Headers rebinding = bearer;
  rebinding.emplace("Host", "attacker.example");
  const auto foreign = c.Get("/cds-services", rebinding);
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
}

/// The evidence and food data as `willis serve` loads them (the built-in copy).
struct EvidenceFixture {
  EvidenceFixture() {
    auto loaded = app::load_evidence(testing::kb());
    EXPECT_TRUE(loaded.errors.empty());
    evidence = std::move(loaded.evidence);
    auto table = app::load_food_table();
    EXPECT_TRUE(table.ok());
    foods = std::move(table).value();
    auto built_ask = store::AskIndex::build(core::build_ask_docs(testing::kb(), evidence));
    auto built_food = store::FoodIndex::build(foods);
    EXPECT_TRUE(built_ask.ok() && built_food.ok());
    ask.emplace(std::move(built_ask).value());
    food_index.emplace(std::move(built_food).value());
  }
  EvidenceData data() const { return {&evidence, &*ask, &foods, &*food_index}; }
  core::EvidenceSet evidence;
  core::FoodTable foods;
  std::optional<store::AskIndex> ask;
  std::optional<store::FoodIndex> food_index;
};

TEST_F(WebAppTest, EvidencePagesFilterAndCite) {
  const EvidenceFixture fixture;
  WebOptions options;
  options.evidence = fixture.data();
  start(std::move(options));
  auto c = client();
  const auto all = c.Get("/evidence");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_EQ(count(all->body, "<article class=\"claim\""), fixture.evidence.claims.size());
  const auto contradicted = c.Get("/evidence?verdict=contradicted");
  ASSERT_TRUE(contradicted);
  std::size_t expected = 0;
  for (const auto& claim : fixture.evidence.claims) expected += claim.verdict == "contradicted";
  ASSERT_GT(expected, 0u);
  EXPECT_EQ(count(contradicted->body, "<article class=\"claim\""), expected);
  EXPECT_EQ(count(contradicted->body, "data-verdict=\"contradicted\""), expected);
  const auto sources = c.Get("/sources");
  ASSERT_TRUE(sources);
  EXPECT_EQ(count(sources->body, "<dt id=\""), testing::kb().sources.size());
  const auto conflicts = c.Get("/conflicts");
  ASSERT_TRUE(conflicts);
  EXPECT_EQ(count(conflicts->body, "<section class=\"conflict\""),
            fixture.evidence.conflicts.size());
  // The Ask box is on every page, the Evidence link in the navigation.
  for (const auto* res : {&all, &sources, &conflicts}) {
    EXPECT_NE((*res)->body.find("<form class=\"ask-box\" role=\"search\" action=\"/ask\""),
              std::string::npos);
    EXPECT_NE((*res)->body.find("<a href=\"/evidence\" aria-current=\"page\">Evidence</a>"),
              std::string::npos);
  }
}

TEST_F(WebAppTest, AskAnswersFromTheKbAndEscapesTheQuestion) {
  const EvidenceFixture fixture;
  WebOptions options;
  options.evidence = fixture.data();
  start(std::move(options));
  auto c = client();
  const auto answer = c.Get("/ask?q=can+I+take+magnesium+with+levothyroxine%3F");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_NE(answer->body.find("data-kb-id=\"interaction:levothyroxine\""), std::string::npos)
      << answer->body;
  const auto hostile = c.Get("/ask?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+magnesium");
  ASSERT_TRUE(hostile);
  EXPECT_EQ(hostile->body.find("<script>alert"), std::string::npos);
  EXPECT_NE(hostile->body.find("&lt;script&gt;alert(1)"), std::string::npos);
}

TEST_F(WebAppTest, FoodPickerAddsUpAndOnlyPrefillsTheProfile) {
  const EvidenceFixture fixture;
  WebOptions options;
  options.evidence = fixture.data();
  start(std::move(options));
  save_profile(R"({"age": 54})");
  auto c = client();
  // USDA SR28: almonds (12061) 270 mg, raw spinach (11457) 79 mg per 100 g: 0.5 x 270 + 2 x 79 =
  // 293.
  const auto list = c.Get("/foods?item=11457:0:2&add=12061&portion=0&servings=0.5&item=bogus");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_NE(list->body.find("<strong>293 mg</strong>"), std::string::npos) << list->body;
  EXPECT_NE(list->body.find("href=\"/profile?diet=293#f-diet-magnesium_mg_per_day\""),
            std::string::npos);
  EXPECT_NE(list->body.find("&quot;bogus&quot; is not a food of the list"), std::string::npos)
      << "reported, not dropped";
  const auto prefilled = c.Get("/profile?diet=293");
  ASSERT_TRUE(prefilled);
  EXPECT_NE(prefilled->body.find("value=\"293\""), std::string::npos);
  const auto stored = c.Get("/api/profile");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->body.find("293"), std::string::npos) << "a GET never saves: " << stored->body;
}

TEST_F(WebAppTest, EvidencePagesSayWhenTheDataIsNotBuiltIn) {
  start();
  auto c = client();
  for (const char* path :
       {"/evidence", "/sources", "/conflicts", "/ask?q=magnesium", "/foods?q=almonds"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_NE(res->body.find("built without its evidence and food data"), std::string::npos)
        << path;
  }
}

TEST_F(WebAppTest, AMedicineNamedLikeAScriptRendersInert) {
  start();
  auto c = client();
  const std::string script = "<script>alert(1)</script>";
  const std::string body =
      std::string("csrf=") + kCsrf +
      "&action=save&age=54&medicines%5B0%5D.name=" + httplib::detail::encode_query_param(script) +
      "&medicines%5B0%5D.times=08%3A00" +
      "&conditions=" + httplib::detail::encode_query_param("<img src=x onerror=alert(2)>");
  const auto saved = c.Post("/profile", body, kForm);
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 303) << saved->body;
  for (const char* path : {"/profile", "/assessment", "/timetable", "/report"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body.find("<script>alert(1)"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("<img src=x"), std::string::npos) << path;
    EXPECT_EQ(count(res->body, "<script"), 1u) << path;
    EXPECT_NE(res->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << path;
  }
  // willis does not know the "medicine", so there are no dose times and no calendar (fail closed);
  // the refusal names it, escaped. (Calendar escaping itself: codec/ics_test.cc.)
  const auto ics = c.Get("/timetable.ics");
  ASSERT_TRUE(ics);
  EXPECT_EQ(ics->status, 409);
  EXPECT_EQ(ics->body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(ics->body.find("alert(1)"), std::string::npos) << ics->body;
}

// Issue 15: `sleep.difficulty` is a list; every kind ticked must survive profile -> form ->
// profile.
TEST_F(WebAppTest, EverySleepDifficultySurvivesTheRoundTrip) {
  start();
  auto c = client();
  const auto saved =
      c.Post("/profile",
             std::string("csrf=") + kCsrf +
                 "&action=save&age=63&sleep.difficulty=falling_asleep&sleep.difficulty=waking_early"
                 "&sleep.nights_per_week=4&sleep.months=6&sleep.daytime_impact=yes",
             kForm);
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 303) << saved->body;
  const auto api = c.Get("/api/profile");
  ASSERT_TRUE(api);
  ASSERT_EQ(api->status, 200);
  EXPECT_NE(api->body.find("falling_asleep"), std::string::npos) << api->body;
  EXPECT_NE(api->body.find("waking_early"), std::string::npos) << api->body;
  EXPECT_EQ(api->body.find("staying_asleep"), std::string::npos) << api->body;
  // The form shown again ticks both, and only those.
  const auto page = c.Get("/profile");
  ASSERT_TRUE(page);
  const auto ticked = [&](const std::string& value) {
    const auto at = page->body.find("name=\"sleep.difficulty\" value=\"" + value + "\"");
    EXPECT_NE(at, std::string::npos) << value;
    return at != std::string::npos &&
           page->body.substr(at, page->body.find('>', at) - at).find(" checked") !=
               std::string::npos;
  };
  EXPECT_TRUE(ticked("falling_asleep"));
  EXPECT_TRUE(ticked("waking_early"));
  EXPECT_FALSE(ticked("staying_asleep"));
  // Saving that form again (no change) keeps both: the page's own fields posted back.
  const auto again = c.Post(
      "/profile",
      std::string("csrf=") + kCsrf +
          "&action=save&age=63&sleep.difficulty=falling_asleep&sleep.difficulty=waking_early",
      kForm);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 303);
  const auto api2 = c.Get("/api/profile");
  ASSERT_TRUE(api2);
  EXPECT_NE(api2->body.find("falling_asleep"), std::string::npos) << api2->body;
  EXPECT_NE(api2->body.find("waking_early"), std::string::npos) << api2->body;
}

TEST_F(WebAppTest, ProfileFormErrorsNameTheFieldAndKeepTheAnswers) {
  start();
  auto c = client();
  const auto res = c.Post(
      "/profile",
      std::string("csrf=") + kCsrf +
          "&action=save&age=54&medicines%5B0%5D.name=Ciprofloxacin&medicines%5B0%5D.times=25%3A00",
      kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("id=\"f-medicines-0--times-err\""), std::string::npos);
  EXPECT_NE(res->body.find("value=\"Ciprofloxacin\""), std::string::npos);
  EXPECT_NE(res->body.find("role=\"alert\""), std::string::npos);
  // Add a row without saving.
  const auto added = c.Post(
      "/profile",
      std::string("csrf=") + kCsrf + "&action=add-medicine&age=54&medicines%5B0%5D.name=A", kForm);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 200);
  EXPECT_NE(added->body.find(
                "name=\"medicines[1].name\" value=\"\" autocomplete=\"off\" aria-describedby"),
            std::string::npos);
  const auto api = c.Get("/api/profile");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404) << "nothing saved yet";
}

TEST_F(WebAppTest, PagesRenderTheAssessmentTimetableAndCalendar) {
  start();
  save_profile(kTwoMedicines);
  auto c = client();
  const auto assessment = c.Get("/assessment");
  ASSERT_TRUE(assessment);
  EXPECT_EQ(assessment->status, 200);
  EXPECT_NE(assessment->body.find("data-finding=\"interaction:ciprofloxacin\""), std::string::npos);
  EXPECT_NE(assessment->body.find("data-finding=\"interaction:levothyroxine\""), std::string::npos);
  const auto timetable = c.Get("/timetable");
  ASSERT_TRUE(timetable);
  EXPECT_NE(timetable->body.find("<svg"), std::string::npos);
  EXPECT_NE(timetable->body.find("url(#tt-hatch)"), std::string::npos);
  const auto ics = c.Get("/timetable.ics");
  ASSERT_TRUE(ics);
  EXPECT_EQ(ics->status, 200);
  EXPECT_EQ(ics->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_NE(ics->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(ics->body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_GE(count(ics->body, "RRULE:FREQ=DAILY\r\n"), 3u);
  EXPECT_EQ(count(ics->body, "\n"), count(ics->body, "\r\n"));
  const auto report = c.Get("/report?paper=letter");
  ASSERT_TRUE(report);
  EXPECT_NE(report->body.find("/static/print-letter.css"), std::string::npos);
  EXPECT_NE(report->body.find("id=\"cit-1\""), std::string::npos) << "numbered citations";
}

TEST_F(WebAppTest, DiaryAndTrialThroughFormsAndApi) {
  start();
  auto c = client();
  auto res = c.Post("/diary",
                    std::string("csrf=") + kCsrf +
                        "&date=2026-11-19&rls=6&sleep_quality=3&bed=23%3A00&wake=06%3A30",
                    kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/diary?saved=2026-11-19");
  res = c.Post("/diary", std::string("csrf=") + kCsrf + "&date=2026-11-25&rls=6", kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << "a future date is refused";
  EXPECT_NE(res->body.find("f-date-err"), std::string::npos);
  const auto page = c.Get("/diary?saved=2026-11-19");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("href=\"/diary?date=2026-11-19\""), std::string::npos);
  EXPECT_NE(page->body.find("<svg"), std::string::npos);
  res = c.Post("/api/trial", csrf(),
               R"({"baseline_start": "2026-11-10", "treatment_start": "2026-11-24"})",
               "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  res = c.Post("/api/trial", csrf(),
               R"({"baseline_start": "2026-11-10", "treatment_start": "2026-11-24"})",
               "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  const auto trial = c.Get("/api/trial");
  ASSERT_TRUE(trial);
  EXPECT_NE(trial->body.find("\"phase\": \"baseline\""), std::string::npos) << trial->body;
  EXPECT_NE(trial->body.find("\"verdict\":"), std::string::npos);
  const auto trial_page = c.Get("/trial");
  ASSERT_TRUE(trial_page);
  EXPECT_NE(trial_page->body.find("Progress"), std::string::npos);
}

TEST_F(WebAppTest, StaticAssetsAndErrorsNeverLeakInternals) {
  start();
  auto c = client();
  const auto js = c.Get("/static/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  for (const char* path :
       {"/static/nope.js", "/static/start.html", "/static/../CMakeLists.txt", "/nope"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
  }
  const auto api = c.Get("/api/nope");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(api->body,
            "{\"error\":{\"code\":\"not_found\",\"path\":\"\",\"message\":\"There is no such "
            "page.\"}}\n");
}

TEST_F(WebAppTest, LogsCarryNoQueriesOrBodies) {
  start();
  auto c = client();
  ASSERT_TRUE(c.Get("/diary?date=2026-11-03"));
  ASSERT_TRUE(c.Post("/api/assess", kTwoMedicines, "application/json"));
  // httplib logs a request after sending its response: wait (bounded) for the second line.
  std::string lines = log();
  for (int idx = 0; idx < 500 && (lines.find("POST /api/assess") == std::string::npos ||
                                  lines.find("GET /diary") == std::string::npos);
       ++idx) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    lines = log();
  }
  EXPECT_NE(lines.find("GET /diary 200 "), std::string::npos) << lines;
  EXPECT_NE(lines.find("POST /api/assess 200 "), std::string::npos) << lines;
  EXPECT_EQ(lines.find("2026-11-03"), std::string::npos);
  EXPECT_EQ(lines.find("Ciprofloxacin"), std::string::npos);
}

TEST_F(WebAppTest, AccessTokenIsRequiredWhenSet) {
  WebOptions options;
  options.token = "0123456789abcdef0123";
  start(options);
  auto c = client();
  auto res = c.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = c.Get("/", {{"Authorization", "Bearer 0123456789abcdef0123"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = c.Get("/diary?token=0123456789abcdef0123");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(res->get_header_value("Location"), "/diary");
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  res = c.Get("/diary", {{"Cookie", "willis_token=0123456789abcdef0123"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = c.Get("/", {{"Authorization", "Bearer wrong"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_NE(app_->url().find("?token=0123456789abcdef0123"), std::string::npos);
}

// ---- issue 13: framing, logs, redirects, form sizes, CORS, CDS content type and JWT ----

/// A request in raw bytes to this server (Host set), answered on a connection that closes after.
std::string raw(int port, const std::string& request_line, const std::string& headers,
                const std::string& body = "") {
  return testing_support::exchange(port, request_line +
                                             "\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                             "\r\nConnection: close\r\n" + headers + "\r\n" + body);
}

std::string status_of(const std::string& answer) {
  return answer.substr(0, answer.find("\r\n"));
}

// Finding 11: "Content-Length: +N" slipped past the 256 KiB web limit; duplicates and CL+TE passed.
TEST_F(WebAppTest, ContentLengthMustBeExactlyOneNumber) {
  start({}, /*cds=*/true);
  const std::string json = "{\"age\": 54}";
  const std::string n = std::to_string(json.size());
  EXPECT_EQ(status_of(raw(port_, "POST /api/assess HTTP/1.1",
                          "Content-Type: application/json\r\nContent-Length: " + n + "\r\n", json)),
            "HTTP/1.1 200 OK");
  for (const std::string& framing : std::vector<std::string>{
           "Content-Length: +" + n + "\r\n",
           "Content-Length: " + n + "\r\nContent-Length: " + n + "\r\n",
           "Content-Length: " + n + "\r\nTransfer-Encoding: chunked\r\n",
           "Transfer-Encoding: gzip\r\n", "Content-Length: 0x10\r\n", "Content-Length: -1\r\n"}) {
    const std::string answer = raw(port_, "POST /api/assess HTTP/1.1",
                                   "Content-Type: application/json\r\n" + framing, json);
    EXPECT_EQ(status_of(answer), "HTTP/1.1 400 Bad Request") << framing;
    const std::string service = raw(port_, "POST /cds-services/willis-order-select HTTP/1.1",
                                    "Content-Type: application/json\r\n" + framing, json);
    EXPECT_EQ(status_of(service), "HTTP/1.1 400 Bad Request") << framing;
  }
  // "+N" over the web limit: refused before a byte of the body is read.
  const std::string big = "Content-Type: application/json\r\nContent-Length: +" +
                          std::to_string(kDefaultMaxBodyBytes * 4) + "\r\n";
  EXPECT_EQ(status_of(raw(port_, "POST /api/assess HTTP/1.1", big)), "HTTP/1.1 400 Bad Request");
}

TEST_F(WebAppTest, AChunkedServiceBodyOverItsLimitIs413) {
  WebOptions options;
  options.max_service_body_bytes = 64 * 1024;
  start(options, /*cds=*/true);
  std::string body;
  const std::string chunk = "2000\r\n" + std::string(0x2000, ' ') + "\r\n";
  for (int idx = 0; idx < 16; ++idx) body += chunk;  // 128 KiB
  body += "0\r\n\r\n";
  const std::string answer =
      raw(port_, "POST /cds-services/willis-order-select HTTP/1.1",
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", body);
  EXPECT_EQ(status_of(answer), "HTTP/1.1 413 Payload Too Large") << answer.substr(0, 300);
  EXPECT_EQ(count(answer, "Access-Control-Allow-Origin"), 1u);
}

// Finding 11: the log printed the decoded path raw, so a request could forge log lines.
TEST_F(WebAppTest, ARequestCannotForgeLogLines) {
  start();
  auto c = client();
  const auto res = c.Get("/nothing%0d%0aGET%20/forged%20200%201.0%20ms");
  ASSERT_TRUE(res);
  std::string lines;
  for (int idx = 0; idx < 500 && lines.find("/nothing") == std::string::npos; ++idx) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    lines = log();
  }
  EXPECT_NE(lines.find("GET /nothing\\x0d\\x0aGET /forged"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("\nGET /forged"), std::string::npos) << lines;
}

// Finding 11: GET //evil.example/x?token=T redirected off-site (a protocol-relative Location).
TEST_F(WebAppTest, TheTokenRedirectStaysOnThisSite) {
  WebOptions options;
  options.token = "0123456789abcdef0123";
  start(options);
  auto c = client();
  for (const std::string path : {"//evil.example/x", "/\\evil.example/x", "/diary%0d%0aX:%201"}) {
    const auto res = c.Get(path + "?token=0123456789abcdef0123");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 303) << path;
    EXPECT_EQ(res->get_header_value("Location"), "/") << path;
  }
}

// Finding 11: form posts over 8 KiB got 413 although the limit is 256 KiB.
TEST_F(WebAppTest, FormsUpToTheDocumentedLimitAreRead) {
  start();
  auto c = client();
  std::string form =
      std::string("csrf=") + kCsrf + "&age=54&day.wake=07%3A00&day.sleep=23%3A00&notes=";
  form += std::string(64 * 1024, 'a');
  const auto res = c.Post("/profile", form, kForm);
  ASSERT_TRUE(res);
  EXPECT_NE(res->status, 413) << res->body.substr(0, 300);
  EXPECT_NE(res->status, 403) << "the CSRF field was not read";
  const auto over = c.Post("/profile", form + std::string(kDefaultMaxBodyBytes, 'a'), kForm);
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413);
}

// Finding 5: Access-Control-Allow-Origin: * was sent twice, so browsers refused the answers.
TEST_F(WebAppTest, CdsAnswersCarryOneAllowOrigin) {
  start({}, /*cds=*/true);
  const std::string discovery = raw(port_, "GET /cds-services HTTP/1.1", "");
  EXPECT_EQ(status_of(discovery), "HTTP/1.1 200 OK");
  EXPECT_EQ(count(discovery, "Access-Control-Allow-Origin"), 1u) << discovery.substr(0, 800);
  const std::string hook = raw(port_, "POST /cds-services/willis-order-select HTTP/1.1",
                               "Content-Type: application/json\r\nContent-Length: 2\r\n", "{}");
  EXPECT_EQ(status_of(hook), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(count(hook, "Access-Control-Allow-Origin"), 1u) << hook.substr(0, 800);
  const std::string preflight =
      raw(port_, "OPTIONS /cds-services/willis-order-select HTTP/1.1",
          "Origin: https://ehr.example\r\nAccess-Control-Request-Method: POST\r\n");
  EXPECT_EQ(count(preflight, "Access-Control-Allow-Origin"), 1u) << preflight.substr(0, 800);
}

// Finding 1: a text/plain POST (no CORS preflight) from any page made willis act.
TEST_F(WebAppTest, CdsCallsMustBeJson) {
  start({}, /*cds=*/true);
  auto c = client();
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded",
                                 "text/plain; charset=application/json"}) {
    const auto res = c.Post("/cds-services/willis-patient-view", "{}", type.c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 415) << type;
  }
  const auto json =
      c.Post("/cds-services/willis-patient-view", "{}", "application/json; charset=utf-8");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 400);  // read, and found not to be a hook request
}

TEST_F(WebAppTest, CdsCallsNeedTheClientsJwtWhenConfigured) {
  WebOptions options;
  options.token = "0123456789abcdef0123";
  options.service_auth = [](const std::string& bearer,
                            const std::string&) -> std::optional<std::string> {
    if (bearer == "signed.jwt.ok") return std::nullopt;
    return std::string("signature does not verify");
  };
  start(options, /*cds=*/true);
  auto c = client();
  const auto without = c.Get("/cds-services");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 401);
  // The web app's own token does not stand in for an EHR's JWT.
  const auto web_token = c.Get("/cds-services", {{"Authorization", "Bearer 0123456789abcdef0123"}});
  ASSERT_TRUE(web_token);
  EXPECT_EQ(web_token->status, 401);
  const auto with = c.Get("/cds-services", {{"Authorization", "Bearer signed.jwt.ok"}});
  ASSERT_TRUE(with);
  EXPECT_EQ(with->status, 200);
  // Web routes keep the web token.
  const auto page = c.Get("/", {{"Authorization", "Bearer 0123456789abcdef0123"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
}

}  // namespace
}  // namespace willis::http
