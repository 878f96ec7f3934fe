// CDS Hooks JWTs with real keys generated here (OpenSSL), real signatures (libjwt) and real
// verification: nothing is mocked.
#include "http/cds_jwt.h"

#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace willis::http {
namespace {

constexpr std::int64_t kNow = 1'795'000'000;  // a fixed clock: 2026-11-18
constexpr const char* kIss = "https://ehr.example.org";
constexpr const char* kAud = "http://127.0.0.1:8080/cds-services";

std::string b64url(const unsigned char* data, std::size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (std::size_t idx = 0; idx < length; ++idx) {
    value = (value << 8) | data[idx];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(value >> bits) & 63u];
    }
  }
  if (bits > 0) out += kAlphabet[(value << (6 - bits)) & 63u];
  return out;
}

std::string bn_b64url(const BIGNUM* bn) {
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  return b64url(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string pem(EVP_PKEY* key, bool private_key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (private_key)
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  else
    PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return out;
}

/// A key pair made for the test: the private key in PEM (to sign) and the public one as a JWK.
struct KeyPair {
  std::string private_pem, public_pem, jwk;
  jwt_alg_t alg;
};

KeyPair rsa_pair(const std::string& kid) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  BIGNUM *n = nullptr, *e = nullptr;
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
  KeyPair pair{pem(key, true), pem(key, false),
               R"({"kty":"RSA","kid":")" + kid + R"(","use":"sig","alg":"RS384","n":")" +
                   bn_b64url(n) + R"(","e":")" + bn_b64url(e) + R"("})",
               JWT_ALG_RS384};
  BN_free(n);
  BN_free(e);
  EVP_PKEY_free(key);
  return pair;
}

KeyPair ec_pair(const std::string& kid) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  unsigned char point[200];
  std::size_t length = 0;
  EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length);
  EXPECT_EQ(length, 97u);  // 0x04 || x (48) || y (48)
  KeyPair pair{pem(key, true), pem(key, false),
               R"({"kty":"EC","kid":")" + kid + R"(","use":"sig","crv":"P-384","x":")" +
                   b64url(point + 1, 48) + R"(","y":")" + b64url(point + 49, 48) + R"("})",
               JWT_ALG_ES384};
  EVP_PKEY_free(key);
  return pair;
}

struct Claims {
  std::string iss = kIss, aud = kAud, jti = "jti-1", kid, jku;
  std::int64_t exp = kNow + 300;
};

/// A JWT signed with `secret` (a private key PEM, or an HMAC secret) by libjwt.
std::string sign(jwt_alg_t alg, const std::string& secret, const Claims& claims) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grant(jwt, "iss", claims.iss.c_str());
  jwt_add_grant(jwt, "aud", claims.aud.c_str());
  jwt_add_grant(jwt, "jti", claims.jti.c_str());
  jwt_add_grant_int(jwt, "exp", static_cast<long>(claims.exp));
  jwt_add_grant_int(jwt, "iat", static_cast<long>(kNow));
  if (!claims.kid.empty()) jwt_add_header(jwt, "kid", claims.kid.c_str());
  if (!claims.jku.empty()) jwt_add_header(jwt, "jku", claims.jku.c_str());
  EXPECT_EQ(jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())),
            0);
  char* text = jwt_encode_str(jwt);
  std::string out = text ? text : "";
  std::free(text);
  jwt_free(jwt);
  return out;
}

const KeyPair& rsa() {
  static const KeyPair pair = rsa_pair("rsa-1");
  return pair;
}
const KeyPair& ec() {
  static const KeyPair pair = ec_pair("ec-1");
  return pair;
}

std::unique_ptr<CdsJwtVerifier> verifier(std::size_t replay_cache = 100,
                                         std::int64_t* clock = nullptr) {
  CdsJwtOptions options;
  options.jwks = {R"({"keys":[)" + rsa().jwk + "," + ec().jwk + "]}"};
  options.issuers = {kIss};
  options.audience = kAud;
  options.replay_cache = replay_cache;
  options.now = [clock] { return clock ? *clock : kNow; };
  auto made = CdsJwtVerifier::make(options);
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
  return made.ok() ? std::move(made).value() : nullptr;
}

TEST(CdsJwt, AValidTokenIsAcceptedOnceThenRefusedAsAReplay) {
  auto v = verifier();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->key_count(), 2u);
  for (const KeyPair* pair : {&rsa(), &ec()}) {
    Claims claims;
    claims.jti = pair == &rsa() ? "rsa-token" : "ec-token";
    claims.kid = pair == &rsa() ? "rsa-1" : "ec-1";
    const std::string token = sign(pair->alg, pair->private_pem, claims);
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(v->check(token), std::nullopt);
    const auto replay = v->check(token);
    ASSERT_TRUE(replay);
    EXPECT_NE(replay->find("jti"), std::string::npos) << *replay;
  }
  // No kid: every key of the algorithm's type is tried.
  Claims no_kid;
  no_kid.jti = "no-kid";
  EXPECT_EQ(v->check(sign(JWT_ALG_ES384, ec().private_pem, no_kid)), std::nullopt);
}

TEST(CdsJwt, ExpiredWrongAudienceWrongIssuerAndNoJtiAreRefused) {
  auto v = verifier();
  ASSERT_TRUE(v);
  const auto refused = [&](Claims claims, const std::string& why) {
    const auto problem = v->check(sign(JWT_ALG_RS384, rsa().private_pem, claims));
    ASSERT_TRUE(problem) << why;
    EXPECT_NE(problem->find(why), std::string::npos) << *problem;
  };
  Claims expired;
  expired.exp = kNow - 3600;
  refused(expired, "exp");
  Claims far;
  far.exp = kNow + 7 * 24 * 3600;
  refused(far, "exp");
  Claims audience;
  audience.aud = "http://127.0.0.1:9999/cds-services";
  refused(audience, "aud");
  Claims issuer;
  issuer.iss = "https://attacker.example";
  refused(issuer, "iss");
  Claims no_jti;
  no_jti.jti = "";
  refused(no_jti, "jti");
}

// CDS Hooks: `aud` is "the CDS Service endpoint that is being called by the CDS Client" (spec
// example: https://cds.example.org/cds-services/some-service). That endpoint is accepted for the
// call to it, and only for that call; the base is accepted as before.
TEST(CdsJwt, TheAudienceMayBeTheEndpointBeingCalled) {
  auto v = verifier();
  ASSERT_TRUE(v);
  Claims endpoint;
  endpoint.aud = std::string(kAud) + "/willis-patient-view";
  endpoint.jti = "aud-endpoint-1";
  EXPECT_EQ(v->check(sign(JWT_ALG_RS384, rsa().private_pem, endpoint),
                     "/cds-services/willis-patient-view"),
            std::nullopt);
  // The same audience on a call to another service, or with no path, is refused.
  endpoint.jti = "aud-endpoint-2";
  const auto other = v->check(sign(JWT_ALG_RS384, rsa().private_pem, endpoint),
                              "/cds-services/willis-order-select");
  ASSERT_TRUE(other);
  EXPECT_NE(other->find("aud"), std::string::npos) << *other;
  endpoint.jti = "aud-endpoint-3";
  EXPECT_TRUE(v->check(sign(JWT_ALG_RS384, rsa().private_pem, endpoint)));
  // A path outside /cds-services adds nothing ("/cds-servicesX/..." is not a service path).
  endpoint.jti = "aud-endpoint-4";
  EXPECT_TRUE(v->check(sign(JWT_ALG_RS384, rsa().private_pem, endpoint),
                       "/cds-servicesX/willis-patient-view"));
  Claims base;
  base.jti = "aud-base-1";
  EXPECT_EQ(
      v->check(sign(JWT_ALG_RS384, rsa().private_pem, base), "/cds-services/willis-patient-view"),
      std::nullopt);
}

TEST(CdsJwt, ABadSignatureIsRefused) {
  auto v = verifier();
  ASSERT_TRUE(v);
  // Signed by a key that is not in the JWKS, under a kid that is.
  const KeyPair stranger = rsa_pair("rsa-1");
  Claims claims;
  claims.kid = "rsa-1";
  EXPECT_TRUE(v->check(sign(JWT_ALG_RS384, stranger.private_pem, claims)));
  // A valid token with its payload changed.
  std::string token = sign(JWT_ALG_RS384, rsa().private_pem, claims);
  const auto first = token.find('.'), second = token.find('.', first + 1);
  std::string payload = token.substr(first + 1, second - first - 1);
  payload[payload.size() / 2] = payload[payload.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(v->check(token.substr(0, first + 1) + payload + token.substr(second)));
  // The signature cut off.
  EXPECT_TRUE(v->check(token.substr(0, second + 1)));
  EXPECT_TRUE(v->check("not a jwt"));
  EXPECT_TRUE(v->check(""));
}

TEST(CdsJwt, HmacAndUnsignedTokensAreRefused) {
  auto v = verifier();
  ASSERT_TRUE(v);
  // Algorithm confusion: HS256 "signed" with the public key's PEM as the secret.
  Claims claims;
  claims.kid = "rsa-1";
  const auto hmac = v->check(sign(JWT_ALG_HS256, rsa().public_pem, claims));
  ASSERT_TRUE(hmac);
  EXPECT_NE(hmac->find("algorithm"), std::string::npos) << *hmac;
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grant(jwt, "iss", kIss);
  jwt_add_grant(jwt, "aud", kAud);
  jwt_add_grant(jwt, "jti", "none-1");
  jwt_add_grant_int(jwt, "exp", static_cast<long>(kNow + 300));
  char* text = jwt_encode_str(jwt);
  const std::string none = text;
  std::free(text);
  jwt_free(jwt);
  EXPECT_TRUE(v->check(none));
}

TEST(CdsJwt, TheReplayCacheIsBoundedAndFailsClosed) {
  std::int64_t clock = kNow;
  auto v = verifier(2, &clock);
  ASSERT_TRUE(v);
  Claims claims;
  for (const char* jti : {"a", "b"}) {
    claims.jti = jti;
    EXPECT_EQ(v->check(sign(JWT_ALG_ES384, ec().private_pem, claims)), std::nullopt) << jti;
  }
  claims.jti = "c";
  const std::string third = sign(JWT_ALG_ES384, ec().private_pem, claims);
  EXPECT_TRUE(v->check(third)) << "a full cache must refuse rather than forget a live jti";
  // Once the remembered tokens have expired, they are forgotten and there is room again.
  clock = kNow + 400;
  claims.jti = "d";
  claims.exp = clock + 300;
  EXPECT_EQ(v->check(sign(JWT_ALG_ES384, ec().private_pem, claims)), std::nullopt);
}

TEST(CdsJwt, AnUnusableJwksIsAnError) {
  for (const std::string& jwks :
       {std::string("{}"), std::string(R"({"keys":[]})"),
        std::string(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})"),
        std::string(R"({"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]})"),
        std::string(R"({"keys":[{"kty":"EC","crv":"P-999","x":"AA","y":"AA"}]})")}) {
    CdsJwtOptions options;
    options.jwks = {jwks};
    options.issuers = {kIss};
    options.audience = kAud;
    EXPECT_FALSE(CdsJwtVerifier::make(options).ok()) << jwks;
  }
}

/// A real HTTP server on 127.0.0.1 (raw sockets, so every TCP connection is counted, not only the
/// requests that reach a handler). It answers every request with `response` and closes.
class LoopbackJwksServer {
 public:
  LoopbackJwksServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackJwksServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  std::string url(const std::string& path = "/jwks.json") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_; }
  void set_jwks(const std::string& json) {
    set_response("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(json.size()) + "\r\nConnection: close\r\n\r\n" + json);
  }
  void set_response(std::string raw) {
    std::lock_guard lock(mutex_);
    response_ = std::move(raw);
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd fd{listener_, POLLIN, 0};
      if (::poll(&fd, 1, 50) <= 0) continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      ++connections_;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        pollfd in{client, POLLIN, 0};
        if (::poll(&in, 1, 2000) <= 0) break;
        const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        request.append(buffer, static_cast<std::size_t>(got));
      }
      std::string response;
      {
        std::lock_guard lock(mutex_);
        response = response_;
      }
      for (std::size_t sent = 0; sent < response.size();) {
        const ssize_t wrote =
            ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (wrote <= 0) break;
        sent += static_cast<std::size_t>(wrote);
      }
      ::shutdown(client, SHUT_WR);
      ::close(client);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::string response_ =
      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  std::thread thread_;
};

std::string jwks_of(const std::vector<const KeyPair*>& pairs) {
  std::string out = R"({"keys":[)";
  for (const KeyPair* pair : pairs) out += (out.back() == '[' ? "" : ",") + pair->jwk;
  return out + "]}";
}

/// A verifier whose keys come only from `urls`, fetched with the real outbound client.
std::unique_ptr<CdsJwtVerifier> url_verifier(const std::vector<std::string>& urls,
                                             std::int64_t* clock) {
  CdsJwtOptions options;
  options.jwks_urls = urls;
  options.issuers = {kIss};
  options.audience = kAud;
  options.now = [clock] { return *clock; };
  options.fetch_limits = OutboundLimits{2000, 64 * 1024};
  options.jwks_refetch_seconds = 60;
  options.jwks_ttl_seconds = 3600;
  auto made = CdsJwtVerifier::make(options);
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
  return made.ok() ? std::move(made).value() : nullptr;
}

Claims url_claims(const std::string& jku, const std::string& kid, const std::string& jti) {
  Claims claims;
  claims.jku = jku;
  claims.kid = kid;
  claims.jti = jti;
  return claims;
}

TEST(CdsJwtUrl, AGoodTokenWithAnAllowListedJkuIsAcceptedAndItsKeysAreCached) {
  LoopbackJwksServer server;
  server.set_jwks(jwks_of({&rsa(), &ec()}));
  std::int64_t clock = kNow;
  auto v = url_verifier({server.url()}, &clock);
  ASSERT_TRUE(v);
  EXPECT_EQ(server.connections(), 0) << "nothing is fetched before a token needs it";
  EXPECT_EQ(
      v->check(sign(JWT_ALG_RS384, rsa().private_pem, url_claims(server.url(), "rsa-1", "t1"))),
      std::nullopt);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(v->check(sign(JWT_ALG_ES384, ec().private_pem, url_claims(server.url(), "ec-1", "t2"))),
            std::nullopt);
  // No jku: the URL agreed out of band (--cds-jwks URL) is used, from the cache.
  EXPECT_EQ(v->check(sign(JWT_ALG_RS384, rsa().private_pem, url_claims("", "rsa-1", "t3"))),
            std::nullopt);
  EXPECT_EQ(server.connections(), 1) << "known kids are served from the cache";
  EXPECT_EQ(v->jwks_fetches(), 1u);
  // After the cache lifetime the set is read again.
  clock += 3601;
  Claims later = url_claims(server.url(), "rsa-1", "t4");
  later.exp = clock + 300;
  EXPECT_EQ(v->check(sign(JWT_ALG_RS384, rsa().private_pem, later)), std::nullopt);
  EXPECT_EQ(server.connections(), 2);
}

TEST(CdsJwtUrl, AJkuNotAllowListedIsRefusedWithoutAnyConnection) {
  LoopbackJwksServer allowed, other;
  allowed.set_jwks(jwks_of({&rsa()}));
  other.set_jwks(jwks_of({&rsa()}));
  std::int64_t clock = kNow;
  auto v = url_verifier({allowed.url()}, &clock);
  ASSERT_TRUE(v);
  int n = 0;
  // Another server, another path on the allowed server, a query, a different spelling: all refused.
  for (const std::string& jku :
       {other.url(), allowed.url("/other.json"), allowed.url("/jwks.json?x=1"),
        allowed.url("/jwks.json/"), allowed.url("/JWKS.json"),
        "http://localhost:" + allowed.url().substr(17)}) {
    const auto problem = v->check(sign(JWT_ALG_RS384, rsa().private_pem,
                                       url_claims(jku, "rsa-1", "j" + std::to_string(n++))));
    ASSERT_TRUE(problem) << jku;
    EXPECT_NE(problem->find("jku"), std::string::npos) << *problem;
  }
  EXPECT_EQ(other.connections(), 0);
  EXPECT_EQ(allowed.connections(), 0);
  EXPECT_EQ(v->jwks_fetches(), 0u);
  // A verifier with no URL at all refuses every jku the same way.
  CdsJwtOptions files_only;
  files_only.jwks = {jwks_of({&rsa()})};
  files_only.issuers = {kIss};
  files_only.audience = kAud;
  files_only.now = [] { return kNow; };
  auto f = CdsJwtVerifier::make(files_only);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f.value()->check(
      sign(JWT_ALG_RS384, rsa().private_pem, url_claims(other.url(), "rsa-1", "f1"))));
  EXPECT_EQ(other.connections(), 0);
}

TEST(CdsJwtUrl, ExpiredWrongAudienceWrongIssuerAndReplayedTokensAreRefused) {
  LoopbackJwksServer server;
  server.set_jwks(jwks_of({&rsa()}));
  std::int64_t clock = kNow;
  auto v = url_verifier({server.url()}, &clock);
  ASSERT_TRUE(v);
  const auto refused = [&](Claims claims, const std::string& why) {
    const auto problem = v->check(sign(JWT_ALG_RS384, rsa().private_pem, claims));
    ASSERT_TRUE(problem) << why;
    EXPECT_NE(problem->find(why), std::string::npos) << *problem;
  };
  Claims expired = url_claims(server.url(), "rsa-1", "e1");
  expired.exp = kNow - 3600;
  refused(expired, "exp");
  Claims audience = url_claims(server.url(), "rsa-1", "a1");
  audience.aud = "http://127.0.0.1:9999/cds-services";
  refused(audience, "aud");
  Claims issuer = url_claims(server.url(), "rsa-1", "i1");
  issuer.iss = "https://attacker.example";
  refused(issuer, "iss");
  const std::string once =
      sign(JWT_ALG_RS384, rsa().private_pem, url_claims(server.url(), "rsa-1", "r1"));
  EXPECT_EQ(v->check(once), std::nullopt);
  refused(url_claims(server.url(), "rsa-1", "r1"), "jti");
  // A token signed by a stranger's key under a known kid.
  const KeyPair stranger = rsa_pair("rsa-1");
  EXPECT_TRUE(
      v->check(sign(JWT_ALG_RS384, stranger.private_pem, url_claims(server.url(), "rsa-1", "s1"))));
  EXPECT_EQ(server.connections(), 1);
}

TEST(CdsJwtUrl, AnUnknownKidRefetchesOnceThenWaitsForTheInterval) {
  LoopbackJwksServer server;
  server.set_jwks(jwks_of({&rsa()}));
  std::int64_t clock = kNow;
  auto v = url_verifier({server.url()}, &clock);
  ASSERT_TRUE(v);
  EXPECT_EQ(
      v->check(sign(JWT_ALG_RS384, rsa().private_pem, url_claims(server.url(), "rsa-1", "k1"))),
      std::nullopt);
  EXPECT_EQ(server.connections(), 1);
  // The EHR rotates to a new key: the unknown kid makes exactly one refetch, which finds it.
  const KeyPair rotated = rsa_pair("rsa-2");
  server.set_jwks(jwks_of({&rsa(), &rotated}));
  clock += 61;
  Claims next = url_claims(server.url(), "rsa-2", "k2");
  next.exp = clock + 300;
  EXPECT_EQ(v->check(sign(JWT_ALG_RS384, rotated.private_pem, next)), std::nullopt);
  EXPECT_EQ(server.connections(), 2);
  // A kid nobody published: one refetch is allowed per interval, so a flood of them costs nothing.
  const KeyPair unknown = rsa_pair("rsa-3");
  for (int idx = 0; idx < 5; ++idx) {
    Claims claims = url_claims(server.url(), "rsa-3", "u" + std::to_string(idx));
    claims.exp = clock + 300;
    EXPECT_TRUE(v->check(sign(JWT_ALG_RS384, unknown.private_pem, claims)));
  }
  EXPECT_EQ(server.connections(), 2) << "the refetch for rsa-2 was this interval's";
  clock += 61;
  Claims again = url_claims(server.url(), "rsa-3", "u9");
  again.exp = clock + 300;
  EXPECT_TRUE(v->check(sign(JWT_ALG_RS384, unknown.private_pem, again)));
  EXPECT_EQ(server.connections(), 3);
  // Known keys still work without a fetch.
  Claims known = url_claims(server.url(), "rsa-1", "k3");
  known.exp = clock + 300;
  EXPECT_EQ(v->check(sign(JWT_ALG_RS384, rsa().private_pem, known)), std::nullopt);
  EXPECT_EQ(server.connections(), 3);
}

TEST(CdsJwtUrl, ARedirectAnErrorOrAnOversizedJwksIsRefused) {
  LoopbackJwksServer server, target;
  target.set_jwks(jwks_of({&rsa()}));
  std::int64_t clock = kNow;
  auto v = url_verifier({server.url()}, &clock);
  ASSERT_TRUE(v);
  const auto attempt = [&](const std::string& why) {
    clock += 61;  // past the refetch interval each time
    Claims claims = url_claims(server.url(), "rsa-1", "x" + std::to_string(clock));
    claims.exp = clock + 300;
    const auto problem = v->check(sign(JWT_ALG_RS384, rsa().private_pem, claims));
    ASSERT_TRUE(problem) << why;
    EXPECT_NE(problem->find(why), std::string::npos) << *problem;
  };
  server.set_response("HTTP/1.1 302 Found\r\nLocation: " + target.url() +
                      "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  attempt("redirect");
  EXPECT_EQ(target.connections(), 0) << "a redirect is never followed";
  server.set_response(
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  attempt("HTTP 500");
  server.set_jwks(R"({"keys":[)" + std::string(70 * 1024, ' ') + "]}");
  attempt("larger than");
  server.set_jwks(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})");
  attempt("not usable");
  EXPECT_EQ(server.connections(), 4);
}

TEST(CdsJwtUrl, OnlyHttpUrlsCanBeAllowListed) {
  for (const std::string& url :
       {std::string("file:///etc/passwd"), std::string("ftp://127.0.0.1/jwks"),
        std::string("jwks.json"), std::string("")}) {
    CdsJwtOptions options;
    options.jwks_urls = {url};
    options.issuers = {kIss};
    options.audience = kAud;
    EXPECT_FALSE(CdsJwtVerifier::make(options).ok()) << url;
  }
}

}  // namespace
}  // namespace willis::http
