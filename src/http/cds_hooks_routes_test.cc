#include "http/cds_hooks_routes.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include "codec/cds_request.h"
#include "codec/cds_response_check.h"
#include "support/test_kb.h"

namespace willis::http {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(WILLIS_SOURCE_DIR) + "/tests/fixtures/cds-hooks/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A real server on a loopback port chosen by the OS, running until the object goes away.
class Loopback {
 public:
  explicit Loopback(const std::function<void(httplib::Server&)>& setup) {
    setup(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    loop_ = std::thread([this] { server_.listen_after_bind(); });
    // cpp-httplib 0.11.4 has no wait_until_ready(): poll.
    for (int tries = 0; tries < 500 && !server_.is_running(); ++tries)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~Loopback() {
    server_.stop();
    loop_.join();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c;
  }

 private:
  httplib::Server server_;
  std::thread loop_;
  int port_ = 0;
};

CdsHooksConfig config() {
  CdsHooksConfig c(testing::kb(), testing::names());
  c.today = [] { return core::CalendarDate{2026, 11, 22}; };
  c.fetch_timeout_ms = 2000;
  return c;
}

/// The CDS routes plus one ordinary route, to show CORS stays on /cds-services.
std::shared_ptr<const CdsHooksCounters> install(httplib::Server& server,
                                                CdsHooksConfig c = config()) {
  server.Get("/other", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  return add_cds_hooks_routes(server, c);
}

void expect_valid_cards(const std::string& body) {
  for (const auto& problem : codec::check_cds_response(body))
    ADD_FAILURE() << problem << "\n" << body;
}

TEST(CdsHooksRoutes, DiscoveryWithCorsOnlyOnCdsRoutes) {
  std::shared_ptr<const CdsHooksCounters> counters;
  Loopback server([&](httplib::Server& s) { counters = install(s); });
  auto client = server.client();
  const auto discovery = client.Get("/cds-services");
  const auto other = client.Get("/other");
  ASSERT_TRUE(discovery) << httplib::to_string(discovery.error());
  EXPECT_EQ(discovery->status, 200);
  EXPECT_EQ(discovery->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(discovery->body.find("\"willis-order-sign\""), std::string::npos);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  const auto preflight = client.Options("/cds-services/willis-order-select");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
}

TEST(CdsHooksRoutes, EachHookWithPrefetchAnswersValidCards) {
  std::shared_ptr<const CdsHooksCounters> counters;
  Loopback server([&](httplib::Server& s) { counters = install(s); });
  auto client = server.client();
  const std::pair<const char*, const char*> cases[] = {
      {"willis-order-select", "willis-order-select-cipro.json"},
      {"willis-order-sign", "willis-order-sign-unknown.json"},
      {"willis-patient-view", "willis-patient-view-rls.json"},
  };
  for (const auto& [id, file] : cases) {
    const auto res =
        client.Post(std::string("/cds-services/") + id, fixture(file), "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200) << id << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
    EXPECT_NE(res->body.find("\"indicator\""), std::string::npos) << id;
    expect_valid_cards(res->body);
  }
  EXPECT_EQ(counters->requests.load(), 3u);
  EXPECT_EQ(counters->fetches.load(), 0u);
}

TEST(CdsHooksRoutes, ErrorsAreOperationOutcomes) {
  Loopback server([&](httplib::Server& s) { install(s); });
  auto client = server.client();
  const auto no_prefetch =
      client.Post("/cds-services/willis-patient-view",
                  fixture("willis-patient-view-no-prefetch.json"), "application/json");
  ASSERT_TRUE(no_prefetch);
  EXPECT_EQ(no_prefetch->status, 412);
  EXPECT_NE(no_prefetch->body.find("\"resourceType\":\"OperationOutcome\""), std::string::npos);
  EXPECT_NE(no_prefetch->body.find("patient"), std::string::npos);
  const auto malformed =
      client.Post("/cds-services/willis-patient-view", "{\"hook\": ", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_NE(malformed->body.find("OperationOutcome"), std::string::npos);
  const auto wrong_hook =
      client.Post("/cds-services/willis-patient-view", fixture("willis-order-sign-unknown.json"),
                  "application/json");
  ASSERT_TRUE(wrong_hook);
  EXPECT_EQ(wrong_hook->status, 400);
  const auto unknown = client.Post("/cds-services/someone-else", "{}", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST(CdsHooksRoutes, OversizedBodyIs413) {
  CdsHooksConfig c = config();
  c.max_body_bytes = 1024;
  Loopback server([&](httplib::Server& s) { install(s, c); });
  auto client = server.client();
  const auto res = client.Post("/cds-services/willis-order-select",
                               fixture("willis-order-select-cipro.json"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

/// A tiny FHIR server on loopback: answers the prefetch queries for patient p1.
void fhir_routes(httplib::Server& s, std::string* seen_authorization, std::mutex* lock) {
  auto bundle = [](const std::string& entries) {
    return R"({"resourceType":"Bundle","type":"searchset","entry":[)" + entries + "]}";
  };
  s.Get("/fhir/Patient/p1", [=](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> guard(*lock);
      *seen_authorization = req.get_header_value("Authorization");
    }
    res.set_content(
        R"({"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1950-02-02"})",
        "application/fhir+json");
  });
  s.Get("/fhir/MedicationRequest", [=](const httplib::Request& req, httplib::Response& res) {
    EXPECT_EQ(req.get_param_value("patient"), "p1");
    res.set_content(bundle(""), "application/fhir+json");
  });
  s.Get("/fhir/MedicationStatement", [=](const httplib::Request&, httplib::Response& res) {
    res.set_content(bundle(R"({"resource":{"resourceType":"MedicationStatement","status":"active",
        "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6582"}]},
        "subject":{"reference":"Patient/p1"}}})"),
                    "application/fhir+json");
  });
  s.Get("/fhir/Condition", [=](const httplib::Request&, httplib::Response& res) {
    res.set_content(bundle(""), "application/fhir+json");
  });
  s.Get("/fhir/Observation", [=](const httplib::Request& req, httplib::Response& res) {
    EXPECT_NE(req.get_param_value("code").find("http://loinc.org|98979-8"), std::string::npos);
    res.set_content(bundle(R"({"resource":{"resourceType":"Observation","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"98979-8"}]},"subject":{"reference":"Patient/p1"},
        "valueQuantity":{"value":24,"unit":"mL/min/{1.73_m2}"}}})"),
                    "application/fhir+json");
  });
}

std::string request_with_server(const std::string& fhir_server) {
  return R"({"hook":"order-select","hookInstance":"3c0b5a0e-0000-4000-8000-000000000001","fhirServer":")" +
         fhir_server +
         R"(","fhirAuthorization":{"access_token":"secret-token","token_type":"Bearer","expires_in":300,
      "scope":"user/Patient.read","subject":"willis"},
      "context":{"userId":"Practitioner/1","patientId":"p1","selections":["MedicationRequest/d1"],
      "draftOrders":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"MedicationRequest",
      "id":"d1","status":"draft","intent":"order","subject":{"reference":"Patient/p1"},
      "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"205770"}]}}}]}}})";
}

/// The configuration with `fhir`'s origin allowed (as `willis serve --fhir-allow` does).
CdsHooksConfig allowing(const Loopback& fhir) {
  CdsHooksConfig c = config();
  c.fhir_allow = {normalize_origin(fhir.url())};
  return c;
}

/// A FHIR server that counts every request it gets.
struct CountingFhir {
  CountingFhir()
      : server([this](httplib::Server& s) {
          s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
            std::lock_guard<std::mutex> guard(lock);
            ++requests;
            headers.insert(req.headers.begin(), req.headers.end());
            return httplib::Server::HandlerResponse::Unhandled;
          });
          fhir_routes(s, &authorization, &routes_lock);
        }) {}
  int count() {
    std::lock_guard<std::mutex> guard(lock);
    return requests;
  }
  std::mutex lock, routes_lock;
  int requests = 0;
  httplib::Headers headers;
  std::string authorization;
  Loopback server;
};

std::string with_token(const std::string& fhir_server, const std::string& token) {
  std::string body = request_with_server(fhir_server);
  const std::string from = "\"access_token\":\"secret-token\"";
  body.replace(body.find(from), from.size(), "\"access_token\":\"" + token + "\"");
  return body;
}

// Issue 13 finding 1: any fhirServer made willis connect there (SSRF, a port scan by 200 vs 412).
TEST(CdsHooksRoutes, AFhirServerNotAllowedIsNeverContacted) {
  CountingFhir fhir;
  Loopback other([](httplib::Server&) {});
  // Nothing allowed (the default), and a different origin allowed: the same 412, no connection.
  CdsHooksConfig none = config();
  CdsHooksConfig elsewhere = config();
  elsewhere.fhir_allow = {normalize_origin(other.url())};
  for (const CdsHooksConfig& c : {none, elsewhere}) {
    Loopback server([&](httplib::Server& s) { install(s, c); });
    auto client = server.client();
    for (const std::string& base : std::vector<std::string>{
             fhir.server.url() + "/fhir",
             "http://localhost:" + std::to_string(fhir.server.port()) + "/fhir",
             "HTTP://127.0.0.1:" + std::to_string(fhir.server.port()) + "/fhir"}) {
      const auto res = client.Post("/cds-services/willis-order-select", request_with_server(base),
                                   "application/json");
      ASSERT_TRUE(res) << httplib::to_string(res.error());
      EXPECT_EQ(res->status, 412) << res->body;
      EXPECT_NE(res->body.find("--fhir-allow"), std::string::npos) << res->body;
    }
  }
  EXPECT_EQ(fhir.count(), 0);
}

TEST(CdsHooksRoutes, OpenAndClosedPortsAnswerAlike) {
  CountingFhir open;
  int closed_port = 0;
  {
    Loopback closing([](httplib::Server&) {});
    closed_port = closing.port();
  }  // nothing listens there now
  Loopback server([&](httplib::Server& s) { install(s); });
  auto client = server.client();
  const auto to_open =
      client.Post("/cds-services/willis-order-select",
                  request_with_server(open.server.url() + "/fhir"), "application/json");
  const auto to_closed =
      client.Post("/cds-services/willis-order-select",
                  request_with_server("http://127.0.0.1:" + std::to_string(closed_port) + "/fhir"),
                  "application/json");
  ASSERT_TRUE(to_open && to_closed);
  EXPECT_EQ(to_open->status, to_closed->status);
  EXPECT_EQ(to_open->body, to_closed->body);
  EXPECT_EQ(open.count(), 0);
}

TEST(CdsHooksRoutes, ATokenThatCouldInjectHeadersIsRefusedBeforeAnyConnection) {
  CountingFhir fhir;
  Loopback server([&](httplib::Server& s) { install(s, allowing(fhir.server)); });
  auto client = server.client();
  for (const std::string& token : std::vector<std::string>{
           std::string("abc\\r\\nX-Injected: 1"), std::string("abc def"), std::string("=abc")}) {
    const auto res =
        client.Post("/cds-services/willis-order-select",
                    with_token(fhir.server.url() + "/fhir", token), "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << token << " " << res->body;
  }
  EXPECT_EQ(fhir.count(), 0);
  // A patient id with CR/LF cannot reach the request line or the headers either (it is either
  // percent-encoded in a query or refused).
  std::string body = request_with_server(fhir.server.url() + "/fhir");
  body.replace(body.find("\"patientId\":\"p1\""), 16, "\"patientId\":\"p1\\r\\nX-Injected: 1\"");
  const auto res = client.Post("/cds-services/willis-order-select", body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_NE(res->status, 200) << res->body;
  std::lock_guard<std::mutex> guard(fhir.lock);
  EXPECT_EQ(fhir.headers.count("X-Injected"), 0u);
}

TEST(CdsHooksRoutes, OriginsAndTokensAreReadStrictly) {
  EXPECT_EQ(normalize_origin("https://EHR.example.org"), "https://ehr.example.org:443");
  EXPECT_EQ(normalize_origin("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
  EXPECT_EQ(normalize_origin("http://[::1]:8080"), "http://[::1]:8080");
  EXPECT_EQ(normalize_origin("http://127.0.0.1:8080/fhir"), "");
  EXPECT_EQ(normalize_origin("http://127.0.0.1:8080/fhir", true), "http://127.0.0.1:8080");
  EXPECT_EQ(normalize_origin("http://user@evil.example"), "");
  EXPECT_EQ(normalize_origin("ftp://ehr.example"), "");
  EXPECT_EQ(normalize_origin("http://ehr.example:99999"), "");
  EXPECT_EQ(normalize_origin("http://ehr.example\r\n"), "");
  EXPECT_TRUE(is_bearer_token("abc-._~+/123=="));
  EXPECT_FALSE(is_bearer_token(""));
  EXPECT_FALSE(is_bearer_token("abc\r\nX: 1"));
  EXPECT_FALSE(is_bearer_token("a=b"));
}

TEST(CdsHooksRoutes, MissingPrefetchIsFetchedFromTheFhirServer) {
  std::string seen_authorization;
  std::mutex lock;
  Loopback fhir([&](httplib::Server& s) { fhir_routes(s, &seen_authorization, &lock); });
  std::shared_ptr<const CdsHooksCounters> counters;
  Loopback server([&](httplib::Server& s) { counters = install(s, allowing(fhir)); });
  auto client = server.client();
  const auto res = client.Post("/cds-services/willis-order-select",
                               request_with_server(fhir.url() + "/fhir/"), "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200) << res->body;
  expect_valid_cards(res->body);
  EXPECT_EQ(counters->fetches.load(), 5u);
  {
    std::lock_guard<std::mutex> guard(lock);
    EXPECT_EQ(seen_authorization, "Bearer secret-token");
  }
  // eGFR 24 from the server and magnesium in the active list: the cipro order gets its
  // interaction card (the patient is on magnesium).
  EXPECT_NE(res->body.find("Ciprofloxacin"), std::string::npos) << res->body;
}

TEST(CdsHooksRoutes, RedirectsAreNotFollowed) {
  Loopback fhir([&](httplib::Server& s) {
    s.Get(R"(/fhir/.*)", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://198.51.100.7/fhir/Patient/p1", 302);
    });
  });
  Loopback server([&](httplib::Server& s) { install(s, allowing(fhir)); });
  auto client = server.client();
  const auto res = client.Post("/cds-services/willis-order-select",
                               request_with_server(fhir.url() + "/fhir"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 412);
  EXPECT_NE(res->body.find("redirect"), std::string::npos) << res->body;
}

TEST(CdsHooksRoutes, OversizedFhirAnswerIsRefused) {
  Loopback fhir([&](httplib::Server& s) {
    s.Get(R"(/fhir/.*)", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(64 * 1024, ' ') + "{}", "application/fhir+json");
    });
  });
  CdsHooksConfig c = allowing(fhir);
  c.max_fetch_bytes = 16 * 1024;
  Loopback server([&](httplib::Server& s) { install(s, c); });
  auto client = server.client();
  const auto res = client.Post("/cds-services/willis-order-select",
                               request_with_server(fhir.url() + "/fhir"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 412);
  EXPECT_NE(res->body.find("larger than"), std::string::npos) << res->body;
}

TEST(CdsHooksRoutes, FeedbackIsCountedNotStored) {
  std::shared_ptr<const CdsHooksCounters> counters;
  Loopback server([&](httplib::Server& s) { counters = install(s); });
  auto client = server.client();
  const auto ok =
      client.Post("/cds-services/willis-order-select/feedback",
                  fixture("spec-22-example-suggestion-accepted.json"), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), "*");
  const auto bad = client.Post("/cds-services/willis-order-select/feedback", "{\"feedback\": 3}",
                               "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(counters->feedback_calls.load(), 1u);
  EXPECT_EQ(counters->feedback_items.load(), 1u);
}

}  // namespace
}  // namespace willis::http
