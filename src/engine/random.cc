#include "tandem/engine/random.h"

#include <algorithm>
#include <cmath>

namespace tandem {
namespace {

// Uniforms are clamped to [kLowerUniform, kUpperUniform] before a quantile is taken (2^-40 from
// either end; the distributions change by at most 2^-40 in total variation). Near 1 the
// computed Poisson distribution function saturates a few ulps below or above 1 (e.g.
// 1 - 6.7e-16 at mean 29.99, 1 - 1.1e-16 at mean 30), so without the clamp a uniform above the
// saturation ran the search to its cap (200 at mean 29.99, 160 at 30: not even monotone).
// The bounds also keep the corrected normal quantile monotone in the mean (|z| <= 7.05).
constexpr double kLowerUniform = 0x1p-40;
constexpr double kUpperUniform = 1.0 - 0x1p-40;

double PoissonInversion(double mean, double uniform) {
  // Sequential search from 0. The mean is below 30 and the uniform at most kUpperUniform, so the
  // distribution function reaches it well before its computed sum saturates (~85 terms).
  double probability = std::exp(-mean);
  double cumulative = probability;
  double count = 0;
  while (cumulative < uniform && count < 200) {
    count += 1;
    probability *= mean / count;
    cumulative += probability;
  }
  return count;
}

// The Poisson(30) distribution function at 0..kTableSize-1, for the exact quantile at the switch.
constexpr int kTableSize = 160;
struct SwitchTable {
  double cumulative[kTableSize];
  SwitchTable() {
    double probability = std::exp(-30.0);
    double sum = probability;
    cumulative[0] = sum;
    for (int k = 1; k < kTableSize; ++k) {
      probability *= 30.0 / k;
      sum += probability;
      cumulative[k] = sum;
    }
  }
};

double PoissonQuantileAtSwitch(double uniform) {
  static const SwitchTable table;
  const double* begin = table.cumulative;
  const double* found = std::lower_bound(begin, begin + kTableSize, uniform);
  return static_cast<double>(found - begin);
}

}  // namespace

Stream::Stream(uint64_t seed, uint64_t scenario, uint64_t stream_id)
    : engine_(SplitMix64(seed ^ SplitMix64(scenario + 0x51ed2701ULL)), SplitMix64(stream_id)) {}

double UniformFromBits(uint64_t bits) {
  // The top 52 bits plus one half, times 2^-52: every value (k + 0.5) 2^-52 is exactly
  // representable, so the result is never 0 or 1 and the set is symmetric about 1/2. (With
  // 53 bits, (2^53 - 1) + 0.5 rounds to 2^53 and the top draw was exactly 1.0.)
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1p-52;
}

double Stream::Uniform() {
  const uint64_t high = engine_();
  const uint64_t low = engine_();
  return UniformFromBits((high << 32) | low);
}

double Stream::Gamma(double shape) {
  if (shape < 1) {
    // Boost to shape + 1, then scale by U^(1/shape) (Marsaglia-Tsang's note).
    const double boosted = Gamma(shape + 1);
    return boosted * std::pow(Uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0;
    double v = 0;
    do {
      x = Normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = Uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Stream::Poisson(double mean) {
  return PoissonQuantile(mean, Uniform());
}

double PoissonQuantile(double mean, double uniform) {
  if (!(mean > 0)) return 0;
  constexpr double kSwitch = 30;
  const double upper = std::min(uniform, kUpperUniform);
  if (mean < kSwitch) return PoissonInversion(mean, upper);
  // Cornish-Fisher: the Poisson quantile is mean + sqrt(mean) z + (z^2 - 1) / 6 + O(1/sqrt(mean));
  // the (z^2 - 1)/6 term carries the skewness 1/sqrt(mean). Then the continuity correction
  // (round to nearest). Nondecreasing in the mean for |z| < 2 sqrt(30) and in z for
  // z > -3 sqrt(30), both implied by the clamp.
  const double z = NormalQuantile(std::max(upper, kLowerUniform));
  const double corrected = std::floor(mean + std::sqrt(mean) * z + (z * z - 1.0) / 6.0 + 0.5);
  return std::max({corrected, PoissonQuantileAtSwitch(upper), 0.0});
}

}  // namespace tandem

namespace tandem {

// Wichura, M.J. (1988) Algorithm AS 241: The percentage points of the normal distribution.
double NormalQuantile(double p) {
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) *
                    r +
                45921.953931549871457) *
                   r +
               13731.693765509461125) *
                  r +
              1971.5909503065514427) *
                 r +
             133.14166789178437745) *
                r +
            3.387132872796366608) /
           (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) *
                    r +
                21213.794301586595867) *
                   r +
               5394.1960214247511077) *
                  r +
              687.1870074920579083) *
                 r +
             42.313330701600911252) *
                r +
            1.0);
  }
  double r = q < 0 ? p : 1.0 - p;
  r = std::sqrt(-std::log(r));
  double value = 0;
  if (r <= 5.0) {
    r -= 1.6;
    value = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
                  0.24178072517745061177) *
                     r +
                 1.27045825245236838258) *
                    r +
                3.64784832476320460504) *
                   r +
               5.7694972214606914055) *
                  r +
              4.6303378461565452959) *
                 r +
             1.42343711074968357734) /
            (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                  0.0151986665636164571966) *
                     r +
                 0.14810397642748007459) *
                    r +
                0.68976733498510000455) *
                   r +
               1.6763848301838038494) *
                  r +
              2.05319162663775882187) *
                 r +
             1.0);
  } else {
    r -= 5.0;
    value = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                  0.0012426609473880784386) *
                     r +
                 0.026532189526576123093) *
                    r +
                0.29656057182850489123) *
                   r +
               1.7848265399172913358) *
                  r +
              5.4637849111641143699) *
                 r +
             6.6579046435011037772) /
            (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                  1.8463183175100546818e-5) *
                     r +
                 7.868691311456132591e-4) *
                    r +
                0.0148753612908506148525) *
                   r +
               0.13692988092273580531) *
                  r +
              0.59983220655588793769) *
                 r +
             1.0);
  }
  return q < 0 ? -value : value;
}

}  // namespace tandem
