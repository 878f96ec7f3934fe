#include <algorithm>
#include <cmath>

#include "core/trial_detail.h"

namespace willis::core {
namespace {

using trial_detail::mean;

double sample_variance(const std::vector<double>& values) {
  const double centre = mean(values);
  double sum = 0;
  for (const double value : values) sum += (value - centre) * (value - centre);
  return sum / static_cast<double>(values.size() - 1);
}

// Continued fraction for the incomplete beta (Numerical Recipes, 3rd ed., Beta::betacf), by
// the modified Lentz method.
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 10000;
  constexpr double kEpsilon = 1e-15;
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1;
  double d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEpsilon) break;
  }
  return h;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry
  // I_x(a, b) = 1 - I_{1-x}(b, a).
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double df) {
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  // P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2)
  const double tail = 0.5 * regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

double student_t_two_sided_p(double t, double df) {
  if (std::isinf(t)) return 0;
  return regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

std::optional<WelchResult> welch_t_test(const std::vector<double>& treatment,
                                        const std::vector<double>& baseline) {
  if (treatment.size() < 2 || baseline.size() < 2) return std::nullopt;
  const double n1 = static_cast<double>(treatment.size());
  const double n2 = static_cast<double>(baseline.size());
  const double q1 = sample_variance(treatment) / n1;
  const double q2 = sample_variance(baseline) / n2;
  if (q1 + q2 <= 0) return std::nullopt;
  WelchResult result;
  result.t = (mean(treatment) - mean(baseline)) / std::sqrt(q1 + q2);
  result.df = (q1 + q2) * (q1 + q2) / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1));
  result.p = student_t_two_sided_p(result.t, result.df);
  return result;
}

std::uint64_t SplitMix64::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  // 2^64 mod bound: drawing again below it leaves a range that is a whole multiple of bound.
  const std::uint64_t threshold = (0 - bound) % bound;
  while (true) {
    const std::uint64_t value = next();
    if (value >= threshold) return value % bound;
  }
}

double pooled_ratio(const std::vector<std::vector<Observation>>& group) {
  double numerator = 0, denominator = 0;
  for (const auto& series : group)
    for (const auto& observation : series) {
      numerator += observation.numerator;
      denominator += observation.denominator;
    }
  return numerator / denominator;
}

std::array<double, 2> block_bootstrap_ci(const std::vector<std::vector<Observation>>& baseline,
                                         const std::vector<std::vector<Observation>>& treatment,
                                         const BootstrapOptions& options) {
  SplitMix64 rng(options.seed);
  const auto resample_group = [&](const std::vector<std::vector<Observation>>& group) {
    double numerator = 0, denominator = 0;
    for (const auto& series : group) {
      const std::size_t n = series.size();
      if (n == 0) continue;
      const std::size_t block =
          std::min<std::size_t>(static_cast<std::size_t>(std::max(1, options.block_length)), n);
      const std::size_t starts = n - block + 1;
      std::size_t taken = 0;
      while (taken < n) {
        const auto start = static_cast<std::size_t>(rng.below(starts));
        for (std::size_t offset = 0; offset < block && taken < n; ++offset, ++taken) {
          numerator += series[start + offset].numerator;
          denominator += series[start + offset].denominator;
        }
      }
    }
    return numerator / denominator;
  };
  std::vector<double> differences;
  const int replicates = std::max(1, options.replicates);
  differences.reserve(static_cast<std::size_t>(replicates));
  for (int replicate = 0; replicate < replicates; ++replicate) {
    const double baseline_summary = resample_group(baseline);
    const double treatment_summary = resample_group(treatment);
    differences.push_back(treatment_summary - baseline_summary);
  }
  std::sort(differences.begin(), differences.end());
  const auto quantile = [&](double probability) {
    const double h = (static_cast<double>(differences.size()) - 1) * probability;
    const auto low = static_cast<std::size_t>(std::floor(h));
    const std::size_t high = std::min(low + 1, differences.size() - 1);
    return differences[low] +
           (h - static_cast<double>(low)) * (differences[high] - differences[low]);
  };
  return {quantile(0.025), quantile(0.975)};
}

}  // namespace willis::core
