// tools/gen_bulk_export/rng.h: the generator's randomness: splitmix64 streams, integers only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace gen {

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same on every platform.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  /// Uniform in [lo, hi].
  int range(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  /// True with probability permille / 1000 (integers only: no floating point anywhere).
  bool chance(int permille) { return below(1000) < static_cast<std::uint32_t>(permille); }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }
};

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  Rng r{a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull)};
  r.next();
  return r.next();
}

/// Picks an index by integer weights.
template <std::size_t N>
std::size_t weighted(Rng& rng, const std::array<int, N>& weights) {
  int total = 0;
  for (int w : weights) total += w;
  int x = static_cast<int>(rng.below(static_cast<std::uint32_t>(total)));
  for (std::size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return N - 1;
}

}  // namespace gen
