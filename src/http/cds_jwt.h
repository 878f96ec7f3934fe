// src/http/cds_jwt.h: the CDS Hooks security model for callers of /cds-services: the EHR signs a
// short-lived JWT (RS/ES 256/384/512) whose public keys it publishes as a JWKS; willis checks the
// signature (Debian's libjwt, keys converted from JWK to PEM with OpenSSL), `iss` (an allowed
// issuer), `aud` (this service's URL), `exp` (not passed, lifetime bounded), and `jti` (never
// seen before: a bounded replay cache).
//
// Keys come from JWKS documents given at start-up and/or from allow-listed JWKS URLs (the CDS
// Hooks spec: the EHR's JWT may name its JWK Set URL in the `jku` header, or the URL is agreed out
// of band). A `jku` is honoured only when it is exactly one of `jwks_urls`; any other `jku` is
// refused before any connection is made. Fetched key sets are cached (bounded, `jwks_ttl_seconds`)
// and a token whose `kid` is unknown triggers at most one refetch per `jwks_refetch_seconds`.
//
//     http::CdsJwtOptions o;
//     o.jwks = {jwks_json};  o.issuers = {"https://ehr.example"};  o.audience =
//     "http://127.0.0.1:8080/cds-services"; o.now = [&clock] { return clock.unix_seconds(); };   //
//     app::Clock auto verifier = http::CdsJwtVerifier::make(o);         // core::Result: a bad JWKS
//     is an error if (auto why = verifier.value()->check(bearer)) ...    // refused, *why says why
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
#include "http/outbound.h"

namespace willis::http {

struct CdsJwtOptions {
  std::vector<std::string> jwks;      ///< JWKS documents ({"keys": [...]}, RSA and EC public keys)
  std::vector<std::string> issuers;   ///< accepted `iss`, exactly
  std::string audience;               ///< the `aud` required (a string, or one of an array)
  std::size_t replay_cache = 10'000;  ///< jti values remembered until their exp
  int leeway_seconds = 60;            ///< clock difference allowed for exp / iat
  int max_lifetime_seconds = 3600;    ///< exp further ahead than this is refused
  std::function<std::int64_t()>
      now;  ///< seconds since the epoch (required; app::Clock::unix_seconds)

  /// Allow-listed JWKS URLs (http(s), compared exactly with a token's `jku`). A token without
  /// `jku` is checked against the documents above and the keys of every URL here.
  std::vector<std::string> jwks_urls;
  /// How a JWKS URL is read; empty = outbound_get (no redirects) with `fetch_limits`.
  std::function<OutboundResult(const std::string& url)> fetch;
  OutboundLimits fetch_limits{5000, 256 * 1024};
  int jwks_ttl_seconds = 3600;  ///< fetched keys are used this long, then fetched again
  int jwks_refetch_seconds =
      60;  ///< at most one fetch per URL in this interval (unknown kid, failure)
  std::size_t max_keys_per_set = 64;  ///< a larger fetched JWKS is refused
};

class CdsJwtVerifier {
 public:
  /// Reads the keys; an unreadable JWKS, a key of an unsupported type or no key at all is an error.
  static core::Result<std::unique_ptr<CdsJwtVerifier>> make(CdsJwtOptions options);

  /// nullopt when `token` is a valid, unreplayed JWT for this service; else why not (no secret in
  /// the text). Thread-safe. `path` is the request's path (e.g.
  /// "/cds-services/willis-patient-view"): the CDS Hooks spec's `aud` is the endpoint being called,
  /// so `aud` may be the audience base
  /// (`options.audience`, ".../cds-services") or that base followed by the called path's rest.
  std::optional<std::string> check(const std::string& token, const std::string& path = "");

  std::size_t key_count() const { return keys_.size(); }
  /// JWKS URL fetches attempted so far (for operators and tests).
  std::uint64_t jwks_fetches() const;

  struct Key {
    std::string kid;
    std::string kty;  ///< "RSA" or "EC"
    std::string pem;  ///< SubjectPublicKeyInfo
  };

 private:
  /// One allow-listed JWKS URL's cached keys.
  struct RemoteSet {
    std::vector<Key> keys;
    std::int64_t fetched_at = 0;    ///< when `keys` were read (valid until + ttl)
    std::int64_t last_attempt = 0;  ///< last fetch, good or bad
    bool attempted = false;
    bool has_keys = false;
  };
  explicit CdsJwtVerifier(CdsJwtOptions options) : options_(std::move(options)) {}
  std::int64_t now() const;
  /// The keys of `url`, fetched when there are none valid, or when `kid` is not among them; each
  /// at most once per refetch interval. Locks jwks_mutex_. Empty + `problem` when none.
  std::vector<Key> remote_keys(const std::string& url, const std::string& kid,
                               std::string& problem);

  CdsJwtOptions options_;
  std::vector<Key> keys_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> seen_;  ///< jti -> exp
  mutable std::mutex jwks_mutex_;
  std::map<std::string, RemoteSet> remote_;  ///< allow-listed URL -> keys (one entry per URL)
  std::uint64_t fetches_ = 0;
};

}  // namespace willis::http
