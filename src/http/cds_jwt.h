// src/http/cds_jwt.h: the CDS Hooks security model for callers of /cds-services: the EHR signs a
// short-lived JWT (RS/ES 256/384/512) whose public keys it publishes as a JWKS; willis checks the
// signature (Debian's libjwt, keys converted from JWK to PEM with OpenSSL), `iss` (an allowed
// issuer), `aud` (this service's URL), `exp` (not passed, lifetime bounded), and `jti` (never
// seen before: a bounded replay cache).
//
//     http::CdsJwtOptions o;
//     o.jwks = {jwks_json};  o.issuers = {"https://ehr.example"};  o.audience = "http://127.0.0.1:8080/cds-services";
//     o.now = [&clock] { return clock.unix_seconds(); };   // app::Clock
//     auto verifier = http::CdsJwtVerifier::make(o);         // core::Result: a bad JWKS is an error
//     if (auto why = verifier.value()->check(bearer)) ...    // refused, *why says why
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace willis::http {

struct CdsJwtOptions {
  std::vector<std::string> jwks;     ///< JWKS documents ({"keys": [...]}, RSA and EC public keys)
  std::vector<std::string> issuers;  ///< accepted `iss`, exactly
  std::string audience;              ///< the `aud` required (a string, or one of an array)
  std::size_t replay_cache = 10'000;  ///< jti values remembered until their exp
  int leeway_seconds = 60;            ///< clock difference allowed for exp / iat
  int max_lifetime_seconds = 3600;    ///< exp further ahead than this is refused
  std::function<std::int64_t()> now;  ///< seconds since the epoch (required; app::Clock::unix_seconds)
};

class CdsJwtVerifier {
 public:
  /// Reads the keys; an unreadable JWKS, a key of an unsupported type or no key at all is an error.
  static core::Result<std::unique_ptr<CdsJwtVerifier>> make(CdsJwtOptions options);

  /// nullopt when `token` is a valid, unreplayed JWT for this service; else why not (no secret in
  /// the text). Thread-safe.
  std::optional<std::string> check(const std::string& token);

  std::size_t key_count() const { return keys_.size(); }

 private:
  struct Key {
    std::string kid;
    std::string kty;  ///< "RSA" or "EC"
    std::string pem;  ///< SubjectPublicKeyInfo
  };
  explicit CdsJwtVerifier(CdsJwtOptions options) : options_(std::move(options)) {}

  CdsJwtOptions options_;
  std::vector<Key> keys_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> seen_;  ///< jti -> exp
};

}  // namespace willis::http
