#include "http/cds_jwt.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <limits>
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
    if (ch >= 'A' && ch <= 'Z')
      digit = ch - 'A';
    else if (ch >= 'a' && ch <= 'z')
      digit = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9')
      digit = ch - '0' + 52;
    else if (ch == '-')
      digit = 62;
    else if (ch == '_')
      digit = 63;
    else if (ch == '=')
      break;
    else
      return std::nullopt;
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
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
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
  const char* group = crv == "P-256"   ? "prime256v1"
                      : crv == "P-384" ? "secp384r1"
                      : crv == "P-521" ? "secp521r1"
                                       : nullptr;
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
    case JWT_ALG_RS512:
      return "RSA";
    case JWT_ALG_ES256:
    case JWT_ALG_ES384:
    case JWT_ALG_ES512:
      return "EC";
    default:
      return "";
  }
}

std::optional<std::int64_t> int_grant(jwt_t* jwt, const char* name) {
  errno = 0;
  const long value = jwt_get_grant_int(jwt, name);
  if (errno != 0) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

/// `aud` (a string or an array of strings) names one of `audiences`.
bool audience_matches(jwt_t* jwt, const std::vector<std::string>& audiences) {
  const auto accepted = [&](std::string_view text) {
    return std::find(audiences.begin(), audiences.end(), text) != audiences.end();
  };
  if (const char* aud = jwt_get_grant(jwt, "aud")) return accepted(aud);
  char* json = jwt_get_grants_json(jwt, "aud");
  if (!json) return false;
  bool found = false;
  simdjson::dom::parser parser;
  simdjson::dom::array values;
  if (!parser.parse(json, std::strlen(json)).get_array().get(values))
    for (auto value : values) {
      std::string_view text;
      if (!value.get_string().get(text) && accepted(text)) found = true;
    }
  std::free(json);
  return found;
}

/// The signing keys of one JWKS document; an unusable document or key is an error (fail closed:
/// a set willis cannot read wholly is not half-trusted).
core::Result<std::vector<CdsJwtVerifier::Key>> parse_jwks(const std::string& text,
                                                          std::size_t max_keys) {
  const auto fail = [](std::string message) {
    return core::Error{core::Errc::invalid_value, "jwks", std::move(message)};
  };
  std::vector<CdsJwtVerifier::Key> out;
  simdjson::dom::parser parser;
  simdjson::dom::array keys;
  if (parser.parse(text).at_key("keys").get_array().get(keys))
    return fail("not a JWKS: {\"keys\": [...]} expected");
  if (keys.size() > max_keys) return fail("more than " + std::to_string(max_keys) + " keys");
  for (auto jwk : keys) {
    std::string_view kty, kid, n, e, crv, x, y, use;
    if (jwk["kty"].get_string().get(kty)) return fail("a key without kty");
    if (jwk["kid"].get_string().get(kid)) kid = "";
    if (!jwk["use"].get_string().get(use) && use != "sig")
      continue;  // encryption keys are not for this
    Pkey key;
    if (kty == "RSA" && !jwk["n"].get_string().get(n) && !jwk["e"].get_string().get(e)) {
      const auto bn = base64url_decode(n), be = base64url_decode(e);
      if (bn && be && bn->size() >= 256) key = rsa_key(*bn, *be);  // 2048 bits at least
    } else if (kty == "EC" && !jwk["crv"].get_string().get(crv) && !jwk["x"].get_string().get(x) &&
               !jwk["y"].get_string().get(y)) {
      const auto bx = base64url_decode(x), by = base64url_decode(y);
      if (bx && by) key = ec_key(std::string(crv), *bx, *by);
    } else {
      return fail("key " + std::string(kid) +
                  ": only RSA (n, e) and EC (crv, x, y) public keys are accepted");
    }
    if (!key)
      return fail("key " + std::string(kid) +
                  ": not a usable public key (RSA under 2048 bits, or an unknown curve?)");
    out.push_back(CdsJwtVerifier::Key{std::string(kid), std::string(kty), pem_of(key.get())});
  }
  return out;
}

/// The audiences a token for `path` may name. CDS Hooks: `aud` is "the CDS Service endpoint that
/// is being called"; the base is accepted too.
std::vector<std::string> audiences_for(const CdsJwtOptions& options, const std::string& path) {
  std::vector<std::string> audiences{options.audience};
  constexpr std::string_view kServices = "/cds-services";
  if (path.size() > kServices.size() && path.compare(0, kServices.size(), kServices) == 0 &&
      path[kServices.size()] == '/') {
    std::string base = options.audience;
    while (!base.empty() && base.back() == '/') base.pop_back();
    audiences.push_back(base + path.substr(kServices.size()));
  }
  return audiences;
}

/// Issuer, audience and times of a verified token; the problem, or nullopt when they are good.
std::optional<std::string> check_claims(jwt_t* verified, const CdsJwtOptions& options,
                                        const std::string& path, std::int64_t now) {
  const char* iss = jwt_get_grant(verified, "iss");
  bool issuer_ok = false;
  for (const auto& issuer : options.issuers) issuer_ok = issuer_ok || (iss && issuer == iss);
  if (!issuer_ok) return "the issuer (iss) is not accepted";
  const std::vector<std::string> audiences = audiences_for(options, path);
  if (!audience_matches(verified, audiences))
    return "the audience (aud) is not " + audiences.back() +
           (audiences.size() > 1 ? " or " + audiences.front() : "");
  const auto exp = int_grant(verified, "exp");
  if (!exp) return "no expiry (exp)";
  if (now > *exp + options.leeway_seconds) return "the token has expired (exp)";
  if (*exp - now > options.max_lifetime_seconds + options.leeway_seconds)
    return "the token lives too long (exp)";
  if (const auto iat = int_grant(verified, "iat"); iat && *iat > now + options.leeway_seconds)
    return "the token was issued in the future (iat)";
  return std::nullopt;
}

bool is_http_url(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

}  // namespace

core::Result<std::unique_ptr<CdsJwtVerifier>> CdsJwtVerifier::make(CdsJwtOptions options) {
  const auto fail = [](std::string message) {
    return core::Error{core::Errc::invalid_value, "jwks", std::move(message)};
  };
  if (options.issuers.empty()) return fail("no accepted issuer");
  if (options.audience.empty()) return fail("no audience");
  for (const auto& url : options.jwks_urls)
    if (!is_http_url(url) || url.size() > 2048)
      return fail(url + ": a JWKS URL must be http(s)://...");
  std::unique_ptr<CdsJwtVerifier> verifier(new CdsJwtVerifier(std::move(options)));
  for (const auto& text : verifier->options_.jwks) {
    auto keys = parse_jwks(text, std::numeric_limits<std::size_t>::max());
    if (!keys.ok()) return keys.error();
    for (auto& key : keys.value()) verifier->keys_.push_back(std::move(key));
  }
  if (verifier->keys_.empty() && verifier->options_.jwks_urls.empty())
    return fail("no signing key in the JWKS");
  for (const auto& url : verifier->options_.jwks_urls) verifier->remote_[url];
  if (!verifier->options_.now)
    return core::Error{core::Errc::invalid_value, "now",
                       "no clock to check the token's times (app::Clock)"};
  return verifier;
}

std::int64_t CdsJwtVerifier::now() const {
  return options_.now();  // required by make(): the one app::Clock
}

std::uint64_t CdsJwtVerifier::jwks_fetches() const {
  std::lock_guard lock(jwks_mutex_);
  return fetches_;
}

std::vector<CdsJwtVerifier::Key> CdsJwtVerifier::remote_keys(const std::string& url,
                                                             const std::string& kid,
                                                             std::string& problem) {
  std::lock_guard lock(jwks_mutex_);
  RemoteSet& set = remote_.at(url);  // only allow-listed URLs have an entry
  const std::int64_t at = now();
  const bool fresh = set.has_keys && at < set.fetched_at + options_.jwks_ttl_seconds;
  const bool kid_known = kid.empty() || std::any_of(set.keys.begin(), set.keys.end(),
                                                    [&](const Key& key) { return key.kid == kid; });
  const bool may_fetch = !set.attempted || at >= set.last_attempt + options_.jwks_refetch_seconds;
  if ((!fresh || !kid_known) && may_fetch) {
    set.attempted = true;
    set.last_attempt = at;
    ++fetches_;
    // Fetched under the lock: concurrent requests wait for one fetch instead of each making one.
    const OutboundResult got =
        options_.fetch ? options_.fetch(url)
                       : outbound_get(url, "application/json", "", options_.fetch_limits);
    if (!got.ok) {
      problem = "the JWKS at " + url + " could not be read: " + got.problem;
    } else if (auto keys = parse_jwks(got.body, options_.max_keys_per_set); !keys.ok()) {
      problem = "the JWKS at " + url + " is not usable: " + keys.error().message;
    } else {
      set.keys = std::move(keys).value();
      set.fetched_at = at;
      set.has_keys = true;
    }
  }
  // Keys past their lifetime are not used, even when a refetch failed (fail closed).
  if (set.has_keys && at < set.fetched_at + options_.jwks_ttl_seconds) return set.keys;
  if (problem.empty())
    problem = "no valid keys from the JWKS at " + url + " (fetched again at most every " +
              std::to_string(options_.jwks_refetch_seconds) + " s)";
  return {};
}

std::optional<std::string> CdsJwtVerifier::check(const std::string& token,
                                                 const std::string& path) {
  if (token.empty()) return "no bearer token";
  if (token.size() > 16 * 1024) return "the token is too long";
  // The header (unverified) only says which key to try and with which algorithm. libjwt decodes
  // without a key as alg "none", so it is read here.
  const auto dot = token.find('.');
  const auto header =
      base64url_decode(std::string_view(token).substr(0, dot == std::string::npos ? 0 : dot));
  if (dot == std::string::npos || !header) return "not a JWT";
  simdjson::dom::parser parser;
  simdjson::dom::object fields;
  std::string_view alg_name, kid_name, jku_name;
  if (parser.parse(*header).get_object().get(fields) || fields["alg"].get_string().get(alg_name))
    return "not a JWT";
  if (fields["kid"].get_string().get(kid_name)) kid_name = "";
  const bool has_jku = fields["jku"].error() != simdjson::NO_SUCH_FIELD;
  if (has_jku && fields["jku"].get_string().get(jku_name)) return "the jku header is not a string";
  const jwt_alg_t alg = jwt_str_alg(std::string(alg_name).c_str());
  const std::string_view kty = kty_for(alg);
  if (kty.empty()) return "the algorithm is not RS256/384/512 or ES256/384/512";
  const std::string kid(kid_name), jku(jku_name);
  // A jku is honoured only when it is exactly an allow-listed URL; checked before any fetch, so a
  // token can never make willis connect anywhere else.
  if (has_jku && std::find(options_.jwks_urls.begin(), options_.jwks_urls.end(), jku) ==
                     options_.jwks_urls.end())
    return "the JWKS URL (jku) is not one willis was started with (--cds-jwks URL)";

  const auto try_keys = [&](const std::vector<Key>& keys) -> Jwt {
    for (const auto& key : keys) {
      if (key.kty != kty || (!kid.empty() && key.kid != kid)) continue;
      jwt_t* raw = nullptr;
      if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.pem.data()),
                     static_cast<int>(key.pem.size())) == 0 &&
          raw) {
        Jwt candidate(raw);
        if (jwt_get_alg(candidate.get()) == alg) return candidate;
      } else if (raw) {
        jwt_free(raw);
      }
    }
    return nullptr;
  };
  Jwt verified;
  std::string fetch_problem;
  if (has_jku) {
    verified = try_keys(remote_keys(jku, kid, fetch_problem));
  } else {
    verified = try_keys(keys_);
    for (const auto& url : options_.jwks_urls) {
      if (verified) break;
      std::string problem;
      verified = try_keys(remote_keys(url, kid, problem));
      if (!problem.empty() && fetch_problem.empty()) fetch_problem = problem;
    }
  }
  if (!verified)
    return "the signature does not verify with any key of the JWKS" +
           (fetch_problem.empty() ? "" : " (" + fetch_problem + ")");

  const std::int64_t now = this->now();
  if (auto problem = check_claims(verified.get(), options_, path, now)) return problem;
  const char* iss = jwt_get_grant(verified.get(), "iss");
  const auto exp = int_grant(verified.get(), "exp");
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
