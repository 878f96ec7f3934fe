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

#include <cstdlib>
#include <string>

namespace willis::http {
namespace {

constexpr std::int64_t kNow = 1'795'000'000;  // a fixed clock: 2026-11-18
constexpr const char* kIss = "https://ehr.example.org";
constexpr const char* kAud = "http://127.0.0.1:8080/cds-services";

std::string b64url(const unsigned char* data, std::size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
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
  if (private_key) PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  else PEM_write_bio_PUBKEY(bio, key);
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
               R"({"kty":"RSA","kid":")" + kid + R"(","use":"sig","alg":"RS384","n":")" + bn_b64url(n) +
                   R"(","e":")" + bn_b64url(e) + R"("})",
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
               R"({"kty":"EC","kid":")" + kid + R"(","use":"sig","crv":"P-384","x":")" + b64url(point + 1, 48) +
                   R"(","y":")" + b64url(point + 49, 48) + R"("})",
               JWT_ALG_ES384};
  EVP_PKEY_free(key);
  return pair;
}

struct Claims {
  std::string iss = kIss, aud = kAud, jti = "jti-1", kid;
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
  EXPECT_EQ(jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(secret.data()), static_cast<int>(secret.size())), 0);
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

std::unique_ptr<CdsJwtVerifier> verifier(std::size_t replay_cache = 100, std::int64_t* clock = nullptr) {
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
  for (const std::string& jwks : {std::string("{}"), std::string(R"({"keys":[]})"),
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

}  // namespace
}  // namespace willis::http
