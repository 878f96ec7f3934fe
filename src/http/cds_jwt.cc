#include "http/cds_jwt.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <simdjson.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace willis::http {
namespace {

/// Base64url without padding (RFC 7515 2) to bytes; nullopt on a character outside the alphabet.
std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (const char ch : text) {
    int digit;
    if (ch >= 'A' && ch <= 'Z') digit = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') digit = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9') digit = ch - '0' + 52;
    else if (ch == '-') digit = 62;
    else if (ch == '_') digit = 63;
    else if (ch == '=') break;
    else return std::nullopt;
    value = (value << 6) | static_cast<unsigned>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xffu);
    }
  }
  return out;
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

/// A public key from its parameters (OpenSSL 3 "fromdata"), or nullptr.
Pkey key_from(const char* type, OSSL_PARAM_BLD* build) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    key = nullptr;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return Pkey(key);
}

Pkey rsa_key(const std::string& n, const std::string& e) {
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  Pkey key;
  if (bn_n && bn_e && build && OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n) &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e))
    key = key_from("RSA", build);
  OSSL_PARAM_BLD_free(build);
  BN_free(bn_n);
  BN_free(bn_e);
  return key;
}

Pkey ec_key(const std::string& crv, const std::string& x, const std::string& y) {
  const char* group = crv == "P-256" ? "prime256v1" : crv == "P-384" ? "secp384r1" : crv == "P-521" ? "secp521r1" : nullptr;
  if (!group || x.empty() || x.size() != y.size()) return nullptr;
  const std::string point = std::string(1, '\x04') + x + y;  // uncompressed
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  Pkey key;
  if (build && OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
      OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
    key = key_from("EC", build);
  OSSL_PARAM_BLD_free(build);
  return key;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string out;
  if (bio && PEM_write_bio_PUBKEY(bio, key) == 1) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    if (length > 0) out.assign(data, static_cast<std::size_t>(length));
  }
  BIO_free(bio);
  return out;
}

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using Jwt = std::unique_ptr<jwt_t, JwtFree>;

/// The key type an algorithm needs; "" for algorithms willis refuses (none, HMAC: an HS256 token
/// "signed" with a public key would otherwise verify).
std::string_view kty_for(jwt_alg_t alg) {
  switch (alg) {
    case JWT_ALG_RS256:
    case JWT_ALG_RS384:
    case JWT_ALG_RS512: return "RSA";
    case JWT_ALG_ES256:
    case JWT_ALG_ES384:
    case JWT_ALG_ES512: return "EC";
    default: return "";
  }
}

std::optional<std::int64_t> int_grant(jwt_t* jwt, const char* name) {
  errno = 0;
  const long value = jwt_get_grant_int(jwt, name);
  if (errno != 0) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

bool audience_matches(jwt_t* jwt, const std::string& audience) {
  if (const char* aud = jwt_get_grant(jwt, "aud")) return audience == aud;
  char* json = jwt_get_grants_json(jwt, "aud");
  if (!json) return false;
  bool found = false;
  simdjson::dom::parser parser;
  simdjson::dom::array values;
  if (!parser.parse(json, std::strlen(json)).get_array().get(values))
    for (auto value : values) {
      std::string_view text;
      if (!value.get_string().get(text) && text == audience) found = true;
    }
  std::free(json);
  return found;
}

}  // namespace

core::Result<std::unique_ptr<CdsJwtVerifier>> CdsJwtVerifier::make(CdsJwtOptions options) {
  const auto fail = [](std::string message) { return core::Error{core::Errc::invalid_value, "jwks", std::move(message)}; };
  if (options.issuers.empty()) return fail("no accepted issuer");
  if (options.audience.empty()) return fail("no audience");
  std::unique_ptr<CdsJwtVerifier> verifier(new CdsJwtVerifier(std::move(options)));
  simdjson::dom::parser parser;
  for (const auto& text : verifier->options_.jwks) {
    simdjson::dom::array keys;
    if (parser.parse(text).at_key("keys").get_array().get(keys)) return fail("not a JWKS: {\"keys\": [...]} expected");
    for (auto jwk : keys) {
      std::string_view kty, kid, n, e, crv, x, y, use;
      if (jwk["kty"].get_string().get(kty)) return fail("a key without kty");
      if (jwk["kid"].get_string().get(kid)) kid = "";
      if (!jwk["use"].get_string().get(use) && use != "sig") continue;  // encryption keys are not for this
      Pkey key;
      if (kty == "RSA" && !jwk["n"].get_string().get(n) && !jwk["e"].get_string().get(e)) {
        const auto bn = base64url_decode(n), be = base64url_decode(e);
        if (bn && be && bn->size() >= 256) key = rsa_key(*bn, *be);  // 2048 bits at least
      } else if (kty == "EC" && !jwk["crv"].get_string().get(crv) && !jwk["x"].get_string().get(x) &&
                 !jwk["y"].get_string().get(y)) {
        const auto bx = base64url_decode(x), by = base64url_decode(y);
        if (bx && by) key = ec_key(std::string(crv), *bx, *by);
      } else {
        return fail("key " + std::string(kid) + ": only RSA (n, e) and EC (crv, x, y) public keys are accepted");
      }
      if (!key) return fail("key " + std::string(kid) + ": not a usable public key (RSA under 2048 bits, or an unknown curve?)");
      verifier->keys_.push_back(Key{std::string(kid), std::string(kty), pem_of(key.get())});
    }
  }
  if (verifier->keys_.empty()) return fail("no signing key in the JWKS");
  if (!verifier->options_.now)
    return core::Error{core::Errc::invalid_value, "now", "no clock to check the token's times (app::Clock)"};
  return verifier;
}

std::optional<std::string> CdsJwtVerifier::check(const std::string& token) {
  if (token.empty()) return "no bearer token";
  if (token.size() > 16 * 1024) return "the token is too long";
  // The header (unverified) only says which key to try and with which algorithm. libjwt decodes
  // without a key as alg "none", so it is read here.
  const auto dot = token.find('.');
  const auto header = base64url_decode(std::string_view(token).substr(0, dot == std::string::npos ? 0 : dot));
  if (dot == std::string::npos || !header) return "not a JWT";
  simdjson::dom::parser parser;
  simdjson::dom::object fields;
  std::string_view alg_name, kid_name;
  if (parser.parse(*header).get_object().get(fields) || fields["alg"].get_string().get(alg_name)) return "not a JWT";
  if (fields["kid"].get_string().get(kid_name)) kid_name = "";
  const jwt_alg_t alg = jwt_str_alg(std::string(alg_name).c_str());
  const std::string_view kty = kty_for(alg);
  if (kty.empty()) return "the algorithm is not RS256/384/512 or ES256/384/512";
  const std::string kid(kid_name);
  jwt_t* raw = nullptr;
  Jwt verified;
  for (const auto& key : keys_) {
    if (key.kty != kty || (!kid.empty() && key.kid != kid)) continue;
    raw = nullptr;
    if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.pem.data()),
                   static_cast<int>(key.pem.size())) == 0 && raw) {
      Jwt candidate(raw);
      if (jwt_get_alg(candidate.get()) == alg) {
        verified = std::move(candidate);
        break;
      }
    }
  }
  if (!verified) return "the signature does not verify with any key of the JWKS";

  const std::int64_t now = options_.now();
  const char* iss = jwt_get_grant(verified.get(), "iss");
  bool issuer_ok = false;
  for (const auto& issuer : options_.issuers) issuer_ok = issuer_ok || (iss && issuer == iss);
  if (!issuer_ok) return "the issuer (iss) is not accepted";
  if (!audience_matches(verified.get(), options_.audience)) return "the audience (aud) is not " + options_.audience;
  const auto exp = int_grant(verified.get(), "exp");
  if (!exp) return "no expiry (exp)";
  if (now > *exp + options_.leeway_seconds) return "the token has expired (exp)";
  if (*exp - now > options_.max_lifetime_seconds + options_.leeway_seconds) return "the token lives too long (exp)";
  if (const auto iat = int_grant(verified.get(), "iat"); iat && *iat > now + options_.leeway_seconds)
    return "the token was issued in the future (iat)";
  const char* jti_grant = jwt_get_grant(verified.get(), "jti");
  const std::string jti = jti_grant ? jti_grant : "";
  if (jti.empty() || jti.size() > 256) return "no usable token id (jti)";

  std::lock_guard lock(mutex_);
  for (auto it = seen_.begin(); it != seen_.end();)
    it = it->second + options_.leeway_seconds < now ? seen_.erase(it) : std::next(it);
  const std::string key = std::string(iss) + "\n" + jti;
  if (seen_.count(key)) return "the token was used before (jti replayed)";
  // Fail closed: a full cache refuses new tokens rather than forget one that is still valid.
  if (seen_.size() >= options_.replay_cache) return "too many tokens in use; try again shortly";
  seen_.emplace(key, *exp);
  return std::nullopt;
}

}  // namespace willis::http
