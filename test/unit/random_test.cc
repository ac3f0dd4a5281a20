// Tests for the keyed streams and the inversion samplers (tandem/engine/random.h).
//
// Every expected figure is derived independently of the code under test: reference quantiles
// computed with mpmath at 40 digits, the normal distribution function from std::erfc, Poisson
// probabilities from std::lgamma in log space, and tolerances from the standard errors of the
// estimators (5 sigma unless said otherwise). The streams are seeded, so every test is
// deterministic; the tolerances say how surprising a failure would be for a correct sampler.
#include "tandem/engine/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tandem {
namespace {

// ---------------------------------------------------------------------------------------------
// Independent references

// Standard normal distribution function from the C library's erfc (a few ulps).
double NormalCdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Poisson(mean) probabilities 0..size-1 from lgamma in log space (no recurrence shared with the
// sampler), and their running sums.
std::vector<double> PoissonPmf(double mean, int size) {
  std::vector<double> pmf(static_cast<size_t>(size));
  for (int k = 0; k < size; ++k) {
    pmf[static_cast<size_t>(k)] = std::exp(-mean + k * std::log(mean) - std::lgamma(k + 1.0));
  }
  return pmf;
}
std::vector<double> PoissonCdf(double mean, int size) {
  std::vector<double> cdf = PoissonPmf(mean, size);
  for (size_t k = 1; k < cdf.size(); ++k) cdf[k] += cdf[k - 1];
  return cdf;
}

struct Moments {
  double mean = 0;
  double variance = 0;  // unbiased
};
Moments SampleMoments(const std::vector<double>& values) {
  // Two passes, for accuracy at mean 1e5.
  Moments m;
  for (double v : values) m.mean += v;
  m.mean /= static_cast<double>(values.size());
  for (double v : values) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= static_cast<double>(values.size() - 1);
  return m;
}

// ---------------------------------------------------------------------------------------------
// NormalQuantile

TEST(NormalQuantileTest, KnownValues) {
  // Reference values: mpmath at 50 digits, roots of log(erfc(-x/sqrt 2)/2) = log p (in log
  // space: a root of erfc/2 - p "converges" anywhere in the far tail, where |f| < 1e-300).
  struct Case {
    double p;
    double x;
  };
  const Case cases[] = {
      {0.975, 1.9599639845400542355},   {0.001, -3.0902323061678135415},
      {0.9, 1.281551565544600467},      {0.6, 0.2533471031357997988},
      {0.3, -0.52440051270804078404},   {0.02425, -1.9729610513118848503},
      {1e-10, -6.3613409024040562047},  {1e-20, -9.2623400897984075737},
      {1e-100, -21.273453560965324295}, {1e-300, -37.047096299361199237},
  };
  for (const Case& c : cases) {
    // AS241 is good to about 1e-16 relative; allow 4e-15.
    EXPECT_NEAR(NormalQuantile(c.p), c.x, 4e-15 * std::fabs(c.x)) << "p = " << c.p;
  }
  EXPECT_EQ(NormalQuantile(0.5), 0.0);
}

TEST(NormalQuantileTest, InvertsTheDistributionFunction) {
  // Phi(NormalQuantile(p)) == p. A relative error e in x moves Phi by about
  // phi(x)/Phi(x) * |x| * e ~ x^2 e in the lower tail, so the bound grows with x^2.
  for (double exponent = -300; exponent <= std::log10(0.5); exponent += 0.25) {
    const double p = std::pow(10.0, exponent);
    const double x = NormalQuantile(p);
    const double relative = std::fabs(NormalCdf(x) - p) / p;
    EXPECT_LT(relative, 1e-14 * (1 + x * x)) << "p = " << p << " x = " << x;
    // Upper half: 1 - p is exact for p in [0.5, 1), Phi(-x) is the complement.
    const double upper = 1.0 - p;
    const double y = NormalQuantile(upper);
    if (p > 1e-15) {
      EXPECT_LT(std::fabs(NormalCdf(-y) - (1.0 - upper)) / (1.0 - upper), 1e-14 * (1 + y * y))
          << "p = " << upper;
    }
  }
}

TEST(NormalQuantileTest, ExactlyAntisymmetric) {
  // For dyadic p both p and 1 - p are exact, and AS241 evaluates the same branch on
  // min(p, 1 - p): the results must be exact negatives.
  for (int k = 1; k < 4096; ++k) {
    const double p = k / 4096.0;
    EXPECT_EQ(NormalQuantile(1.0 - p), -NormalQuantile(p)) << p;
  }
}

TEST(NormalQuantileTest, NondecreasingAcrossBranchPoints) {
  // AS241 switches formulas at |p - 0.5| = 0.425 and at sqrt(-log(min(p, 1-p))) = 5. Check a
  // few hundred consecutive doubles around each switch, and a fine grid overall. The pieces
  // meet to within one ulp: at p = 0.075 and p = e^-25 the value steps down by exactly one ulp
  // (2.2e-16 and 8.9e-16), which is all the non-monotonicity there is.
  const double switches[] = {0.075, 0.925, std::exp(-25.0), 1.0 - std::exp(-25.0)};
  for (double centre : switches) {
    double p = centre;
    for (int i = 0; i < 300; ++i) p = std::nextafter(p, 0.0);
    double previous = NormalQuantile(p);
    int steps_down = 0;
    for (int i = 0; i < 600; ++i) {
      p = std::nextafter(p, 1.0);
      const double x = NormalQuantile(p);
      if (x < previous) {
        ++steps_down;
        EXPECT_EQ(x, std::nextafter(previous, -1e300)) << "p = " << p;
      }
      previous = x;
    }
    EXPECT_LE(steps_down, 1) << centre;
  }
  double previous = -std::numeric_limits<double>::infinity();
  for (int i = 1; i < 100000; ++i) {
    const double x = NormalQuantile(i / 100000.0);
    EXPECT_GT(x, previous);
    previous = x;
  }
}

// ---------------------------------------------------------------------------------------------
// Streams and uniforms

TEST(StreamTest, SameKeySameSequence) {
  Stream a(42, 7, BaselineStreamId(3));
  Stream b(42, 7, BaselineStreamId(3));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Uniform(), b.Uniform()) << i;
  // Mixed calls stay in step too.
  Stream c(42, 7, 11);
  Stream d(42, 7, 11);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(c.Poisson(12.5), d.Poisson(12.5));
    ASSERT_EQ(c.Gamma(0.7), d.Gamma(0.7));
    ASSERT_EQ(c.Normal(), d.Normal());
  }
}

TEST(StreamTest, DifferentKeysDifferentSequences) {
  // Two independent sequences of 53-bit uniforms share a value with probability ~1e-12; with
  // a correlated stream they would agree everywhere or be shifted copies. Compare each
  // sequence with the reference at every shift 0..9.
  auto draw = [](uint64_t seed, uint64_t scenario, uint64_t id) {
    Stream stream(seed, scenario, id);
    std::vector<double> values(256);
    for (double& v : values) v = stream.Uniform();
    return values;
  };
  const std::vector<double> reference = draw(1, 0, BaselineStreamId(0));
  const std::vector<std::vector<double>> others = {
      draw(1, 0, IncrementStreamId(0, 0)), draw(1, 0, BaselineStreamId(1)),
      draw(1, 0, LiftStreamId(0)),         draw(1, 1, BaselineStreamId(0)),
      draw(2, 0, BaselineStreamId(0)),     draw(0, 1, BaselineStreamId(0)),
  };
  for (size_t o = 0; o < others.size(); ++o) {
    int equal = 0;
    for (size_t shift = 0; shift < 10; ++shift) {
      for (size_t i = 0; i + shift < reference.size(); ++i)
        equal += reference[i + shift] == others[o][i];
      for (size_t i = 0; i + shift < reference.size(); ++i)
        equal += reference[i] == others[o][i + shift];
    }
    EXPECT_EQ(equal, 0) << "other stream " << o;
  }
  // The engine's stream ids are distinct (for fewer than 4095 campaigns).
  EXPECT_NE(BaselineStreamId(1), IncrementStreamId(0, 4094));
  EXPECT_NE(LiftStreamId(0), IncrementStreamId(0, 0));
}

TEST(StreamTest, UniformFromBitsIsOpenExactAndSymmetric) {
  EXPECT_EQ(UniformFromBits(0), 0x1p-53);
  EXPECT_EQ(UniformFromBits(~uint64_t{0}), 1.0 - 0x1p-53);
  EXPECT_LT(UniformFromBits(~uint64_t{0}), 1.0);
  EXPECT_GT(UniformFromBits(0), 0.0);
  // The low 12 bits are dropped; the top 52 select (k + 1/2) / 2^52.
  EXPECT_EQ(UniformFromBits(uint64_t{1} << 63), 0.5 + 0x1p-53);
  EXPECT_EQ(UniformFromBits((uint64_t{1} << 63) - 1), 0.5 - 0x1p-53);
  for (uint64_t i = 0; i < 1000; ++i) {
    const uint64_t bits = i * 0x9e3779b97f4a7c15ULL;
    EXPECT_EQ(UniformFromBits(~bits), 1.0 - UniformFromBits(bits));
    EXPECT_EQ(UniformFromBits(bits), (static_cast<double>(bits >> 12) + 0.5) / 4503599627370496.0);
  }
}

TEST(StreamTest, UniformIsInsideTheOpenIntervalWithUniformMoments) {
  Stream stream(123, 456, 789);
  const int n = 200000;
  std::vector<double> values(n);
  for (double& v : values) {
    v = stream.Uniform();
    ASSERT_GT(v, 0.0);
    ASSERT_LT(v, 1.0);
  }
  const Moments m = SampleMoments(values);
  // Mean 1/2, variance 1/12; Var(U) = 1/12, and the sample variance has variance
  // (mu4 - sigma^4)/n with mu4 = 1/80: (1/80 - 1/144)/n.
  EXPECT_NEAR(m.mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(m.variance, 1.0 / 12, 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));
  // Ten equal bins: each count is Binomial(n, 0.1).
  std::vector<int> bins(10, 0);
  for (double v : values) bins[static_cast<size_t>(v * 10)] += 1;
  for (int count : bins) EXPECT_NEAR(count, n / 10.0, 5 * std::sqrt(n * 0.1 * 0.9));
}

// ---------------------------------------------------------------------------------------------
// Poisson

TEST(PoissonTest, ZeroAndInvalidMeansGiveZero) {
  for (double u : {0x1p-53, 1e-6, 0.3, 0.5, 0.999999, 1.0 - 0x1p-53}) {
    EXPECT_EQ(PoissonQuantile(0.0, u), 0.0);
    EXPECT_EQ(PoissonQuantile(-3.0, u), 0.0);
    EXPECT_EQ(PoissonQuantile(std::numeric_limits<double>::quiet_NaN(), u), 0.0);
  }
  Stream stream(1, 2, 3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(stream.Poisson(0.0), 0.0);
}

TEST(PoissonTest, ExactInverseBelowTheSwitch) {
  // Below mean 30 the count is min{k : F(k) >= u}, with F from lgamma here. Uniforms within
  // 1e-12 of some F(k) are skipped (the two computations of F differ by rounding there).
  for (double mean : {1e-6, 0.5, 1.0, 5.0, 12.3, 29.9, 29.999}) {
    const std::vector<double> cdf = PoissonCdf(mean, 200);
    int checked = 0;
    for (int i = 0; i < 20000; ++i) {
      const double u = (i + 0.5) / 20000.0;
      const size_t expected =
          static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
      bool near_step = false;
      for (size_t k = (expected > 0 ? expected - 1 : 0); k <= expected + 1 && k < cdf.size(); ++k) {
        near_step = near_step || std::fabs(cdf[k] - u) < 1e-12;
      }
      if (near_step) continue;
      ASSERT_EQ(PoissonQuantile(mean, u), static_cast<double>(expected))
          << "mean " << mean << " u " << u;
      ++checked;
    }
    EXPECT_GT(checked, 19990);
  }
  // Hand values at mean 0.5: F(0) = e^-0.5 = 0.606531, F(1) = 1.5 e^-0.5 = 0.909796,
  // F(2) = 1.625 e^-0.5 = 0.985612.
  EXPECT_EQ(PoissonQuantile(0.5, 0.6065), 0.0);
  EXPECT_EQ(PoissonQuantile(0.5, 0.6066), 1.0);
  EXPECT_EQ(PoissonQuantile(0.5, 0.9097), 1.0);
  EXPECT_EQ(PoissonQuantile(0.5, 0.9098), 2.0);
  EXPECT_EQ(PoissonQuantile(0.5, 0.9856), 2.0);
  EXPECT_EQ(PoissonQuantile(0.5, 0.9857), 3.0);
}

TEST(PoissonTest, ExtremeUniformsStayInTheTail) {
  // Uniforms within a few ulps of 1 used to run past the saturated distribution function to
  // the search cap (200 at mean 29.99; 160 at mean 30, which also broke monotonicity in the
  // mean). Poisson(30) exceeds 90 with probability ~1e-15: nothing near there is plausible.
  const double top = 1.0 - 0x1p-53;
  for (double mean : {29.0, 29.9, 29.99, 30.0, 30.5, 45.0, 60.0}) {
    const double count = PoissonQuantile(mean, top);
    EXPECT_LT(count, mean + 10 * std::sqrt(mean) + 10) << mean;
    EXPECT_GT(count, mean) << mean;
  }
  EXPECT_LE(PoissonQuantile(29.99, top), PoissonQuantile(30.0, top));
  EXPECT_LE(PoissonQuantile(29.99, 1.0), PoissonQuantile(30.0, 1.0));
  EXPECT_TRUE(std::isfinite(PoissonQuantile(1000, 1.0)));
  EXPECT_GE(PoissonQuantile(1000, 0.0), 0.0);
  EXPECT_GE(PoissonQuantile(30, 0.0), 0.0);
}

TEST(PoissonTest, SampleMomentsMatchTheMean) {
  // Poisson: mean = variance = m. Standard error of the sample mean sqrt(m/n); of the sample
  // variance sqrt((mu4 - sigma^4)/n) = sqrt((2 m^2 + m)/n) (mu4 = 3m^2 + m). Above mean 30 the
  // sampler is the corrected normal quantile, whose variance is m + ~0.14 (1/12 from the
  // rounding, 1/18 from the skewness term): well inside 5 standard errors at this n.
  const int n = 200000;
  uint64_t id = 0;
  for (double mean : {0.5, 5.0, 29.9, 30.0, 45.0, 1000.0, 1e5}) {
    Stream stream(2027, 1, id++);
    std::vector<double> values(n);
    for (double& v : values) v = stream.Poisson(mean);
    const Moments m = SampleMoments(values);
    EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(mean / n)) << "mean " << mean;
    EXPECT_NEAR(m.variance, mean, 5 * std::sqrt((2 * mean * mean + mean) / n)) << "mean " << mean;
    for (double v : values) ASSERT_EQ(v, std::floor(v));
  }
}

TEST(PoissonTest, SmallMeansMatchThePmf) {
  // Empirical frequencies against the exact pmf. Per cell, the frequency is binomial with
  // standard deviation sqrt(p (1 - p) / n): allow 5 of them plus one count (the normal
  // approximation is poor for cells with a handful of expected draws). Then Pearson's
  // chi-square over cells with >= 5 expected draws (the rest pooled): with d degrees of
  // freedom it has mean d and sd sqrt(2d); 6 sd above the mean is far beyond chance.
  const int n = 200000;
  uint64_t id = 100;
  for (double mean : {0.5, 5.0, 17.0}) {
    Stream stream(7, 3, id++);
    const std::vector<double> pmf = PoissonPmf(mean, 120);
    std::vector<int> counts(pmf.size(), 0);
    for (int i = 0; i < n; ++i) {
      const double k = stream.Poisson(mean);
      ASSERT_LT(k, static_cast<double>(pmf.size()));
      counts[static_cast<size_t>(k)] += 1;
    }
    double chi_square = 0;
    int cells = 0;
    double pooled_expected = 0;
    double pooled_observed = 0;
    for (size_t k = 0; k < pmf.size(); ++k) {
      const double frequency = counts[k] / static_cast<double>(n);
      EXPECT_NEAR(frequency, pmf[k], 5 * std::sqrt(pmf[k] * (1 - pmf[k]) / n) + 1.0 / n)
          << "mean " << mean << " k " << k;
      const double expected = n * pmf[k];
      if (expected >= 5) {
        chi_square += (counts[k] - expected) * (counts[k] - expected) / expected;
        ++cells;
      } else {
        pooled_expected += expected;
        pooled_observed += counts[k];
      }
    }
    if (pooled_expected >= 5) {
      chi_square += (pooled_observed - pooled_expected) * (pooled_observed - pooled_expected) /
                    pooled_expected;
      ++cells;
    }
    const double dof = cells - 1;
    EXPECT_LT(chi_square, dof + 6 * std::sqrt(2 * dof)) << "mean " << mean << " cells " << cells;
  }
}

TEST(PoissonTest, DistributionOfTheQuantileMapAboveTheSwitch) {
  // Not a simulation: the counts at N equally spaced uniforms (i + 1/2)/N are the sampler's
  // distribution up to 1/N in each value of the distribution function. Compare with the exact
  // Poisson distribution function (lgamma). The documented accuracy is 4e-4 (the
  // Cornish-Fisher term; a plain continuity-corrected normal is off by 0.012 near the median).
  const int n = 100000;
  for (double mean : {30.0, 31.0, 34.0, 45.0, 100.0, 1000.0}) {
    const int size = static_cast<int>(mean + 12 * std::sqrt(mean) + 20);
    const std::vector<double> cdf = PoissonCdf(mean, size);
    std::vector<double> counts(static_cast<size_t>(size), 0.0);
    double sum = 0;
    double sum_squares = 0;
    for (int i = 0; i < n; ++i) {
      const double k = PoissonQuantile(mean, (i + 0.5) / n);
      ASSERT_LT(k, size);
      counts[static_cast<size_t>(k)] += 1;
      sum += k;
      sum_squares += k * k;
    }
    double running = 0;
    double worst = 0;
    for (int k = 0; k < size; ++k) {
      running += counts[static_cast<size_t>(k)] / n;
      worst = std::max(worst, std::fabs(running - cdf[static_cast<size_t>(k)]));
    }
    EXPECT_LT(worst, 5e-4 + 2.0 / n) << "mean " << mean;
    // Moments of the map: the mean is right to ~0.004 at 30 (the max with the exact quantile
    // at the switch) and closer above; the variance is m + ~0.14 (see SampleMomentsMatchTheMean).
    const double mean_of_map = sum / n;
    const double variance_of_map = sum_squares / n - mean_of_map * mean_of_map;
    EXPECT_NEAR(mean_of_map, mean, 0.01) << "mean " << mean;
    EXPECT_NEAR(variance_of_map, mean + 0.14, 0.03 * std::sqrt(mean)) << "mean " << mean;
  }
}

TEST(PoissonTest, QuantileNondecreasingInTheMean) {
  // A grid of means across the switch at 30 and the old end of the max at 60, and uniforms
  // from the extreme tails to the middle: the count never falls when the mean rises.
  std::vector<double> uniforms = {0x1p-53,       1e-300,      1e-15,        0x1p-40,    1e-9,
                                  1e-6,          1e-3,        1.0 - 1e-3,   1.0 - 1e-6, 1.0 - 1e-9,
                                  1.0 - 0x1p-40, 1.0 - 1e-15, 1.0 - 0x1p-53};
  for (int i = 0; i < 600; ++i) uniforms.push_back((i + 0.5) / 600);
  Stream stream(5, 5, 5);
  for (int i = 0; i < 400; ++i) uniforms.push_back(stream.Uniform());
  for (double u : uniforms) {
    double previous = PoissonQuantile(24.0, u);
    for (double mean = 24.0; mean <= 70.0; mean += 0.05) {
      const double count = PoissonQuantile(mean, u);
      ASSERT_GE(count, previous) << "u " << u << " mean " << mean;
      previous = count;
    }
    // Closely around the switch.
    previous = PoissonQuantile(29.99, u);
    for (double mean = 29.99; mean <= 30.01; mean += 0.0005) {
      const double count = PoissonQuantile(mean, u);
      ASSERT_GE(count, previous) << "u " << u << " mean " << mean;
      previous = count;
    }
    ASSERT_LE(PoissonQuantile(std::nextafter(30.0, 0.0), u), PoissonQuantile(30.0, u)) << u;
  }
}

TEST(PoissonTest, QuantileNondecreasingInTheUniform) {
  std::vector<double> uniforms = {0x1p-53,       1e-300,      1e-15,        0x1p-40,
                                  1.0 - 0x1p-40, 1.0 - 1e-15, 1.0 - 0x1p-53};
  for (int i = 0; i < 20000; ++i) uniforms.push_back((i + 0.5) / 20000);
  std::sort(uniforms.begin(), uniforms.end());
  for (double mean : {0.5, 5.0, 29.9, 30.0, 33.0, 45.0, 1000.0, 1e5}) {
    double previous = 0;
    for (double u : uniforms) {
      const double count = PoissonQuantile(mean, u);
      ASSERT_GE(count, previous) << "mean " << mean << " u " << u;
      previous = count;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Gamma

TEST(GammaTest, SampleMomentsMatchShape) {
  // Gamma(k, 1): mean k, variance k, fourth central moment 3k^2 + 6k, so the sample variance
  // has standard error sqrt((2k^2 + 6k)/n).
  const int n = 200000;
  uint64_t id = 200;
  for (double shape : {0.3, 1.0, 16.0, 100.0}) {
    Stream stream(11, 0, id++);
    std::vector<double> values(n);
    for (double& v : values) {
      v = stream.Gamma(shape);
      ASSERT_GT(v, 0.0);
    }
    const Moments m = SampleMoments(values);
    EXPECT_NEAR(m.mean, shape, 5 * std::sqrt(shape / n)) << "shape " << shape;
    EXPECT_NEAR(m.variance, shape, 5 * std::sqrt((2 * shape * shape + 6 * shape) / n))
        << "shape " << shape;
  }
}

TEST(GammaTest, ShapeOneIsExponential) {
  // Gamma(1) is Exp(1): P(X <= x) = 1 - e^-x. At x = ln 2, ln 4, 0.1: 1/2, 3/4, 1 - e^-0.1.
  const int n = 200000;
  Stream stream(12, 0, 0);
  int below_half = 0;
  int below_quarter = 0;
  int below_tenth = 0;
  for (int i = 0; i < n; ++i) {
    const double v = stream.Gamma(1.0);
    below_half += v <= std::log(2.0);
    below_quarter += v <= std::log(4.0);
    below_tenth += v <= 0.1;
  }
  auto check = [&](int count, double p) {
    EXPECT_NEAR(count / static_cast<double>(n), p, 5 * std::sqrt(p * (1 - p) / n)) << p;
  };
  check(below_half, 0.5);
  check(below_quarter, 0.75);
  check(below_tenth, 1 - std::exp(-0.1));
}

TEST(GammaTest, OverdispersionFactorHasMeanOne) {
  // The engine's factor: Gamma(1/cv^2) * cv^2 has mean 1 and variance cv^2.
  const int n = 200000;
  const double cv = 0.4;
  Stream stream(13, 0, 0);
  std::vector<double> values(n);
  for (double& v : values) v = stream.Gamma(1 / (cv * cv)) * cv * cv;
  const Moments m = SampleMoments(values);
  EXPECT_NEAR(m.mean, 1.0, 5 * cv / std::sqrt(n));
  // Gamma(k, s): variance k s^2 = cv^2; the sample variance's se is s^2 sqrt((2k^2 + 6k)/n).
  const double k = 1 / (cv * cv);
  EXPECT_NEAR(m.variance, cv * cv, 5 * cv * cv * cv * cv * std::sqrt((2 * k * k + 6 * k) / n));
}

}  // namespace
}  // namespace tandem
