// src/http/web_app_gate_test.cc: the gate every request passes: Host, CSRF, origin, security
// headers, body framing and limits, access token, logs, and the CDS Hooks routes behind the same
// gate.
// support/test_kb.h first: the shared fixture uses it (http/ headers may not include support/).
#include "support/test_kb.h"
// clang-format off
#include "http/web_app_test_support.h"
// clang-format on

namespace willis::http {
namespace {

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
