// Random draws for the Monte Carlo: keyed pcg32 streams and monotone samplers.
//
// Streams. Every draw belongs to a stream keyed by (seed, scenario index, stream id). The
// engine gives each offering's baseline, each (offering, campaign) increment and each
// campaign's lift its own stream, so changing one campaign never shifts another's draws
// (common random numbers), any thread can run any scenario, and results do not depend on
// the thread count.
//
// Samplers. Poisson and normal draws are inversions of one uniform: for a fixed uniform the
// drawn count never decreases when the mean increases. That makes "more lift never raises
// p_kept" hold draw by draw, not only on average. Poisson counts are exact (sequential
// inversion) for means below 30 and a skewness- and continuity-corrected normal quantile
// above, kept monotone across the switch (see PoissonQuantile). Gamma factors use
// Marsaglia-Tsang (exact, rejection), in the baseline stream only.
//
// Thread safety: a Stream is a value; use one per thread.
#ifndef TANDEM_ENGINE_RANDOM_H_
#define TANDEM_ENGINE_RANDOM_H_

#include <cstdint>

#include <pcg_random.hpp>

namespace tandem {

// Inverse of the standard normal distribution function (Wichura's AS241, ~1e-16 relative).
// Nondecreasing except for a one-ulp step down where AS241 changes formulas (p = 0.075 and
// p = e^-25). REQUIRES: 0 < p < 1.
double NormalQuantile(double p);

class Stream {
 public:
  Stream(uint64_t seed, uint64_t scenario, uint64_t stream_id);

  // Uniform on the open interval (0, 1): UniformFromBits of the next 64 bits.
  double Uniform();
  // Standard normal by inversion of one uniform.
  double Normal() { return NormalQuantile(Uniform()); }
  // Gamma with the given shape and scale 1 (Marsaglia-Tsang). REQUIRES: shape > 0.
  double Gamma(double shape);
  // Poisson count with the given mean, by PoissonQuantile of one uniform.
  double Poisson(double mean);

 private:
  pcg32 engine_;
};

// The SplitMix64 finaliser: a well-mixed 64-bit value from any key (stream states, per-order
// keys). The one definition (the streams and the order-level simulator use it).
constexpr uint64_t SplitMix64(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// (k + 0.5) / 2^52 for k = the top 52 of the 64 bits: in [2^-53, 1 - 2^-53], never 0 or 1,
// every value exact, and symmetric (UniformFromBits(~b) == 1 - UniformFromBits(b)).
double UniformFromBits(uint64_t bits);

// A Poisson(mean) count whose draw is `uniform`, nondecreasing in `mean` for a fixed uniform
// and in `uniform` for a fixed mean. The uniform is first clamped to 2^-40 from either end
// (a change of at most 2^-40 in total variation, against rounding in the far tails).
// mean < 30: exact inverse of the Poisson distribution function. mean >= 30:
// max(c, exact quantile at mean 30), with c the Cornish-Fisher quantile rounded to the
// nearest integer, c = floor(mean + sqrt(mean) z + (z^2 - 1) / 6 + 1/2), z = NormalQuantile(u).
// The max keeps the map monotone across the switch; it binds only below mean ~34. The
// (z^2 - 1)/6 skewness term matters: without it the median is low by 1/3, the distribution
// function is off by up to 0.012 at mean 30 (now 0.0004), and the max at the switch raised the
// mean at 30 by 0.08 (now 0.004). Variance: mean + ~0.14 (rounding and the skewness term).
double PoissonQuantile(double mean, double uniform);

// Stream ids used by the engine (documented here so that they stay stable across versions).
// They are distinct while a scenario has fewer than 4095 campaigns: IncrementStreamId(o, 4095)
// is BaselineStreamId(o + 1).
inline uint64_t BaselineStreamId(uint64_t offering) {
  return offering * 4096;
}
inline uint64_t IncrementStreamId(uint64_t offering, uint64_t campaign) {
  return offering * 4096 + 1 + campaign;
}
inline uint64_t LiftStreamId(uint64_t campaign) {
  return (uint64_t{1} << 40) + campaign;
}
// Order-level mode: the arrival times of one offering's orders on one horizon day, `part` 0 for
// the baseline's orders and 1 for the campaigns' increment (so that "without the campaign"
// sees the same baseline orders). Distinct for days < 65536 and fewer than 2^23 offerings.
inline uint64_t OrderStreamId(uint64_t offering, uint64_t day, uint64_t part) {
  return (uint64_t{1} << 41) + ((offering << 16) + day) * 2 + part;
}

}  // namespace tandem

#endif  // TANDEM_ENGINE_RANDOM_H_
